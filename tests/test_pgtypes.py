"""Type names resolve and print exactly as in PostgreSQL 15 (oracle tests).

PostgreSQL is asked for ``format_type()`` of every built-in type, of columns declared with many
spellings (keywords, aliases, typmods, arrays, interval fields), and for the errors and warnings
of bad type names in casts; fdwsh's ``pgtypes`` must give the same answers.
"""

from __future__ import annotations

import contextlib

from collections.abc import Iterator

import psycopg
import pytest
from pglast import parse_sql

from fdwsh.errors import FdwshError
from fdwsh.pgtypes import builtin_types, can_coerce, format_type, lookup_type, parse_type, resolve_type_name, type_by_oid
from tests.pgcluster import Cluster

SPELLINGS = [
    "int", "integer", "int4", "_int4", "int[]", "int[3][4]", "int4[]", "smallint", "int2",
    "bigint", "int8", "real", "float4", "float", "float(3)", "float(24)", "float(25)",
    "float(53)", "double precision", "float8", "numeric", "numeric(10)", "numeric(10,2)",
    "numeric(5,-2)", "numeric(1000,1000)", "decimal", "decimal(3,1)", "dec(4)", "boolean", "bool",
    "char", "character", "char(5)", "character(5)", "nchar", "national character(2)", "bpchar",
    "bpchar(3)", '"char"', '"char"[]', "varchar", "varchar(10)", "character varying",
    "character varying(10)", "char varying(3)", "national character varying(4)", "varchar(10)[]",
    '"varchar"(5)', "text", "text[]", "pg_catalog.text", "name", "name[]", "bit", "bit(3)",
    '"bit"', '"bit"(3)', "bit varying", "bit varying(5)", "varbit", "varbit(5)", "bit(3)[]",
    "timestamp", "timestamp(0)", "timestamp(3)", "timestamp without time zone",
    "timestamp(2) without time zone", "timestamp with time zone", "timestamp(3) with time zone",
    "timestamptz", "timestamptz(4)", '"timestamp"(3)', "time", "time(2)", "time with time zone",
    "time(2) with time zone", "timetz", "timetz(1)", "date", "interval", "interval(3)",
    "interval year", "interval month", "interval day", "interval hour", "interval minute",
    "interval second", "interval second(2)", "interval year to month", "interval day to hour",
    "interval day to minute", "interval day to second", "interval day to second(3)",
    "interval hour to minute", "interval hour to second(1)", "interval minute to second(0)",
    '"interval"', "interval[]", "json", "jsonb", "jsonb[]", "uuid", "bytea", "money", "inet",
    "cidr", "macaddr", "macaddr8", "xml", "oid", "regclass", "tsvector", "tsquery", "point",
    "box", "int4range", "int8range[]", "datemultirange", "int2vector", "oidvector",
    "int2vector[]", "pg_lsn", "xid8", "txid_snapshot", "jsonpath",
]

#: Looked up in a cast (``NULL::type``), where pseudo-types are fine and bad names fail.
CAST_SPELLINGS = [
    "record", "record[]", "cstring[]", "anyelement", "void", "unknown", '"any"', "foo", "foo[]", "public.foo", "pg_catalog.foo", "nosch.foo", "x.y.z.foo", "x.y.int4",
    "_int4[]", "anyelement[]", "int4(3)", "text(3)", "varchar(0)", "varchar(10485761)",
    "char(0)", "bit(0)", "varbit(0)", "numeric(1001)", "numeric(0)", "numeric(10,1001)",
    "numeric(10,-1001)", "numeric(1,2,3)", "numeric(1.5)", "numeric(x)", "numeric(1+1)",
    "numeric('7')", "numeric(99999999999)", "timestamp(7)", "timestamptz(-1)", "time(7)",
    "timetz(9)", "interval(7)", "interval day to second(9)", "serial",
]


@pytest.fixture(scope="module")
def conn(pg: Cluster) -> Iterator[psycopg.Connection]:
    with psycopg.connect(pg.dsn(), autocommit=True) as connection:
        yield connection


def test_every_builtin_type_prints_as_format_type(conn: psycopg.Connection) -> None:
    rows = conn.execute(
        "SELECT oid::int, typname, format_type(oid, -1), format_type(oid, NULL) FROM pg_type t"
        " WHERE typnamespace = 'pg_catalog'::regnamespace AND typtype <> 'c' AND NOT EXISTS"
        " (SELECT FROM pg_type e WHERE e.typarray = t.oid AND e.typtype = 'c')").fetchall()
    assert {row[0] for row in rows} == {t.oid for t in builtin_types()}
    for oid, typname, with_minus_one, with_null in rows:
        found = lookup_type(typname)
        assert found is not None and found.oid == oid, typname
        assert type_by_oid(oid) == found
        assert (format_type(oid, -1), format_type(oid, None)) == (with_minus_one, with_null)


