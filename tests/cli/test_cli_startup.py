"""Start-up of the command line: ``hushall --help`` must not load the data stack (issue 14: ≤ 0.2 s).

Each check runs in a fresh interpreter, because the test process itself has long imported pandas.
"""

from __future__ import annotations

import json
import subprocess
import sys

import click
import pytest

from hushall.cli.main import LAZY_COMMANDS, cli

HEAVY = ("pandas", "numpy", "altair", "scipy", "openpyxl", "highspy", "vl_convert", "fastapi", "sqlalchemy")


def _loaded_after(code: str) -> dict[str, bool]:
    """Which of the heavy libraries a fresh ``python -X importtime`` has imported after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps({{m: m in sys.modules for m in {HEAVY!r}}}))"
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", probe], capture_output=True, text=True,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_importing_the_cli_does_not_import_pandas() -> None:
    loaded = _loaded_after("import hushall.cli.main")
    assert not any(loaded.values()), loaded


def test_help_lists_every_command_without_importing_pandas() -> None:
    code = ("from hushall.cli.main import cli\n"
            "try:\n    cli(['--help'], prog_name='hushall')\nexcept SystemExit as e:\n    assert e.code == 0")
    loaded = _loaded_after(code)
    assert not any(loaded.values()), loaded


def test_import_hushall_is_light_and_load_still_works() -> None:
    assert not any(_loaded_after("import hushall").values())
    import hushall
    from hushall.model import MunicipalityData, load

    assert hushall.load is load
    assert hushall.MunicipalityData is MunicipalityData
    assert {"load", "MunicipalityData"} <= set(dir(hushall))
    with pytest.raises(AttributeError):
        _ = hushall.no_such_name  # type: ignore[attr-defined]


def test_every_lazy_command_resolves_to_its_click_command() -> None:
    ctx = click.Context(cli)
    for name in LAZY_COMMANDS:
        command = cli.get_command(ctx, name)
        assert isinstance(command, click.Command)
        assert command.name == name
    assert set(LAZY_COMMANDS) <= set(cli.list_commands(ctx))
    assert cli.get_command(ctx, "no-such-command") is None


def _run_main(argv: list[str], before: str = "") -> subprocess.CompletedProcess[str]:
    """``hushall ARGV`` through :func:`hushall.cli.main.main` in a fresh interpreter, after ``before``."""
    code = f"import sys\n{before}\nsys.argv = ['hushall', *{argv!r}]\nfrom hushall.cli.main import main\nmain()"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)


# run by the interpreter's teardown of objects still alive at the end, never by an exit function
TEARDOWN = ("import atexit\n"
            "class Trace:\n    def __del__(self):\n        print('teardown', flush=True)\n"
            "kept = Trace()\n"
            "atexit.register(lambda: print('exit function', flush=True))\n")
# a thread (not a daemon) still working when the command is done: the process waits for it, as the interpreter does
THREAD = ("import threading, time\n"
          "threading.Thread(target=lambda: (time.sleep(3.0), print('thread done', flush=True))).start()\n")


def test_a_command_ends_without_the_teardown_but_with_its_exit_functions_its_output_and_its_status() -> None:
    done = _run_main(["needs", "--example", "--json"], before=TEARDOWN)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert lines[-1] == "exit function" and "teardown" not in lines
    assert "renewal" in json.loads("\n".join(lines[:-1]))  # every byte of the JSON, flushed
    bad = _run_main(["validate", "/finns/inte"], before=TEARDOWN + THREAD)
    assert bad.returncode == 1 and "E_FILE_MISSING" in bad.stderr
    assert bad.stdout.splitlines() == ["thread done", "exit function"]
    wrong = _run_main(["finns-inte"])
    assert wrong.returncode == 2 and "finns-inte" in wrong.stderr


def test_the_web_server_and_its_users_end_the_usual_way() -> None:
    users = _run_main(["user", "--help"], before=TEARDOWN)
    assert users.returncode == 0, users.stderr[-2000:]
    assert users.stdout.splitlines()[-2:] == ["exit function", "teardown"]
