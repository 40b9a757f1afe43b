#!/usr/bin/env python3
"""Regenerate fdwsh/plan/pg_operators.py and fdwsh/plan/pg_functions.py from a PostgreSQL 15
catalog (starts a throwaway cluster).

Operator and function resolution (parse_oper.c, parse_func.c) must see every candidate
PostgreSQL sees, or it would pick a different one: so all of pg_operator is kept, and for the
functions fdwsh evaluates locally (:data:`FUNCTION_NAMES`, plus the functions
named after a type, which a call like ``float8(1)`` resolves to) every pg_catalog overload is
kept.  Each row names its implementation (``impl``): the C symbol (``prosrc``) of an internal
function, else ``name(argtypes)`` for a SQL-language one; the evaluator is keyed by it.

Run: python3 scripts/gen_pg_catalog_data.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pgcluster import Cluster  # noqa: E402

#: The functions the local evaluator implements (some overloads may still be unsupported).
FUNCTION_NAMES = sorted("""
upper lower length char_length character_length octet_length bit_length substr substring
position strpos replace trim btrim ltrim rtrim lpad rpad concat concat_ws left right repeat
reverse split_part initcap md5 to_hex ascii chr format quote_ident quote_literal
quote_nullable starts_with translate overlay regexp_replace regexp_match regexp_like
string_to_array array_to_string textcat like_escape similar_to_escape similar_escape
abs ceil ceiling floor round trunc mod power pow sqrt cbrt exp ln log log10 sign pi random
degrees radians sin cos tan asin acos atan atan2 div gcd lcm width_bucket scale min_scale
trim_scale factorial setseed
now current_date current_timestamp localtimestamp clock_timestamp statement_timestamp
transaction_timestamp date_trunc date_part extract age make_date make_time make_timestamp
make_timestamptz make_interval to_char to_date to_timestamp to_number isfinite
justify_days justify_hours justify_interval
json_build_object jsonb_build_object json_build_array jsonb_build_array to_json to_jsonb
json_typeof jsonb_typeof json_array_length jsonb_array_length jsonb_pretty
json_extract_path json_extract_path_text jsonb_extract_path jsonb_extract_path_text
array_length cardinality array_upper array_lower array_ndims array_dims array_position
array_append array_prepend array_cat array_remove array_replace
pg_typeof num_nulls num_nonnulls gen_random_uuid version current_setting
generate_series unnest
""".split())

OPERATOR_QUERY = """
SELECT o.oprname, o.oprkind, coalesce(l.typname, '-'), coalesce(r.typname, '-'),
       t.typname, p.proname,
       CASE WHEN p.prolang = 12 THEN p.prosrc ELSE p.proname END,
       p.provolatile, CASE WHEN p.proisstrict THEN 's' ELSE 'n' END
FROM pg_operator o
JOIN pg_proc p ON p.oid = o.oprcode
LEFT JOIN pg_type l ON l.oid = o.oprleft
LEFT JOIN pg_type r ON r.oid = o.oprright
JOIN pg_type t ON t.oid = o.oprresult
ORDER BY o.oid
"""

#: One row per function (the columns of FUNCTIONS); ``{where}`` selects which.
FUNCTION_QUERY = """
SELECT p.proname,
       coalesce((SELECT string_agg(t.typname, ',' ORDER BY a.n)
                   FROM unnest(p.proargtypes) WITH ORDINALITY a(oid, n)
                   JOIN pg_type t ON t.oid = a.oid), '-'),
       rt.typname,
       CASE WHEN p.prolang = 12 THEN p.prosrc
            ELSE p.proname || '(' || coalesce((SELECT string_agg(t.typname, ',' ORDER BY a.n)
                   FROM unnest(p.proargtypes) WITH ORDINALITY a(oid, n)
                   JOIN pg_type t ON t.oid = a.oid), '') || ')' END,
       p.provolatile, CASE WHEN p.proisstrict THEN 's' ELSE 'n' END,
       CASE WHEN p.provariadic = 0 THEN '-' ELSE vt.typname END,
       CASE WHEN p.proretset THEN 't' ELSE 'f' END,
       p.pronargdefaults,
       coalesce(array_to_string(p.proargnames, ','), '-'),
       coalesce((SELECT string_agg(a.name || ':' || t.typname, ',' ORDER BY a.n)
                   FROM unnest(p.proallargtypes, p.proargmodes, p.proargnames)
                        WITH ORDINALITY a(oid, mode, name, n)
                   JOIN pg_type t ON t.oid = a.oid
                  WHERE a.mode IN ('o', 'b', 't')), '-')
