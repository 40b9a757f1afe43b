"""Read-only views of catalog objects, as the planner and the remote layer need them.

These are plain frozen dataclasses loaded from the SQLite rows: the planner never touches
SQLite itself.  Remote names default to the local ones, as postgres_fdw's ``schema_name``,
``table_name`` and ``column_name`` options do.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from fdwsh.catalog import objects
from fdwsh.catalog.store import load_options


@dataclass(frozen=True, slots=True)
class ForeignColumn:
    """A declared column: local name, declared type (format_type text) and remote name.

    A stored generated column has ``generated`` set and no ``default``: its expression is the
    remote's to compute (postgres_fdw sends DEFAULT for it), never a local default value.
    """

    name: str
    type: str
    not_null: bool
    default: str | None
    remote_name: str
    generated: bool = False
    #: The column's own collation (None: its type's default), as ``\d`` shows it.
    collation: str | None = None
    #: A stored generated column's expression (catalog text), for the columns an UPDATE
    #: recomputes and the row an error shows.
    generation: str | None = None


@dataclass(frozen=True, slots=True)
class ForeignTable:
    """A foreign table with everything a remote query needs."""

    id: int
    schema: str
    name: str
    server_id: int
    server: str
    remote_schema: str
    remote_name: str
    columns: tuple[ForeignColumn, ...]
    options: tuple[tuple[str, str], ...]
    server_options: tuple[tuple[str, str], ...]

    @property
    def qualified_name(self) -> str:
        return f"{self.schema}.{self.name}"

    def option(self, name: str) -> str | None:
        """A table option, else the server's (postgres_fdw's lookup order for fetch_size…)."""
        for key, value in self.options:
            if key == name:
                return value
        for key, value in self.server_options:
            if key == name:
                return value
        return None

    def column(self, name: str) -> ForeignColumn | None:
        for col in self.columns:
            if col.name == name:
                return col
        return None


def load_table(db: sqlite3.Connection, row: sqlite3.Row) -> ForeignTable:
    """Build a :class:`ForeignTable` from its ``foreign_table`` row."""
    schema = objects.get_schema_by_id(db, row["schema_id"])["name"]
    server = objects.get_server_by_id(db, row["server_id"])
    options = load_options(row["options"])
    opts = dict(options)
    columns = tuple(
        ForeignColumn(c["name"], c["type"], bool(c["not_null"]),
                      None if c["generated"] else c["default_expr"],
                      dict(load_options(c["options"])).get("column_name", c["name"]),
                      bool(c["generated"]), c["collation"],
                      c["default_expr"] if c["generated"] else None)
        for c in objects.table_columns(db, row["id"])
    )
    return ForeignTable(
        id=row["id"], schema=schema, name=row["name"], server_id=server["id"],
        server=server["name"], remote_schema=opts.get("schema_name", schema),
        remote_name=opts.get("table_name", row["name"]), columns=columns,
        options=tuple(options), server_options=tuple(load_options(server["options"])),
    )
