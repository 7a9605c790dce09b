"""The command line: parse options, make one library call, print. No logic lives here."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from timeline.errors import TimelineError

app = typer.Typer(
    name="timeline",
    help="An event-sourced timeline database for sourced chronologies of security incidents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)

F = TypeVar("F", bound=Callable[..., Any])

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        envvar="TIMELINE_DB",
        help="Database path or URL (default: timeline.db in the user data directory).",
        show_envvar=True,
    ),
]
FormatOption = Annotated[
    str, typer.Option("--format", "-f", help="Output format: table, json, jsonl or csv.")
]
RefOption = Annotated[
    str | None,
    typer.Option("--ref", help="Reference date the expression is read against (default: today)."),
]
LangOption = Annotated[
    str | None, typer.Option("--lang", help="Language of the date text, e.g. tr or ru.")
]


def fail(message: str) -> None:
    typer.echo(f"Error: {message}", err=True)
    raise typer.Exit(1)


def handled(func: F) -> F:
    """Turn the library's errors (and any other surprise) into one ``Error: ...`` line."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except TimelineError as exc:
            fail(" ".join(str(exc).split()))
        except BrokenPipeError:
            # The reader went away (``timeline show | head``): not an error worth a line.
            sys.stderr.close()
            raise typer.Exit(0) from None
        except KeyboardInterrupt:
            fail("interrupted")
        except Exception as exc:  # never a traceback for a user; TIMELINE_DEBUG=1 shows it
            if os.environ.get("TIMELINE_DEBUG"):
                raise
            fail(f"unexpected {type(exc).__name__}: {' '.join(str(exc).split())}")
        return None

    return wrapper  # type: ignore[return-value]


def command(name: str | None = None) -> Callable[[F], F]:
    def register(func: F) -> F:
        app.command(name)(handled(func))
        return func

    return register


def open_timeline(db: str | None) -> Any:
    from timeline.api import Timeline

    return Timeline(db)


def parse_ref(value: str | None, option: str = "--ref") -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise TimelineError(f"{option} must be an ISO date (2024-05-07), got {value!r}") from None


def required(value: str | None, option: str, prompt: str) -> str:
    """A required option: prompted for in a terminal, a clear error otherwise."""
    if value is not None and value.strip():
        return value
    if sys.stdin.isatty() and sys.stdout.isatty():
        answer: str = typer.prompt(prompt)
        return answer
    raise TimelineError(f"missing option {option}")


def emit(events: Iterable[dict[str, Any]], fmt: str, out: Any = None) -> int:
    from timeline import render

    return render.write(fmt, events, out or sys.stdout)


# -- commands --------------------------------------------------------------------------------
@command("add")
def add(
    type_: Annotated[
        str | None,
        typer.Option("--type", "-t", help="attack, detention, warning, thwarted_plot, "
                     "airstrike, statement, sentencing, operation, designation or other."),
    ] = None,
    summary: Annotated[str | None, typer.Option("--summary", "-s", help="One line.")] = None,
    date_text: Annotated[
        str | None,
        typer.Option("--date", "-d", help="A date expression: 2024-03-22, 'late January'..."),
    ] = None,
    ref: RefOption = None,
    lang: LangOption = None,
    actor: Annotated[
        list[str] | None,
        typer.Option("--actor", "-a", help="Actor, repeatable; NAME or NAME:role "
                     "(perpetrator by default; target, victim, agent, source, other)."),
    ] = None,
    location: Annotated[str | None, typer.Option(help="Place, e.g. 'Krasnogorsk, Russia'.")] = None,
    country: Annotated[str | None, typer.Option(help="Country of the place.")] = None,
    killed: Annotated[int | None, typer.Option(help="People killed (omit if unknown).")] = None,
    injured: Annotated[int | None, typer.Option(help="People injured.")] = None,
    detained: Annotated[int | None, typer.Option(help="People detained.")] = None,
    subtype: Annotated[str | None, typer.Option(help="E.g. shooting, bombing.")] = None,
    source: Annotated[str | None, typer.Option(help="URL or name of the source.")] = None,
    evidence: Annotated[str | None, typer.Option(help="The sentence that reports it.")] = None,
    db: DbOption = None,
) -> None:
    """Record a new event and print its id.

    Example:

        timeline add --type attack --summary "Attack on a concert hall" --date 2024-03-22
        --actor Daesh-K --location "Krasnogorsk, Russia" --killed 144 --injured 360
    """
    fields = dict(
        type=required(type_, "--type", "Type"),
        summary=required(summary, "--summary", "Summary"),
        date=required(date_text, "--date", "Date"),
        ref=parse_ref(ref),
        lang=lang,
        actors=actor or [],
        location=location,
        country=country,
        killed=killed,
        injured=injured,
        detained=detained,
        subtype=subtype,
        source=source,
        evidence=evidence,
    )
    with open_timeline(db) as tl:
        typer.echo(tl.add(**fields))


