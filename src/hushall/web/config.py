"""Settings of the web application.

The embedded default is a SQLite file in the user's data directory (``platformdirs``); PostgreSQL works by URL
(``postgresql://user:pass@host/db``, driven by psycopg 3).
"""

from __future__ import annotations

import ipaddress
import math
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from hushall.errors import ConfigError

#: The plan study's defaults (draws of a plan's risk, the safer plan's level): defined once, there.
from hushall.study.request import DEFAULT_DRAWS as DEFAULT_MC_DRAWS
from hushall.study.request import DEFAULT_ROBUST_LEVEL

#: Environment variable that overrides the database URL (the CLI's ``--database-url`` wins over it).
DATABASE_URL_ENV = "HUSHALL_DATABASE_URL"
#: Environment variables of the optimiser's limits (the web process passes them on to its workers).
TIME_LIMIT_ENV = "HUSHALL_OPTIMISE_TIME_LIMIT"
MIP_GAP_ENV = "HUSHALL_OPTIMISE_MIP_GAP"
EXPLAIN_SECONDS_ENV = "HUSHALL_OPTIMISE_EXPLAIN_SECONDS"
#: Environment variable of the number of Monte Carlo draws behind a plan's risk (0 = no risk analysis).
MC_DRAWS_ENV = "HUSHALL_WEB_MC_DRAWS"
#: Environment variable of the probability a safer (robust) plan must reach (0 = no robust plan).
ROBUST_LEVEL_ENV = "HUSHALL_WEB_ROBUST_LEVEL"
#: Environment variables of the upload limits (the web process passes them on to its workers).
UNPACKED_ENV = "HUSHALL_WEB_MAX_UNPACKED_BYTES"
ROWS_ENV = "HUSHALL_WEB_MAX_ROWS_PER_SHEET"
#: Environment variable of the number of worker processes that run plan jobs at once (default 2: two cores).
JOB_WORKERS_ENV = "HUSHALL_WEB_JOB_WORKERS"
DEFAULT_JOB_WORKERS = 2
#: Environment variable of the proxies whose ``X-Forwarded-Proto``/``X-Forwarded-For`` are believed
#: (comma-separated addresses; default the loopback addresses, where a local reverse proxy runs).
TRUSTED_PROXIES_ENV = "HUSHALL_WEB_TRUSTED_PROXIES"
DEFAULT_TRUSTED_PROXIES = ("127.0.0.1", "::1")


def _env_value(env: Mapping[str, str] | None, name: str, default: Any, parse: Callable[[str], Any],
               valid: Callable[[Any], bool], allowed: str) -> Any:
    """``env[name]`` parsed, or ``default`` when it is unset or empty.

    Raises
    ------
    ConfigError
        When the value cannot be read or is outside what is ``allowed`` (the message names the variable, its
        value and what is allowed): a mistyped setting stops the start instead of being replaced silently.
    """
    env = os.environ if env is None else env
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = parse(raw)
    except ValueError:
        value = None
    if value is None or not valid(value):
        raise ConfigError(f"Miljövariabeln {name} har värdet {raw!r}, som inte går att använda: ange {allowed}.")
    return value


def int_from_env(name: str, default: int, minimum: int = 0, env: Mapping[str, str] | None = None) -> int:
    """An integer setting ``name`` (at least ``minimum``), ``default`` when unset.

    Examples
    --------
    >>> int_from_env(ROWS_ENV, 100, env={}), int_from_env(ROWS_ENV, 100, env={ROWS_ENV: "5000"})
    (100, 5000)
    >>> int_from_env(ROWS_ENV, 100, env={ROWS_ENV: "many"})
    Traceback (most recent call last):
    ...
    hushall.errors.ConfigError: Miljövariabeln HUSHALL_WEB_MAX_ROWS_PER_SHEET har värdet 'many', som inte går att använda: ange ett heltal, minst 0.
    """
    return int(_env_value(env, name, default, int, lambda v: v >= minimum, f"ett heltal, minst {minimum}"))


def job_workers_from_env(env: Mapping[str, str] | None = None) -> int:
    """Plan jobs that may run at once: ``HUSHALL_WEB_JOB_WORKERS`` or 2 (1–16).

    Examples
    --------
    >>> job_workers_from_env({}), job_workers_from_env({JOB_WORKERS_ENV: "3"})
    (2, 3)
    >>> job_workers_from_env({JOB_WORKERS_ENV: "0"})
    Traceback (most recent call last):
    ...
    hushall.errors.ConfigError: Miljövariabeln HUSHALL_WEB_JOB_WORKERS har värdet '0', som inte går att använda: ange ett heltal 1–16.
    """
    return int(_env_value(env, JOB_WORKERS_ENV, DEFAULT_JOB_WORKERS, int, lambda v: 1 <= v <= 16,
                          "ett heltal 1–16"))


