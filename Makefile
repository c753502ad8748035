# The course's commands. `make book` builds the site, `make test` runs every test.
# Both create the virtual environment in .venv/ on first use (pinned install)
# and reuse it afterwards; it is reinstalled when a requirements file changes.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
PYTEST_ARGS ?=
# pytest-xdist workers for `make test` and `make test-fast` (auto: one per CPU; WORKERS=0: one process)
WORKERS ?= auto
# the workers take whole test files in the order tests/conftest.py sets (the book's build first)
XDIST  = -n $(WORKERS) --dist loadgroup --no-loadscope-reorder

.PHONY: setup book colab linkcheck weights test test-colab test-fast assign bench lint clean

setup: $(STAMP)

$(STAMP): requirements.txt requirements-nodeps.txt constraints.txt pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet --no-compile -r requirements.txt
	$(PY) -m pip install --quiet --no-compile --no-deps -r requirements-nodeps.txt
	$(PY) -m pip install --quiet --no-deps -e .
	@# pip byte-compiles one file at a time (about 65 of a fresh install's 95 s); compileall uses every
	@# core. It skips the packages' own test suites; the few files written for a newer Python do not
	@# compile (pip passes over them silently), so its exit status is not the install's. The course's
	@# own packages too: where PYTHONDONTWRITEBYTECODE is set (as on our CI machines) no import writes
	@# bytecode, and every process would compile them again (a stale file is recompiled, never misread).
	$(PY) -m compileall -q -j 0 -x '/tests?/' $$($(PY) -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])') embedlab autograder tools book/_ext >/dev/null 2>&1 || true
	touch $(STAMP)

book: $(STAMP)  ## build the website into _build/html (executes every chapter; warnings are errors)
	$(VENV)/bin/jupyter-book build . -W -n --keep-going

colab: $(STAMP)  ## Colab-ready notebooks into _build/colab, pinned to this commit, and the site's downloads (after `make book`)
	$(PY) -m tools.colab_notebooks

linkcheck: $(STAMP)  ## check every external link of the book (needs the network)
	$(VENV)/bin/jupyter-book build . --builder linkcheck

weights: $(STAMP)  ## page weight of every built page (after `make book`)
	$(PY) -m tools.page_weight

# One OpenMP/BLAS thread per process in `make test`: the workers (one per core) and the chapters
# executing side by side already fill the cores, and spinning OpenMP threads slowed everything.
ONE_THREAD := OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 MKL_NUM_THREADS=1

test: $(STAMP)  ## the whole suite: unit, autograder, the chapters (executed once, in the build) and the site in a browser
	$(PY) -m autograder assign --check
	$(ONE_THREAD) $(PY) -m pytest $(XDIST) --durations=25 $(PYTEST_ARGS)

test-colab: $(STAMP)  ## the Colab-like run: generated chapters and labs in a fresh venv (minutes)
	$(PY) -m pytest -m colab tests/book/test_colab_run.py -s $(PYTEST_ARGS)

test-fast: $(STAMP)  ## unit tests only (seconds)
	$(PY) -m pytest $(XDIST) -m "not slow" $(PYTEST_ARGS)

assign: $(STAMP)  ## regenerate labs/ from solutions/
	$(PY) -m autograder assign

bench: $(STAMP)  ## speed and quality benchmarks against the reference libraries
	for script in benchmarks/bench_*.py; do $(PY) $$script --save || exit 1; done

lint: $(STAMP)
	$(VENV)/bin/ruff check embedlab autograder tests benchmarks tools

clean:
	rm -rf _build
