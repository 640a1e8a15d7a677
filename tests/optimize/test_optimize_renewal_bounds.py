"""The year-by-year big-M's of the renewal pools (:func:`hushall.optimize.renewal_decisions.renewal_bounds`):
every backlog, renewal and let-go that the pool's balance allows stays within them (random pools and random
decisions, ombyggnader included), and on Exempelkommun they lower the LP bound against the pool's value as the
big-M while the plan the optimiser finds is worth the same (brute force: test_optimize_renewal_decisions)."""

from __future__ import annotations

import numpy as np
import pytest

from hushall.optimize import problem_from_municipality
from hushall.optimize import renewal_decisions as rd
from hushall.optimize.model import create_model
from hushall.optimize.solve import solve_lp_relaxation


def simulate(rng: np.random.Generator, due: np.ndarray, life: int, value: float,
             renew_at: int | None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One random path of the balance ``b_t - b_{t-1} + r_t - r_{t-L} + w_t = D_t`` (an ombyggnad completed in
    ``renew_at`` renews the pool: backlog let go, later dues removed, its value due again a lifetime later)."""
    n_t = due.size
    d = due.copy()
    if renew_at is not None:
        d[renew_at + 1:] = 0.0
        if renew_at + life < n_t:
            d[renew_at + life] += value
    b, r, w = np.zeros(n_t), np.zeros(n_t), np.zeros(n_t)
    for t in range(n_t):
        avail = (b[t - 1] if t else 0.0) + d[t] + (r[t - life] if t >= life else 0.0)
        r[t] = avail * rng.choice([0.0, 1.0, rng.random()])
        if renew_at == t:
            w[t] = avail - r[t]
        b[t] = avail - r[t] - w[t]
    return b, r, w


@pytest.mark.parametrize("seed", range(40))
def test_every_path_of_a_pool_stays_within_its_bounds(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_t, life = int(rng.integers(3, 25)), int(rng.integers(1, 12))
    value = float(rng.uniform(1, 100))
    due = value * rng.dirichlet(np.ones(n_t + 3))[:n_t] * rng.choice([0.5, 1.0, 3.0])
    renews = bool(rng.random() < 0.5)
    bound = rd.renewal_bounds(due[None, :], np.array([life]), np.array([value]), np.array([renews]))[0]
    for _ in range(30):
        renew_at = int(rng.integers(0, n_t)) if renews and rng.random() < 0.7 else None
        b, r, w = simulate(rng, due, life, value, renew_at)
        for part in (b, r, np.cumsum(w)):
            assert np.all(part <= bound + 1e-9)
    # and it is reached: with nothing renewed the backlog within the first lifetime is every due up to t
    if not renews:
        k = min(life, n_t)
        np.testing.assert_allclose(bound[:k], np.cumsum(due)[:k])


def test_year_by_year_big_ms_lower_the_examples_lp_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    from hushall.examples import exempelkommun

    problem = problem_from_municipality(exempelkommun(), renewal_decisions=True)

    def lp_bound() -> float:
        bm = create_model(problem)
        status, _, _, obj = solve_lp_relaxation(bm, bm.lm.arrays(), 60.0)
        assert status == "Optimal"
        return obj

    tight = lp_bound()
    monkeypatch.setattr(rd, "renewal_bounds", lambda due, *a: np.full(np.shape(due), np.inf))
    loose = lp_bound()
    assert tight < loose - 0.1  # 41,18 against 41,58 points (2026-12-03)
