"""The store at scale: a generated log of N events (default 1,000,000), appended in batches.

    python bench/scale.py [--events 1000000] [--batch 50000] [--actors 3000] [--keep DIR]
    python bench/scale.py --events 200000 --profile rebuild   # cProfile one phase, top 25

Prints, for the same generated rows in the same run:
- append rate through the store's bulk path (Store.append of --batch records per transaction,
  with the projector that Timeline uses) next to sqlite3 executemany of the very rows the store
  wrote, into the same schema (triggers and indexes included), one transaction per batch: once
  for the log alone and once for the log plus the read tables the projector filled;
- full projection rebuild (Timeline.rebuild) next to a plain ordered scan of the log that
  decodes every payload with orjson;
- `timeline show --actor X --limit 50` and `show --actor X` as a subprocess (median of 5 wall
  times) and in process (Timeline.show consumed, nothing kept; median of 5), for a frequent and
  a rare actor;
- verify rate (records/s) and the size on disk per event, split by table and index.

Kept out of the test run. Event ids look like the tool's own (ten hex digits in no order) but
cannot collide: n times an odd constant, modulo 16**10, is a different id for every n, where a
million random 40-bit ids would likely repeat one and abort a batch. Ids in log order would
flatter every B-tree keyed by them.
"""

from __future__ import annotations

import argparse
import bisect
import collections
import cProfile
import hashlib
import io
import pstats
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import orjson

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.append import fresh_store, time_show  # noqa: E402
from timeline import events as ev  # noqa: E402
from timeline import projections  # noqa: E402
from timeline import records as rk  # noqa: E402
from timeline.api import Timeline  # noqa: E402
from timeline.records import NewRecord  # noqa: E402

T = TypeVar("T")

WORDS = (
    "attack checkpoint convoy police station village market border patrol soldiers militants "
    "gunmen explosive device suicide bomber drone strike arrested suspects raid cell network "
    "prosecutors court sentenced warning embassy threat plot thwarted security forces region "
    "district province capital officials said according statement claimed responsibility"
).split()
ROLES = ("perpetrator", "perpetrator", "perpetrator", "target", "victim", "agent", "source")
COUNTRIES = ("Türkiye", "Russia", "Afghanistan", "Somalia", "Nigeria", "Syria", "Iraq", "Mali",
             "Pakistan", "France", "Germany", "Kenya", "Mozambique", "Burkina Faso", "Niger")
# Names of the built-in gazetteer, so aliases and canonical names are exercised too.
KNOWN = ("Daesh-K", "ISIS", "PKK", "al-Shabaab", "Boko Haram", "HTS", "FSB", "MIT")


def sentence(rng: random.Random, low: int, high: int) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high)))
    return text[0].upper() + text[1:] + "."


