r"""How a foreign table differs from the remote relation it names, and bringing it back in line.

Contract:

- :func:`differences` compares one foreign table (:class:`~fdwsh.catalog.model.ForeignTable`)
  with the remote catalog's rows for its relation (``None``: the relation is gone), matching
  columns by remote name (the ``column_name`` option, else the local name).  It reports, in
  column order: a missing remote relation; local columns the remote lacks; types that differ
  (format_type text on both sides, so typmods count); NOT NULL and collations that differ;
  remote columns no local column reads (named by their remote name).  No rows: the table is
  true to the remote.
- :func:`refresh_table` rewrites a table's columns from the remote rows as IMPORT FOREIGN SCHEMA
  would declare them, keeping what is local: matched columns keep their name, position, options,
  default and comment and take the remote type, NOT NULL and collation; columns gone remotely
  are dropped; new remote columns are appended as IMPORT declares them (``column_name`` option,
  the remote collation, NOT NULL).  Table options, comment, owner and id stay.  Column statistics
  of the table are removed (ANALYZE again), as PostgreSQL drops them when a column's type
  changes.  The caller runs it inside one catalog transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pglast import ast, parse_sql

from fdwsh.catalog import ddl_table, objects
from fdwsh.catalog.context import DdlContext
from fdwsh.catalog.import_defs import ImportOptions, RemoteAttribute, column_definition
from fdwsh.catalog.model import ForeignTable
from fdwsh.errors import FdwshError
from fdwsh.quoting import quote_ident

MISSING_TABLE = "remote table missing"
MISSING_REMOTE_COLUMN = "column missing on remote"
MISSING_LOCAL_COLUMN = "remote column not declared"
TYPE_CHANGED = "type differs"
NOT_NULL_CHANGED = "NOT NULL differs"
COLLATION_CHANGED = "collation differs"


@dataclass(frozen=True, slots=True)
class Difference:
    """One row of ``\\drift``: what differs, with the local and the remote side."""

    table: ForeignTable
    column: str | None
    what: str
    local: str | None = None
    remote: str | None = None

    def row(self) -> list[str | None]:
        t = self.table
        return [t.schema, t.name, t.server, self.column, self.what, self.local, self.remote]


def _nullability(not_null: bool) -> str:
    return "not null" if not_null else "nullable"


def local_collation(attr: RemoteAttribute) -> str | None:
    """The remote column's collation as the local column would name it (None: the type's
    default), as IMPORT's ``COLLATE schema.name`` resolves."""
    if attr.collation is None or attr.collation == "default":
        return None
    if attr.collation_schema == "pg_catalog":
        return attr.collation
    return f"{attr.collation_schema}.{attr.collation}"


def differences(table: ForeignTable, remote: Sequence[RemoteAttribute] | None
                ) -> list[Difference]:
    """What differs between ``table`` and its remote relation (module docstring)."""
    if remote is None:
        return [Difference(table, None, MISSING_TABLE)]
    by_name = {attr.attname: attr for attr in remote}
    found: list[Difference] = []
    for col in table.columns:
        attr = by_name.get(col.remote_name)
        if attr is None:
            found.append(Difference(table, col.name, MISSING_REMOTE_COLUMN, col.type))
            continue
        if attr.type != col.type:
            found.append(Difference(table, col.name, TYPE_CHANGED, col.type, attr.type))
        if attr.not_null != col.not_null:
            found.append(Difference(table, col.name, NOT_NULL_CHANGED,
                                    _nullability(col.not_null), _nullability(attr.not_null)))
        if local_collation(attr) != col.collation:
            found.append(Difference(table, col.name, COLLATION_CHANGED,
                                    col.collation or "default",
                                    local_collation(attr) or "default"))
    declared = {col.remote_name for col in table.columns}
    found += [Difference(table, attr.attname, MISSING_LOCAL_COLUMN, None, attr.type)
              for attr in remote if attr.attname not in declared]
    return found


def _as_declared(ctx: DdlContext, table: ForeignTable, remote: Sequence[RemoteAttribute]
                 ) -> list[ddl_table.NewColumn]:
    """The remote columns as IMPORT would declare them, through CREATE FOREIGN TABLE's column
    analysis (so a type fdwsh does not know fails as it would there); a generated column keeps
    the remote's text of its expression, as IMPORT keeps it."""
    body = ",\n".join(column_definition(attr, ImportOptions()) for attr in remote)
    source = (f"CREATE FOREIGN TABLE {quote_ident(table.name)} (\n{body}\n) SERVER "
              f"{quote_ident(table.server)}")
    stmt: ast.CreateForeignTableStmt = parse_sql(source)[0].stmt
    sub = DdlContext(ctx.store, ctx.user, source, notices=ctx.notices)
    try:
        declared = [ddl_table.transform_column(sub, col, table.name, generated=True)
                    for col in stmt.base.tableElts or ()]
    except FdwshError as err:
        err.internal_query = source if err.position is not None else None
        err.context = f'refreshing foreign table "{table.name}"'
        raise
    for new, attr in zip(declared, remote):
        if new.generated is not None:
            new.default_text = attr.shown_default
    return declared


def refresh_table(ctx: DdlContext, table: ForeignTable, remote: Sequence[RemoteAttribute]
                  ) -> None:
    """Rewrite the table's columns from ``remote`` (module docstring)."""
    db = ctx.store.db
    declared = {new.name: new for new in _as_declared(ctx, table, remote)}
    old = {row["name"]: row for row in objects.table_columns(db, table.id)}
    kept = [(col, declared[col.remote_name]) for col in table.columns
            if col.remote_name in declared]
    local_names = {col.remote_name for col in table.columns}
    added = [new for name, new in declared.items() if name not in local_names]
    db.execute("DELETE FROM foreign_column WHERE table_id = ?", (table.id,))
    db.execute("DELETE FROM column_stats WHERE table_id = ?", (table.id,))
    attnum = 0
    for attnum, (col, new) in enumerate(kept, start=1):
        row = old[col.name]
        db.execute("INSERT INTO foreign_column (table_id, attnum, name, type, not_null,"
                   " default_expr, collation, options, comment, generated)"
                   " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                   (table.id, attnum, col.name, new.type.format(), int(new.not_null),
                    row["default_expr"], new.collation, row["options"], row["comment"],
                    row["generated"]))
    for attnum, new in enumerate(added, start=attnum + 1):
        ddl_table.insert_column(db, table.id, attnum, new, [("column_name", new.name)])

