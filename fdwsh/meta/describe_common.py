r"""What the ``\d`` listings share: the session facts they depend on, the "not found" message,
and which foreign tables the search path makes visible.

psql's describe.c asks the server (pg_table_is_visible(), current_database(), the ``S`` flag, the
QUIET and HIDE_TABLEAM variables); fdwsh answers from :class:`DescribeEnv`, filled in by the
session.  Nothing here prints.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from fdwsh.catalog.store import CatalogStore, Options, load_options
from fdwsh.meta.patterns import NameFilter, PsqlLogError


class DescribeNotFound(PsqlLogError):
    r"""psql's ``Did not find any relation named "x".`` (stderr, no ``ERROR:`` prefix).

    ``failed`` is True for ``\d NAME`` (psql's command fails: exit status 1 under ``-c``) and
    False for the relation lists (``\dE nosuch`` reports but succeeds).
    """


@dataclass(frozen=True, slots=True)
class DescribeEnv:
    """Session facts a listing needs.

    ``search_path`` entries name schemas, ``"$user"`` meaning ``user``; schemas that do not exist
    are skipped, as PostgreSQL does.  ``dbname`` is what a three-part pattern ``db.schema.name``
    must name (None: any database part is refused as a cross-database reference).  ``quiet`` and
    ``hide_tableam`` are psql's QUIET and HIDE_TABLEAM variables.
    """

    user: str = ""
    search_path: Sequence[str] = ("$user", "public")
    dbname: str | None = None
    quiet: bool = False
    hide_tableam: bool = False


DEFAULT_ENV = DescribeEnv()


@dataclass(frozen=True, slots=True)
class ForeignTableRow:
    """One foreign table with what the listings show of it."""

    id: int
    schema: str
    name: str
    server: str
    owner: str
    options: Options
    comment: str | None


def foreign_tables(store: CatalogStore) -> list[ForeignTableRow]:
    """Every foreign table, unsorted."""
    rows = store.db.execute(
        "SELECT ft.id, n.name, ft.name, s.name, ft.owner, ft.options, ft.comment"
        " FROM foreign_table ft JOIN schema n ON n.id = ft.schema_id"
        " JOIN server s ON s.id = ft.server_id"
    ).fetchall()
    return [ForeignTableRow(r[0], r[1], r[2], r[3], r[4], load_options(r[5]), r[6]) for r in rows]


def effective_search_path(store: CatalogStore, env: DescribeEnv) -> list[str]:
    """The search path's existing schemas in order (``$user`` resolved), without repeats."""
    existing = {row[0] for row in store.db.execute("SELECT name FROM schema")}
    path: list[str] = []
    for entry in env.search_path:
        name = env.user if entry == "$user" else entry
        if name in existing and name not in path:
            path.append(name)
    return path


def visible_pairs(tables: Iterable[ForeignTableRow], path: Sequence[str]) -> set[tuple[str, str]]:
    """pg_table_is_visible(): a relation is visible when its schema is the first on the path
    holding a relation of that name.  (fdwsh has no pg_catalog, whose relations would shadow
    same-named ones in PostgreSQL.)"""
    first: dict[str, tuple[int, str]] = {}
    for t in tables:
        if t.schema in path:
            rank = path.index(t.schema)
            if t.name not in first or rank < first[t.name][0]:
                first[t.name] = (rank, t.schema)
    return {(schema, name) for name, (_, schema) in first.items()}


def select_tables(store: CatalogStore, flt: NameFilter, env: DescribeEnv
                  ) -> list[ForeignTableRow]:
    """The foreign tables a schema-qualified pattern selects, ordered by schema then name
    (psql's ``ORDER BY 1, 2`` on ``name`` columns: C collation = code point order)."""
    tables = foreign_tables(store)
    chosen = [t for t in tables if flt.name_matches(t.name) and flt.schema_matches(t.schema)]
    if flt.visible_only:
        visible = visible_pairs(tables, effective_search_path(store, env))
        chosen = [t for t in chosen if (t.schema, t.name) in visible]
    return sorted(chosen, key=lambda t: (t.schema, t.name))


def text(value: str | None) -> str:
    r"""A cell of a ``\d`` listing: psql clears nullPrint for them, so NULL shows as ''."""
    return "" if value is None else value