class Generator:
    """Events with realistic field sizes; actors drawn with a Zipf-like skew from a pool."""

    def __init__(self, actors: int, seed: int) -> None:
        self.rng = random.Random(seed)
        self.actors = list(KNOWN) + [f"{self.rng.choice(WORDS).title()} "
                                     f"{self.rng.choice(WORDS).title()} Front {k}"
                                     for k in range(actors - len(KNOWN))]
        weights = [1 / (rank + 1) ** 1.05 for rank in range(len(self.actors))]
        total = sum(weights)
        self.cumulative = []
        acc = 0.0
        for w in weights:
            acc += w / total
            self.cumulative.append(acc)
        self.places = [(f"{self.rng.choice(WORDS).title()}{k}", self.rng.choice(COUNTRIES))
                       for k in range(800)]
        self.start = date(2000, 1, 1)

    def actor(self) -> str:
        return self.actors[min(bisect.bisect(self.cumulative, self.rng.random()),
                               len(self.actors) - 1)]

    def fields(self, n: int) -> dict[str, Any]:
        rng = self.rng
        day = self.start + timedelta(days=rng.randrange(9000))
        kind = rng.random()
        if kind < 0.7:
            earliest = latest = day
            precision, text = "day", day.isoformat()
        elif kind < 0.9:
            earliest = day.replace(day=1)
            latest = (earliest + timedelta(days=32)).replace(day=1) - timedelta(days=1)
            precision, text = "month", day.strftime("%B %Y")
        else:
            earliest, latest = date(day.year, 1, 1), date(day.year, 12, 31)
            precision, text = "year", str(day.year)
        place, country = rng.choice(self.places)
        names = {self.actor() for _ in range(rng.choice((1, 1, 2, 2, 2, 3, 4)))}
        evidence = sentence(rng, 15, 60)
        published = latest + timedelta(days=rng.randrange(0, 30))
        slug = "-".join(rng.choice(WORDS) for _ in range(5))
        return dict(
            type=rng.choice(ev.TYPES),
            subtype=rng.choice((None, "shooting", "bombing", "raid", "ied")),
            summary=sentence(rng, 6, 22),
            earliest=earliest.isoformat(),
            latest=latest.isoformat(),
            precision=precision,
            date_text=text,
            reference=published.isoformat(),
            edtf=text if precision != "month" else earliest.isoformat()[:7],
            actors=[f"{name}:{rng.choice(ROLES)}" for name in sorted(names)],
            location=f"{place}, {country}",
            country=country,
            killed=rng.choice((None, None, 0, 1, 2, 5, rng.randrange(200))),
            injured=rng.choice((None, None, 0, 3, rng.randrange(500))),
            detained=rng.choice((None, None, None, rng.randrange(40))),
            source=dict(
                name=rng.choice(("Reuters", "AP", "AFP", "Anadolu", "TASS", "BBC Monitoring")),
                url=f"https://news.example.org/{published.year}/{published.month:02d}/{slug}-{n}",
                title=sentence(rng, 6, 14),
                published=published.isoformat(),
                sha256=hashlib.sha256(f"{n}".encode()).hexdigest(),
            ),
            evidence=evidence,
            evidence_start=rng.randrange(0, 4000),
            evidence_end=None,
            confidence=round(rng.uniform(0.3, 1.0), 2),
        )


def event_id(n: int) -> str:
    """A distinct, scattered event id for each n (see the module's docstring)."""
    return f"ev-{n * 0x9E3779B97F4A7 % 16**10:010x}"


def timed(func: Callable[[], T]) -> tuple[float, T]:
    start = time.perf_counter()
    value = func()
    return time.perf_counter() - start, value


def profiled(name: str, wanted: str | None, func: Callable[[], T]) -> tuple[float, T]:
    """Time ``func``; under cProfile (and print its top functions) when ``name`` is wanted."""
    if wanted != name:
        return timed(func)
    profile = cProfile.Profile()
    start = time.perf_counter()
    value = profile.runcall(func)
    elapsed = time.perf_counter() - start
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out)
    stats.sort_stats("tottime").print_stats(25)
    stats.sort_stats("cumulative").print_stats(25)
    print(f"-- cProfile of {name} (times inflated by the profiler) --\n{out.getvalue()}")
    return elapsed, value


def batches(gen: Generator, events: int, size: int, tl: Timeline) -> Iterator[list[NewRecord]]:
    """Validated payloads, built the way add_many builds them (canonical actor names).

    The read connection is closed before each batch goes to the store: an open read
    transaction would pin the WAL, which then grows by the whole log instead of being reused.
    """
    names: dict[str, str] = {}
    for first in range(0, events, size):
        with tl.engine.connect() as conn:
            def canonical(name: str, conn: Any = conn) -> str:
                found = names.get(name)
                if found is None:
                    found = names[name] = projections.canonical_actor(conn, name)
                return found

            batch = [
                NewRecord(event_id(n), rk.EVENT_RECORDED,
                          ev.build(gen.fields(n), canonical=canonical), 0)
                for n in range(first, min(first + size, events))
            ]
        yield batch


# -- raw sqlite3, the same rows into the same schema -----------------------------------------
def rows_between(conn: sqlite3.Connection, table: str, low: int, high: int) -> list[tuple]:
    if table == "event_actors":
        # In the order the projector inserts them (an event's actors, event after event),
        # not the table's key order (by actor), which would flatter the raw copy.
        sql = ("SELECT * FROM event_actors WHERE event_position BETWEEN ? AND ? "
               "ORDER BY event_position, seq")
    elif table == "events":
        sql = "SELECT * FROM events WHERE first_position BETWEEN ? AND ?"
    else:
        sql = "SELECT * FROM records WHERE position BETWEEN ? AND ?"
    return conn.execute(sql, (low, high)).fetchall()


