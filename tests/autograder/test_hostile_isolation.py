"""Issue 8, class 2b: the answer key is out of the grading kernel's reach.

Each cheat below is first shown to work where the course packages are importable
(in this process, through the same ``evaluate`` the grader uses), then graded
in the sandbox, where it must score 0. The sandbox's file-system view is checked
in test_sandbox.py; which modules a lab may import is checked here for every lab.
"""

from __future__ import annotations

import inspect
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import numpy as np
import pytest

from autograder.evaluate import evaluate
from autograder.grade import grade_submission
from autograder.kernel_side import handle
from autograder.kernel_view import ViewError, build_view, import_closure
from autograder.labs import LABS, get_lab
from autograder.package_view import build_package_view
from autograder.sandbox import isolation_available

from agtest_helpers import FAST

#: lab 2 made only of embedlab.word2vec calls (the issue's cheat: it scored 12/12)
LAB02_FROM_REFERENCES = """
import numpy as np
from embedlab import word2vec as w2v

def build_vocab(sentences, min_count):
    vocab = w2v.build_vocab(sentences, min_count)
    return vocab.words, vocab.counts

keep_probabilities = w2v.keep_probabilities
noise_distribution = w2v.noise_distribution

def sgns_loss(center, context, negatives):  # a def, so the loop probe sees it run (a bare alias cannot be checked)
    return w2v.sgns_loss(center, context, negatives)

def sgns_gradients(center, context, negatives):
    return w2v.sgns_gradients(center, context, negatives)

def context_pairs(ids, window, sentence_ids):
    return w2v.context_pairs(ids, np.full(len(ids), window), sentence_ids)

def sgd_step(w_in, w_out, centers, contexts, negatives, lr):
    w_in, w_out = np.array(w_in, dtype=np.float64), np.array(w_out, dtype=np.float64)
    loss = w2v.sgd_step(w_in, w_out, centers, contexts, negatives, lr)
    return w_in, w_out, loss
"""

#: lab 1 filled from the specs (the issue's cheat: it scored 11.75/12)
LAB01_FROM_SPECS = """
from autograder.labs import get_lab

_lab = get_lab("lab01")
u, v, M, M_shape = _lab.exercise("arrays").reference()
for _ex in _lab.exercises:
    if _ex.kind == "function":
        globals()[_ex.targets[0]] = _ex.reference
"""


def _notebook(lab_id: str, *cells: str) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook(metadata={"autograder": {"lab": lab_id}})
    nb.cells = [nbformat.v4.new_code_cell(textwrap.dedent(c)) for c in cells]
    return nb


def _score_in_process(lab_id: str, code: str) -> float:
    namespace: dict = {}
    exec(code, namespace)
    lab = get_lab(lab_id)
    ask = lambda request: handle(request, namespace)
    return sum(evaluate(ex, np.random.default_rng([1, i]), ask).score for i, ex in enumerate(lab.exercises))


@pytest.mark.parametrize(("lab_id", "code"), [("lab02", LAB02_FROM_REFERENCES), ("lab01", LAB01_FROM_SPECS)],
                         ids=["lab02-from-word2vec", "lab01-from-specs"])
def test_the_cheats_would_score_full_marks_with_the_key_in_reach(lab_id, code):
    assert _score_in_process(lab_id, code) == get_lab(lab_id).max_score


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.skipif(not isolation_available(), reason="needs root and bubblewrap")
@pytest.mark.parametrize(("lab_id", "code"), [("lab02", LAB02_FROM_REFERENCES), ("lab01", LAB01_FROM_SPECS)],
                         ids=["lab02-from-word2vec", "lab01-from-specs"])
