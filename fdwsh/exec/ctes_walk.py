"""The raw-tree checks of WITH RECURSIVE (parse_cte.c of PostgreSQL 15), made before any item
is analysed: which items reference which (makeDependencyGraph, TopologicalSort: the order of
analysis, and ``mutual recursion between WITH items is not implemented``), and where a
recursive item may reference itself (checkWellFormedRecursion: once, in the recursive term of a
top-level UNION, not in a sub-query, an outer join's nullable side, INTERSECT ALL or EXCEPT).

Both walk the statement as raw_expression_tree_walker() does, keeping the names that inner
WITH clauses define: a reference to one of those is not a reference to our items.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from pglast import ast
from pglast.enums import JoinType, SetOperation

from fdwsh.sql.pstate import error

if TYPE_CHECKING:
    from fdwsh.exec.local_select import Analyzer

OK, NONRECURSIVE, SUBLINK, OUTERJOIN, INTERSECT, EXCEPT = range(6)

_MESSAGES = {
    NONRECURSIVE: 'recursive reference to query "{}" must not appear within its '
                  'non-recursive term',
    SUBLINK: 'recursive reference to query "{}" must not appear within a subquery',
    OUTERJOIN: 'recursive reference to query "{}" must not appear within an outer join',
    INTERSECT: 'recursive reference to query "{}" must not appear within INTERSECT',
    EXCEPT: 'recursive reference to query "{}" must not appear within EXCEPT',
}


class _Walker:
    """Calls ``on_ref(range_var, context)`` for each reference to one of ``names``."""

    def __init__(self, names: set[str], on_ref: Callable[[ast.RangeVar, int], None]) -> None:
        self.names = names
        self.on_ref = on_ref
        self.inner: list[set[str]] = []  # names of the inner WITH clauses, innermost last
        self.context = OK

    def walk(self, node: Any) -> None:
        if isinstance(node, (list, tuple)):
            for child in node:
                self.walk(child)
        elif not isinstance(node, ast.Node) or isinstance(node, ast.WithClause):
            return  # a WITH clause is walked only under walk_select's control
        elif isinstance(node, ast.RangeVar):
            if not node.schemaname and node.relname in self.names and \
                    not any(node.relname in names for names in self.inner):
                self.on_ref(node, self.context)
        elif isinstance(node, ast.SelectStmt):
            self.walk_select(node)
        elif isinstance(node, ast.JoinExpr):
            self.walk_join(node)
        elif isinstance(node, ast.SubLink):
            saved, self.context = self.context, SUBLINK  # a sub-query is independent
            self.walk(node.subselect)
            self.context = saved
            self.walk(node.testexpr)
        else:
            self.walk_children(node)

    def walk_children(self, node: ast.Node) -> None:
        for name in node:
            self.walk(getattr(node, name))

    def walk_select(self, stmt: ast.SelectStmt) -> None:
        clause = stmt.withClause
        if clause is None:
            self.check_select(stmt)
            return
        ctes = list(clause.ctes or ())
        if clause.recursive:  # all its names visible to all its items
            self.inner.append({c.ctename for c in ctes})
            for cte in ctes:
                self.walk(cte.ctequery)
        else:  # each name visible to the items after it
            self.inner.append(set())
            for cte in ctes:
                self.walk(cte.ctequery)
                self.inner[-1].add(cte.ctename)
        self.check_select(stmt)
        self.inner.pop()

    def check_select(self, stmt: ast.SelectStmt) -> None:
        """checkWellFormedSelectStmt(): INTERSECT ALL and EXCEPT sides are no place for it."""
        saved = self.context
        if saved != OK or stmt.op in (SetOperation.SETOP_NONE, SetOperation.SETOP_UNION):
            self.walk_children(stmt)
            return
        if stmt.op == SetOperation.SETOP_INTERSECT:
            if stmt.all:
                self.context = INTERSECT
            self.walk(stmt.larg)
            self.walk(stmt.rarg)
        else:
            if stmt.all:
                self.context = EXCEPT
            self.walk(stmt.larg)
            self.context = EXCEPT
            self.walk(stmt.rarg)
        self.context = saved
        for part in (stmt.sortClause, stmt.limitOffset, stmt.limitCount, stmt.lockingClause):
            self.walk(part)

    def walk_join(self, join: ast.JoinExpr) -> None:
        saved = self.context
        outer = OUTERJOIN if saved == OK else saved
        left = outer if join.jointype in (JoinType.JOIN_FULL, JoinType.JOIN_RIGHT) else saved
        right = outer if join.jointype in (JoinType.JOIN_FULL, JoinType.JOIN_LEFT) else saved
        self.context = left
        self.walk(join.larg)
        self.context = right
        self.walk(join.rarg)
        self.context = saved
        self.walk(join.quals)


def dependency_order(an: Analyzer, ctes: list[ast.CommonTableExpr]
                     ) -> tuple[list[ast.CommonTableExpr], set[str]]:
    """The items in an order where each comes after those it references, and the names of
    the self-referencing ones."""
    names = {cte.ctename for cte in ctes}
    depends: dict[str, set[str]] = {cte.ctename: set() for cte in ctes}
    recursive: set[str] = set()
    for cte in ctes:
        def on_ref(node: ast.RangeVar, context: int, me: str = cte.ctename) -> None:
            if node.relname == me:
                recursive.add(me)
            else:
                depends[me].add(node.relname)
        _Walker(names, on_ref).walk(cte.ctequery)
    items = list(ctes)
    for i in range(len(items)):  # TopologicalSort(), swapping as PostgreSQL does
        j = next((j for j in range(i, len(items)) if not depends[items[j].ctename]), None)
        if j is None:
            raise error("mutual recursion between WITH items is not implemented", "0A000",
                        items[i].location)
        items[i], items[j] = items[j], items[i]
        for later in items[i + 1:]:
            depends[later.ctename].discard(items[i].ctename)
    return items, recursive


def check_well_formed(an: Analyzer, cte: ast.CommonTableExpr) -> None:
    """checkWellFormedRecursion() for one self-referencing item."""
    stmt = cte.ctequery
    name = cte.ctename
    if not isinstance(stmt, ast.SelectStmt):
        raise error(f'recursive query "{name}" must not contain data-modifying statements',
                    "42P19", cte.location)
    if stmt.op != SetOperation.SETOP_UNION:
        raise error(f'recursive query "{name}" does not have the form non-recursive-term '
                    f"UNION [ALL] recursive-term", "42P19", cte.location)
    count = [0]

    def on_ref(node: ast.RangeVar, context: int) -> None:
        if context != OK:
            raise error(_MESSAGES[context].format(name), "42P19", node.location)
        count[0] += 1
        if count[0] > 1:
            raise error(f'recursive reference to query "{name}" must not appear more than '
                        f"once", "42P19", node.location)

    for part, context in ((stmt.larg, NONRECURSIVE), (stmt.rarg, OK)):
        walker = _Walker({name}, on_ref)
        walker.context = context
        walker.walk(part)
    if count[0] != 1:
        raise error("missing recursive reference", "XX000")
    if stmt.withClause is not None:
        walker = _Walker({name}, on_ref)
        walker.context = SUBLINK
        walker.walk(list(stmt.withClause.ctes or ()))
    _check_decoration(an, stmt)


def _check_decoration(an: Analyzer, stmt: ast.SelectStmt) -> None:
    """ORDER BY / OFFSET / LIMIT / FOR UPDATE atop the recursive UNION."""
    if stmt.sortClause:
        raise error("ORDER BY in a recursive query is not implemented", "0A000",
                    _location(an, stmt.sortClause[0].node))
    for node, what in ((stmt.limitOffset, "OFFSET"), (stmt.limitCount, "LIMIT")):
        if node is not None:
            raise error(f"{what} in a recursive query is not implemented", "0A000",
                        _location(an, node))
    if stmt.lockingClause:
        raise error("FOR UPDATE/SHARE in a recursive query is not implemented", "0A000")


def _location(an: Analyzer, node: ast.Node) -> int:
    from fdwsh.exec.setops import _leftmost

    return _leftmost(an, node)
