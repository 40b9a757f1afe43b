"""PostgreSQL's parse-analysis errors for a query fdwsh shipped whole.

A pushed-down query that names an unknown column or mixes types fails on the remote server, whose
message lacks the cursor position (it points into the remote SQL) and carries a ``remote SQL
command`` CONTEXT — PostgreSQL with postgres_fdw reports such errors itself, while analysing
(and constant-folding) the query.  When the remote fails with such an error (class 42, or a
class-22 data error such as a bad literal), fdwsh analyses the query locally, each
foreign table an empty relation of its declared columns, and reports that error instead — only
when it is of the same SQLSTATE, so a gap in the local analyser can never replace a true answer.
"""

from __future__ import annotations

import copy
from typing import Any

from pglast import ast, parse_sql
from pglast.visitors import Ancestor, Visitor

from fdwsh.catalog.model import ForeignTable
from fdwsh.errors import FdwshError
from fdwsh.sql.bind import TableLookup, bind_relations

#: Syntax error or access rule violation; data exceptions (literals, constant folding).
ANALYSIS_CLASSES = ("42", "22")


def parse_analysis_error(stmt: ast.Node, lookup: TableLookup, ctx: Any,
                         remote: FdwshError) -> FdwshError | None:
    """The error PostgreSQL would have raised analysing ``stmt`` instead of ``remote``'s."""
    if not remote.sqlstate.startswith(ANALYSIS_CLASSES) or not isinstance(stmt, ast.SelectStmt):
        return None
    from fdwsh.exec.local_query import analyze_local
    from fdwsh.sql.const_locations import const_locations

    locations = const_locations(getattr(ctx, "source", "") or "", stmt)
    memo: dict[int, Any] = {}
    tree = copy.deepcopy(stmt, memo)
    locations = {id(memo[k]): v for k, v in locations.items() if k in memo}
    _replace_tables(tree, lookup)
    try:
        analyze_local(tree, ctx, const_locations=locations)
    except FdwshError as err:
        return err if err.sqlstate == remote.sqlstate else None
    return None


def _replace_tables(tree: ast.Node, lookup: TableLookup) -> None:
    """Each foreign-table reference becomes ``(SELECT NULL::type AS col … WHERE false)``."""
    refs = {id(ref.node): ref.table for ref in bind_relations(tree, lookup).relations}

    class Replace(Visitor):  # type: ignore[misc]
        def visit_RangeVar(self, ancestors: Ancestor, node: ast.RangeVar) -> ast.Node | None:
            table = refs.get(id(node))
            if table is None:
                return None
            alias = node.alias or ast.Alias(aliasname=node.relname)
            return ast.RangeSubselect(lateral=False, subquery=_empty_relation(table),
                                      alias=alias)

    Replace()(tree)


def _empty_relation(table: ForeignTable) -> ast.SelectStmt:
    columns = ", ".join(f"NULL::{col.type} AS {_ident(col.name)}" for col in table.columns)
    return parse_sql(f"SELECT {columns} WHERE false")[0].stmt


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
