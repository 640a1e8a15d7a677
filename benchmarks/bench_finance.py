"""Benchmark of the financial model (not part of the test run).

Prints:

1. one 30-year forecast of Exempelkommun after import and load (first call, then the median of repeated calls);
2. the vectorised model (:func:`hushall.finance.run`) for S scenarios × 30 years, and building its inputs;
3. the same model looped scenario by scenario and year by year in plain Python (:func:`run_reference`) and the
   speed-up;
4. the unit effects of 5 000 candidate projects × 20 start years × 30 years (time and memory).

Run: ``python benchmarks/bench_finance.py [--scenarios 10000] [--reference-scenarios N]``.
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
import pandas as pd

from hushall.examples import exempelkommun
from hushall.finance import build_inputs, forecast, run, run_reference
from hushall.projects import ProjectCatalog, Schedule, UnitEffects, plan_effects, plan_indices


def timed(fn, repeat: int = 1) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def scenario_overrides(n_s: int, n_t: int, seed: int = 1, construction: bool = False) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)

    def walk(mean: float, sd: float) -> np.ndarray:
        return mean + np.cumsum(rng.normal(0, sd, (n_s, n_t)), axis=1) / np.sqrt(np.arange(1, n_t + 1))

    out = {
        "skatteunderlag_tillväxt": walk(0.038, 0.01),
        "statsbidrag_tillväxt": walk(0.02, 0.005),
        "ränta": np.clip(walk(0.03, 0.005), 0.0, None),
        "löneindex": walk(0.032, 0.005),
        "prisindex": walk(0.02, 0.005),
    }
    if construction:
        out["byggprisindex"] = walk(0.03, 0.01)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scenarios", type=int, default=10_000)
    parser.add_argument("--reference-scenarios", type=int, default=None,
                        help="scenarios for the plain-Python loop (default: all; fewer are scaled linearly)")
    args = parser.parse_args()
    n_s = args.scenarios

    t_load, data = timed(exempelkommun)
    print(f"load Exempelkommun (read + validate CSV): {t_load * 1e3:8.1f} ms")
    cat = ProjectCatalog.from_data(data)
    full = Schedule({pid: int(s) for pid, s in zip(cat.project_ids, cat.earliest_start, strict=True)})
    data = data.replace()  # fresh caches: the first forecast below is cold
    t_first, _ = timed(lambda: forecast(data))
    t_warm, _ = timed(lambda: forecast(data), repeat=20)
    t_full, _ = timed(lambda: forecast(data, full), repeat=20)
    print(f"forecast, 30 years, committed plan: first call {t_first * 1e3:6.1f} ms, "
          f"then median {t_warm * 1e3:6.1f} ms (target ≤ 50 ms)")
    print(f"forecast, 30 years, all 22 projects:            median {t_full * 1e3:6.1f} ms")

    cons, price = plan_indices(data)
    plan = plan_effects(cat, full, data.years, cons, price)
    n_t = data.horizon_years
    for construction in (False, True):
        ov = scenario_overrides(n_s, n_t, construction=construction)
        t_build, inputs = timed(lambda ov=ov: build_inputs(data, plan, ov), repeat=3)
        t_run, st = timed(lambda inputs=inputs: run(inputs), repeat=5)
        label = "rates, growth and prices" + (" + byggprisindex (plan repriced)" if construction else "")
        print(f"vectorised run, {n_s} scenarios × {n_t} years ({label}): run {t_run * 1e3:7.1f} ms "
              f"(target ≤ 1 000 ms); build_inputs {t_build * 1e3:7.1f} ms")

    ov = scenario_overrides(n_s, n_t)
    inputs = build_inputs(data, plan, ov)
    t_run, st = timed(lambda: run(inputs), repeat=5)
    n_ref = n_s if args.reference_scenarios is None else min(n_s, args.reference_scenarios)
    ref_inputs = inputs if n_ref == n_s else build_inputs(data, plan, {k: v[:n_ref] for k, v in ov.items()})
    t_ref, ref = timed(lambda: run_reference(ref_inputs))
    t_ref_all = t_ref * n_s / n_ref
    err = float(np.abs(ref["likvida_medel"] - st["likvida_medel"][:n_ref]).max())
    scaled = "" if n_ref == n_s else f" (measured on {n_ref}, scaled)"
    print(f"plain-Python reference, {n_s} scenarios × {n_t} years: {t_ref_all:7.2f} s{scaled}; "
          f"speed-up of the vectorised run {t_ref_all / t_run:6.0f}× (target ≥ 100×); max |Δ cash| {err:.2e} kr")

    rng = np.random.default_rng(0)
    n_p = 5000
    frame = pd.DataFrame({
        "project_id": [f"P{i}" for i in range(n_p)],
        "project_type": rng.choice(["nybyggnad", "ombyggnad", "reinvestering", "tillbyggnad", "avveckling"], n_p),
        "cost_kr": rng.uniform(1e6, 2e8, n_p), "duration_years": rng.integers(1, 4, n_p),
        "operating_cost_change_kr": rng.normal(0, 1e6, n_p), "places_change": rng.normal(0, 20, n_p),
        "earliest_start": np.full(n_p, data.first_year), "latest_start": np.full(n_p, data.first_year + 19),
    })
    t_cat, big = timed(lambda: ProjectCatalog.from_frame(frame, first_year=data.first_year, last_year=data.last_year))
    unit = UnitEffects(big, data.years, cons, price)
    t_unit, _ = timed(lambda: [unit.array(q) for q in ("investment_kr", "expensed_kr", "depreciation_kr",
                                                       "operating_cost_kr", "places", "sale_proceeds_kr")])
    print(f"unit effects {unit.shape} (projects × starts × years): catalog {t_cat * 1e3:.0f} ms, six quantities "
          f"{t_unit * 1e3:.0f} ms, {unit.nbytes() / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
