"""The README is part of the product: its Python example runs, and every command is in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from timeline.cli import app

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def test_the_python_example_runs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    [block] = re.findall(r"```python\n(.*?)```", README, flags=re.S)
    code = block.replace("/tmp/tour.db", str(tmp_path / "tour.db"))
    exec(compile(code, "README.md", "exec"), {})
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "2024-03-22 2024-03-22 Gunmen attack a concert hall"
    assert lines[-1] == "2024-01-21/2024-01-31"


def test_every_command_is_documented() -> None:
    names = [c.name for c in app.registered_commands]
    names += [g.name for g in app.registered_groups]
    assert len(names) >= 14
    for name in names:
        assert f"timeline {name}" in README, name


def test_the_two_setup_commands_come_first() -> None:
    blocks = re.findall(r"```console\n(.*?)```", README, flags=re.S)
    assert "timeline demo" in blocks[0]
    assert "pytest" in blocks[1]
    ci = (Path(__file__).resolve().parents[1] / ".ci" / "run").read_text()
    command = blocks[1].strip().split("&&", 2)[-1].strip()  # after the venv's creation
    assert command in ci
