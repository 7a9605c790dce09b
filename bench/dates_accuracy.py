"""Accuracy and speed of timeline.dates.resolve against dateparser on the shared temporal corpus.

    python bench/dates_accuracy.py                 # the tables
    python bench/dates_accuracy.py --failures month # failing cases of one category
    python bench/dates_accuracy.py --failures future

Scoring (corpus README): expected.end is exclusive; a START/MID/END case is right when the answer
lies inside `outer` and overlaps `expected`; every other case must match the interval exactly.
Recognizers-Text ranges set end to the START of the last named unit ("from 2014 to 2018" ->
[2014-01-01, 2018-01-01)): the corpus notes it on 120 cases, and the same holds for RT's other
range, "on or before" and interval cases (see rt_end_is_last_unit_start). An answer ending on the
last day of the day, week, month, quarter or year that begins at that end is the same reading and
counts as right.
The 149 direction=future cases (Duckling reads forward) are scored apart, with prefer="future".
dateparser is scored as its single datetime lying inside the expected interval.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from timeline.dates import DateSpan, clear_caches, resolve  # noqa: E402
from timeline.errors import DateError  # noqa: E402

CASES = ROOT.parent / "shared" / "corpus" / "temporal" / "cases.jsonl"
NEWS = ("weekday relative_day relative_offset relative_week relative_month relative_year month "
        "month_day month_year year explicit_date fuzzy_modifier quarter_half season weekend "
        "decade_century open_interval").split()
FUZZY = ("START", "MID", "END")


@dataclass
class Outcome:
    case: dict[str, Any]
    ok: bool
    got: str
    dp_ok: bool


def load_cases(path: Path = CASES) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def _d(v: str | None) -> date | None:
    return date.fromisoformat(v[:10]) if v else None


def is_right(case: dict[str, Any], span: DateSpan | None) -> bool:
    """The corpus rule: exact interval, or inside `outer` and overlapping for fuzzy cases."""
    if span is None:
        return False
    exp = case["expected"]
    e_start, e_end = _d(exp["start"]), _d(exp["end"])
    start = span.earliest
    end = span.latest + timedelta(days=1) if span.latest else None
    if case.get("mod") in FUZZY and case.get("outer"):
        o_start, o_end = _d(case["outer"]["start"]), _d(case["outer"]["end"])
        if start is None or end is None or o_start is None or o_end is None:
            return False
        inside = o_start <= start and end <= o_end
        overlaps = (e_start is None or start < (e_end or date.max)) and \
            (e_end is None or e_start is None or end > e_start)
        return inside and overlaps
    if start == e_start and end == e_end:
        return True
    # Recognizers-Text ranges (the corpus notes it): the end is the START of the last named unit,
    # so "from 2014 to 2018" expects [2014-01-01, 2018-01-01). Our inclusive answer (..2018-12-31)
    # is the same reading when it ends exactly at the end of a day, month or year beginning there.
    if rt_end_is_last_unit_start(case) and start == e_start and e_end and \
            span.latest is not None:
        return span.latest in _unit_ends(e_end)
    return False


def rt_end_is_last_unit_start(case: dict[str, Any]) -> bool:
    """A Recognizers-Text interval whose `end` is RT's own range end: the START of the last unit
    the text names or includes. The corpus notes it on 120 `explicit_range` cases; the same
    convention holds, without the note, for RT's other ranges (a TIMEX range "(start,end,P..)":
    "jan-feb 2017" ends 2017-02-01, "rest of the week" ends on the Sunday), its "on or before X" /
    "as late as X" (end = the start of X) and its interval granularity ("year to date" ends on
    the reference day): 32 cases outside `explicit_range` plus 3 quarter ranges."""
    if (case.get("source") or {}).get("repo") != "microsoft/Recognizers-Text":
        return False
    return bool((case.get("notes") or {}).get("range_end_note")
                or (case.get("timex") or "").startswith("(")
                or case.get("mod") == "ON_OR_BEFORE" or case.get("granularity") == "interval")


def _unit_ends(d: date) -> set[date]:
    """Last days of the day, week (d a Monday), month, quarter and year that begin on d."""
    ends = {d}
    if d.weekday() == 0:
        ends.add(d + timedelta(days=6))
    if d.day == 1:
        nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
        ends.add(nxt - timedelta(days=1))
        if d.month in (1, 4, 7, 10):
            q = date(d.year + (d.month + 2) // 12, (d.month + 2) % 12 + 1, 1)
            ends.add(q - timedelta(days=1))
        if d.month == 1:
            ends.add(date(d.year, 12, 31))
    return ends


def dateparser_right(case: dict[str, Any], value: datetime | None) -> bool:
    if value is None:
        return False
    exp = case["expected"]
    s, e = _d(exp["start"]), _d(exp["end"])
    d = value.date()
    return (s is None or d >= s) and (e is None or d < e)


def _reference(case: dict[str, Any]) -> date:
    return date.fromisoformat(case["reference"][:10])


def _prefer(case: dict[str, Any]) -> str:
    return "future" if case.get("direction") == "future" else "past"


def run_resolve(case: dict[str, Any]) -> DateSpan | None:
    try:
        return resolve(case["text"], _reference(case), prefer=_prefer(case))
    except DateError:
        return None


def run_dateparser(case: dict[str, Any]) -> datetime | None:
    import dateparser

    ref = _reference(case)
    settings = {"RELATIVE_BASE": datetime(ref.year, ref.month, ref.day),
                "PREFER_DATES_FROM": "past"}
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            return dateparser.parse(case["text"], languages=["en"], settings=settings)
    except Exception:
        return None


def evaluate(cases: list[dict[str, Any]], with_dateparser: bool = True) -> list[Outcome]:
    out = []
    for c in cases:
        span = run_resolve(c)
        got = f"{span.earliest}..{span.latest} {span.precision} {span.mod or ''}" if span else "-"
        dp = dateparser_right(c, run_dateparser(c)) if with_dateparser else False
        out.append(Outcome(c, is_right(c, span), got, dp))
    return out


def news_accuracy(cases: list[dict[str, Any]] | None = None) -> float:
    """Share of the news-style (past-reading) cases resolve() gets right: the test floor."""
    cases = [c for c in (cases or load_cases())
             if c["category"] in NEWS and c["direction"] != "future"]
    return sum(is_right(c, run_resolve(c)) for c in cases) / len(cases)


def _line(name: str, outs: list[Outcome]) -> str:
    n = len(outs)
    ours = sum(o.ok for o in outs)
    dp = sum(o.dp_ok for o in outs)
    return f"{name:<34}{n:>6}{100 * ours / n:>9.1f}%{100 * dp / n:>11.1f}%"


def _resolve_all(inputs: list[tuple[str, date, str]]) -> float:
    """Expressions per second for one pass of resolve() over the inputs."""
    t = time.perf_counter()
    for text, ref, prefer in inputs:
        try:
            resolve(text, ref, prefer=prefer)
        except DateError:
            pass
    return len(inputs) / (time.perf_counter() - t)


def _rates(cases: list[dict[str, Any]]) -> tuple[float, float, float]:
    """resolve() cold (caches cleared, each distinct input once), warm, and dateparser.parse."""
    inputs = list({(c["text"], _reference(c), _prefer(c)) for c in cases})
    clear_caches()
    cold = _resolve_all(inputs)
    warm = _resolve_all(inputs)
    t = time.perf_counter()
    for text, ref, _ in inputs:
        run_dateparser({"text": text, "reference": ref.isoformat()})
    dp = len(inputs) / (time.perf_counter() - t)
    return cold, warm, dp


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--failures", metavar="CATEGORY",
                    help="print failing cases of a category ('all', 'news' or 'future' too)")
    ap.add_argument("--no-speed", action="store_true", help="skip the speed measurement")
    args = ap.parse_args(argv)
    cases = load_cases()
    # warm up imports and compiled grammar so speed and order do not depend on who goes first
    run_dateparser(cases[0])
    run_resolve(cases[0])
    outs = evaluate(cases, with_dateparser=not args.failures)
    if args.failures:
        want = args.failures
        for o in outs:
            c = o.case
            sel = (want == "all" or c["category"] == want or
                   (want == "news" and c["category"] in NEWS and c["direction"] != "future") or
                   (want == "future" and c["direction"] == "future"))
            if sel and not o.ok:
                e = c["expected"]
                print(f"{c['id']:<8} {c['text']!r:<44} ref {c['reference'][:10]} "
                      f"want {e['start']}..{e['end']}(excl) {c.get('mod') or ''} "
                      f"[{c['direction']}] got {o.got}")
        return 0
    past = [o for o in outs if o.case["direction"] != "future"]
    future = [o for o in outs if o.case["direction"] == "future"]
    news = [o for o in past if o.case["category"] in NEWS]
    news_all = [o for o in outs if o.case["category"] in NEWS]
    print(f"{'cases':<34}{'n':>6}{'resolve':>10}{'dateparser':>12}")
    print(_line("overall (past readings)", past))
    print(_line("news-style (past readings)", news))
    print(_line("future-direction (prefer=future)", future))
    print(_line("all 1581 (future ones forward)", outs))
    print(_line("news-style 950 (future ones fwd)", news_all))
    print()
    print(f"{'category (past readings)':<34}{'n':>6}{'resolve':>10}{'dateparser':>12}")
    by: dict[str, list[Outcome]] = defaultdict(list)
    for o in past:
        by[o.case["category"]].append(o)
    for cat in NEWS + sorted(set(by) - set(NEWS)):
        if by.get(cat):
            print(_line(("  " if cat in NEWS else "* ") + cat, by[cat]))
    print("(* = not a news-style category)")
    if not args.no_speed:
        cold, warm, dp = _rates(cases)
        print()
        print(f"resolve, cold caches : {cold:>9.0f} expressions/s ({cold / dp:.1f}x dateparser)")
        print(f"resolve, warm caches : {warm:>9.0f} expressions/s")
        print(f"dateparser.parse     : {dp:>9.0f} expressions/s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
