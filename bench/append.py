"""Append rate of the store next to raw sqlite3, and the wall time of `timeline show`.

    python bench/append.py [--events 100000] [--show-events 10000]

Prints records/s of one batch append of N events through the store (with and without the
projector that keeps the read tables current) next to sqlite3's executemany of the very same
rows into the same schema, in the same run; then the wall time of `timeline show` as a
subprocess on a database of --show-events events (median of 5 runs).
"""

from __future__ import annotations

import argparse
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from timeline import db as tldb
from timeline import events as ev
from timeline import projections
from timeline import records as rk
from timeline.records import NewRecord
from timeline.store import Store

ACTORS = ["Daesh", "Daesh-K", "al-Shabaab", "PKK", "MIT", "FSB", "HTS", "Boko Haram"]
PLACES = ["Istanbul, Türkiye", "Moscow, Russia", "Kabul, Afghanistan", "Mogadishu, Somalia"]
TYPES = ["attack", "detention", "warning", "airstrike", "statement", "thwarted_plot"]


def payloads(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        day = f"20{rng.randint(10, 24):02d}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
        fields = {
            "type": rng.choice(TYPES),
            "summary": f"Reported incident number {i} involving several parties in the region",
            "earliest": day,
            "latest": day,
            "precision": "day",
            "date_text": day,
            "reference": "2024-12-31",
            "edtf": day,
            "actors": [rng.choice(ACTORS), f"{rng.choice(ACTORS)}:agent"],
            "location": rng.choice(PLACES),
            "killed": rng.choice([None, 0, 1, 3, 12]),
            "evidence": "A sentence of a news report that says what happened, and where. " * 2,
        }
        out.append(ev.build(fields))
    return out


def fresh_store(path: Path, project: bool) -> Store:
    engine = tldb.create(tldb.resolve_url(str(path)))
    tldb.ensure_schema(engine)
    return Store(engine, projections.apply if project else None)


def time_store(path: Path, items: list[dict[str, Any]], project: bool) -> tuple[float, Store]:
    store = fresh_store(path, project)
    batch = [NewRecord(f"ev-{i:010x}", rk.EVENT_RECORDED, p, 0) for i, p in enumerate(items)]
    start = time.perf_counter()
    store.append(batch, recorded_by="bench")
    return time.perf_counter() - start, store


def time_raw(path: Path, source: Store) -> float:
    """sqlite3 executemany of the rows the store wrote, into the same empty schema."""
    with source.engine.connect() as conn:
        rows = [tuple(r) for r in conn.exec_driver_sql("SELECT * FROM records ORDER BY position")]
    fresh_store(path, False).engine.dispose()
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode = WAL")
    conn.execute("PRAGMA synchronous = NORMAL")
    marks = ",".join("?" * len(rows[0]))
    start = time.perf_counter()
    conn.execute("BEGIN IMMEDIATE")
    conn.executemany(f"INSERT INTO records VALUES ({marks})", rows)
    conn.execute("COMMIT")
    elapsed = time.perf_counter() - start
    conn.close()
    return elapsed


def time_show(path: Path, args: list[str], runs: int = 5) -> float:
    exe = Path(sys.executable).with_name("timeline")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([str(exe), *args, "--db", str(path)], check=True,
                       stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--show-events", type=int, default=10_000)
    args = parser.parse_args()
    items = payloads(args.events)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bare, store = time_store(folder / "bare.db", items, project=False)
        full, _ = time_store(folder / "full.db", items, project=True)
        raw = time_raw(folder / "raw.db", store)
        n = args.events
        print(f"append {n:,} events in one batch")
        print(f"  raw sqlite3 executemany : {n / raw:>10,.0f} records/s")
        print(f"  store (log only)        : {n / bare:>10,.0f} records/s  "
              f"({raw / bare:.0%} of raw)")
        print(f"  store + projections     : {n / full:>10,.0f} records/s  "
              f"({raw / full:.0%} of raw)")
        show_items = items[: args.show_events]
        time_store(folder / "show.db", show_items, project=True)
        print(f"timeline show as a subprocess on {len(show_items):,} events (median of 5)")
        for label, cli in (
            ("show (table, all)", ["show"]),
            ("show --format jsonl", ["show", "--format", "jsonl"]),
            ("show --actor Daesh-K --limit 50", ["show", "--actor", "Daesh-K", "--limit", "50"]),
        ):
            print(f"  {label:<34}: {time_show(folder / 'show.db', cli):.3f} s")


if __name__ == "__main__":
    main()
