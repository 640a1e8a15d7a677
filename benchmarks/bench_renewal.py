"""Benchmark of the renewal forecast: 1,000,000 components × 50 plan years.

Run with ``python benchmarks/bench_renewal.py [n_components] [n_years]``. Prints the median wall time of several
runs after a warm-up run, for

* the deterministic schedule aggregated per category and year (:func:`renewal_totals`),
* the same schedule as per-component events (:func:`renewal_events`, the long table's core),
* the maintenance debt per year (:func:`maintenance_debt_totals`),
* the expected renewal need under Weibull lifetimes (:func:`expected_renewal_totals`).

The synthetic stock mimics a real one: component types with the default lifetimes and Weibull shapes, one in ten
lifetimes set by hand (whole years 10–80), renewal years 1950–2024 and a condition grade on 30 % of the
components.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

from hushall.model.parameters import component_lifetimes
from hushall.needs.renewal import (
    end_of_life,
    expected_renewal_totals,
    first_due_year,
    maintenance_debt_totals,
    remaining_life_fractions,
    renewal_events,
    renewal_totals,
)

BASE_YEAR = 2024


def synthetic_stock(n: int, seed: int = 1) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    types = component_lifetimes()
    kind = rng.integers(0, len(types), n)
    lifetime = np.array([v["lifetime_years"] for v in types.values()], dtype=float)[kind]
    shape = np.array([v["weibull_shape"] for v in types.values()], dtype=float)[kind]
    custom = rng.random(n) < 0.1
    lifetime[custom] = rng.integers(10, 81, custom.sum())
    condition = np.where(rng.random(n) < 0.3, rng.integers(1, 6, n), np.nan)
    return {
        "value_kr": rng.lognormal(13.0, 1.5, n),
        "lifetime_years": lifetime,
        "weibull_shape": shape,
        "last_renewed_year": rng.integers(1950, BASE_YEAR + 1, n),
        "condition": condition,
        "category": rng.integers(0, 10, n),
    }


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    fn()  # warm-up
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), min(times)


def main(n: int = 1_000_000, n_years: int = 50, runs: int = 7) -> None:
    stock = synthetic_stock(n)
    years = np.arange(BASE_YEAR + 1, BASE_YEAR + n_years + 1)

    def schedule() -> np.ndarray:
        fraction = remaining_life_fractions(stock["condition"])
        due = first_due_year(stock["last_renewed_year"], stock["lifetime_years"], BASE_YEAR, fraction)
        return renewal_totals(stock["value_kr"], stock["lifetime_years"], due, years, stock["category"], 10)

    def events() -> tuple[np.ndarray, ...]:
        fraction = remaining_life_fractions(stock["condition"])
        due = first_due_year(stock["last_renewed_year"], stock["lifetime_years"], BASE_YEAR, fraction)
        return renewal_events(stock["value_kr"], stock["lifetime_years"], due, years)

    def debt() -> np.ndarray:
        fraction = remaining_life_fractions(stock["condition"])
        due = first_due_year(stock["last_renewed_year"], stock["lifetime_years"], BASE_YEAR, fraction)
        return maintenance_debt_totals(stock["value_kr"], due, np.concatenate([[BASE_YEAR], years]),
                                       stock["category"], 10)

    def expected() -> np.ndarray:
        fraction = remaining_life_fractions(stock["condition"])
        eol = end_of_life(stock["last_renewed_year"], stock["lifetime_years"], BASE_YEAR, fraction)
        age = np.maximum(stock["lifetime_years"] + BASE_YEAR + 1 - eol, 0.0)
        return expected_renewal_totals(stock["value_kr"], stock["lifetime_years"], stock["weibull_shape"], age,
                                       n_years, stock["category"], 10)

    fraction = remaining_life_fractions(stock["condition"])
    eol = end_of_life(stock["last_renewed_year"], stock["lifetime_years"], BASE_YEAR, fraction)
    age = stock["lifetime_years"] + BASE_YEAR + 1 - eol
    kinds = len(np.unique(np.stack([stock["lifetime_years"], stock["weibull_shape"], age]), axis=1).T)
    n_events = len(events()[0])
    print(f"Förnyelseprognos: {n:,} komponenter × {n_years} år ({n_events:,} förnyelser; "
          f"{kinds:,} unika (livslängd, form, ålder) för Weibull); median av {runs} körningar efter uppvärmning")
    for label, fn in (
        ("deterministisk, per kategori och år (renewal_totals)", schedule),
        ("deterministisk, per komponent och år (renewal_events)", events),
        ("underhållsskuld per år (maintenance_debt_totals)", debt),
        ("förväntad med Weibull-livslängder (expected_renewal_totals)", expected),
    ):
        median, best = timed(fn, runs)
        print(f"  {label:<62} median {median * 1e3:8.1f} ms   bästa {best * 1e3:8.1f} ms")

    # End to end: every renewal table of a municipality whose components are Exempelkommun's, repeated.
    from hushall.examples import exempelkommun
    from hushall.needs.renewal import renewal_tables

    kommun = exempelkommun()
    parts = kommun.components.iloc[np.resize(np.arange(len(kommun.components)), n)].reset_index(drop=True)
    parts["component_id"] = [f"K{i}" for i in range(n)]
    n_years_kommun = kommun.horizon_years
    big = kommun.replace(components=parts)
    median, best = timed(lambda: renewal_tables(big), max(3, runs // 2))
    label = f"renewal_tables(data), alla tabeller ({n_years_kommun} år)"
    print(f"  {label:<62} median {median * 1e3:8.1f} ms   bästa {best * 1e3:8.1f} ms")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
