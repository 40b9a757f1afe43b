r"""The ``\d`` listings over the catalog, as psql 15's describe.c prints them.

Each function is ``store -> Result`` (never prints): title, headers, row order, the ``(N rows)``
footer and the empty cells match what psql shows for the same objects in a PostgreSQL database
with postgres_fdw.  NULLs come out as '' because psql clears ``\pset null`` for these listings.
``\d NAME`` lives in describe_table.py.

Deviation, on purpose: ``\deu`` masks user-mapping passwords (see :func:`list_user_mappings`).
"""

from __future__ import annotations

from fdwsh.catalog.store import CatalogStore, Options, load_options
from fdwsh.meta.describe_common import (
    DEFAULT_ENV, DescribeEnv, DescribeNotFound, select_tables, text,
)
from fdwsh.meta.describe_table import describe_table
from fdwsh.meta.patterns import name_filter
from fdwsh.quoting import acl_role, options_cell
from fdwsh.output.result import Column, Result

__all__ = [
    "DescribeEnv", "DescribeNotFound", "describe_table", "list_foreign_data_wrappers",
    "list_foreign_servers", "list_foreign_tables", "list_schemas", "list_tables",
    "list_user_mappings", "MASKED_OPTIONS", "PASSWORD_MASK",
]

#: User-mapping options whose values ``\deu+`` hides unless asked (postgres_fdw's secrets).
MASKED_OPTIONS = frozenset({"password", "sslpassword"})
#: What a hidden value shows as: fixed, so that it tells nothing about the length.
PASSWORD_MASK = "********"


def _columns(*spec: str) -> list[Column]:
    """``"Name:name"`` → Column("Name", "name"); the type only decides alignment."""
    return [Column(*item.split(":", 1)) for item in spec]


def list_foreign_data_wrappers(store: CatalogStore, pattern: str | None = None,
                               verbose: bool = False) -> Result:
    r"""``\dew[+] [PATTERN]``: List of foreign-data wrappers (a missing handler shows as ``-``,
    regproc's text for no function)."""
    flt = name_filter(pattern)
    rows = []
    for r in store.db.execute("SELECT name, owner, handler, validator, options, comment FROM fdw"):
        if not flt.name_matches(r[0]):
            continue
        row = [r[0], r[1], r[2] or "-", r[3] or "-"]
        if verbose:
            row += ["", options_cell(load_options(r[4])), text(r[5])]
        rows.append(row)
    cols = _columns("Name:name", "Owner:name", "Handler:regproc", "Validator:regproc")
    if verbose:
        cols += _columns("Access privileges:text", "FDW options:text", "Description:text")
    return Result(columns=cols, rows=sorted(rows), title="List of foreign-data wrappers")


def list_foreign_servers(store: CatalogStore, pattern: str | None = None,
                         verbose: bool = False) -> Result:
    r"""``\des[+] [PATTERN]``: List of foreign servers."""
    flt = name_filter(pattern)
    rows = []
    query = ("SELECT s.name, s.owner, f.name, s.type, s.version, s.options, s.comment"
             " FROM server s JOIN fdw f ON f.id = s.fdw_id")
    for r in store.db.execute(query):
        if not flt.name_matches(r[0]):
            continue
        row = [r[0], r[1], r[2]]
        if verbose:
            row += ["", text(r[3]), text(r[4]), options_cell(load_options(r[5])), text(r[6])]
        rows.append(row)
    cols = _columns("Name:name", "Owner:name", "Foreign-data wrapper:name")
    if verbose:
        cols += _columns("Access privileges:text", "Type:text", "Version:text",
                         "FDW options:text", "Description:text")
    return Result(columns=cols, rows=sorted(rows), title="List of foreign servers")


def list_user_mappings(store: CatalogStore, pattern: str | None = None, verbose: bool = False,
                       *, show_passwords: bool = False) -> Result:
    r"""``\deu[+] [PATTERN]``: List of user mappings; the pattern matches the server name or the
    user name, as psql's does.

    psql shows a mapping's options in clear to whoever may read them; fdwsh's catalog belongs to
    its one user, so every mapping would show its password.  Unless ``show_passwords``, the
    values of :data:`MASKED_OPTIONS` print as ``'********'`` (``password '********'``).
    """
    flt = name_filter(pattern)
    rows = []
    query = ("SELECT s.name, um.user_name, um.options FROM user_mapping um"
             " JOIN server s ON s.id = um.server_id")
    for server, user, options in store.db.execute(query):
        if not (flt.name_matches(server) or flt.name_matches(user)):
            continue
        row = [server, user]
        if verbose:
            row.append(options_cell(_masked(load_options(options), show_passwords)))
        rows.append(row)
    cols = _columns("Server:name", "User name:name")
    if verbose:
        cols += _columns("FDW options:text")
    return Result(columns=cols, rows=sorted(rows), title="List of user mappings")


def _masked(options: Options, show: bool) -> Options:
    if show:
        return options
    return [(k, PASSWORD_MASK if k in MASKED_OPTIONS else v) for k, v in options]


