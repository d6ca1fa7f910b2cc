"""A frame applies as many entities as fit in its time, learnt from the last updates."""

from __future__ import annotations

import pytest

from console.viewstate.apply_budget import ApplyBudget


def test_before_any_measurement_the_first_guess_sets_the_limit() -> None:
    assert ApplyBudget(0.008, first_guess_s=100e-6).limit() == 80


def test_the_limit_follows_the_measured_cost() -> None:
    budget = ApplyBudget(0.008, first_guess_s=100e-6)
    for _ in range(40):  # the machine got four times slower: 400 µs an entity
        budget.record(100, 0.040)
    assert budget.cost_s == pytest.approx(400e-6, rel=0.01)
    assert budget.limit() == 20
    for _ in range(40):  # and then fast: 10 µs an entity
        budget.record(100, 0.001)
    assert budget.limit() == pytest.approx(800, abs=10)


def test_a_slow_machine_still_applies_a_minimum_every_frame() -> None:
    budget = ApplyBudget(0.008, min_entities=16)
    for _ in range(40):
        budget.record(10, 1.0)  # 100 ms an entity
    assert budget.limit() == 16


def test_small_updates_and_a_clock_that_did_not_move_teach_nothing_wrong() -> None:
    budget = ApplyBudget(0.008, first_guess_s=100e-6)
    budget.record(3, 5.0)  # a few entities: fixed costs, not measured
    assert budget.limit() == 80
    for _ in range(200):
        budget.record(100, 0.0)
    assert budget.cost_s > 0
    assert budget.limit() < 100_000
