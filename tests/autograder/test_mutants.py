"""The hidden cases catch wrong formulas: every mutant of every exercise of every registered lab loses
at least 75% of the exercise's points on every one of 50 seeds.

The mutants (``mutants/labNN.py``: a constant, the input echoed, the wrong axis, off by one, a flipped
sign, ... plus each near miss of the spec) are judged in process, through the same boundary and judge
as grading. A lab or exercise without registered mutants fails here, so a new one cannot skip this.
A values exercise has no cases to reshape: its mutants must lose points.

Run ``pytest tests/autograder/test_mutants.py -m slow -s`` to see the lowest mutation score per lab
(the largest fraction of points that a mutant kept, on any seed).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Iterator
from typing import Any
from unittest import mock

import numpy as np
import pytest

from autograder import evaluate as evaluate_module
from autograder.evaluate import draw_cases
from autograder.labs import LABS
from autograder.spec import PUBLIC_SEED, Case, Exercise

from agtest_helpers import judge_in_process
from mutants import PARTLY_CAUGHT, REGISTRY, mutants_of

SEEDS = tuple(range(50))
QUICK_SEEDS = (PUBLIC_SEED,)  # the cases check() shows
MAX_KEPT = 0.25  # a mutant keeps at most a quarter of the points
EXERCISES = [pytest.param(lab.id, ex.name, id=f"{lab.id}-{ex.name}") for lab in LABS.values() for ex in lab.exercises]


@functools.lru_cache(maxsize=64)
def _drawn(lab_id: str, name: str, seed: int) -> Exercise:
    """The exercise with the cases of ``seed`` drawn once, without its near misses (they choose the message,
    not the score): judging it on ``seed`` scores like the real exercise, only faster for many mutants."""
    exercise = LABS[lab_id].exercise(name)
    cases = draw_cases(exercise, np.random.default_rng(seed))
    return dataclasses.replace(exercise, cases=lambda rng: cases, near_misses=())


@contextlib.contextmanager
def _expected_answers_remembered() -> Iterator[None]:
    """The grader's expected answer to each case worked out once (by ``evaluate``, the first time) and
    reused for every later mutant judged on the same case object: the reference's answer cannot change.
    A fifth of the suite's time otherwise (the answer copied, computed and made plain again per mutant)."""
    compute = evaluate_module._expected
    answers: dict[int, tuple[Case, Any]] = {}  # id -> (the case, kept alive so its id is not reused; answer)

    def expected(exercise: Exercise, case: Case) -> Any:
        if id(case) not in answers:
            answers[id(case)] = (case, compute(exercise, case))
        return answers[id(case)][1]

    with mock.patch.object(evaluate_module, "_expected", expected):
        yield


@functools.cache  # the 50-seed test and the per-lab record share one run
def kept_fractions(lab_id: str, name: str, seeds: tuple[int, ...]) -> dict[str, list[float]]:
    """mutant name -> the fraction of the exercise's points it kept on each seed."""
    exercise = LABS[lab_id].exercise(name)
    if exercise.kind == "values":  # no cases: the values do not depend on the seed
        return {label: [judge_in_process(exercise, mutant).score / exercise.points]
                for label, mutant in mutants_of(lab_id, exercise).items()}
    with _expected_answers_remembered():
        return {label: [judge_in_process(_drawn(lab_id, name, seed), (mutant,), seed).score / exercise.points
                        for seed in seeds]
                for label, mutant in mutants_of(lab_id, exercise).items()}


def _too_good(lab_id: str, name: str, seeds: tuple[int, ...], kept=kept_fractions) -> list[str]:
    """The mutants that kept more than the bar, with the share and the seed."""
    bar = 1.0 - 1e-9 if LABS[lab_id].exercise(name).kind == "values" else MAX_KEPT
    return [f"{label} kept {max(k):.0%} (seed {seeds[int(np.argmax(k))]})"
            for label, k in kept(lab_id, name, seeds).items() if max(k) > bar + 1e-9]


def test_every_lab_and_exercise_has_mutants():
    assert set(REGISTRY) == set(LABS), "register a mutants/labNN.py module for every lab (and only those)"
    for lab in LABS.values():
        names = {ex.name for ex in lab.exercises}
        assert set(REGISTRY[lab.id]) == names, f"{lab.id}: mutants for {sorted(set(REGISTRY[lab.id]) ^ names)}"
        for ex in lab.exercises:
            assert len(REGISTRY[lab.id][ex.name]) >= 3, f"{lab.id} {ex.name}: at least 3 generic mutants"


def test_a_mutant_that_keeps_the_points_is_caught(monkeypatch):
    """Negative control: the reference registered as a mutant, and one right on every case but the last
    kind (a wrong answer only past the cutoff), are reported with the share they kept."""
    exercise = LABS["lab05"].exercise("recall_at_k")
    monkeypatch.setitem(REGISTRY["lab05"], "recall_at_k", {
        "the reference": exercise.reference,
        "wrong only when k > 6": lambda r, rel, k: exercise.reference(r, rel, k) if k <= 6 else 0.0})
    report = _too_good("lab05", "recall_at_k", QUICK_SEEDS, kept=kept_fractions.__wrapped__)
    assert report[0] == f"the reference kept 100% (seed {PUBLIC_SEED})"
    assert report[1].startswith("wrong only when k > 6 kept ")


@pytest.mark.parametrize(("lab_id", "name"), EXERCISES)
def test_every_mutant_loses_three_quarters_of_the_points_on_the_public_seed(lab_id, name):
    assert not _too_good(lab_id, name, QUICK_SEEDS)


@pytest.mark.slow
@pytest.mark.parametrize(("lab_id", "name"), EXERCISES)
def test_every_mutant_loses_three_quarters_of_the_points_on_50_seeds(lab_id, name):
    assert not _too_good(lab_id, name, SEEDS)


@pytest.mark.parametrize(("lab_id", "name", "label"), [
    pytest.param(lab_id, name, label, id=f"{lab_id}-{name}-{label}")
    for lab_id, exercises in PARTLY_CAUGHT.items() for name, mutants in exercises.items() for label in mutants])
def test_a_partly_caught_mutant_still_loses_points_on_every_seed(lab_id, name, label):
    mutant = PARTLY_CAUGHT[lab_id][name][label]
    exercise = LABS[lab_id].exercise(name)
    kept = [judge_in_process(_drawn(lab_id, name, seed), (mutant,), seed).score / exercise.points for seed in SEEDS]
    assert max(kept) < 1.0, f"kept all the points on seed {SEEDS[kept.index(max(kept))]}"


@pytest.mark.slow
@pytest.mark.parametrize("lab_id", sorted(LABS))
def test_lowest_mutation_score_per_lab(lab_id, capsys):
    """The largest share of points any mutant of the lab kept on any of the 50 seeds (printed for the record)."""
    worst = max((max(k), ex.name, label) for ex in LABS[lab_id].exercises if ex.kind == "function"
                for label, k in kept_fractions(lab_id, ex.name, SEEDS).items())
    with capsys.disabled():
        print(f"\n{lab_id}: the best mutant kept {worst[0]:.0%} of the points ({worst[1]}: {worst[2]})")
    assert worst[0] <= MAX_KEPT