def raw_append(source: Path, target: Path, bounds: list[tuple[int, int]],
               tables: tuple[str, ...]) -> float:
    """Seconds of BEGIN IMMEDIATE + executemany + COMMIT per batch (reading rows not counted)."""
    fresh_store(target, False).engine.dispose()
    src = sqlite3.connect(source)
    dst = sqlite3.connect(target, isolation_level=None)
    dst.execute("PRAGMA journal_mode = WAL")
    dst.execute("PRAGMA synchronous = NORMAL")
    total = 0.0
    try:
        for low, high in bounds:
            work = [(t, rows_between(src, t, low, high)) for t in tables]
            start = time.perf_counter()
            dst.execute("BEGIN IMMEDIATE")
            for table, rows in work:
                if rows:
                    marks = ",".join("?" * len(rows[0]))
                    dst.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)
            dst.execute("COMMIT")
            total += time.perf_counter() - start
    finally:
        src.close()
        dst.close()
    return total


def plain_scan(path: Path) -> int:
    """An ordered scan of the log decoding every payload: the floor for a rebuild."""
    conn = sqlite3.connect(path)
    count = 0
    try:
        for (payload,) in conn.execute("SELECT payload FROM records ORDER BY position"):
            orjson.loads(payload)
            count += 1
    finally:
        conn.close()
    return count


def raw_refill(path: Path, folder: Path) -> float:
    """Seconds to write the read tables' event rows again with no Python in the loop: the
    rows of events and event_actors copied aside (not timed), then, in one transaction,
    emptied, indexes dropped, refilled by INSERT ... SELECT in log order, indexes rebuilt,
    committed. What a rebuild writes costs at least this, on top of the scan."""
    aside = folder / "rows.db"
    aside.unlink(missing_ok=True)
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute(f"PRAGMA cache_size = -{projections.BULK_CACHE_KIB}")  # as a rebuild has
        conn.execute("ATTACH DATABASE ? AS aside", (str(aside),))
        for table in ("events", "event_actors"):
            conn.execute(f"CREATE TABLE aside.{table} AS SELECT * FROM main.{table}")
        indexes = conn.execute(
            "SELECT sql FROM main.sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND sql NOT LIKE 'CREATE UNIQUE%' "
            "AND tbl_name IN ('events', 'event_actors')").fetchall()
        start = time.perf_counter()
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("DELETE FROM main.event_actors")
        conn.execute("DELETE FROM main.events")
        for (sql,) in indexes:
            conn.execute("DROP INDEX main." + sql.split()[2])
        conn.execute("INSERT INTO main.events SELECT * FROM aside.events ORDER BY first_position")
        conn.execute("INSERT INTO main.event_actors SELECT * FROM aside.event_actors "
                     "ORDER BY event_position, seq")
        for (sql,) in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
        took = time.perf_counter() - start
        conn.execute("DETACH DATABASE aside")
    finally:
        conn.close()
        aside.unlink(missing_ok=True)
    return took


