"""The optimiser reproduces the known optima of OR-Library's mknap1 multi-dimensional knapsacks exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from hushall.optimize import ModelOptions, optimize
from hushall.optimize.problem import knapsack_problem

DATA = Path(__file__).parent / "data" / "mknap1.txt"


def read_mknap(path: Path) -> list[tuple[np.ndarray, np.ndarray, np.ndarray, float]]:
    """Parse an OR-Library ``mknap`` file: (profits, weights m × n, capacities, optimum) per instance."""
    tokens = iter(path.read_text().split())
    out = []
    for _ in range(int(next(tokens))):
        n, m, opt = int(next(tokens)), int(next(tokens)), float(next(tokens))
        profits = np.array([float(next(tokens)) for _ in range(n)])
        weights = np.array([[float(next(tokens)) for _ in range(n)] for _ in range(m)])
        capacities = np.array([float(next(tokens)) for _ in range(m)])
        out.append((profits, weights, capacities, opt))
    return out


INSTANCES = read_mknap(DATA)


def test_mknap1_has_seven_instances_with_known_optima() -> None:
    assert [opt for *_, opt in INSTANCES] == [3800.0, 8706.1, 4015.0, 6120.0, 12400.0, 10618.0, 16537.0]


@pytest.mark.parametrize("k", range(len(INSTANCES)))
def test_mknap1_optimum_reproduced(k: int) -> None:
    profits, weights, capacities, optimum = INSTANCES[k]
    problem = knapsack_problem(profits, weights, capacities)
    result = optimize(problem, time_limit=20, mip_gap=0.0, explain=False, ranking=False,
                      options=ModelOptions(elastic=False))
    assert result.status == "optimal"
    x = np.zeros(problem.n_columns)
    chosen = result.schedule["project"].map(lambda s: int(str(s)[4:])).to_numpy()
    x[chosen] = 1.0
    assert float(profits @ x) == pytest.approx(optimum, abs=1e-6)
    assert np.all(weights @ x <= capacities + 1e-9)
    assert result.objective == pytest.approx(optimum, abs=1e-6)
    assert result.gap <= 1e-9
