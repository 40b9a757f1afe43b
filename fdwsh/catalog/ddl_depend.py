"""Dependencies between catalog objects, and dropping objects with them (dependency.c).

Contract: :func:`drop_objects` deletes the given objects and, with CASCADE, everything that
depends on them, reporting exactly as PostgreSQL's ``performMultipleDeletions()`` does: the
``cannot drop ... because other objects depend on it`` error (RESTRICT) or the ``drop cascades
to ...`` notice (CASCADE), listing objects in the same order.  That order comes from
PostgreSQL's walk: direct dependents newest first (OID descending), each object listed after
everything reached through it, the whole list read backwards.

The dependency graph of the catalog: extension → its foreign-data wrapper (an extension member,
dropped silently) → servers → user mappings and foreign tables; schema → extensions installed
in it and foreign tables in it.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field

from pglast import ast

from fdwsh.catalog import objects
from fdwsh.catalog.context import DdlContext
from fdwsh.errors import DependentObjectsStillExist, FdwshError, UndefinedObject

MAX_REPORTED_DEPS = 100

EXTENSION = "extension"
FDW = "foreign-data wrapper"
SERVER = "server"
USER_MAPPING = "user mapping"
FOREIGN_TABLE = "foreign table"
SCHEMA = "schema"


@dataclass(frozen=True, slots=True)
class ObjRef:
    """A catalog object: its kind and its id (the SQLite id/rowid, our OID)."""

    kind: str
    id: int


@dataclass(slots=True)
class _Target:
    ref: ObjRef
    via: ObjRef | None
    original: bool = False
    member: bool = False


@dataclass(slots=True)
class _Walk:
    db: sqlite3.Connection
    targets: list[_Target] = field(default_factory=list)
    seen: dict[ObjRef, _Target] = field(default_factory=dict)


def describe(db: sqlite3.Connection, user: str, ref: ObjRef) -> str:
    """getObjectDescription(): ``server s1``, ``foreign table sch.t2``, ..."""
    if ref.kind == EXTENSION:
        row = db.execute("SELECT name FROM extension WHERE rowid = ?", (ref.id,)).fetchone()
        return f"extension {row['name']}"
    if ref.kind == FOREIGN_TABLE:
        table = objects.get_table_by_id(db, ref.id)
        return f"foreign table {objects.table_display_name(db, user, table)}"
    if ref.kind == USER_MAPPING:
        row = db.execute("SELECT um.user_name, s.name FROM user_mapping um JOIN server s"
                         " ON s.id = um.server_id WHERE um.id = ?", (ref.id,)).fetchone()
        return f"user mapping for {row[0]} on server {row[1]}"
    table = {FDW: "fdw", SERVER: "server", SCHEMA: "schema"}[ref.kind]
    row = db.execute(f"SELECT name FROM {table} WHERE id = ?", (ref.id,)).fetchone()
    return f"{ref.kind} {row['name']}"


def _dependents(db: sqlite3.Connection, ref: ObjRef) -> list[tuple[ObjRef, bool]]:
    """Direct dependents as (object, is extension member), newest first."""
    found: list[tuple[ObjRef, bool]] = []
    if ref.kind == SCHEMA:
        name = db.execute("SELECT name FROM schema WHERE id = ?", (ref.id,)).fetchone()[0]
        found += [(ObjRef(EXTENSION, r[0]), False) for r in
                  db.execute("SELECT rowid FROM extension WHERE schema = ?", (name,))]
        found += [(ObjRef(FOREIGN_TABLE, r[0]), False) for r in
                  db.execute("SELECT id FROM foreign_table WHERE schema_id = ?", (ref.id,))]
    elif ref.kind == EXTENSION:
        found += [(ObjRef(FDW, r[0]), True) for r in db.execute(
            "SELECT id FROM fdw WHERE extension = (SELECT name FROM extension WHERE rowid = ?)",
            (ref.id,))]
    elif ref.kind == FDW:
        found += [(ObjRef(SERVER, r[0]), False)
                  for r in db.execute("SELECT id FROM server WHERE fdw_id = ?", (ref.id,))]
    elif ref.kind == SERVER:
        found += [(ObjRef(USER_MAPPING, r[0]), False) for r in
                  db.execute("SELECT id FROM user_mapping WHERE server_id = ?", (ref.id,))]
        found += [(ObjRef(FOREIGN_TABLE, r[0]), False) for r in
                  db.execute("SELECT id FROM foreign_table WHERE server_id = ?", (ref.id,))]
    return sorted(found, key=lambda item: -item[0].id)


def _find(walk: _Walk, ref: ObjRef, via: ObjRef | None, *, original: bool = False,
          member: bool = False) -> None:
    """findDependentObjects(): depth first, each object after what depends on it."""
    if ref in walk.seen:
        walk.seen[ref].original |= original
        return
    target = _Target(ref, via, original, member)
    walk.seen[ref] = target
    for dep, is_member in _dependents(walk.db, ref):
        _find(walk, dep, ref, member=is_member)
    walk.targets.append(target)


def _report(ctx: DdlContext, walk: _Walk, originals: list[ObjRef], cascade: bool) -> None:
    """reportDependentObjects(): the RESTRICT error, or the CASCADE notice."""
    db, user = ctx.store.db, ctx.user
    lines: list[str] = []
    total = 0
    for target in reversed(walk.targets):
        if target.original or target.member:
            continue
        total += 1
        if total > MAX_REPORTED_DEPS:
            continue
        desc = describe(db, user, target.ref)
        assert target.via is not None
        lines.append(f"{desc} depends on {describe(db, user, target.via)}" if not cascade
                     else f"drop cascades to {desc}")
    if not total:
        return
    detail = "\n".join(lines)
    if total > MAX_REPORTED_DEPS:
        extra = total - MAX_REPORTED_DEPS
        detail += f"\nand {extra} other object{'s' if extra != 1 else ''} (see server log for list)"
    if not cascade:
        message = ("cannot drop desired object(s) because other objects depend on them"
                   if len(originals) != 1 else
                   f"cannot drop {describe(db, user, originals[0])} because other objects "
                   "depend on it")
        raise DependentObjectsStillExist(
            message, detail=detail, hint="Use DROP ... CASCADE to drop the dependent objects too.")
    if total == 1:
        ctx.notice(detail)
    else:
        ctx.notice(f"drop cascades to {total} other objects", detail=detail)


def drop_objects(ctx: DdlContext, refs: list[ObjRef], cascade: bool) -> None:
    """performMultipleDeletions(): check dependents, report them, delete everything."""
    walk = _Walk(ctx.store.db)
    for ref in refs:
        _find(walk, ref, None, original=True)
    _report(ctx, walk, refs, cascade)
    for target in walk.targets:
        _delete(ctx.store.db, target.ref)


def _delete(db: sqlite3.Connection, ref: ObjRef) -> None:
    if ref.kind == EXTENSION:
        db.execute("DELETE FROM extension WHERE rowid = ?", (ref.id,))
        return
    table = {FDW: "fdw", SERVER: "server", USER_MAPPING: "user_mapping",
             FOREIGN_TABLE: "foreign_table", SCHEMA: "schema"}[ref.kind]
    db.execute(f"DELETE FROM {table} WHERE id = ?", (ref.id,))


def drop_by_name(stmt: ast.DropStmt, ctx: DdlContext, kind: str,
                 find: Callable[[sqlite3.Connection, str], sqlite3.Row | None],
                 missing: Callable[[str], FdwshError] | None = None) -> None:
    """RemoveObjects() for objects named by one identifier (extensions, servers, schemas):
    each name must exist (IF EXISTS: a notice instead), then one deletion of them all."""
    refs = []
    for item in stmt.objects:
        row = find(ctx.store.db, item.sval)
        if row is None:
            if not stmt.missing_ok:
                raise (missing or _undefined(kind))(item.sval)
            ctx.notice(f'{kind} "{item.sval}" does not exist, skipping')
            continue
        refs.append(ObjRef(kind, row["id"]))
    if refs:
        drop_objects(ctx, refs, cascade=stmt.behavior.name == "DROP_CASCADE")


def _undefined(kind: str) -> Callable[[str], FdwshError]:
    return lambda name: UndefinedObject(f'{kind} "{name}" does not exist')
