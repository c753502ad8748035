"""The vectorisation rule (issue 8, class 2a): decided from what the graded function executes,
read grader-side from the notebook's cells, never from the kernel; fair to comprehensions over
a handful of arguments."""

from __future__ import annotations

import pytest

from autograder.loops import CodeIndex

VECTORISED = ("import numpy as np\ndef f(E):\n    unit = E / np.linalg.norm(E, axis=1, keepdims=True)\n"
              "    return unit @ unit.T")


def loop_in(*cells: str, target: str = "f"):
    return CodeIndex.from_cells(list(cells)).loop_in(target)


@pytest.mark.parametrize("cells", [
    [VECTORISED],
    ["def f(a, b, c):\n    a, b, c = (x.astype(float) for x in (a, b, c))\n    return a @ b + c"],
    ["def f(w_in, w_out, ids, grads):\n    for w, g in ((w_in, grads[0]), (w_out, grads[1])):\n"
     "        w[ids] -= g\n    return w_in, w_out"],
    ["def f(E):\n    return sum(E[:, i] for i in range(3))"],
    ["E = [r for r in range(100)]  # a global of the same name as the parameter\n"
     "def f(E):\n    return E @ E.T"],
    ["labels = [w.upper() for w in ['a', 'b']]  # data built once, when the cell ran\n"
     "def f(E):\n    return E @ E.T, labels"],
    ["def f(E):\n    for r in E:\n        pass\n", VECTORISED],   # a later cell replaces the loopy version
    ["%timeit 1 + 1\n" + VECTORISED],
    ['import sys\nif "google.colab" in sys.modules:\n    %pip install -q embedlab\n', VECTORISED],
    ["get_ipython().run_line_magic('matplotlib', 'inline')", VECTORISED],
])
def test_vectorised_code_is_not_a_loop(cells):
    assert loop_in(*cells) is None


@pytest.mark.parametrize(("cells", "where"), [
    (["def f(E):\n    return [r for r in E]"], "`f`"),
    (["def h(E):\n    out = []\n    for r in E:\n        out.append(r)\n    return out\n"
      "def f(E):\n    return h(E)"], "your helper `h`"),
    (["def g(E):\n    return h(E)\ndef h(E):\n    i = 0\n    while i < len(E):\n        i += 1\n"
      "def f(E):\n    return g(E)"], "your helper `h`"),
    (["if True:\n    def f(E):\n        for r in E:\n            pass"], "`f`"),
    (["def f(E):\n    def inner(row):\n        return [x for x in row]\n    return inner(E)"], "`f`"),
    (["exec('def f(E):\\n    return [r for r in E]')"], "`f`"),
    (["import functools\ndef good(E):\n    return E @ E.T\ndef loopy(E):\n    return [r @ E.T for r in E]\n"
      "@functools.wraps(good)\ndef f(E):\n    return loopy(E)"], "your helper `loopy`"),
    (["import numpy as np\nf = np.vectorize(lambda x: x * 2)"], "`f`"),
    (["def f(E):\n    return list(map(lambda r: r @ r, E))"], "`f`"),
    (["class Sim:\n    def __call__(self, E):\n        return [r for r in E]\nf = Sim()"], "your helper `Sim`"),
    (["def f(E):\n    return E\n", "if False:\n    pass\nelse:\n    def f(E):\n        return [r for r in E]"], "`f`"),
])
def test_loops_anywhere_the_function_reaches_are_found(cells, where):
    finding = loop_in(*cells)
    assert finding is not None and not finding.unverifiable
    assert where in finding.message()


@pytest.mark.parametrize("cells", [
    ["code = 'def f(E):\\n    return E'\nexec(code)"],
    ["def f(E):\n    return E\nglobals()['f'] = lambda E: [r for r in E]"],
    ["import inspect\ninspect.getsource = lambda obj: 'def f(E): return E'\ndef f(E):\n    return E\n"
     "setattr(__builtins__, 'x', 1)"],
    ["open('helpers.py', 'w').write('def g(E): return [r for r in E]')\nfrom helpers import g\n"
     "def f(E):\n    return g(E)"],
    ["def g(E):\n    return E\nf = g\nf.__code__ = (lambda E: [r for r in E]).__code__"],
    ["import sys\ndef f(E):\n    return E\nsys.modules['__main__'].f = lambda E: [r for r in E]"],
    ["def f(E):\n    return E\nget_ipython().push({'f': lambda E: [r for r in E]})"],
])
def test_dynamic_definitions_are_unverifiable_and_count_as_loops(cells):
    finding = loop_in(*cells)
    assert finding is not None and finding.unverifiable
    assert "could not be checked for Python loops" in finding.message()


def test_a_hostile_cell_nested_deeply_does_not_crash_the_analysis():
    deep = "x = " + "(" * 5000 + "1" + ")" * 5000
    assert loop_in(deep, VECTORISED) is None


def test_helpers_and_parameters_are_read_from_the_cells():
    index = CodeIndex.from_cells(["def h(x):\n    return x\ndef f(E, k):\n    return h(E)[:k]"])
    assert index.helpers("f") == {"h"} and index.params("f") == ["E", "k"]
