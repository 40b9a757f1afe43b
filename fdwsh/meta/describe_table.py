r"""``\d NAME`` / ``\d+ NAME`` for foreign tables, as psql 15's describeOneTableDetails() shows them.

One :class:`Result` per matching table (schema, then name order), titled
``Foreign table "schema.name"``, with footers ``Server: s`` and, when the table has options,
``FDW options: (...)``; psql prints no ``(N rows)`` under these.  ``\d+`` of an analyzed
table adds ``Statistics: N rows, analyzed <time>`` (fdwsh's own footer, last: psql has no
statistics section for foreign tables, so an unanalyzed table prints exactly as psql's).
Cells are psql's PQgetvalue() text, so NULL shows as '' whatever ``\pset null`` says.

The catalog keeps no per-column storage: the Storage column of ``\d+`` is the type's default
(pg_type.typstorage of PostgreSQL 15's built-in types; arrays are extended; types fdwsh does not
know show ``plain``, the storage of enums and most fixed-size types).
"""

from __future__ import annotations

import re

from fdwsh.catalog.store import CatalogStore, load_options
from fdwsh.meta.describe_common import (
    DEFAULT_ENV, DescribeEnv, DescribeNotFound, ForeignTableRow, select_tables, text,
)
from fdwsh.meta.patterns import name_filter
from fdwsh.quoting import options_cell, options_list
from fdwsh.output.result import Column, Result

#: typstorage 'm' and 'x' among PostgreSQL 15's built-in types (format_type() names without a
#: type modifier); every other built-in type is 'p' (plain).
_MAIN = frozenset({"cidr", "inet", "numeric"})
_EXTENDED = frozenset({
    "bit", "bit varying", "bytea", "character", "character varying", "datemultirange",
    "daterange", "int4multirange", "int4range", "int8multirange", "int8range", "json", "jsonb",
    "jsonpath", "nummultirange", "numrange", "path", "pg_node_tree", "pg_snapshot", "polygon",
    "record", "refcursor", "text", "tsmultirange", "tsrange", "tstzmultirange", "tstzrange",
    "tsvector", "txid_snapshot", "xml", "pg_dependencies", "pg_mcv_list", "pg_ndistinct",
    "pg_brin_bloom_summary", "pg_brin_minmax_multi_summary",
})
_TYPMOD = re.compile(r"\(\s*\d+(\s*,\s*-?\d+)?\s*\)")


def type_storage(type_text: str) -> str:
    """The default Storage of a column of type ``type_text`` (format_type() text).

    >>> [type_storage(t) for t in ("integer", "character varying(10)", "numeric(10,2)",
    ...                            "text[]", "timestamp(3) with time zone", "interval day")]
    ['plain', 'extended', 'main', 'extended', 'plain', 'plain']
    """
    if type_text.endswith("]"):
        return "extended"
    base = _TYPMOD.sub("", type_text).strip()
    if base.startswith("interval"):
        base = "interval"
    if base in _MAIN:
        return "main"
    if base in _EXTENDED:
        return "extended"
    return "plain"


def describe_table(store: CatalogStore, pattern: str, verbose: bool = False,
                   *, env: DescribeEnv = DEFAULT_ENV) -> list[Result]:
    r"""``\d[+] PATTERN``: one Result per matching relation.

    No match raises :class:`DescribeNotFound` (``Did not find any relation named "P".``,
    failed=True: psql's command fails), unless QUIET is set, when psql fails silently: then the
    exception's message is empty.
    """
    flt = name_filter(pattern, maxparts=3, schema=True, dbname=env.dbname)
    tables = select_tables(store, flt, env)
    if not tables:
        message = "" if env.quiet else f'Did not find any relation named "{pattern}".'
        raise DescribeNotFound(message, failed=True)
    return [_describe_one(store, t, verbose) for t in tables]


def _describe_one(store: CatalogStore, table: ForeignTableRow, verbose: bool) -> Result:
    """describeOneTableDetails() for one foreign table."""
    headers = ["Column", "Type", "Collation", "Nullable", "Default", "FDW options"]
    if verbose:
        headers += ["Storage", "Stats target", "Description"]
    rows = [_column_row(r, verbose) for r in store.db.execute(
        "SELECT name, type, collation, not_null, default_expr, options, comment, generated"
        " FROM foreign_column WHERE table_id = ? ORDER BY attnum", (table.id,))]
    footers = [f"Server: {table.server}"]
    if table.options:
        footers.append(f"FDW options: ({options_list(table.options)})")
    if verbose:
        footers.extend(_statistics_footer(store, table.id))
    return Result(columns=[Column(h) for h in headers], rows=rows,
                  title=f'Foreign table "{table.schema}.{table.name}"',
                  footers=footers, default_footer=False)


def _statistics_footer(store: CatalogStore, table_id: int) -> list[str]:
    """``Statistics: N rows, analyzed <UTC time>`` once ANALYZE has run (fdwsh's own line:
    psql shows no statistics for a foreign table, so an unanalyzed one prints as psql's)."""
    from fdwsh.catalog.stats import load_stats

    stats = load_stats(store.db, table_id)
    if stats is None:
        return []
    return [f"Statistics: {stats.reltuples:.0f} rows, analyzed {stats.analyzed_at}"]


def _column_row(r: tuple, verbose: bool) -> list[str]:
    name, type_text, collation, not_null, default, options, comment, generated = r
    if generated:  # describeOneTableDetails(): a stored generated column's expression
        default = f"generated always as ({default}) stored"
    row = [name, type_text, text(collation), "not null" if not_null else "", text(default),
           options_cell(load_options(options))]
    if verbose:
        row += [type_storage(type_text), "", text(comment)]
    return row
