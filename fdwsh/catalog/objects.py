"""Small lookups and helpers over the catalog's SQLite tables, shared by the DDL handlers.

Contract: every function takes the open ``sqlite3.Connection`` (rows come back as
``sqlite3.Row``) and does one thing; none of them raises user-facing errors except where the
name says so.  Object ids come from :func:`next_oid`, one counter across all object tables, so
that ``id`` order is creation order everywhere, as PostgreSQL's OID order is (DROP ... CASCADE
lists dependent objects in that order).  Name resolution follows PostgreSQL's default
``search_path`` ``"$user", public``: a schema named like the user, if it exists, comes first.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence

from fdwsh.catalog.store import Options, dump_options, load_options
from fdwsh.quoting import quote_ident

Row = sqlite3.Row


def next_oid(db: sqlite3.Connection) -> int:
    """A fresh object id, larger than every id in use (creation order = id order)."""
    row = db.execute(
        "SELECT max(m) FROM (SELECT max(rowid) AS m FROM extension UNION ALL"
        " SELECT max(id) FROM fdw UNION ALL SELECT max(id) FROM server UNION ALL"
        " SELECT max(id) FROM user_mapping UNION ALL SELECT max(id) FROM schema UNION ALL"
        " SELECT max(id) FROM foreign_table)").fetchone()
    return int(row[0] or 0) + 1


def options_of(row: Row) -> Options:
    return load_options(row["options"])


def set_options(db: sqlite3.Connection, table: str, key: str, key_value: object,
                options: Options) -> None:
    """Store an object's option list (``table`` and ``key`` are trusted identifiers)."""
    db.execute(f"UPDATE {table} SET options = ? WHERE {key} = ?",
               (dump_options(options), key_value))


# --- extensions and wrappers -----------------------------------------------------------------

def get_extension(db: sqlite3.Connection, name: str) -> Row | None:
    return db.execute("SELECT rowid AS id, * FROM extension WHERE name = ?", (name,)).fetchone()


def get_fdw(db: sqlite3.Connection, name: str) -> Row | None:
    return db.execute("SELECT * FROM fdw WHERE name = ?", (name,)).fetchone()


# --- servers and user mappings ---------------------------------------------------------------

def get_server(db: sqlite3.Connection, name: str) -> Row | None:
    return db.execute("SELECT * FROM server WHERE name = ?", (name,)).fetchone()


def get_server_by_id(db: sqlite3.Connection, server_id: int) -> Row:
    return db.execute("SELECT * FROM server WHERE id = ?", (server_id,)).fetchone()


def get_user_mapping(db: sqlite3.Connection, server_id: int, user: str) -> Row | None:
    return db.execute("SELECT * FROM user_mapping WHERE server_id = ? AND user_name = ?",
                      (server_id, user)).fetchone()


# --- schemas and name resolution -------------------------------------------------------------

def get_schema(db: sqlite3.Connection, name: str) -> Row | None:
    return db.execute("SELECT * FROM schema WHERE name = ?", (name,)).fetchone()


def get_schema_by_id(db: sqlite3.Connection, schema_id: int) -> Row:
    return db.execute("SELECT * FROM schema WHERE id = ?", (schema_id,)).fetchone()


def search_path(db: sqlite3.Connection, user: str, path: Sequence[str] | None = None
                ) -> list[Row]:
    """The existing schemas of ``path`` (default ``"$user", public``), in search order."""
    names = [user if n == "$user" else n for n in (path or ("$user", "public"))]
    rows = [get_schema(db, n) for n in dict.fromkeys(names)]
    return [r for r in rows if r is not None]


def creation_schema(db: sqlite3.Connection, user: str, path: Sequence[str] | None = None
                    ) -> Row | None:
    """Where an unqualified CREATE puts its object (None: no schema in the path exists)."""
    rows = search_path(db, user, path)
    return rows[0] if rows else None


def get_table(db: sqlite3.Connection, schema_id: int, name: str) -> Row | None:
    return db.execute("SELECT * FROM foreign_table WHERE schema_id = ? AND name = ?",
                      (schema_id, name)).fetchone()


def get_table_by_id(db: sqlite3.Connection, table_id: int) -> Row:
    return db.execute("SELECT * FROM foreign_table WHERE id = ?", (table_id,)).fetchone()


def find_table(db: sqlite3.Connection, user: str, name: str,
               path: Sequence[str] | None = None) -> Row | None:
    """An unqualified relation name looked up along the search path."""
    for schema in search_path(db, user, path):
        row = get_table(db, schema["id"], name)
        if row is not None:
            return row
    return None


def table_columns(db: sqlite3.Connection, table_id: int) -> list[Row]:
    return db.execute("SELECT * FROM foreign_column WHERE table_id = ? ORDER BY attnum",
                      (table_id,)).fetchall()


def get_column(db: sqlite3.Connection, table_id: int, name: str) -> Row | None:
    return db.execute("SELECT * FROM foreign_column WHERE table_id = ? AND name = ?",
                      (table_id, name)).fetchone()


def table_is_visible(db: sqlite3.Connection, user: str, table: Row) -> bool:
    """RelationIsVisible(): found by its bare name along the search path."""
    found = find_table(db, user, table["name"])
    return found is not None and found["id"] == table["id"]


def table_display_name(db: sqlite3.Connection, user: str, table: Row) -> str:
    """The name PostgreSQL's object descriptions use: qualified only when not visible."""
    if table_is_visible(db, user, table):
        return quote_ident(table["name"])
    schema = get_schema_by_id(db, table["schema_id"])
    return f"{quote_ident(schema['name'])}.{quote_ident(table['name'])}"
