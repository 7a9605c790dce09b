"""Export and import rates, and their peak memory as the file grows.

    python bench/exchange.py [--events 100000] [--sizes 25000,50000,100000] [--skip-memory]

Builds SQLite databases of the sizes asked for with ``Timeline.add_many`` (pre-resolved dates,
the payloads of bench/append.py), then prints:

* export rates (events/s) for csv and jsonl through ``timeline.export.write`` fed by
  ``Timeline.show()`` (the path ``timeline export`` takes), next to Python's csv module writing
  the very same rows (the CSV cells as dicts, precomputed in memory) with ``csv.DictWriter``;
  aim: export at no less than half that rate;
* import rates (events/s) for csv and jsonl files of every event into an empty database
  (``Timeline.import_events``: both passes, validation and the append with projections);
* peak memory of ``timeline export`` and ``timeline import`` at each size: the peak RSS of the
  real command, and the tracemalloc peak of the same call, each in a fresh interpreter; aim:
  flat, not growing with the file.

Rates are given by wall clock and by CPU time of the process: on a shared, busy machine the
CPU figure is the one to compare.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from append import payloads  # noqa: E402  (bench/append.py: the same events as the append bench)

from timeline import export, render  # noqa: E402
from timeline.api import Timeline  # noqa: E402
from timeline.formats_common import CSV_COLUMNS, event_csv_cells  # noqa: E402

BATCH = 10_000
FORMATS = ("csv", "jsonl")


def build(path: Path, items: list[dict[str, Any]], start: int) -> None:
    """Append ``items[start:]`` to the database at ``path`` in batches of ``BATCH``."""
    with Timeline(str(path), user="bench") as tl:
        for i in range(start, len(items), BATCH):
            tl.add_many(items[i : i + BATCH])


def build_all(folder: Path, sizes: list[int]) -> dict[int, Path]:
    """One database per size, each grown from a copy of the one before."""
    items = [{k: v for k, v in p.items() if k != "method"} for p in payloads(max(sizes))]
    out: dict[int, Path] = {}
    previous = 0
    for size in sorted(sizes):
        path = folder / f"events-{size}.db"
        if previous:
            shutil.copyfile(out[previous], path)
        build(path, items[:size], previous)
        out[size] = path
        previous = size
    return out


def timed(work: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = work()
    return time.perf_counter() - start, result


def cpu_timed(work: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds of this process, result): CPU time is what a shared, busy
    machine does not distort."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    return time.perf_counter() - wall, time.process_time() - cpu, result


def export_file(db: Path, fmt: str, target: Path) -> int:
    with Timeline(str(db), user="bench") as tl, open(target, "w", encoding="utf-8",
                                                       newline="") as out:
        return export.write(fmt, tl.show(labels=fmt in render.PRINTS_LABEL), out)


def import_file(db: Path, fmt: str, source: Path) -> int:
    with Timeline(str(db), user="bench") as tl, open(source, encoding="utf-8",
                                                       newline="") as stream:
        result = tl.import_events(stream, fmt)
    return int(result.added)


def baseline_csv(db: Path, target: Path) -> tuple[float, float, int]:
    """csv.DictWriter writing the same rows (precomputed dicts of cells) to a file."""
    with Timeline(str(db), user="bench") as tl:
        rows = [event_csv_cells(e) for e in tl.show()]

    def write() -> int:
        with open(target, "w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\r\n")
            writer.writeheader()
            writer.writerows(rows)
        return len(rows)

    return cpu_timed(write)


def rates(db: Path, n: int, folder: Path) -> dict[str, Path]:
    print(f"export {n:,} events (Timeline.show() -> timeline.export.write -> file)")
    print("  events/s by wall clock, and by CPU time of this process in brackets")
    base, base_cpu, count = baseline_csv(db, folder / "baseline.csv")
    assert count == n, (count, n)
    print(f"  csv.DictWriter, rows in memory : {n / base:>9,.0f} ({n / base_cpu:>9,.0f})")
    files: dict[str, Path] = {}
    for fmt in FORMATS:
        files[fmt] = folder / f"all.{fmt}"
        wall, cpu, written = cpu_timed(lambda fmt=fmt: export_file(db, fmt, files[fmt]))
        assert written == n, (written, n)
        size = files[fmt].stat().st_size / 1e6
        print(f"  export {fmt:<5} (real path)      : {n / wall:>9,.0f} ({n / cpu:>9,.0f})  "
              f"{base / wall:.0%} ({base_cpu / cpu:.0%}) of csv.DictWriter; {size:.0f} MB")
    print(f"import {n:,} events into an empty database (Timeline.import_events)")
    for fmt in FORMATS:
        target = folder / f"import-{fmt}.db"
        wall, cpu, added = cpu_timed(lambda fmt=fmt, target=target: import_file(
            target, fmt, files[fmt]))
        assert added == n, (added, n)
        print(f"  import {fmt:<5}                  : {n / wall:>9,.0f} ({n / cpu:>9,.0f})  "
              f"{wall:.1f} s ({cpu:.1f} s CPU)")
        target.unlink()
    return files


# --------------------------------------------------------------------------- memory


def rss_of(args: list[str], log: Path) -> tuple[int, int]:
    """Peak resident set (KiB) of ``timeline ARGS`` run in a fresh interpreter: the peak of
    its anonymous part (the process's own memory) and the peak of the whole (VmHWM).

    Read in the child's own address space (this file, --rss): the ru_maxrss that wait4
    reports for a child also counts the forking parent's resident set copied at fork (the
    kernel carries it over the exec), which here is the bench holding 100k payloads. The
    whole includes the pages of the database file that SQLite reads through a memory map
    (timeline.db.MMAP_BYTES): page cache, which grows with the file read and which the kernel
    takes back at will; the anonymous part is what the command itself holds.
    """
    out = subprocess.run([sys.executable, __file__, "--rss", *args], capture_output=True,
                         text=True, check=False)
    if out.returncode != 0:
        log.write_text(out.stderr)
        raise SystemExit(f"timeline {' '.join(args)} failed: {out.stderr}")
    anon, whole = out.stdout.strip().splitlines()[-1].split()
    return int(anon), int(whole)


def _status(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    return int(next(line.split()[1] for line in status.splitlines() if line.startswith(field)))


def rss_child(args: list[str]) -> None:
    """Run ``timeline ARGS`` (the CLI's own entry point, in this process), then print the peak
    RssAnon (sampled every 2 ms: the kernel keeps no peak of it) and VmHWM."""
    import threading

    from timeline.cli import app

    peak, done = [_status("RssAnon:")], threading.Event()

    def sample() -> None:
        while not done.wait(0.002):
            peak[0] = max(peak[0], _status("RssAnon:"))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        app(args, prog_name="timeline")
    except SystemExit as exc:
        if exc.code:
            raise
    finally:
        done.set()
        sampler.join()
    print(max(peak[0], _status("RssAnon:")), _status("VmHWM:"))


def traced_peak(op: str, fmt: str, db: Path, file: Path, log: Path) -> int:
    """tracemalloc peak (bytes) of the same call in a fresh interpreter (this file, --child)."""
    out = subprocess.run(
        [sys.executable, __file__, "--child", op, fmt, str(db), str(file)],
        capture_output=True, text=True, check=False,
    )
    if out.returncode != 0:
        log.write_text(out.stderr)
        raise SystemExit(f"--child {op} {fmt} failed: {out.stderr}")
    return int(out.stdout.strip())


def child(op: str, fmt: str, db: str, file: str) -> None:
    tracemalloc.start()
    if op == "export":
        export_file(Path(db), fmt, Path(file))
    else:
        import_file(Path(db), fmt, Path(file))
    _, peak = tracemalloc.get_traced_memory()
    print(peak)


def memory(dbs: dict[int, Path], folder: Path) -> None:
    log = folder / "stderr.log"
    print("peak memory of the `timeline` command: anonymous RSS (whole RSS, with the mapped "
          "database file) / tracemalloc peak of the call; each in a fresh interpreter")
    print(f"  {'events':>8}  " + "  ".join(f"{op + ' ' + fmt:>24}" for op in ("export", "import")
                                          for fmt in FORMATS))
    for size, db in sorted(dbs.items()):
        cells = []
        for fmt in FORMATS:
            file = folder / f"mem-{size}.{fmt}"
            anon, rss = rss_of(["export", "--db", str(db), "-f", fmt, "-o", str(file)], log)
            peak = traced_peak("export", fmt, db, folder / f"traced-{size}.{fmt}", log)
            cells.append(f"{anon / 1024:4.0f} ({rss / 1024:4.0f}) MB / {peak / 1e6:5.1f} MB")
        for fmt in FORMATS:
            file = folder / f"mem-{size}.{fmt}"
            target = folder / f"mem-import-{size}-{fmt}.db"
            anon, rss = rss_of(["import", "--db", str(target), str(file), "-f", fmt], log)
            target.unlink()
            peak = traced_peak("import", fmt, target, file, log)
            target.unlink()
            cells.append(f"{anon / 1024:4.0f} ({rss / 1024:4.0f}) MB / {peak / 1e6:5.1f} MB")
        print(f"  {size:>8,}  " + "  ".join(f"{c:>24}" for c in cells))


def main() -> None:
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(*sys.argv[2:])
        return
    if len(sys.argv) > 2 and sys.argv[1] == "--rss":
        rss_child(sys.argv[2:])
        return
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--sizes", default="25000,50000,100000",
                        help="database sizes for the memory table, comma-separated")
    parser.add_argument("--skip-memory", action="store_true")
    args = parser.parse_args()
    sizes = sorted({int(s) for s in args.sizes.split(",")} | {args.events})
    if args.skip_memory:
        sizes = [args.events]
    os.environ.setdefault("TIMELINE_USER", "bench")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        seconds, dbs = timed(lambda: build_all(folder, sizes))
        print(f"built {', '.join(f'{s:,}' for s in sizes)}-event databases with "
              f"Timeline.add_many in {seconds:.0f} s")
        rates(dbs[args.events], args.events, folder)
        if not args.skip_memory:
            memory({s: dbs[s] for s in sizes}, folder)


if __name__ == "__main__":
    main()