def test_the_cheats_score_zero_in_the_sandbox(lab_id, code, tmp_path):
    path = tmp_path / f"{lab_id}_cheat.ipynb"
    nbformat.write(_notebook(lab_id, code), path)
    report = grade_submission(path, limits=FAST)
    assert report.score == 0
    assert any("ModuleNotFoundError" in e or "ImportError" in e for e in report.errors), report.errors


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.skipif(not isolation_available(), reason="needs root and bubblewrap")
def test_the_view_holds_the_allowed_loader_and_a_silent_check_only(tmp_path):
    probe = """
    import importlib, os
    from autograder import check
    print(check("build_vocab", print) is None)
    from embedlab.data import wikipedia_sentences
    for name in ("autograder.labs", "autograder.spec", "embedlab.word2vec", "embedlab.similarity",
                 "embedlab.embeddings", "embedlab.data.minilm"):
        try:
            importlib.import_module(name)
            print("imported", name)
        except ImportError:
            pass
    print(sorted(os.listdir(os.path.dirname(importlib.import_module("embedlab.data").__file__))))
    """
    from autograder.kernel_view import Allowed
    from autograder.runner import KernelRunner

    with KernelRunner(FAST, Allowed.of(get_lab("lab02"))) as runner:
        result = runner.run(textwrap.dedent(probe))
    assert result.status == "ok", result.error
    assert result.stdout().splitlines() == ["True", "['__init__.py', 'wikipedia.py']"]  # not even its parser


def _embedlab_modules_used(fn, lab_module: str, seen: set | None = None) -> set[str]:
    """The ``embedlab`` modules whose functions ``fn`` calls, following helpers of the lab module."""
    seen = set() if seen is None else seen
    if id(fn) in seen or not callable(fn):
        return set()
    seen.add(id(fn))
    try:
        names = inspect.getclosurevars(fn)
    except TypeError:  # a builtin or a class
        return set()
    own = getattr(fn, "__module__", "") or ""
    found: set[str] = {own} if own.startswith("embedlab") else set()
    for value in [*names.globals.values(), *names.nonlocals.values()]:
        module = value.__name__ if inspect.ismodule(value) else getattr(value, "__module__", "") or ""
        if module.startswith("embedlab"):
            found.add(module)
        elif module == lab_module and inspect.isfunction(value):
            found |= _embedlab_modules_used(value, lab_module, seen)
    return found


@pytest.mark.parametrize("lab_id", sorted(LABS))
def test_every_lab_allows_a_closed_set_of_modules_without_its_references(lab_id):
    lab = get_lab(lab_id)
    view = build_view(lab.allowed_modules)  # raises ViewError when an allowed module imports another one
    in_view = {p.relative_to(view / "python").with_suffix("").as_posix().replace("/", ".").removesuffix(".__init__")
               for p in (view / "python").rglob("*.py")}
    for exercise in lab.exercises:
        used = _embedlab_modules_used(exercise.reference, exercise.reference.__module__)
        assert not used & in_view, f"{exercise.name}: its reference uses {used & in_view}, which the kernel can import"
    assert (view / "python" / "autograder" / "__init__.py").read_text().count("def check") == 1


@pytest.mark.parametrize("lab_id", sorted(LABS))
def test_every_allowed_module_imports_in_its_view(lab_id):
    """The reduced ``__init__`` files re-export only what their reduced subpackages still provide."""
    allowed = get_lab(lab_id).allowed_modules
    view = build_view(allowed) / "python"
    code = f"import sys; sys.path.insert(0, {str(view)!r}); import embedlab, autograder\n"
    code += "".join(f"import {m}\n" for m in allowed)
    result = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]


