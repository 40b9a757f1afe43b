"""Remote SQL from the parsed query (deparse.c's job), never by gluing strings.

The query's own AST is rewritten and printed back with pglast's deparser, which quotes every
identifier and escapes every literal.  Each foreign-table reference becomes a subquery that
maps the declared columns to the remote ones::

    ft1 AS t   →   (SELECT "C 1" AS c1, c2 FROM "S 1"."T 1") AS t

so the rest of the query (column references, ``*``, aliases) keeps its local meaning unchanged:
``*`` expands to the declared columns only, and renamed columns (``column_name``) need no
rewriting wherever they are used.  PostgreSQL pulls such a subquery up, so it costs nothing there.
The subquery lists only the columns the query may use (as postgres_fdw fetches only those), so
a declared column missing remotely fails only the queries that name it.
The remote session's search_path is pg_catalog, so remote tables are always schema-qualified.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from pglast import ast
from pglast.stream import RawStream
from pglast.visitors import Ancestor, Visitor

from fdwsh.catalog.model import ForeignTable
from fdwsh.sql.bind import BoundQuery, RelationRef


def table_subquery(table: ForeignTable, used: set[str] | None = None) -> ast.SelectStmt:
    """``SELECT remote_col AS local_col, … FROM remote_schema.remote_table`` for the declared
    columns in ``used`` (None: all of them)."""
    targets = tuple(
        ast.ResTarget(name=col.name if col.name != col.remote_name else None,
                      val=ast.ColumnRef(fields=(ast.String(sval=col.remote_name),)))
        for col in table.columns if used is None or col.name in used
    )
    if used is not None and "ctid" in used and table.column("ctid") is None:
        # the remote row's ctid, as postgres_fdw fetches it for a query that names ctid
        targets += (ast.ResTarget(val=ast.ColumnRef(fields=(ast.String(sval="ctid"),))),)
    source = ast.RangeVar(schemaname=table.remote_schema, relname=table.remote_name, inh=True,
                          relpersistence="p")
    return ast.SelectStmt(targetList=targets, fromClause=(source,), limitOption=0, op=0)


def remote_sql(bound: BoundQuery) -> str:
    """The SQL text to run remotely for a query whose every table lives on one server."""
    return RawStream()(remote_tree(bound))


def explain_sql(tree: ast.Node) -> str:
    """``EXPLAIN <tree>``, for the remote server's own estimate of a remote query."""
    return RawStream()(ast.ExplainStmt(query=tree, options=None))


def remote_tree(bound: BoundQuery) -> ast.Node:
    """A copy of the query with every foreign table replaced by its remote subquery."""
    tree = copy.deepcopy(bound.stmt)
    by_node = _remap(bound, tree)  # deepcopy made new nodes: pair them with the references
    use = column_names_used(bound.stmt)
    aliases = {ref.alias for ref in bound.relations}

    class Replace(Visitor):  # type: ignore[misc]
        def visit_RangeVar(self, ancestors: Ancestor, node: ast.RangeVar) -> ast.Node | None:
            ref = by_node.get(id(node))
            if ref is None:
                return None
            alias = copy.copy(node.alias) if node.alias else ast.Alias(aliasname=node.relname)
            used = None if alias.colnames else use.columns_for(ref.alias, aliases)
            return ast.RangeSubselect(lateral=False, subquery=table_subquery(ref.table, used),
                                      alias=alias)

    Replace()(tree)
    return tree


def _remap(bound: BoundQuery, tree: ast.Node) -> dict[int, RelationRef]:
    """Pair each RangeVar of the copied tree with the reference found in the original."""
    originals = _range_vars(bound.stmt)
    copies = _range_vars(tree)
    refs = {id(ref.node): ref for ref in bound.relations}
    return {id(c): refs[id(o)] for o, c in zip(originals, copies) if id(o) in refs}


def _range_vars(tree: ast.Node) -> list[ast.RangeVar]:
    found: list[ast.RangeVar] = []

    class Collect(Visitor):  # type: ignore[misc]
        def visit_RangeVar(self, ancestors: Ancestor, node: ast.RangeVar) -> None:
            found.append(node)

    Collect()(tree)
    return found


@dataclass(slots=True)
class ColumnUse:
    """The column names a query may read, by qualifier: which columns a table's scan fetches."""

    #: Names used without a qualifier (and in USING lists): any table may own them.
    unqualified: set[str] = field(default_factory=set)
    #: Names used as ``q.name``, by ``q``.
    qualified: dict[str, set[str]] = field(default_factory=dict)
    #: Aliases used whole (``t.*``, ``row_to_json(t)``); None: every column of every table
    #: (an unqualified ``*``, a NATURAL join).
    whole: set[str] | None = field(default_factory=set)

    def columns_for(self, alias: str, table_aliases: set[str]) -> set[str] | None:
        """The names a table known as ``alias`` may have to deliver (None: all columns).
        A qualifier that is no table's alias (a join's or sub-select's) may mean any table."""
        if self.whole is None or alias in self.whole:
            return None
        names = set(self.unqualified) | self.qualified.get(alias, set())
        for qualifier, used in self.qualified.items():
            if qualifier not in table_aliases:
                names |= used
        return names


def column_names_used(stmt: ast.Node, skip: set[int] | None = None) -> ColumnUse:
    """Every name the query may use as a column (column references and USING lists), but
    those inside the nodes ``skip`` holds (by id)."""
    use = ColumnUse()

    def skipped(ancestors: Ancestor | None) -> bool:
        while skip and ancestors is not None:
            if id(ancestors.node) in skip:
                return True
            ancestors = ancestors.parent
        return False

    class Collect(Visitor):  # type: ignore[misc]
        def visit_ColumnRef(self, ancestors: Ancestor, node: ast.ColumnRef) -> None:
            if skip and id(node) in skip or skipped(ancestors):
                return
            parts = [f.sval if isinstance(f, ast.String) else None for f in node.fields]
            if parts[-1] is None and len(parts) == 1:
                use.whole = None
            elif parts[-1] is None:
                if use.whole is not None:
                    use.whole.add(parts[-2] or "")
            elif len(parts) == 1:
                use.unqualified.add(parts[0] or "")
                if use.whole is not None:
                    use.whole.add(parts[0] or "")  # maybe a whole-row reference to a table
            else:
                use.qualified.setdefault(parts[-2] or "", set()).add(parts[-1])

        def visit_JoinExpr(self, ancestors: Ancestor, node: ast.JoinExpr) -> None:
            if node.isNatural:
                use.whole = None
            use.unqualified.update(n.sval for n in node.usingClause or ())

    Collect()(stmt)
    return use