FROM pg_proc p
JOIN pg_type rt ON rt.oid = p.prorettype
LEFT JOIN pg_type vt ON vt.oid = p.provariadic
WHERE {where}
ORDER BY p.proname, p.oid
"""

BUILTIN_WHERE = """p.pronamespace = 'pg_catalog'::regnamespace AND p.prokind = 'f'
  AND (p.proname = ANY(%s)
       OR (EXISTS (SELECT 1 FROM pg_type x
                                       WHERE x.typname = p.proname
                                         AND x.typnamespace = 'pg_catalog'::regnamespace)))"""

#: The functions an extension's script creates (pg_depend 'e' entries), minus the wrapper's
#: handler and validator (called by the server, never from SQL).
EXTENSION_WHERE = """p.oid IN (SELECT d.objid FROM pg_depend d JOIN pg_extension e
                               ON e.oid = d.refobjid AND d.refclassid = 'pg_extension'::regclass
                              WHERE d.classid = 'pg_proc'::regclass AND d.deptype = 'e'
                                AND e.extname = '{name}')
  AND rt.typname <> 'fdw_handler' AND p.proname NOT LIKE '%\\_validator'"""

#: The extensions whose functions fdwsh evaluates (CREATE EXTENSION makes them visible).
EXTENSIONS = ("postgres_fdw",)

CAST_QUERY = """
SELECT s.typname, t.typname,
       CASE WHEN p.prolang = 12 THEN p.prosrc
            ELSE p.proname || '(' || coalesce((SELECT string_agg(x.typname, ',' ORDER BY a.n)
                   FROM unnest(p.proargtypes) WITH ORDINALITY a(oid, n)
                   JOIN pg_type x ON x.oid = a.oid), '') || ')' END
FROM pg_cast c
JOIN pg_type s ON s.oid = c.castsource
JOIN pg_type t ON t.oid = c.casttarget
JOIN pg_proc p ON p.oid = c.castfunc
WHERE c.castmethod = 'f' AND s.typtype NOT IN ('c', 'd') AND t.typtype NOT IN ('c', 'd')
ORDER BY c.oid
"""

HEADER_OPS = '''"""PostgreSQL 15's pg_operator, as data (generated by scripts/gen_pg_catalog_data.py; do not
edit).

One line per operator: name, kind (b binary, l prefix), left type ('-' for a prefix operator),
right type, result type, the function implementing it (oprcode), that function's
implementation key (its C symbol for an internal function), volatility (i/s/v) and strictness
(s strict, n not).  Types are pg_type names (``_int4`` is ``integer[]``).
"""

OPERATORS = """
'''

HEADER_FUNCS = '''"""The pg_catalog functions fdwsh resolves and evaluates locally, from PostgreSQL 15's pg_proc
(generated by scripts/gen_pg_catalog_data.py; do not edit).

Every overload of each name is listed, evaluable or not, so that resolution sees the candidates
PostgreSQL sees.  Tab-separated columns: name, argument types (comma-separated pg_type names,
'-' for none), result type, implementation key (C symbol, or ``name(args)`` for a SQL-language
function), volatility, strictness (s/n), variadic element type ('-': not variadic), returns a
set (t/f), number of defaulted trailing arguments, argument names ('-': none), output
columns of a function with OUT parameters (``name:type`` comma-separated, '-': none).
EXTENSION_FUNCTIONS holds, per extension, the functions its script creates, in the same form.
"""

FUNCTIONS = """
'''

CASTS_HEADER = '''#: pg_cast entries whose method is a function: source type, target type, the function's
#: implementation key (each such function is listed in FUNCTIONS, named after a type).
CASTS = """
'''

EXTENSIONS_HEADER = '''#: Functions of the extensions fdwsh knows, by extension name (visible after CREATE EXTENSION,
#: in the extension's schema); columns as in FUNCTIONS.
EXTENSION_FUNCTIONS = {
'''


def _extension_functions(cluster: Cluster) -> str:
    """EXTENSION_FUNCTIONS: each extension's functions, read after CREATE EXTENSION."""
    parts = []
    for name in EXTENSIONS:
        cluster.psql(f"CREATE EXTENSION {name}", "postgres", check=True)
        rows = cluster.psql(FUNCTION_QUERY.format(where=EXTENSION_WHERE.format(name=name)),
                            "postgres", "-At", "-F", "\t", check=True).stdout
        parts.append(f'    "{name}": """\n' + rows.strip() + '\n""",\n')
    return EXTENSIONS_HEADER + "".join(parts) + "}\n"


def main() -> None:
    cluster = Cluster("gen")
    try:
        ops = cluster.psql(OPERATOR_QUERY, "postgres", "-At", "-F", " ", check=True).stdout
        names = "'{" + ",".join(FUNCTION_NAMES) + "}'::name[]"
        funcs = cluster.psql(FUNCTION_QUERY.format(where=BUILTIN_WHERE % names), "postgres",
                             "-At", "-F", "\t", check=True).stdout
        casts = cluster.psql(CAST_QUERY, "postgres", "-At", "-F", " ", check=True).stdout
        extensions = _extension_functions(cluster)
    finally:
        cluster.destroy()
    (ROOT / "fdwsh" / "plan" / "pg_operators.py").write_text(
        HEADER_OPS + ops.strip() + '\n"""\n')
    (ROOT / "fdwsh" / "plan" / "pg_functions.py").write_text(
        HEADER_FUNCS + funcs.strip() + '\n"""\n\n' + CASTS_HEADER + casts.strip() + '\n"""\n\n'
        + extensions)


if __name__ == "__main__":
    main()
