"""In a terminal, `add` asks for what is missing; a progress display appears only there."""

from __future__ import annotations

import json
import os
import pty
import select
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

EXE = shutil.which("timeline", path=str(Path(sys.executable).parent))


def converse(args: list[str], answers: list[str], env: dict[str, str]) -> tuple[int, str]:
    """Run args on a pseudo-terminal, answering each prompt as it appears."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(args, stdin=follower, stdout=follower, stderr=follower, env=env,
                            close_fds=True)
    os.close(follower)
    seen, pending = "", list(answers)
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(leader, 4096).decode(errors="replace")
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
                if pending and seen.rstrip().endswith(":"):
                    os.write(leader, (pending.pop(0) + "\n").encode())
                    seen += "\n"
            elif proc.poll() is not None:
                break
        return proc.wait(timeout=30), seen
    finally:
        os.close(leader)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.mark.skipif(EXE is None, reason="the timeline entry point is not installed")
def test_add_prompts_for_missing_options_in_a_terminal(db_path: Path) -> None:
    env = dict(os.environ, TIMELINE_DB=str(db_path), TERM="dumb")
    code, screen = converse([str(EXE), "add", "--actor", "Daesh-K"],
                            ["attack", "Gunmen attack a concert hall", "2024-03-22"], env)
    assert code == 0, screen
    assert "Type:" in screen and "Summary:" in screen and "Date:" in screen
    shown = subprocess.run([str(EXE), "show", "--format", "json"], env=env, check=True,
                           capture_output=True, text=True).stdout
    [event] = json.loads(shown)
    assert (event["type"], event["summary"], event["earliest"]) == (
        "attack", "Gunmen attack a concert hall", "2024-03-22")
