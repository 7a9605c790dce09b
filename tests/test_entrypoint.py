"""The installed entry point as a real subprocess, one family of commands at a time."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from timeline.actors import Gazetteer

EXE = shutil.which("timeline", path=str(Path(sys.executable).parent)) or shutil.which("timeline")


def timeline(*args: str, db: Path, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, TIMELINE_DB=str(db))
    assert EXE, "the timeline entry point is not installed"
    return subprocess.run([EXE, *args], env=env, capture_output=True, text=True,
                          input=stdin, timeout=60, check=False)


def test_add_show_amend_history_verify_as_a_subprocess(db_path: Path) -> None:
    added = timeline("add", "--type", "detention", "--summary", "32 suspects detained",
                     "--date", "In December last year", "--ref", "2024-06-18",
                     "--actor", "Turkish security forces:agent", "--detained", "32", db=db_path)
    assert added.returncode == 0, added.stderr
    event_id = added.stdout.strip()
    shown = json.loads(timeline("show", "--format", "json", db=db_path).stdout)
    assert [(e["id"], e["earliest"], e["latest"], e["detained"]) for e in shown] == [
        (event_id, "2023-12-01", "2023-12-31", 32)]
    amended = timeline("amend", event_id, "--detained", "33", "--reason", "Update", db=db_path)
    assert amended.returncode == 0, amended.stderr
    history = timeline("history", event_id, "--format", "jsonl", db=db_path)
    assert [json.loads(x)["version"] for x in history.stdout.splitlines()] == [1, 2]
    verified = timeline("verify", db=db_path)
    assert verified.returncode == 0, verified.stderr
    assert verified.stdout.split()[:2] == ["ok:", str(len(Gazetteer.builtin()) + 2)]
    exported = timeline("export", "--format", "csv", db=db_path)
    assert exported.stdout.splitlines()[0].startswith("id,type,")
    assert "33" in exported.stdout.splitlines()[1]


def test_errors_are_one_line_without_traceback(db_path: Path) -> None:
    done = timeline("add", "--type", "attack", "--summary", "x", "--date", "2024-01-01",
                    "--killed", "-1", db=db_path)
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("Error: killed")
    missing = timeline("add", "--summary", "no type given", "--date", "2024-01-01", db=db_path)
    assert missing.returncode == 1
    assert missing.stderr == "Error: missing option --type\n"


def test_python_dash_m_and_when_from_stdin(db_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "timeline", "when", "--ref", "2024-05-07", "-"],
        input="late January\nlast month\n", capture_output=True, text=True, check=True,
        env=dict(os.environ, TIMELINE_DB=str(db_path)),
    )
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["earliest"] for a in answers] == ["2024-01-21", "2024-04-01"]


@pytest.mark.parametrize("args", [["show"], ["show", "--actor", "ISIS-K", "--format", "json"],
                                  ["verify"], ["log"]])
def test_read_commands_import_neither_alembic_nor_dateparser(db_path: Path,
                                                             args: list[str]) -> None:
    timeline("add", "-t", "attack", "-s", "x", "-d", "2024-03-22", "-a", "Daesh-K", db=db_path)
    code = (
        "import sys\n"
        "from timeline.cli import app\n"
        "try:\n"
        f"    app({args!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        "print('IMPORTED', 'alembic' in sys.modules, 'dateparser' in sys.modules,"
        " file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, TIMELINE_DB=str(db_path)), check=False)
    assert "IMPORTED False False" in done.stderr, done.stderr
