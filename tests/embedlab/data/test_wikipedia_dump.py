import json
import os

import pytest

from embedlab.data import wikipedia_dump

pytestmark = pytest.mark.slow  # parses the bundled dump once: about 3 s


def test_the_parsed_file_is_made_once_readable_by_all_and_holds_every_article(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBEDLAB_CACHE", str(tmp_path))
    wikipedia_dump.articles_file.cache_clear()
    try:
        path = wikipedia_dump.articles_file()
        made = path.stat().st_mtime_ns
        wikipedia_dump.articles_file.cache_clear()
        assert wikipedia_dump.articles_file() == path and path.stat().st_mtime_ns == made  # reused, not re-parsed
    finally:
        wikipedia_dump.articles_file.cache_clear()
    assert path.parent.parent == tmp_path and os.stat(path).st_mode & 0o044 == 0o044  # the sandbox's user reads it
    articles = json.loads(path.read_text(encoding="utf-8"))
    assert len(articles) == 107  # the pages of the dump that are not redirects (load_wikipedia drops 1 stub)
    assert articles[0]["title"] == "Anarchism" and "[[" not in articles[0]["text"]
    assert not any(a["text"].lower().startswith("#redirect") for a in articles)
