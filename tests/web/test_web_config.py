"""Settings from the environment: a value that cannot be used stops the start with a message naming the variable,
its value and what is allowed — never a silent fallback to the default."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from hushall.cli.web_commands import register_web_commands
from hushall.errors import ConfigError
from hushall.web.config import (
    EXPLAIN_SECONDS_ENV,
    JOB_WORKERS_ENV,
    MC_DRAWS_ENV,
    MIP_GAP_ENV,
    ROBUST_LEVEL_ENV,
    ROWS_ENV,
    TIME_LIMIT_ENV,
    TRUSTED_PROXIES_ENV,
    UNPACKED_ENV,
    SolverLimits,
    WebSettings,
    int_from_env,
)

BAD_VALUES = [
    (JOB_WORKERS_ENV, "0"), (JOB_WORKERS_ENV, "två"), (JOB_WORKERS_ENV, "17"),
    (MC_DRAWS_ENV, "-1"), (MC_DRAWS_ENV, "2000.5"), (MC_DRAWS_ENV, "många"),
    (ROBUST_LEVEL_ENV, "1.5"), (ROBUST_LEVEL_ENV, "0.3"), (ROBUST_LEVEL_ENV, "90 %"),
    (TIME_LIMIT_ENV, "-5"), (MIP_GAP_ENV, "0,01"), (EXPLAIN_SECONDS_ENV, "nan"),
    (TRUSTED_PROXIES_ENV, "proxy.example.se"),
]


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
def test_an_unusable_value_stops_the_settings_naming_variable_and_value(name: str, value: str,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        WebSettings(database_url="sqlite://")
    assert name in str(info.value) and repr(value) in str(info.value) and "ange" in str(info.value)


def test_usable_values_are_read_and_unset_or_empty_means_the_default(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (JOB_WORKERS_ENV, MC_DRAWS_ENV, ROBUST_LEVEL_ENV, TIME_LIMIT_ENV, MIP_GAP_ENV, EXPLAIN_SECONDS_ENV,
                 TRUSTED_PROXIES_ENV):
        monkeypatch.delenv(name, raising=False)
    default = WebSettings(database_url="sqlite://")
    monkeypatch.setenv(JOB_WORKERS_ENV, "3")
    monkeypatch.setenv(MC_DRAWS_ENV, "500")
    monkeypatch.setenv(ROBUST_LEVEL_ENV, "0.8")
    monkeypatch.setenv(TIME_LIMIT_ENV, "")
    monkeypatch.setenv(MIP_GAP_ENV, "0.02")
    monkeypatch.setenv(TRUSTED_PROXIES_ENV, "10.0.0.1, ::1")
    s = WebSettings(database_url="sqlite://")
    assert (s.job_workers, s.mc_draws, s.robust_level) == (3, 500, 0.8)
    assert s.solver == SolverLimits(default.solver.time_limit_s, 0.02, default.solver.explain_s)
    assert s.trusted_proxies == ("10.0.0.1", "::1")


def test_the_upload_limits_of_the_worker_are_checked_too() -> None:
    assert int_from_env(UNPACKED_ENV, 7, 1, env={}) == 7
    with pytest.raises(ConfigError, match=f"{ROWS_ENV} har värdet '0'"):
        int_from_env(ROWS_ENV, 7, 1, env={ROWS_ENV: "0"})


def test_serve_with_an_unusable_setting_says_so_and_exits_1(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    import click

    @click.group()
    def cli() -> None:
        pass

    register_web_commands(cli)
    monkeypatch.setenv(JOB_WORKERS_ENV, "alla")
    r = CliRunner().invoke(cli, ["serve", "--database-url", f"sqlite:///{tmp_path / 'h.sqlite'}"])
    assert r.exit_code == 1
    assert f"Miljövariabeln {JOB_WORKERS_ENV} har värdet 'alla'" in r.output and "[E_CONFIG]" in r.output
    assert "Traceback" not in r.output