def test_spellings_resolve_as_postgresql_declares_columns(conn: psycopg.Connection) -> None:
    columns = ", ".join(f"c{i} {spelling}" for i, spelling in enumerate(SPELLINGS))
    with conn.transaction(force_rollback=True):
        conn.execute(f"CREATE TYPE spellings AS ({columns})")
        expected = conn.execute(
            "SELECT format_type(atttypid, atttypmod), atttypid::int, atttypmod FROM pg_attribute"
            " WHERE attrelid = 'spellings'::regclass ORDER BY attnum").fetchall()
    got = []
    for spelling in SPELLINGS:
        ref = parse_type(spelling)
        got.append((ref.format(), ref.type.oid, ref.typmod))
    assert got == expected


def _pg_cast_outcome(conn: psycopg.Connection, spelling: str) -> tuple:
    notices: list[tuple] = []

    def keep(diag: psycopg.errors.Diagnostic) -> None:
        notices.append((diag.severity_nonlocalized, diag.message_primary,
                        diag.statement_position and int(diag.statement_position)))

    conn.add_notice_handler(keep)
    try:
        conn.execute(f"SELECT NULL::{spelling}")
        error = None
    except psycopg.Error as exc:
        d = exc.diag
        error = (d.sqlstate, d.message_primary, d.statement_position and int(d.statement_position))
    finally:
        conn.remove_notice_handler(keep)
    return error, notices


def _fdwsh_cast_outcome(spelling: str) -> tuple:
    notices: list[tuple] = []
    type_name = parse_sql(f"SELECT NULL::{spelling}")[0].stmt.targetList[0].val.typeName
    try:
        resolve_type_name(type_name, schema_exists=lambda s: s == "public",
                          warn=lambda m, p: notices.append(("WARNING", m, p)))
        error = None
    except FdwshError as exc:
        error = (exc.sqlstate, exc.message, exc.position)
    return error, notices


@pytest.mark.parametrize("spelling", CAST_SPELLINGS)
def test_type_names_in_casts_resolve_or_fail_as_in_postgresql(conn: psycopg.Connection, spelling: str) -> None:
    assert _fdwsh_cast_outcome(spelling) == _pg_cast_outcome(conn, spelling)


def test_typmods_print_as_format_type(conn: psycopg.Connection) -> None:
    cases = [(1042, 9), (1043, 5), (1043, 14), (1700, 655366), (1700, (5 << 16 | 0x7FE) + 4),
             (1083, 0), (1083, 6), (1266, 3), (1114, 2), (1184, 5), (1560, 7), (1562, 12),
             (1186, (0x7FFF << 16) | 3), (1186, (8 << 16) | 0xFFFF), (1015, 14), (1231, 655366),
             (1186, (7176 << 16) | 2)]
    for oid, typmod in cases:
        expected = conn.execute("SELECT format_type(%s, %s)", (oid, typmod)).fetchone()[0]
        assert format_type(oid, typmod) == expected, (oid, typmod)


COERCION_TYPES = [
    "int2", "int4", "int8", "numeric", "float8", "money", "bool", "text", "varchar", "bpchar",
    "name", '"char"', "date", "timetz", "timestamp", "timestamptz", "interval", "jsonb", "inet",
    "cidr", "bit", "varbit", "regclass", "_int4", "_int8", "_text",
]


def _pg_coercions(conn: psycopg.Connection) -> set[tuple[str, str, str]]:
    """Which (source, target, context) conversions PostgreSQL accepts: assignment is tried by
    INSERT, implicit by calling a one-argument function, explicit by a cast."""
    found = set()
    with conn.transaction(force_rollback=True):
        cols = ", ".join(f"c{i} {t}" for i, t in enumerate(COERCION_TYPES))
        conn.execute(f"CREATE TEMP TABLE coerce_to ({cols})")
        for i, t in enumerate(COERCION_TYPES):
            conn.execute(f"CREATE FUNCTION pg_temp.f{i}({t}) RETURNS int LANGUAGE sql AS 'SELECT 1'")
        for s in COERCION_TYPES:
            for i, t in enumerate(COERCION_TYPES):
                for context, sql in (("a", f"INSERT INTO coerce_to (c{i}) VALUES (NULL::{s})"),
                                     ("i", f"SELECT pg_temp.f{i}(NULL::{s})"),
                                     ("e", f"SELECT NULL::{s}::{t}")):
                    with contextlib.suppress(psycopg.Error):  # PostgreSQL refuses the cast
                        with conn.transaction():
                            conn.execute(sql)
                        found.add((s, t, context))
    return found


def test_coercions_follow_pg_cast(conn: psycopg.Connection) -> None:
    expected = _pg_coercions(conn)
    got = {(s, t, c) for s in COERCION_TYPES for t in COERCION_TYPES for c in "iae"
           if can_coerce(parse_type(s).type.oid, parse_type(t).type.oid, c)}
    assert got == expected