@command("show")
def show(
    actor: Annotated[str | None, typer.Option(help="Actor name or any alias.")] = None,
    with_affiliates: Annotated[
        bool, typer.Option("--with-affiliates", help="Include the actor's branches.")
    ] = False,
    exact: Annotated[
        bool,
        typer.Option("--exact", help="Only the actor itself, not events attributed to its "
                     "parent organisation without a branch."),
    ] = False,
    role: Annotated[str | None, typer.Option(help="Only where the actor has this role.")] = None,
    type_: Annotated[
        list[str] | None, typer.Option("--type", "-t", help="Event type, repeatable.")
    ] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="From this date.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Up to this date.")] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The timeline as it was known then (date or date-time)."),
    ] = None,
    include_retracted: Annotated[
        bool, typer.Option("--include-retracted", help="Show retracted events too.")
    ] = False,
    limit: Annotated[int | None, typer.Option(help="At most this many events.")] = None,
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """Show the timeline in chronological order.

    Intervals overlap --from/--to. Example:

        timeline show --actor ISIS-K --from 2024-01-01 --format json
    """
    from timeline import render

    render.check_format(fmt)
    with open_timeline(db) as tl:
        events = tl.show(
            actor=actor, with_affiliates=with_affiliates, exact=exact, role=role,
            types=type_ or (),
            date_from=date_from, date_to=date_to, as_of=as_of,
            include_retracted=include_retracted, limit=limit,
        )
        emit(events, fmt)


@command("amend")
def amend(
    event_id: Annotated[str, typer.Argument(help="The event id, e.g. ev-0123456789.")],
    reason: Annotated[str | None, typer.Option(help="Why (required).")] = None,
    type_: Annotated[str | None, typer.Option("--type", "-t", help="New type.")] = None,
    summary: Annotated[str | None, typer.Option("--summary", "-s")] = None,
    date_text: Annotated[str | None, typer.Option("--date", "-d", help="New date.")] = None,
    ref: RefOption = None,
    lang: LangOption = None,
    actor: Annotated[
        list[str] | None, typer.Option("--actor", "-a", help="Replaces the actors; repeatable.")
    ] = None,
    location: Annotated[str | None, typer.Option()] = None,
    country: Annotated[str | None, typer.Option()] = None,
    killed: Annotated[int | None, typer.Option()] = None,
    injured: Annotated[int | None, typer.Option()] = None,
    detained: Annotated[int | None, typer.Option()] = None,
    subtype: Annotated[str | None, typer.Option()] = None,
    source: Annotated[str | None, typer.Option()] = None,
    evidence: Annotated[str | None, typer.Option()] = None,
    db: DbOption = None,
) -> None:
    """Correct an event: a new record, the old ones stay in its history.

    Example:

        timeline amend ev-0123456789 --killed 145 --reason "Toll revised by the ministry"
    """
    reason = required(reason, "--reason", "Reason")
    changes = dict(
        type=type_, summary=summary, actors=actor, location=location, country=country,
        killed=killed, injured=injured, detained=detained, subtype=subtype, source=source,
        evidence=evidence,
    )
    with open_timeline(db) as tl:
        doc = tl.amend(event_id, reason=reason, date=date_text, ref=parse_ref(ref), lang=lang,
                       **changes)
        typer.echo(f"{doc['id']} amended (version {doc['version']})")


