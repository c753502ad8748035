"""Sphinx extension: drop repeated <script> entries from each page.

sphinx-thebe (pulled in by Jupyter Book 1) registers its inline configuration
script twice, and the second ``const THEBE_JS_URL = ...`` throws
"Identifier 'THEBE_JS_URL' has already been declared" in every browser.
"""

from __future__ import annotations


def _key(script) -> tuple:
    attributes = getattr(script, "attributes", {}) or {}
    filename = getattr(script, "filename", str(script)) or ""  # inline scripts have None or ""
    return (filename, tuple(sorted((k, str(v)) for k, v in attributes.items())))


def dedupe_scripts(app, pagename, templatename, context, doctree) -> None:
    seen, unique = set(), []
    for script in context.get("script_files", []):
        key = _key(script)
        if key not in seen:
            seen.add(key)
            unique.append(script)
    context["script_files"][:] = unique  # in place: later handlers (e.g. MathJax) append to this list


def setup(app):
    # early: a later handler may return a template name, which stops the event (emit_firstresult)
    app.connect("html-page-context", dedupe_scripts, priority=100)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
