"""``hushall serve`` / ``hushall user`` (registered by the lead on the main group) and the demo set-up."""

from __future__ import annotations

from typing import Any

import click
from click.testing import CliRunner
from web_helpers import count_rows

from hushall.cli.web_commands import register_web_commands
from hushall.web.config import WebSettings
from hushall.web.demo import demo_hint, prepare_demo


def group() -> click.Group:
    @click.group()
    def cli() -> None:
        pass

    register_web_commands(cli)
    return cli


def test_user_add_and_list(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'h.sqlite'}"
    runner = CliRunner()
    r = runner.invoke(group(), ["user", "add", "kerstin", "--role", "administratör", "--password-stdin",
                                "--database-url", url], input="ett-långt-lösenord\n")
    assert r.exit_code == 0, r.output
    r = runner.invoke(group(), ["user", "list", "--database-url", url])
    assert "kerstin\tadministratör\taktiv" in r.output
    weak = runner.invoke(group(), ["user", "add", "olle", "--role", "läsare", "--password-stdin",
                                   "--database-url", url], input="kort\n")
    assert weak.exit_code == 1 and "minst 10 tecken" in weak.output
    dup = runner.invoke(group(), ["user", "add", "Kerstin", "--role", "läsare", "--password-stdin",
                                  "--database-url", url], input="ett-långt-lösenord\n")
    assert dup.exit_code == 1 and "finns redan" in dup.output
    r = runner.invoke(group(), ["user", "password", "kerstin", "--password-stdin", "--database-url", url],
                      input="ett-nytt-lösenord\n")
    assert r.exit_code == 0


def test_serve_help_lists_the_options() -> None:
    r = CliRunner().invoke(group(), ["serve", "--help"])
    assert r.exit_code == 0
    for option in ("--host", "--port", "--database-url", "--demo"):
        assert option in r.output


def test_demo_loads_the_example_with_a_random_password(tmp_path: Any) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite'}"
    first = prepare_demo(WebSettings(database_url=url, run_jobs=False))
    second = prepare_demo(WebSettings(database_url=url, run_jobs=False))
    assert first.username == "demo" and len(first.password) >= 12
    assert first.password != second.password  # random every time, never a default
    assert count_rows(url, "data_versions") == 1
    assert count_rows(url, "plan_variants") == 1
    assert count_rows(url, "jobs") == 1  # the first plan is queued for the worker
    assert "hushall serve --demo" in demo_hint()