def trusted_proxies_from_env(env: Mapping[str, str] | None = None) -> tuple[str, ...]:
    """
    Examples
    --------
    >>> trusted_proxies_from_env({}), trusted_proxies_from_env({TRUSTED_PROXIES_ENV: "10.0.0.5, 10.0.0.6"})
    (('127.0.0.1', '::1'), ('10.0.0.5', '10.0.0.6'))
    >>> trusted_proxies_from_env({TRUSTED_PROXIES_ENV: "10.0.0.5, proxy.local"})
    Traceback (most recent call last):
    ...
    hushall.errors.ConfigError: Miljövariabeln HUSHALL_WEB_TRUSTED_PROXIES har värdet '10.0.0.5, proxy.local', som inte går att använda: ange IP-adresser åtskilda med komma ('proxy.local' är ingen IP-adress).
    """
    raw = (os.environ if env is None else env).get(TRUSTED_PROXIES_ENV)
    if raw is None:
        return DEFAULT_TRUSTED_PROXIES
    addresses = tuple(a.strip() for a in raw.split(",") if a.strip())
    for a in addresses:
        try:
            ipaddress.ip_address(a)
        except ValueError:
            raise ConfigError(f"Miljövariabeln {TRUSTED_PROXIES_ENV} har värdet {raw!r}, som inte går att använda: "
                              f"ange IP-adresser åtskilda med komma ({a!r} är ingen IP-adress).") from None
    return addresses


def robust_level_from_env(env: Mapping[str, str] | None = None) -> float:
    """The probability a plan's safer alternative must reach: ``HUSHALL_WEB_ROBUST_LEVEL`` or 0,9; 0 = none.

    Examples
    --------
    >>> robust_level_from_env({}), robust_level_from_env({ROBUST_LEVEL_ENV: "0"})
    (0.9, 0.0)
    >>> robust_level_from_env({ROBUST_LEVEL_ENV: "1.5"})
    Traceback (most recent call last):
    ...
    hushall.errors.ConfigError: Miljövariabeln HUSHALL_WEB_ROBUST_LEVEL har värdet '1.5', som inte går att använda: ange 0 (ingen säkrare plan) eller en sannolikhet från 0.5 till under 1, t.ex. 0.9.
    """
    return float(_env_value(env, ROBUST_LEVEL_ENV, DEFAULT_ROBUST_LEVEL, float,
                            lambda v: v == 0.0 or 0.5 <= v < 1.0,
                            "0 (ingen säkrare plan) eller en sannolikhet från 0.5 till under 1, t.ex. 0.9"))


def mc_draws_from_env(env: Mapping[str, str] | None = None) -> int:
    """The Monte Carlo draws of a plan's risk analysis: ``HUSHALL_WEB_MC_DRAWS`` or 2 000; 0 switches it off.

    Examples
    --------
    >>> mc_draws_from_env({}), mc_draws_from_env({MC_DRAWS_ENV: "0"}), mc_draws_from_env({MC_DRAWS_ENV: "5e3"})
    (2000, 0, 5000)
    >>> mc_draws_from_env({MC_DRAWS_ENV: "x"})
    Traceback (most recent call last):
    ...
    hushall.errors.ConfigError: Miljövariabeln HUSHALL_WEB_MC_DRAWS har värdet 'x', som inte går att använda: ange ett heltal, minst 0 (0 = ingen riskanalys).
    """
    return int(_env_value(env, MC_DRAWS_ENV, DEFAULT_MC_DRAWS, _whole_number, lambda v: v >= 0,
                          "ett heltal, minst 0 (0 = ingen riskanalys)"))


def _whole_number(text: str) -> int:
    """``"2000"``, ``"2e3"`` or ``"2000.0"`` as 2000; a fraction is not a whole number."""
    x = float(text)
    if not x.is_integer():
        raise ValueError(text)
    return int(x)