def test_a_modules_data_file_goes_into_the_view_with_it():
    """word_lists.py reads word_lists.json beside it (checking its SHA-256); wikipedia_queries likewise."""
    allowed = ("embedlab.data.word_lists", "embedlab.data.wikipedia_queries", "embedlab.data._packages")
    view = build_view(allowed) / "python"
    code = (f"import sys; sys.path.insert(0, {str(view)!r})\n"
            "from embedlab.data.word_lists import load_weat_tests\n"
            "from embedlab.data.wikipedia_queries import load_wikipedia_queries\n"
            "import embedlab; assert embedlab.__file__.startswith(sys.path[0]), embedlab.__file__\n"
            "print(len(load_weat_tests()), len(load_wikipedia_queries()))\n")
    result = subprocess.run([sys.executable, "-I", "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    weat, queries = map(int, result.stdout.split())
    assert weat > 0 and queries == 64
    assert sorted(p.name for p in view.rglob("*.json")) == ["wikipedia_queries.json", "word_lists.json"]
    lab3_view = build_view(get_lab("lab03").allowed_modules) / "python"
    assert not list(lab3_view.rglob("*.json"))  # a lab whose modules read no data file gets none


def test_a_reexport_from_a_dropped_module_is_dropped_too():
    """embedlab/__init__ imports WordPairResult from embedlab.evaluation, which re-exports it from
    word_pairs: without word_pairs in the view, the name must go from both ``__init__`` files."""
    view = build_view(("embedlab.data.glove", "embedlab.data.glove_files", "embedlab.data._packages",
                       "embedlab.embeddings", "embedlab.similarity", "embedlab.evaluation.analogies",
                       "embedlab.evaluation.scoring"))
    init = (view / "python" / "embedlab" / "__init__.py").read_text()
    assert "WordPairResult" not in init and "evaluate_analogies" in init


def test_a_loader_that_drags_in_a_reference_is_refused():
    closure = import_closure(("embedlab.data",))
    assert "embedlab.embeddings" in closure and "embedlab.similarity" in closure  # what the full loader pulls in
    with pytest.raises(ViewError, match=r"embedlab\.data\.minilm imports embedlab\.embeddings"):
        build_view(("embedlab.data.minilm", "embedlab.data._packages"))
    with pytest.raises(ViewError, match="does not exist"):
        build_view(("embedlab.nothing_here",))


def test_the_lab_text_says_what_may_be_imported():
    root = Path(__file__).resolve().parents[2]
    for lab in LABS.values():
        first = nbformat.read(root / "solutions" / lab.notebook, as_version=4).cells[0].source
        assert "**What you may use.**" in first, f"{lab.notebook}: the first cell must say what may be imported"


# -- issue 18, item 3: the allowed packages, enforced ------------------------------------------------------

#: libraries that computed lab answers inside the sandbox (issue 18): gensim's most_similar (lab 3),
#: scikit-learn's PCA and torch's autograd (lab 4), ir_measures (lab 5)
ANSWER_LIBRARIES = ("gensim", "sklearn", "scipy", "torch", "pandas", "ir_measures")
NUMPY_ONLY_LABS = tuple(sorted(LABS))  # lab 2 too: its loader reads articles gensim parsed on the host


@pytest.mark.parametrize("lab_id", NUMPY_ONLY_LABS)
def test_the_package_view_holds_no_library_the_lab_does_not_allow(lab_id):
    lab = get_lab(lab_id)
    view = build_package_view(lab.id, lab.allowed_packages, lab.allowed_modules)
    names = {name.split("/")[0].removesuffix(".py") for name in view.entries}
    assert not names & set(ANSWER_LIBRARIES) - {"gensim"}
    assert {"numpy", "matplotlib", "ipykernel", "PIL", "zmq"} <= names  # allowed, needed by them, the kernel's
    if "gensim" in names:  # a data stand-in: its own three modules and gensim's test data, no code of gensim
        stand_in = view.entries["gensim"]
        assert sorted(p.relative_to(stand_in).as_posix() for p in stand_in.rglob("*.py")) == [
            "__init__.py", "test/__init__.py", "test/utils.py"]
        assert view.entries["gensim/test/test_data"].name == "test_data"


def test_no_entry_of_a_view_also_belongs_to_a_package_outside_it():
    """A folder shared by two distributions (a namespace package) would show the other one's files.
    (A stand-in has the package's name but is the grader's own folder.)"""
    from autograder.package_view import _installed, _top_level

    for lab in LABS.values():
        view = build_package_view(lab.id, lab.allowed_packages, lab.allowed_modules)
        for name, dist in _installed().items():
            if name not in view.distributions:
                assert not set(_top_level(dist).values()) & set(view.entries.values()), (lab.id, name)


def test_requirements_are_followed_and_extras_are_not():
    numpy_only = build_package_view("lab", ("numpy",)).distributions
    with_matplotlib = build_package_view("lab", ("numpy", "matplotlib")).distributions
    assert "pillow" not in numpy_only and {"pillow", "pyparsing", "kiwisolver"} <= set(with_matplotlib)
    assert "ipykernel" in numpy_only and "pyzmq" in numpy_only  # the kernel's own
    assert "torch" not in build_package_view("lab01", get_lab("lab01").allowed_packages).distributions
    assert build_package_view("lab", ("numpy", "no_such_package_here")).distributions == numpy_only


_IMPORTS = """
import importlib, os, sys
for name in {names!r}:
    try:
        importlib.import_module(name)
        print(name, "imported")
    except ImportError as err:
        print(name, type(err).__name__, err)
"""


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.skipif(not isolation_available(), reason="needs root and bubblewrap")
@pytest.mark.parametrize("lab_id", NUMPY_ONLY_LABS)
def test_forbidden_libraries_fail_to_import_with_what_the_lab_allows(lab_id):
    import scipy  # where the grader's own copy lives: the kernel must not read it by path either

    from autograder.kernel_view import Allowed
    from autograder.runner import KernelRunner

    lab = get_lab(lab_id)
    hidden = [Path(scipy.__file__).parent, Path(sys.base_prefix) / "lib" / f"python{sys.version_info[0]}."
              f"{sys.version_info[1]}" / "site-packages" / "scipy", Path("/usr/lib/python3/dist-packages/yaml")]
    names = [*ANSWER_LIBRARIES, "gensim.models", *lab.allowed_packages, "matplotlib.pyplot"]
    removed = ("sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != '_Refuse']\n"
               "import importlib.util\nprint([importlib.util.find_spec(n) for n in ('sklearn', 'scipy', 'torch')])\n"
               f"print([os.path.exists(p) for p in {[str(p) for p in hidden]!r}])")
    with KernelRunner(FAST, Allowed.of(lab)) as runner:
        result = runner.run(textwrap.dedent(_IMPORTS.format(names=names)) + removed)
    assert result.status == "ok", result.error
    lines = result.stdout().splitlines()
    outcome = {line.split()[0]: line.split(maxsplit=1)[1] for line in lines[:-2]}
    allows = f"{lab_id} allows the standard library, {', '.join(lab.allowed_packages)}"
    for name in (*ANSWER_LIBRARIES, "gensim.models"):
        if name == "gensim" and outcome[name] == "imported":  # the test-data stand-in of labs 1, 3 and 4
            continue
        assert outcome[name].startswith(f"ModuleNotFoundError {allows}; "), (name, outcome[name])
        assert f"{name.split('.')[0]!r} is not available while grading" in outcome[name]
    assert all(outcome[name] == "imported" for name in (*lab.allowed_packages, "matplotlib.pyplot")), outcome
    assert lines[-2:] == ["[None, None, None]", "[False, False, False]"]  # without the finder: simply absent


# -- lab 2's loader without gensim: the articles come parsed from the host ----------------------------------

def test_lab2_reads_parsed_articles_instead_of_gensim():
    lab = get_lab("lab02")
    assert [item.variable for item in lab.kernel_data] == ["EMBEDLAB_WIKIPEDIA_ARTICLES"]
    names = {name.split("/")[0] for name in build_package_view(lab.id, lab.allowed_packages,
                                                               lab.allowed_modules).entries}
    assert "gensim" not in names and "scipy" not in names


@pytest.mark.slow
@pytest.mark.notebooks
@pytest.mark.skipif(not isolation_available(), reason="needs root and bubblewrap")
def test_lab2_kernel_loads_the_slice_from_a_read_only_file():
    from autograder.kernel_view import Allowed
    from autograder.runner import KernelRunner
    from embedlab.data import wikipedia_sentences

    code = ("import os\nfrom embedlab.data import wikipedia_sentences\n"
            "path = os.environ['EMBEDLAB_WIKIPEDIA_ARTICLES']\n"
            "print(sum(map(len, wikipedia_sentences())), path)\n"
            "try:\n    open(path, 'a')\nexcept OSError:\n    print('unwritable')\n"
            "try:\n    import gensim.corpora\nexcept ImportError:\n    print('refused')\n")
    with KernelRunner(FAST, Allowed.of(get_lab("lab02"))) as runner:
        result = runner.run(code)
    assert result.status == "ok", result.error
    count, path, refused, gensim = result.stdout().split()
    assert int(count) == sum(map(len, wikipedia_sentences())) and path.startswith("/opt/data/")
    assert refused == "unwritable" and gensim == "refused"