@command("retract")
def retract(
    event_id: Annotated[str, typer.Argument(help="The event id.")],
    reason: Annotated[str | None, typer.Option(help="Why (required).")] = None,
    db: DbOption = None,
) -> None:
    """Retract an event: it leaves `show` but stays in its history.

    Example:

        timeline retract ev-0123456789 --reason "Duplicate of ev-9876543210"
    """
    reason = required(reason, "--reason", "Reason")
    with open_timeline(db) as tl:
        doc = tl.retract(event_id, reason=reason)
        typer.echo(f"{doc['id']} retracted (version {doc['version']})")


@command("history")
def history(
    event_id: Annotated[str, typer.Argument(help="The event id.")],
    fmt: FormatOption = "table",
    db: DbOption = None,
) -> None:
    """Every record of one event: what changed, who recorded it, when and why.

    Example:

        timeline history ev-0123456789
    """
    from timeline import render

    render.check_format(fmt, ("table", "json", "jsonl"))
    with open_timeline(db) as tl:
        render.write_records(fmt, tl.history(event_id), sys.stdout)


@command("log")
def log(
    since_position: Annotated[
        int, typer.Option("--since-position", help="Only records after this position.")
    ] = 0,
    fmt: Annotated[str, typer.Option("--format", "-f", help="jsonl, json or table.")] = "jsonl",
    db: DbOption = None,
) -> None:
    """The raw records of the log, oldest first.

    Example:

        timeline log --since-position 100 --format jsonl
    """
    from timeline import render

    render.check_format(fmt, ("table", "json", "jsonl"))
    with open_timeline(db) as tl:
        render.write_records(fmt, tl.log(since_position), sys.stdout)


@command("rebuild")
def rebuild(db: DbOption = None) -> None:
    """Drop the read tables and fold them again from the whole log.

    Example:

        timeline rebuild
    """
    with open_timeline(db) as tl:
        typer.echo(f"rebuilt from {tl.rebuild()} records")


@command("verify")
def verify(db: DbOption = None) -> None:
    """Recompute the hash chain and the projections; print the record count and head hash.

    Exits 1 naming the first bad position if the log was changed outside timeline. Example:

        timeline verify
    """
    with open_timeline(db) as tl:
        report = tl.verify()
    if report.bad_position is not None:
        fail(f"the log is broken at position {report.bad_position}: {report.problem}")
    if not report.projections_ok:
        fail("the read tables differ from the log; run `timeline rebuild`")
    typer.echo(f"ok: {report.count} records, head {report.head_hash}")


@command("export")
def export(
    fmt: Annotated[str, typer.Option("--format", "-f", help="csv, json, jsonl, timelinejs, "
                                     "timesketch, acled or html.")] = "csv",
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="File to write (default: stdout).")
    ] = None,
    actor: Annotated[str | None, typer.Option(help="Actor name or any alias.")] = None,
    with_affiliates: Annotated[bool, typer.Option("--with-affiliates")] = False,
    exact: Annotated[bool, typer.Option("--exact")] = False,
    role: Annotated[str | None, typer.Option()] = None,
    type_: Annotated[list[str] | None, typer.Option("--type", "-t")] = None,
    date_from: Annotated[str | None, typer.Option("--from")] = None,
    date_to: Annotated[str | None, typer.Option("--to")] = None,
    as_of: Annotated[str | None, typer.Option("--as-of")] = None,
    include_retracted: Annotated[bool, typer.Option("--include-retracted")] = False,
    limit: Annotated[int | None, typer.Option()] = None,
    db: DbOption = None,
) -> None:
    """Export the timeline; every filter of `show` applies.

    Example:

        timeline export --format html --actor Daesh-K -o daesh-k.html
    """
    from timeline import render

    render.check_format(fmt, render.EXPORT_FORMATS)
    with open_timeline(db) as tl:
        events = tl.show(
            actor=actor, with_affiliates=with_affiliates, exact=exact, role=role,
            types=type_ or (), date_from=date_from, date_to=date_to, as_of=as_of,
            include_retracted=include_retracted, limit=limit,
            labels=fmt in render.PRINTS_LABEL,
        )
        if output is None:
            emit(events, fmt)
            return
        render.write_file(fmt, events, output)