def data_dir() -> Path:
    """The user's data directory for Hushåll (created on demand)."""
    from platformdirs import user_data_dir

    path = Path(os.environ.get("HUSHALL_DATA_DIR") or user_data_dir("hushall", appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_url() -> str:
    """``HUSHALL_DATABASE_URL`` or the embedded SQLite file ``<data dir>/hushall.sqlite``."""
    env = os.environ.get(DATABASE_URL_ENV)
    if env:
        return normalise_database_url(env)
    return sqlite_url(data_dir() / "hushall.sqlite")


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path.resolve()}"


def normalise_database_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (SQLAlchemy's default driver would be psycopg2).

    Examples
    --------
    >>> normalise_database_url("postgresql://u@localhost/h")
    'postgresql+psycopg://u@localhost/h'
    >>> normalise_database_url("postgres://u@localhost/h")
    'postgresql+psycopg://u@localhost/h'
    >>> normalise_database_url("sqlite:///x.sqlite")
    'sqlite:///x.sqlite'
    """
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


@dataclass(frozen=True)
class SolverLimits:
    """How long a plan variant's optimisation may take: the solve stops after ``time_limit_s`` seconds or at a
    relative gap of ``mip_gap``; the explanations (re-solves with a target loosened or a project forced in) get
    at most ``explain_s`` seconds more.

    Examples
    --------
    >>> SolverLimits.from_env({TIME_LIMIT_ENV: "5", MIP_GAP_ENV: "0.01"})
    SolverLimits(time_limit_s=5.0, mip_gap=0.01, explain_s=15.0)
    >>> SolverLimits(5, 0.01, 2).to_env()[EXPLAIN_SECONDS_ENV]
    '2'
    """

    time_limit_s: float = 60.0
    mip_gap: float = 0.005
    explain_s: float = 15.0

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SolverLimits:
        """The limits from ``HUSHALL_OPTIMISE_*`` (each a number ≥ 0; unset = the default).

        Raises
        ------
        ConfigError
            When one of them is not a number ≥ 0.
        """

        def get(name: str, default: float) -> float:
            return float(_env_value(env, name, default, float, lambda v: v >= 0 and math.isfinite(v),
                                    "ett tal, minst 0"))

        return cls(get(TIME_LIMIT_ENV, cls.time_limit_s), get(MIP_GAP_ENV, cls.mip_gap),
                   get(EXPLAIN_SECONDS_ENV, cls.explain_s))

    def to_env(self) -> dict[str, str]:
        return {TIME_LIMIT_ENV: f"{self.time_limit_s:g}", MIP_GAP_ENV: f"{self.mip_gap:g}",
                EXPLAIN_SECONDS_ENV: f"{self.explain_s:g}"}


@dataclass
class WebSettings:
    """Everything the application needs to know at start.

    ``run_jobs`` starts the job dispatcher (worker processes for the optimiser); tests that only look at pages
    switch it off. ``solver`` bounds each optimisation (defaults from ``HUSHALL_OPTIMISE_TIME_LIMIT``,
    ``HUSHALL_OPTIMISE_MIP_GAP`` and ``HUSHALL_OPTIMISE_EXPLAIN_SECONDS``: 60 s, 0.5 %, 15 s); ``mc_draws`` is the
    number of possible futures each plan is simulated in for its risk (``HUSHALL_WEB_MC_DRAWS``, default 2 000;
    0 = no risk analysis); ``robust_level`` the probability the plan's safer alternative must reach in the first
    ten years (``HUSHALL_WEB_ROBUST_LEVEL``, default 0,9; 0 = none).

    Limits on uploads: ``max_upload_bytes`` for the request (the packed file), ``max_unpacked_bytes`` for what a
    workbook's members unpack to (read from the zip directory before anything is unpacked) and
    ``max_rows_per_sheet``. Uploads are read and validated in a worker process, never in the request.

    ``job_workers`` plan jobs run at once, each in its own process (``HUSHALL_WEB_JOB_WORKERS``, default 2 for a
    two-core server) at a lower CPU priority (``worker_nice``) so pages stay quick while they run; one upload
    may run beside them.

    The session cookie is ``Secure`` when the request came over HTTPS — directly, or through a proxy in
    ``trusted_proxies`` that says so with ``X-Forwarded-Proto: https`` — and always with ``secure_cookies``.
    Plain http (``hushall serve`` on 127.0.0.1) works without configuration.
    """

    database_url: str = field(default_factory=default_database_url)
    max_upload_bytes: int = 10 * 1024 * 1024
    max_unpacked_bytes: int = 50 * 1024 * 1024
    max_rows_per_sheet: int = 100_000
    secure_cookies: bool = False
    trusted_proxies: tuple[str, ...] = field(default_factory=trusted_proxies_from_env)
    session_hours: float = 12.0
    login_max_failures: int = 5
    login_window_seconds: int = 15 * 60
    run_jobs: bool = True
    job_workers: int = field(default_factory=job_workers_from_env)
    worker_nice: int = 10
    job_poll_seconds: float = 0.5
    heartbeat_seconds: float = 2.0
    heartbeat_stale_seconds: float = 30.0
    demo: bool = False
    default_language: str = "sv"
    solver: SolverLimits = field(default_factory=SolverLimits.from_env)
    mc_draws: int = field(default_factory=mc_draws_from_env)
    robust_level: float = field(default_factory=robust_level_from_env)

    def worker_env(self) -> dict[str, str]:
        """What the worker processes need to know of these settings (the optimiser's limits, the draws, the
        robust level, the upload limits)."""
        return {**self.solver.to_env(), MC_DRAWS_ENV: str(int(self.mc_draws)),
                ROBUST_LEVEL_ENV: repr(float(self.robust_level)), UNPACKED_ENV: str(int(self.max_unpacked_bytes)),
                ROWS_ENV: str(int(self.max_rows_per_sheet))}