def list_foreign_tables(store: CatalogStore, pattern: str | None = None, verbose: bool = False,
                        *, env: DescribeEnv = DEFAULT_ENV) -> Result:
    r"""``\det[+] [PATTERN]``: List of foreign tables (only those visible on the search path
    unless the pattern names a schema)."""
    flt = name_filter(pattern, maxparts=3, schema=True, dbname=env.dbname)
    rows = []
    for t in select_tables(store, flt, env):
        row = [t.schema, t.name, t.server]
        if verbose:
            row += [options_cell(t.options), text(t.comment)]
        rows.append(row)
    cols = _columns("Schema:name", "Table:name", "Server:name")
    if verbose:
        cols += _columns("FDW options:text", "Description:text")
    return Result(columns=cols, rows=rows, title="List of foreign tables")


def list_schemas(store: CatalogStore, pattern: str | None = None, verbose: bool = False,
                 *, system: bool = False, env: DescribeEnv = DEFAULT_ENV) -> Result:
    r"""``\dn[S+] [PATTERN]``: List of schemas.  Without a pattern or ``S``, pg_* schemas and
    information_schema are left out (fdwsh has none, but the rule is psql's).

    The catalog keeps no privileges: ``public`` shows the ACL PostgreSQL gives it at initdb
    (owner ``UC``, PUBLIC ``U``), other schemas the default (NULL, shown empty).
    """
    flt = name_filter(pattern, maxparts=2, dbname=env.dbname)
    rows = []
    for name, owner, comment in store.db.execute("SELECT name, owner, comment FROM schema"):
        if not flt.name_matches(name):
            continue
        if pattern is None and not system and _is_system_schema(name):
            continue
        row = [name, owner]
        if verbose:
            row += [_schema_acl(name, owner), text(comment)]
        rows.append(row)
    cols = _columns("Name:name", "Owner:name")
    if verbose:
        cols += _columns("Access privileges:text", "Description:text")
    return Result(columns=cols, rows=sorted(rows), title="List of schemas")


def _is_system_schema(name: str) -> bool:
    return name.startswith("pg_") or name == "information_schema"


def _schema_acl(name: str, owner: str) -> str:
    """``array_to_string(nspacl, E'\\n')`` for a catalog without GRANT."""
    if name != "public":
        return ""
    role = acl_role(owner)
    return f"{role}=UC/{role}\n=U/{role}"


#: Letters of ``\d[tivmsE]`` and what each includes.  The catalog holds only foreign tables.
RELATION_KINDS = "tivmsE"


def list_tables(store: CatalogStore, pattern: str | None = None, verbose: bool = False,
                kinds: str = "", *, system: bool = False,
                env: DescribeEnv = DEFAULT_ENV) -> Result:
    r"""``\d[tivmsE][S+] [PATTERN]`` and plain ``\d[S+]``: List of relations.

    ``kinds`` holds the letters typed (``"E"`` for ``\dE``); none of ``tivmsE`` means
    ``tvmsE``, as psql's listTables() does.  When nothing matches psql reports
    ``Did not find any relation named "P".`` (or ``Did not find any relations.``) instead of an
    empty table, unless QUIET is set: raised as :class:`DescribeNotFound` with failed=False.
    """
    shown = {k for k in kinds if k in RELATION_KINDS} or set("tvmsE")
    flt = name_filter(pattern, maxparts=3, schema=True, dbname=env.dbname)
    tables = select_tables(store, flt, env) if "E" in shown else []
    if pattern is None and not system:
        tables = [t for t in tables if not _is_listing_system(t.schema)]
    if not tables and not env.quiet:
        if pattern is not None:
            raise DescribeNotFound(f'Did not find any relation named "{pattern}".', failed=False)
        raise DescribeNotFound("Did not find any relations.", failed=False)
    with_table = "i" in shown
    with_am = verbose and not env.hide_tableam and bool(shown & set("tmi"))
    rows = []
    for t in tables:
        row = [t.schema, t.name, "foreign table", t.owner] + ([""] if with_table else [])
        if verbose:
            row += ["permanent"] + ([""] if with_am else []) + ["0 bytes", text(t.comment)]
        rows.append(row)
    return Result(columns=_relation_columns(verbose, with_table, with_am), rows=rows,
                  title="List of relations")


def _is_listing_system(schema: str) -> bool:
    """listTables() hides pg_catalog, pg_toast* and information_schema by default."""
    return schema in ("pg_catalog", "information_schema") or schema.startswith("pg_toast")


def _relation_columns(verbose: bool, with_table: bool, with_am: bool) -> list[Column]:
    cols = _columns("Schema:name", "Name:name", "Type:text", "Owner:name")
    if with_table:
        cols += _columns("Table:name")
    if verbose:
        cols += _columns("Persistence:text")
        if with_am:
            cols += _columns("Access method:name")
        cols += _columns("Size:text", "Description:text")
    return cols

