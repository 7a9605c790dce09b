"""Worker processes for tests/test_faults.py: each mode opens the store in its own process.

    python tests/helpers/workers.py batch DB N        # one add_many of N events, to be killed
    python tests/helpers/workers.py appends DB GO N K TAG  # N appends of K events, after GO
    python tests/helpers/workers.py amend-cli DB GO ARGS...   # `timeline ARGS`, read, wait, write
    python tests/helpers/workers.py amends DB GO ID N TAG     # N amends of one event, no retries
    python tests/helpers/workers.py import-cli DB FILE   # `timeline import FILE`, to be killed

Progress goes to stdout one line at a time (flushed), so the test can time its kill or release a
barrier: "ready" once the process is about to write (batch: to begin the transaction), "read V"
once an amend has read version V. import-cli says "writing" as it appends its first chunk inside its
write transaction, "appended K" after each chunk of K records, and "committed" once the
transaction has committed; then the CLI prints its own "imported ..." line.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from timeline.api import Timeline  # noqa: E402
from timeline.errors import ConcurrencyError  # noqa: E402


def say(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def wait_for(go: Path, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while not go.exists():
        if time.monotonic() > deadline:
            raise SystemExit(f"no go signal at {go}")
        time.sleep(0.0005)


def fields(n: int, tag: str = "") -> dict[str, Any]:
    """An event with an already resolved date and realistic field sizes."""
    day = f"20{10 + n % 15:02d}-{1 + n % 12:02d}-{1 + n % 28:02d}"
    return dict(
        type=("attack", "detention", "warning", "airstrike")[n % 4],
        summary=f"Reported incident {tag}{n} involving several parties in the region",
        earliest=day,
        latest=day,
        precision="day",
        date_text=day,
        reference="2024-12-31",
        edtf=day,
        actors=[f"Group {n % 97}", f"Agency {n % 13}:agent"],
        location="Krasnogorsk, Russia",
        killed=n % 7,
        evidence="A sentence of a news report that says what happened, and where it did.",
    )


def batch(db: str, n: int) -> None:
    """``add_many`` of n events; says "ready" as the store's transaction is about to begin."""
    items = [fields(i, "crash-") for i in range(n)]
    with Timeline(db, user="crash") as tl:
        tl._open()  # migrations and the gazetteer seed append too: not the batch
        append = tl.store.append
        took = 0.0

        def timed(*args: Any, **kwargs: Any) -> Any:
            nonlocal took
            say("ready")
            start = time.perf_counter()
            try:
                return append(*args, **kwargs)
            finally:
                took = time.perf_counter() - start

        tl.store.append = timed  # type: ignore[method-assign]
        tl.add_many(items)
        say(f"done {took:.4f}")


def appends(db: str, go: str, rounds: int, size: int, tag: str) -> None:
    with Timeline(db, user="racer") as tl:
        say("ready")
        wait_for(Path(go))
        for r in range(rounds):
            tl.add_many([fields(r * size + k, f"{tag}-") for k in range(size)])
    say("done")


def amend_cli(db: str, go: str, args: list[str]) -> None:
    """The real CLI, with a pause between the amend's read and its write."""
    from timeline import cli

    original = Timeline.get
    paused = False

    def get(self: Timeline, event_id: str) -> dict[str, Any]:
        nonlocal paused
        doc = original(self, event_id)
        if not paused:
            paused = True
            say(f"read {doc['version']}")
            wait_for(Path(go))
        return doc

    Timeline.get = get  # type: ignore[method-assign]
    sys.argv = ["timeline", *args, "--db", db]
    cli.main()


def import_cli(db: str, path: str) -> None:
    """The real ``timeline import``, saying when its write transaction is under way and done."""
    from timeline import cli, importing
    from timeline.store import Store

    append_in = Store.append_in
    import_stream = importing.import_stream
    writing = False

    def appending(self: Store, conn: Any, batch: Any, **kwargs: Any) -> Any:
        nonlocal writing
        if not writing:
            writing = True
            say("writing")
        stored = append_in(self, conn, batch, **kwargs)
        say(f"appended {len(batch)}")
        return stored

    def importing_stream(*args: Any, **kwargs: Any) -> Any:
        result = import_stream(*args, **kwargs)  # returns once its transaction has committed
        say("committed")
        return result

    Store.append_in = appending  # type: ignore[method-assign]
    importing.import_stream = importing_stream
    sys.argv = ["timeline", "import", path, "--db", db]
    cli.main()


def amends(db: str, go: str, event_id: str, rounds: int, tag: int) -> None:
    """``rounds`` amends, each with its own killed count: ``ok VERSION KILLED`` or ``conflict``."""
    with Timeline(db, user=f"amender-{tag}") as tl:
        tl._open()
        say("ready")
        wait_for(Path(go))
        for r in range(rounds):
            killed = 1000 * tag + r + 1
            try:
                doc = tl.amend(event_id, reason=f"worker {tag} round {r}", killed=killed)
            except ConcurrencyError:
                say("conflict")
            else:
                say(f"ok {doc['version']} {killed}")


def main(argv: list[str]) -> None:
    mode, db, *rest = argv
    if mode == "batch":
        batch(db, int(rest[0]))
    elif mode == "appends":
        appends(db, rest[0], int(rest[1]), int(rest[2]), rest[3])
    elif mode == "amend-cli":
        amend_cli(db, rest[0], rest[1:])
    elif mode == "import-cli":
        import_cli(db, rest[0])
    elif mode == "amends":
        amends(db, rest[0], rest[1], int(rest[2]), int(rest[3]))
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