@command("import")
def import_(
    file: Annotated[str, typer.Argument(help="File to import, or - for stdin.")],
    fmt: Annotated[
        str | None, typer.Option("--format", "-f", help="csv, jsonl or json (default: from the "
                                 "file name, else csv).")
    ] = None,
    db: DbOption = None,
) -> None:
    """Import events written by `export` (or hand-made CSV with the documented columns).

    Every row is checked first: a file with one bad row records nothing and names the row.
    Re-importing the same rows adds nothing. Example:

        timeline import events.csv
    """
    from timeline import render

    fmt = fmt or render.format_from_name(file)
    with open_timeline(db) as tl, render.open_input(file) as stream:
        result = render.with_progress(
            lambda progress, validated: tl.import_events(
                stream, fmt, progress=progress, validated=validated),
            sys.stderr,
        )
    typer.echo(f"imported {result.added} events ({result.skipped} already present) "
               f"from {result.rows} rows")


@command("ingest")
def ingest(
    article: Annotated[str, typer.Argument(help="Article file (text or HTML), or - for stdin.")],
    published: Annotated[
        str | None,
        typer.Option(help="Publication date, YYYY-MM-DD: relative dates are read against it."),
    ] = None,
    source: Annotated[str | None, typer.Option(help="Outlet name.")] = None,
    url: Annotated[str | None, typer.Option(help="Address of the article.")] = None,
    title: Annotated[str | None, typer.Option(help="Headline.")] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would be recorded; record nothing.")
    ] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    db: DbOption = None,
) -> None:
    """Read a news article and record the events it reports, with their source.

    Ingesting the same text twice records nothing new. Example:

        timeline ingest report.txt --published 2024-06-18 --source "Daily Sabah"
    """
    from timeline import render

    render.check_format(fmt, ("table", "json"))
    when = parse_ref(published, "--published")
    raw, filename = read_input(article)
    with open_timeline(db) as tl:
        result = tl.ingest(raw, published=when, name=source, url=url, title=title,
                           filename=filename, dry_run=dry_run)
        render.write_ingest(fmt, result, sys.stdout, sys.stderr)


