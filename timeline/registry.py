"""The actor registry as records: seeded from the built-in gazetteer, extended by users.

Actors live in the log like everything else (``actor.added``, ``actor.alias_added``,
``actor.affiliated``, one stream per actor); the ``actors`` and ``actor_aliases`` read tables are
folded from them, and ``show --actor`` resolves any name through those tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from sqlalchemy import Engine, func, or_, select

from timeline import events as ev
from timeline import projections
from timeline import records as rk
from timeline.errors import ConcurrencyError, NotFoundError, UsageError
from timeline.records import NewRecord
from timeline.schema import actor_aliases, actors, event_actors, events, records
from timeline.store import Store

SEED_BY = "timeline (built-in gazetteer)"
_NAMESPACE = uuid.UUID("0b7d3f5e-54d6-4c39-9f3e-2a0f6f1f8c11")


def stream_id(name: str) -> str:
    return "actor:" + ev.fold_key(name)[:70]


def seed(engine: Engine, store: Store) -> None:
    """Append the built-in gazetteer as records, once per database (cheap check otherwise)."""
    with engine.connect() as conn:
        if conn.execute(select(actors.c.name).limit(1)).first() is not None:
            return
    from timeline.actors import Gazetteer

    batch = [
        NewRecord(
            stream_id(actor.name),
            rk.ACTOR_ADDED,
            {k: v for k, v in actor.to_dict().items() if v not in (None, [], ())},
            0,
            record_id=str(uuid.uuid5(_NAMESPACE, "seed:" + actor.name)),
        )
        for actor in Gazetteer.builtin()
    ]
    try:
        store.append(batch, recorded_by=SEED_BY)
    except ConcurrencyError:
        pass  # another process seeded it first


def _canonical(engine: Engine, name: str) -> str:
    with engine.connect() as conn:
        found = conn.execute(
            select(actor_aliases.c.actor).where(actor_aliases.c.key == ev.fold_key(name))
        ).scalar()
    if found is None:
        raise NotFoundError(f"no actor named {name!r}; see `timeline actors --search`")
    return str(found)


def listing(engine: Engine, search: str | None = None) -> list[dict[str, Any]]:
    query = select(actors).order_by(actors.c.key)
    with engine.connect() as conn:
        if search:
            pattern = f"%{ev.fold_key(search)}%"
            names = select(actor_aliases.c.actor).where(actor_aliases.c.key.like(pattern))
            query = query.where(or_(actors.c.key.like(pattern), actors.c.name.in_(names)))
        return [
            {"name": r.name, "kind": r.kind, "country": r.country, "parent": r.parent}
            for r in conn.execute(query)
        ]


def describe(engine: Engine, name: str) -> dict[str, Any]:
    canonical = _canonical(engine, name)
    with engine.connect() as conn:
        row = conn.execute(select(actors).where(actors.c.name == canonical)).first()
        aliases = sorted(
            conn.execute(
                select(actor_aliases.c.alias).where(actor_aliases.c.actor == canonical)
            ).scalars()
        )
        branches = sorted(
            conn.execute(select(actors.c.name).where(actors.c.parent == canonical)).scalars()
        )
        keys = projections.resolve_actor(conn, canonical, exact=True)
        count = conn.execute(
            select(func.count(func.distinct(event_actors.c.event_position)))
            .join(events, events.c.first_position == event_actors.c.event_position)
            .where(event_actors.c.actor_key.in_(sorted(keys)), events.c.status == "active")
        ).scalar()
    return {
        "name": canonical,
        "kind": row.kind if row else None,
        "country": row.country if row else None,
        "parent": row.parent if row else None,
        "aliases": [a for a in aliases if a != canonical],
        "branches": branches,
        "events": int(count or 0),
    }


def add(engine: Engine, store: Store, user: str, name: str, *, kind: str,
        country: str | None = None, aliases: Sequence[str] = (),
        parent: str | None = None) -> None:
    from timeline.actors import KINDS

    name = ev.one_line(name, "the actor name")
    if kind not in KINDS:
        raise UsageError(f"unknown actor kind {kind!r}; kinds: {', '.join(KINDS)}")
    with engine.connect() as conn:
        for candidate in (name, *aliases):
            taken = conn.execute(
                select(actor_aliases.c.actor).where(
                    actor_aliases.c.key == ev.fold_key(candidate))
            ).scalar()
            if taken is not None:
                raise UsageError(f"{candidate!r} already names the actor {taken!r}")
    if parent is not None:
        parent = _canonical(engine, parent)
    payload = {"name": name, "kind": kind, "country": country,
               "aliases": [ev.one_line(a, "an alias") for a in aliases], "parent": parent}
    store.append([NewRecord(stream_id(name), rk.ACTOR_ADDED,
                            {k: v for k, v in payload.items() if v not in (None, [])}, 0)],
                 recorded_by=user)


def alias(engine: Engine, store: Store, user: str, name: str, new_alias: str) -> None:
    canonical = _canonical(engine, name)
    new_alias = ev.one_line(new_alias, "the alias")
    with engine.connect() as conn:
        taken = conn.execute(
            select(actor_aliases.c.actor).where(actor_aliases.c.key == ev.fold_key(new_alias))
        ).scalar()
    if taken == canonical:
        raise UsageError(f"{new_alias!r} already names {canonical!r}")
    if taken is not None:
        raise UsageError(f"{new_alias!r} already names the actor {taken!r}")
    store.append([NewRecord(stream_id(canonical), rk.ACTOR_ALIAS_ADDED,
                            {"actor": canonical, "alias": new_alias})], recorded_by=user)


def link(engine: Engine, store: Store, user: str, branch: str, parent: str) -> None:
    child, mother = _canonical(engine, branch), _canonical(engine, parent)
    if child == mother:
        raise UsageError(f"{child!r} cannot be its own parent")
    with engine.connect() as conn:
        ancestor: str | None = mother
        while ancestor is not None:  # refuse cycles: the parent must not descend from the child
            if ancestor == child:
                raise UsageError(f"{mother!r} is already a branch of {child!r}")
            ancestor = conn.execute(
                select(actors.c.parent).where(actors.c.name == ancestor)).scalar()
    store.append([NewRecord(stream_id(child), rk.ACTOR_AFFILIATED,
                            {"actor": child, "parent": mother})], recorded_by=user)


def gazetteer(engine: Engine) -> Any:
    """The built-in gazetteer extended by the actors, aliases and links users recorded."""
    from timeline.actors import Gazetteer

    query = (
        select(records.c.kind, records.c.payload)
        .where(records.c.stream_id >= "actor:", records.c.stream_id < "actor;",
               records.c.recorded_by != SEED_BY)
        .order_by(records.c.position)
    )
    with engine.connect() as conn:
        rows = [{"kind": kind, "payload": rk.loads(payload)} for kind, payload in
                conn.execute(query)]
    return Gazetteer.from_records(rows) if rows else Gazetteer.builtin()