def median_of(runs: int, func: Callable[[], Any]) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def sizes(path: Path) -> list[tuple[str, int]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(
            "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC"
        ).fetchall()
    except sqlite3.OperationalError:  # sqlite built without dbstat
        return []
    finally:
        conn.close()


def rate(n: int, seconds: float) -> str:
    return f"{n / seconds:>12,.0f} records/s  ({seconds:7.1f} s)"


def run(args: argparse.Namespace, folder: Path) -> None:
    n, size, wanted = args.events, args.batch, args.profile
    path = folder / "scale.db"
    gen = Generator(args.actors, args.seed)
    print(f"{n:,} events, {size:,} per append, {args.actors:,} actors, seed {args.seed}")
    with Timeline(str(path), user="bench") as tl:
        tl._open()  # schema and the gazetteer seed, outside the timings
        (seeded, _) = tl.store.head()
        build = append = 0.0
        bounds: list[tuple[int, int]] = []
        stream = batches(gen, n, size, tl)
        while True:
            took, batch = timed(lambda: next(stream, None))
            if batch is None:
                break
            build += took
            took, stored = profiled("append", wanted if not bounds else None,
                                    lambda b=batch: tl.store.append(b, recorded_by="bench"))
            append += took
            bounds.append((stored[0].position, stored[-1].position))
            done = bounds[-1][1] - seeded
            print(f"  appended {done:>10,} ({done / append:,.0f} records/s)", file=sys.stderr)
        bounds[0] = (1, bounds[0][1])  # the raw copies take the seed records too
    raw_log = raw_append(path, folder / "raw_log.db", bounds, ("records",))
    raw_all = raw_append(path, folder / "raw_all.db", bounds,
                         ("records", "events", "event_actors"))
    print(f"generate + validate (ev.build)      : {rate(n, build)}")
    print("append, one transaction per batch")
    print(f"  raw sqlite3, log only             : {rate(n, raw_log)}")
    print(f"  raw sqlite3, log + read tables    : {rate(n, raw_all)}")
    print(f"  Store.append + projector          : {rate(n, append)}"
          f"  = {raw_log / append:.0%} of raw log only, {raw_all / append:.0%} of raw log + tables")
    for extra in ("raw_log.db", "raw_all.db"):
        for suffix in ("", "-wal", "-shm"):
            (folder / f"{extra}{suffix}").unlink(missing_ok=True)

    with Timeline(str(path), user="bench") as tl:
        total = tl.store.head()[0]
        scan, _ = timed(lambda: plain_scan(path))
        rebuild, folded = profiled("rebuild", wanted, tl.rebuild)
        print("projection rebuild over the whole log")
        print(f"  plain scan + orjson.loads         : {rate(total, scan)}")
        print(f"  Timeline.rebuild()                : {rate(folded, rebuild)}"
              f"  = {rebuild / scan:.1f}x the plain scan")
        refill = raw_refill(path, folder)
        print(f"  the same rows written by SQLite alone (INSERT ... SELECT, indexes, commit): "
              f"{refill:.1f} s; scan + that = {(scan + refill) / scan:.1f}x the plain scan")

        with tl.engine.connect() as conn:
            counts = dict(conn.exec_driver_sql(
                "SELECT actor_key, count(*) FROM event_actors GROUP BY actor_key").all())
        frequent = max(counts, key=lambda name: counts[name])
        rare = min(counts, key=lambda name: (counts[name], name))
        print("show --actor X (wall time, median of 5)")
        for name in (frequent, rare):
            for limit in (["--limit", "50"], []):
                cli = ["show", "--actor", name, *limit]
                wall = time_show(path, cli)
                inproc = median_of(5, lambda a=name, lim=limit: collections.deque(
                    tl.show(actor=a, limit=int(lim[1]) if lim else None), maxlen=0))
                label = f"{name} ({counts[name]:,} events){' --limit 50' if limit else ''}"
                print(f"  {label:<45}: subprocess {wall:6.3f} s, in process {inproc:6.3f} s")
        if wanted == "show":
            profiled("show", wanted, lambda: list(tl.show(actor=rare, limit=50)))

        verify, report = profiled("verify", wanted, tl.verify)
        assert report.ok, report
        print(f"verify                              : {rate(report.count, verify)}")
    db_bytes = path.stat().st_size
    print(f"database on disk: {db_bytes / 2**20:,.0f} MiB = {db_bytes / n:,.0f} bytes per event")
    for name, used in sizes(path):
        if used > db_bytes / 100:
            print(f"  {name:<34}: {used / n:7,.0f} bytes per event")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=50_000)
    parser.add_argument("--actors", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, help="build the database in this directory and "
                        "keep it (default: a temporary directory)")
    parser.add_argument("--profile", choices=("append", "rebuild", "show", "verify"),
                        help="run one phase under cProfile (append: the first batch)")
    args = parser.parse_args()
    start, cpu = time.perf_counter(), time.process_time()
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        run(args, args.keep)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            run(args, Path(tmp))
    # On a shared machine the wall time says more about the neighbours than about timeline.
    print(f"total {time.perf_counter() - start:,.0f} s wall, {time.process_time() - cpu:,.0f} s "
          f"CPU in this process")


if __name__ == "__main__":
    main()
