"""Benchmark of the renewal forecast: 1,000,000 components × 50 plan years.

Run with ``python benchmarks/bench_renewal.py [n_components] [n_years]``. Prints the median wall time of several
runs after a warm-up run, for

* the deterministic schedule aggregated per category and year (:func:`renewal_totals`),
* the same schedule as per-component events (:func:`renewal_events`, the long table's core),
* the maintenance debt per year (:func:`maintenance_debt_totals`),
* the expected renewal need under Weibull lifetimes (:func:`expected_renewal_totals`) with *distinct* effective
  ages, as a register with dates has them: every component was renewed (or inspected) at its own instant, so the
  fleet does not collapse into a few thousand kinds. Its peak memory (``tracemalloc``) and its agreement with the
  component-by-component recursion (:func:`expected_renewal_density`, on the first 20,000 components) are printed
  too, and — when the benchmark-only extra ``assetlife`` is installed (``pip install hushall[bench]``) — the time
  of assetlife's renewal-equation solver on the same fleet and how far its numbers lie from ours (it discretises
  the renewal equation differently: renewals at the grid points instead of mid-year).

The synthetic stock mimics a real one: component types with the default lifetimes and Weibull shapes, one in ten
lifetimes set by hand (whole years 10–80), renewal years 1950–2024 and a condition grade on 30 % of the
components.
"""

from __future__ import annotations

import importlib.util
import os
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable

import numpy as np

from hushall.model.parameters import component_lifetimes
from hushall.needs.renewal import (
    expected_renewal_density,
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
        # Instants (fractional years) of the last renewal and of the condition inspection: a register with dates.
        "renewed_at": rng.uniform(1950.0, BASE_YEAR + 1.0, n),
        "inspected_at": rng.uniform(BASE_YEAR, BASE_YEAR + 1.0, n),
    }


def distinct_effective_ages(stock: dict[str, np.ndarray]) -> np.ndarray:
    """Effective age at the end of the base year from the dates: ``L − (end of life − (base_year + 1))``."""
    life = stock["lifetime_years"]
    fraction = remaining_life_fractions(stock["condition"])
    end = np.where(np.isfinite(fraction), stock["inspected_at"] + life * np.nan_to_num(fraction),
                   stock["renewed_at"] + life)
    return np.maximum(life - (end - (BASE_YEAR + 1)), 0.0)


def assetlife_totals(stock: dict[str, np.ndarray], age: np.ndarray, n_years: int) -> tuple[np.ndarray, np.ndarray]:
    """The same expected renewal need with assetlife: one delayed renewal process per (lifetime, shape).

    Returns the totals over the components assetlife can compute and the mask of those it cannot: for very old
    components its conditional survival is ``0 / 0`` (NaN), where hushall works with the log of the survival.
    """
    from assetlife.lifetime_models import Weibull
    from assetlife.stochastic_processes import RenewalProcess

    from hushall.needs.renewal import weibull_scale

    kernels = np.stack([stock["lifetime_years"], stock["weibull_shape"]], axis=1)
    unique, kernel_of = np.unique(kernels, axis=0, return_inverse=True)
    total = np.zeros((10, n_years))
    failed = np.zeros(age.size, dtype=bool)
    for k, (life, shape) in enumerate(unique):
        members = np.flatnonzero(kernel_of.ravel() == k)
        rate = 1.0 / float(weibull_scale(life, shape))
        process = RenewalProcess(Weibull(shape=float(shape), rate=rate))
        _, renewals = process.renewal_function(float(n_years), n_years + 1, a0=age[members])
        per_year = np.diff(np.asarray(renewals).reshape(n_years + 1, -1), axis=0).T  # (members, years)
        bad = ~np.isfinite(per_year).all(axis=1)
        failed[members[bad]] = True
        members, per_year = members[~bad], per_year[~bad]
        np.add.at(total, stock["category"][members], per_year * stock["value_kr"][members, None])
    return total, failed


def peak_memory(fn: Callable[[], object]) -> float:
    """Peak of the memory allocated while ``fn`` runs, in GB (NumPy reports its arrays to ``tracemalloc``)."""
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 1e9
    finally:
        tracemalloc.stop()


