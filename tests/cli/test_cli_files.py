"""Nothing lost, nothing half-written: the template never overwrites without --force, outputs never replace the
input, files get ordinary permissions; warnings reach the user (issue 11, items 1, 4 and 7)."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from hushall.cli.main import cli
from hushall.examples import example_path
from tests.finance.finance_fixtures import small_tables, write_csv_dir
from tests.helpers import Tables, write_xlsx


def run(*args: str) -> object:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def umask_022() -> Iterator[None]:
    old = os.umask(0o022)
    yield
    os.umask(old)


def test_template_refuses_to_overwrite_a_workbook(tmp_path: Path, tables: Tables) -> None:
    mine = write_xlsx(tmp_path / "mine.xlsx", tables)
    before = mine.read_bytes()
    r = run("template", str(mine))
    assert r.exit_code == 1
    assert "finns redan" in r.stderr and "--force" in r.stderr
    assert mine.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["mine.xlsx"]  # no temporary file left behind


def test_template_force_replaces_the_file(tmp_path: Path, tables: Tables) -> None:
    mine = write_xlsx(tmp_path / "mine.xlsx", tables)
    r = run("template", "--force", str(mine))
    assert r.exit_code == 0, r.stderr
    assert "Skrev en tom mall" in r.stderr
    assert run("validate", str(mine)).exit_code == 1  # the empty template, no longer the data


def test_written_files_are_readable_by_others(tmp_path: Path, umask_022: None) -> None:
    r = run("template", "--example", str(tmp_path / "k.xlsx"))
    assert r.exit_code == 0, r.stderr
    assert (tmp_path / "k.xlsx").stat().st_mode & 0o777 == 0o644
    r = run("docs-data", "--out", str(tmp_path / "data.md"))
    assert r.exit_code == 0
    assert (tmp_path / "data.md").stat().st_mode & 0o777 == 0o644


def test_outputs_never_replace_the_input_workbook(tmp_path: Path) -> None:
    workbook = tmp_path / "prognos.xlsx"  # the name the forecast's workbook gets
    shutil.copy(write_xlsx(tmp_path / "k.xlsx", small_tables()), workbook)
    before = workbook.read_bytes()
    r = run("forecast", str(workbook), "--out", str(tmp_path))
    assert r.exit_code == 1
    assert "skulle skriva över indata" in r.stderr and "Traceback" not in r.output + r.stderr
    assert workbook.read_bytes() == before


def test_outputs_are_not_mixed_into_the_input_folder(tmp_path: Path) -> None:
    folder = write_csv_dir(tmp_path / "data", small_tables())
    names = sorted(p.name for p in folder.iterdir())
    r = run("needs", str(folder), "--out", str(folder))
    assert r.exit_code == 1 and "mappen med indata" in r.stderr
    assert sorted(p.name for p in folder.iterdir()) == names


def test_out_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "fil").write_text("x", encoding="utf-8")
    r = run("needs", "--example", "--out", str(tmp_path / "fil"))
    assert r.exit_code == 1 and "är en fil" in r.stderr


def test_warnings_are_shown_by_validate_in_json_and_by_commands_that_load(tmp_path: Path) -> None:
    t = small_tables()
    for row in t["Ekonomi"]:
        if row["post"] == "finansiella_kostnader":
            row["belopp_kr"] = 12e6
    folder = write_csv_dir(tmp_path / "k", t)
    r = run("validate", str(folder), "--json")
    assert r.exit_code == 0, r.stderr
    doc = json.loads(r.stdout)
    assert doc["valid"] and {w["code"] for w in doc["warnings"]} == {"W_FINANCE_SIGN", "W_WEIGHT_SUM"}
    assert all(w["severity"] == "warning" for w in doc["warnings"])
    assert "Varning: " in r.stderr and "varningar" in r.stderr
    r = run("forecast", str(folder))
    assert r.exit_code == 0, r.stderr
    assert "Varning: " in r.stderr and "finansiella_kostnader" in r.stderr
    assert "Varning" not in r.stdout


def test_duplicate_id_gives_exit_1_in_every_command_that_loads(tmp_path: Path) -> None:
    folder = tmp_path / "k"
    shutil.copytree(example_path(), folder)
    lines = (folder / "Anläggningar.csv").read_text(encoding="utf-8").splitlines()
    second = lines[2].split(",", 1)
    lines[2] = lines[1].split(",", 1)[0] + "," + second[1]
    (folder / "Anläggningar.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for command in ("validate", "needs", "forecast", "optimize"):
        r = run(command, str(folder))
        assert r.exit_code == 1, (command, r.stderr)
        assert "Dubblett" in r.stderr and "Internt fel" not in r.stderr