def read_input(name: str) -> tuple[str, str | None]:
    if name == "-":
        return sys.stdin.read(), None
    path = Path(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise TimelineError(f"cannot read {name}: {exc.strerror}") from None
    try:
        return data.decode("utf-8-sig"), path.name
    except UnicodeDecodeError:
        raise TimelineError(f"{name} is not UTF-8 text") from None


@command("when")
def when(
    text: Annotated[str, typer.Argument(help="A date expression, or - to read lines of stdin.")],
    ref: RefOption = None,
    lang: LangOption = None,
    prefer: Annotated[
        str, typer.Option(help="past (news reading) or future, for year-less dates.")
    ] = "past",
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Resolve a date expression into an interval with a precision.

    Example:

        timeline when "late January" --ref 2024-05-07
    """
    from timeline import render

    reference = parse_ref(ref) or date.today()
    if prefer not in ("past", "future"):
        raise TimelineError("--prefer must be past or future")
    render.write_when(text, reference, lang=lang, prefer=prefer, fmt=fmt,
                      stdin=sys.stdin, out=sys.stdout)


@command("demo")
def demo(db: DbOption = None) -> None:
    """Load the bundled example timeline (once) and show it.

    Example:

        timeline demo
    """
    from timeline import demo as demo_data

    with open_timeline(db) as tl:
        added = demo_data.load(tl)
        if added:
            typer.echo(f"loaded {added} example events into {tl.url}", err=True)
        emit(tl.show(), "table")


actors_app = typer.Typer(
    help="The actor registry: canonical names, aliases, affiliations.",
    invoke_without_command=True,
    no_args_is_help=False,
    rich_markup_mode=None,
)
app.add_typer(actors_app, name="actors")


def actors_command(name: str) -> Callable[[F], F]:
    def register(func: F) -> F:
        actors_app.command(name)(handled(func))
        return func

    return register


@actors_app.callback()
@handled
def actors_list(
    ctx: typer.Context,
    search: Annotated[str | None, typer.Option(help="Names or aliases containing this.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
    db: DbOption = None,
) -> None:
    """List the actors (built-in and added); subcommands change the registry.

    Example:

        timeline actors --search khorasan
    """
    if ctx.invoked_subcommand is not None:
        return
    from timeline import render

    render.check_format(fmt, ("table", "json"))
    with open_timeline(db) as tl:
        render.write_rows(fmt, tl.actors(search), sys.stdout)


@actors_command("show")
def actors_show(
    name: Annotated[str, typer.Argument(help="Any name or alias of the actor.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    db: DbOption = None,
) -> None:
    """One actor: aliases, parent, branches, number of events.

    Example:

        timeline actors show ISKP
    """
    from timeline import render

    render.check_format(fmt, ("text", "json"))
    with open_timeline(db) as tl:
        render.write_actor(fmt, tl.actor(name), sys.stdout)


@actors_command("add")
def actors_add(
    name: Annotated[str, typer.Argument(help="Canonical name.")],
    kind: Annotated[str, typer.Option(help="armed_group, state_agency, state, security_force, "
                                      "person, media or other.")] = "other",
    country: Annotated[str | None, typer.Option()] = None,
    alias: Annotated[list[str] | None, typer.Option("--alias", help="Repeatable.")] = None,
    parent: Annotated[str | None, typer.Option(help="The organisation it belongs to.")] = None,
    db: DbOption = None,
) -> None:
    """Add an actor to the registry.

    Example:

        timeline actors add "Jamaat Ansarullah" --kind armed_group --country Tajikistan
    """
    with open_timeline(db) as tl:
        actor = tl.add_actor(name, kind=kind, country=country, aliases=alias or (),
                             parent=parent)
        typer.echo(f"added {actor['name']}")


@actors_command("alias")
def actors_alias(
    name: Annotated[str, typer.Argument(help="Any name of the actor.")],
    alias: Annotated[str, typer.Argument(help="The new alias.")],
    db: DbOption = None,
) -> None:
    """Teach the registry another name for an actor.

    Example:

        timeline actors alias Daesh-K "Wilayat Khorasan"
    """
    with open_timeline(db) as tl:
        actor = tl.add_alias(name, alias)
        typer.echo(f"{alias} -> {actor['name']}")


@actors_command("link")
def actors_link(
    branch: Annotated[str, typer.Argument(help="The branch.")],
    parent: Annotated[str, typer.Option(help="The organisation it belongs to.")],
    db: DbOption = None,
) -> None:
    """Record that an actor is a branch of another (for --with-affiliates).

    Example:

        timeline actors link ISWAP --parent Daesh
    """
    with open_timeline(db) as tl:
        actor = tl.link_actor(branch, parent)
        typer.echo(f"{actor['name']} is a branch of {actor['parent']}")


db_app = typer.Typer(help="The database itself: where it is, and moving it.",
                     no_args_is_help=True, rich_markup_mode=None)
app.add_typer(db_app, name="db")


@db_app.command("info")
@handled
def db_info(db: DbOption = None) -> None:
    """Where the database is, its schema revision, records, events and head hash.

    Example:

        timeline db info --db postgresql+psycopg://analyst@db.example.org/timeline
    """
    with open_timeline(db) as tl:
        for key, value in tl.info().items():
            typer.echo(f"{key:<14}{value}")


@db_app.command("copy")
@handled
def db_copy(
    to: Annotated[str, typer.Option("--to", help="Target database path or URL (empty).")],
    db: DbOption = None,
) -> None:
    """Copy the whole log to another database (SQLite to PostgreSQL or back), verified.

    Example:

        timeline db copy --to postgresql+psycopg://analyst@db.example.org/timeline
    """
    with open_timeline(db) as tl:
        count, head = tl.copy_to(to)
    typer.echo(f"copied {count} records, head {head}")


def main() -> None:
    app()