def timed(fn: Callable[[], object], runs: int) -> tuple[float, float, float]:
    """Median and best wall time, and median CPU time of the process (less sensitive to a shared machine)."""
    fn()  # warm-up
    times, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), min(times), statistics.median(cpu)


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

    distinct_age = distinct_effective_ages(stock)

    def expected() -> np.ndarray:
        return expected_renewal_totals(stock["value_kr"], stock["lifetime_years"], stock["weibull_shape"],
                                       distinct_age, n_years, stock["category"], 10)

    n_events = len(events()[0])
    n_ages = len(np.unique(distinct_age))
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} (1, 5, 15 min); numpy {np.__version__}")
    print(f"Förnyelseprognos: {n:,} komponenter × {n_years} år ({n_events:,} förnyelser; "
          f"{n_ages:,} olika effektiva åldrar för Weibull); median av {runs} körningar efter uppvärmning")
    for label, fn in (
        ("deterministisk, per kategori och år (renewal_totals)", schedule),
        ("deterministisk, per komponent och år (renewal_events)", events),
        ("underhållsskuld per år (maintenance_debt_totals)", debt),
        ("förväntad med Weibull-livslängder (expected_renewal_totals)", expected),
    ):
        median, best, cpu = timed(fn, runs)
        print(f"  {label:<62} median {median * 1e3:8.1f} ms   bästa {best * 1e3:8.1f} ms   CPU {cpu * 1e3:8.1f} ms")
    print(f"  {'  toppminne (tracemalloc)':<62} {peak_memory(expected):.3f} GB")
    m = min(n, 20_000)
    each = expected_renewal_density(stock["lifetime_years"][:m], stock["weibull_shape"][:m], distinct_age[:m],
                                    n_years) * stock["value_kr"][:m, None]
    reference = np.zeros((10, n_years))
    np.add.at(reference, stock["category"][:m], each)
    subset = expected_renewal_totals(stock["value_kr"][:m], stock["lifetime_years"][:m],
                                     stock["weibull_shape"][:m], distinct_age[:m], n_years, stock["category"][:m], 10)
    print(f"  {'  största relativa avvikelse mot rekursion per komponent':<62} "
          f"{np.max(np.abs(subset - reference) / reference):.1e} ({m:,} komponenter)")
    if importlib.util.find_spec("assetlife") is None:
        print("  assetlife är inte installerat (pip install hushall[bench]): ingen jämförelse")
    else:
        import warnings
        from importlib.metadata import version

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # its 0 / 0 for the oldest components
            start = time.perf_counter()
            theirs, failed = assetlife_totals(stock, distinct_age, n_years)
            elapsed = time.perf_counter() - start
            memory = peak_memory(lambda: assetlife_totals(stock, distinct_age, n_years))
        label = f"assetlife {version('assetlife')}, samma bestånd (en körning)"
        print(f"  {label:<62} {elapsed * 1e3:8.1f} ms   toppminne {memory:.3f} GB")
        ok = ~failed
        mine = expected_renewal_totals(stock["value_kr"][ok], stock["lifetime_years"][ok],
                                       stock["weibull_shape"][ok], distinct_age[ok], n_years,
                                       stock["category"][ok], 10)
        difference = np.abs(theirs.sum(axis=0) - mine.sum(axis=0)) / mine.sum(axis=0)
        print(f"  {'  assetlife mot hushall, summa per år: relativ avvikelse':<62} "
              f"max {difference.max():.1e} ({failed.sum():,} komponenter ger NaN i assetlife och är utelämnade)")

    # End to end: every renewal table of a municipality whose components are Exempelkommun's, repeated.
    from hushall.examples import exempelkommun
    from hushall.needs.renewal import renewal_tables

    kommun = exempelkommun()
    parts = kommun.components.iloc[np.resize(np.arange(len(kommun.components)), n)].reset_index(drop=True)
    parts["component_id"] = [f"K{i}" for i in range(n)]
    n_years_kommun = kommun.horizon_years
    big = kommun.replace(components=parts)
    median, best, cpu = timed(lambda: renewal_tables(big), max(3, runs // 2))
    label = f"renewal_tables(data), alla tabeller ({n_years_kommun} år)"
    print(f"  {label:<62} median {median * 1e3:8.1f} ms   bästa {best * 1e3:8.1f} ms   CPU {cpu * 1e3:8.1f} ms")


if __name__ == "__main__":
    args = [int(a) for a in sys.argv[1:3]]
    main(*args)
