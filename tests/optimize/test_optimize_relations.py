"""Relations between projects: must-do, fixed start year, depends-on and mutually exclusive alternatives."""

from __future__ import annotations

import numpy as np
import pytest

from hushall.optimize import ModelOptions, OptimizationProblem, optimize
from hushall.optimize.problem import Ceiling, assemble_problem

T = 6


def tiny(*, must: int = -1, fixed: tuple[int, int] = (-1, -1), depends: tuple[int, int] = (-1, -1),
         exclusive: tuple[int, ...] = (), ceiling: float = 60e6, scores: list[float] | None = None
         ) -> OptimizationProblem:
    """Five projects of 20 Mkr each over two years, with the given relations."""
    n = 5
    sc = np.array(scores or [5, 4, 3, 2, 1], dtype=float)
    fixed_arr = np.full(n, -1)
    if fixed[0] >= 0:
        fixed_arr[fixed[0]] = fixed[1]
    dep = np.full(n, -1)
    if depends[0] >= 0:
        dep[depends[0]] = depends[1]
    grp = np.full(n, -1)
    grp[list(exclusive)] = 0
    must_arr = np.zeros(n, dtype=bool)
    if must >= 0:
        must_arr[must] = True
    return assemble_problem(
        years=np.arange(2025, 2025 + T), project_ids=np.array([f"P{i}" for i in range(n)], dtype=object),
        names=np.array([f"P{i}" for i in range(n)], dtype=object), cost_kr=np.full(n, 20e6),
        duration=np.full(n, 2), cash_profile=np.tile([0.5, 0.5], (n, 1)), earliest=np.zeros(n, dtype=int),
        latest=np.full(n, T - 2), fixed=fixed_arr, must_do=must_arr, depends_on=dep, exclusive_group=grp,
        criteria=("nytta",), weights=np.ones(1), scores=sc[:, None], operating_cost_change_kr=np.zeros(n),
        depreciation_years=np.full(n, 30.0), construction_index=np.ones(T), price_index=np.ones(T),
        discount_rate=np.full(T, 0.035), ceilings=[Ceiling("tak", "investeringstak_kr", np.full(T, ceiling))],
        name="tiny")


def solve(problem: OptimizationProblem) -> dict[str, int]:
    r = optimize(problem, time_limit=10, mip_gap=0.0, explain=False, ranking=False,
                 options=ModelOptions(elastic=False))
    assert r.status == "optimal"
    return r.schedule_dict


def test_without_relations_the_best_projects_start_first() -> None:
    s = solve(tiny())
    assert len(s) == 5  # 5 × 20 Mkr over 6 years fits 60 Mkr a year (10 Mkr a year each while building)
    assert s["P0"] == 2025


def test_must_do_is_chosen_even_when_worth_nothing() -> None:
    s = solve(tiny(must=4, scores=[5, 4, 3, 2, 0], ceiling=10e6))
    assert "P4" in s


def test_fixed_start_year_is_kept() -> None:
    s = solve(tiny(fixed=(0, 3)))
    assert s["P0"] == 2028


def test_dependant_starts_after_its_predecessor_is_complete() -> None:
    s = solve(tiny(depends=(0, 4)))  # P0 (best) waits for P4 (worst): both chosen, P0 after P4's two years
    assert s["P0"] >= s["P4"] + 2


def test_dependant_is_left_out_without_its_predecessor() -> None:
    problem = tiny(depends=(0, 4), scores=[5, 4, 3, 2, 1], exclusive=(3, 4))
    s = solve(problem)
    assert ("P0" not in s) or ("P4" in s and s["P0"] >= s["P4"] + 2)


@pytest.mark.parametrize("group", [(0, 1), (1, 2, 3)])
def test_at_most_one_alternative(group: tuple[int, ...]) -> None:
    s = solve(tiny(exclusive=group))
    assert sum(f"P{i}" in s for i in group) == 1
    assert f"P{group[0]}" in s  # the best alternative


def test_window_and_ceiling_are_respected() -> None:
    problem = tiny(ceiling=10e6)
    s = solve(problem)
    per_year = np.zeros(T)
    for start in s.values():
        per_year[start - 2025: start - 2025 + 2] += 10e6
    assert np.all(per_year <= 10e6 + 1)
    assert all(2025 <= y <= 2025 + T - 2 for y in s.values())
