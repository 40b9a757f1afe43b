"""Versioned SQLite schema of the catalog.

Each migration is a SQL script registered in order; ``PRAGMA user_version`` records how many have
run.  A catalog written by a newer fdwsh (user_version beyond what we know) is refused rather than
misread.  The tables mirror PostgreSQL's system catalogs (pg_extension, pg_foreign_data_wrapper,
pg_foreign_server, pg_user_mapping, pg_namespace, pg_foreign_table + pg_attribute) so that the
``\\d`` listings read like psql's describe.c queries.

Option lists (``options`` columns) are JSON arrays of ``[name, value]`` pairs, in the order
PostgreSQL keeps them (ADD appends, SET replaces in place, DROP removes).
A user mapping for PUBLIC has ``user_name = 'public'`` (a name PostgreSQL reserves).
"""

from __future__ import annotations

import sqlite3

from fdwsh.errors import FatalError

MIGRATIONS: list[str] = [
    # 1: the initial catalog
    """
        CREATE TABLE extension (
            name    TEXT PRIMARY KEY,
            version TEXT NOT NULL,
            schema  TEXT NOT NULL,
            owner   TEXT NOT NULL,
            comment TEXT
        );
        CREATE TABLE fdw (
            id        INTEGER PRIMARY KEY,
            name      TEXT NOT NULL UNIQUE,
            owner     TEXT NOT NULL,
            handler   TEXT,
            validator TEXT,
            extension TEXT REFERENCES extension(name),
            options   TEXT NOT NULL DEFAULT '[]',
            comment   TEXT
        );
        CREATE TABLE server (
            id      INTEGER PRIMARY KEY,
            name    TEXT NOT NULL UNIQUE,
            fdw_id  INTEGER NOT NULL REFERENCES fdw(id),
            owner   TEXT NOT NULL,
            type    TEXT,
            version TEXT,
            options TEXT NOT NULL DEFAULT '[]',
            comment TEXT
        );
        CREATE TABLE user_mapping (
            id        INTEGER PRIMARY KEY,
            server_id INTEGER NOT NULL REFERENCES server(id),
            user_name TEXT NOT NULL,
            options   TEXT NOT NULL DEFAULT '[]',
            UNIQUE (server_id, user_name)
        );
        CREATE TABLE schema (
            id      INTEGER PRIMARY KEY,
            name    TEXT NOT NULL UNIQUE,
            owner   TEXT NOT NULL,
            comment TEXT
        );
        INSERT INTO schema (name, owner, comment)
            VALUES ('public', 'pg_database_owner', 'standard public schema');
        CREATE TABLE foreign_table (
            id        INTEGER PRIMARY KEY,
            schema_id INTEGER NOT NULL REFERENCES schema(id),
            name      TEXT NOT NULL,
            server_id INTEGER NOT NULL REFERENCES server(id),
            owner     TEXT NOT NULL,
            options   TEXT NOT NULL DEFAULT '[]',
            comment   TEXT,
            UNIQUE (schema_id, name)
        );
        CREATE TABLE foreign_column (
            table_id     INTEGER NOT NULL REFERENCES foreign_table(id) ON DELETE CASCADE,
            attnum       INTEGER NOT NULL,
            name         TEXT NOT NULL,
            type         TEXT NOT NULL,      -- format_type() text: 'character varying(10)'
            not_null     INTEGER NOT NULL DEFAULT 0,
            default_expr TEXT,               -- pg_get_expr() text, as \\d shows it
            collation    TEXT,
            options      TEXT NOT NULL DEFAULT '[]',
            comment      TEXT,
            PRIMARY KEY (table_id, attnum),
            UNIQUE (table_id, name)
        );
    """,
    # 2: ANALYZE results of foreign tables (pg_class.reltuples/relpages + pg_statistic)
    """
        CREATE TABLE table_stats (
            table_id    INTEGER PRIMARY KEY REFERENCES foreign_table(id) ON DELETE CASCADE,
            reltuples   REAL NOT NULL,
            relpages    INTEGER NOT NULL DEFAULT 0,
            analyzed_at TEXT NOT NULL
        );
        CREATE TABLE column_stats (
            table_id   INTEGER NOT NULL REFERENCES foreign_table(id) ON DELETE CASCADE,
            attnum     INTEGER NOT NULL,
            null_frac  REAL,
            avg_width  INTEGER,
            n_distinct REAL,              -- < 0: a fraction of the rows, as in pg_stats
            most_common_vals  TEXT,       -- JSON arrays of the values' text forms
            most_common_freqs TEXT,
            histogram_bounds  TEXT,
            correlation REAL,
            PRIMARY KEY (table_id, attnum)
        );
    """,
    # 3: two-phase commits whose second phase has not been confirmed on every server
    """
        CREATE TABLE prepared_xact (
            gid        TEXT NOT NULL,     -- the PREPARE TRANSACTION identifier
            server_id  INTEGER NOT NULL,
            mapping_id INTEGER NOT NULL,
            state      TEXT NOT NULL,     -- 'prepared' (phase 1 done) | 'commit' (decided)
            created_at TEXT NOT NULL,
            PRIMARY KEY (gid, server_id)
        );
    """,
    # 4: stored generated columns: pg_attribute.attgenerated ('s', else ''); the expression is
    # the column's default_expr, as PostgreSQL keeps it in pg_attrdef
    """
        ALTER TABLE foreign_column ADD COLUMN generated TEXT NOT NULL DEFAULT '';
    """,
]


def migrate(db: sqlite3.Connection) -> None:
    """Bring ``db`` to the newest schema, each migration in its own transaction."""
    current = db.execute("PRAGMA user_version").fetchone()[0]
    if current > len(MIGRATIONS):
        raise FatalError(
            f"catalog schema version {current} is newer than this fdwsh supports "
            f"({len(MIGRATIONS)}); upgrade fdwsh"
        )
    for version, step in enumerate(MIGRATIONS[current:], start=current + 1):
        # executescript() commits any open transaction first, so BEGIN goes inside the script.
        try:
            db.executescript(f"BEGIN IMMEDIATE;\n{step}\nPRAGMA user_version = {version};\nCOMMIT;")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
