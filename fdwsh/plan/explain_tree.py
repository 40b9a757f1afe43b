"""The plan tree of a locally run query in EXPLAIN's text form (PostgreSQL's explain.c).

Each node is a line ``->  Name  (actual time=a..b rows=n loops=l)`` indented six more
spaces per level, its detail lines (``Hash Cond:``, ``Join Filter:``, ``Filter:``,
``Sort Key:``, ``Group Key:``, and under ANALYZE ``Sort Method:`` / ``Batches:``) two spaces
deeper than its arrow, then its children.  Remote scans are drawn by
:mod:`fdwsh.plan.explain_local`'s functions (Remote SQL, Dynamic Filter lines), moved to their
depth.  Local nodes have no cost estimate: fdwsh prints costs only where a server gave them
(the remote scans), whether or not COSTS is on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fdwsh.exec.plan_tree import Level, PlanNode, PlanRecorder
from fdwsh.plan.explain import ExplainOptions
from fdwsh.plan.explain_expr import Names, column_names, deparse, output_names, sort_key_text
from fdwsh.sql import ir


class Drawer:
    """Draws the recorded levels; notes (in ``drawn``) the remote scans it drew."""

    def __init__(self, rec: PlanRecorder, opts: ExplainOptions,
                 remote_cost: Callable[[Any], str | None], qualify: bool, drawn: set[int]
                 ) -> None:
        self.rec, self.opts, self.remote_cost = rec, opts, remote_cost
        self.qualify, self.drawn = qualify, drawn

    def level_tree(self, level: Level) -> PlanNode | None:
        """The level's nodes with its FROM tree below them (its WHERE as the Filter)."""
        root = level.from_root()
        hashed = _consumed(root)
        where = [c for c in _conjuncts(level.where) if c not in hashed] \
            if level.where is not None else []
        if root is not None and where and \
                not any(label == "Filter" for label, _ in root.exprs):
            root.exprs.append(("Filter", where))
            if level.filtered is not None and self.rec.analyze:
                removed = root.rows - level.filtered.rows
                root.rows = level.filtered.rows
                root.details.append(f"Rows Removed by Filter: {removed}")
        if level.bottom is None:
            if root is None and not self.rec.analyze:
                return PlanNode("Result")  # a SELECT without FROM (its rows are not counted)
            return root
        if root is not None and not level.bottom.children:
            level.bottom.children.append(root)
        node: PlanNode | None = level.top
        while node is not None and node is not root:  # the level's nodes read FROM columns
            node.names = node.names or (root.names if root is not None else {})
            node = node.children[0] if node.children else None
        return level.top

    def set_operation_tree(self, stmt: Any, rows: int) -> PlanNode | None:
        """A top-level UNION / INTERSECT / EXCEPT: ``Append`` of its branches, under a
        ``HashAggregate`` (UNION) or ``HashSetOp`` (INTERSECT, EXCEPT) unless it is UNION ALL
        (None where it has its own ORDER BY / LIMIT, or a branch was not run here)."""
        if stmt.sortClause or stmt.limitCount or stmt.limitOffset:
            return None
        node = self._set_branch(stmt)
        if node is not None:
            node.rows, node.loops = rows, 1
        return node

    def _set_branch(self, stmt: Any) -> PlanNode | None:
        from pglast.enums import SetOperation

        if stmt.op == SetOperation.SETOP_NONE:
            level = self.rec.level_of(stmt)
            return self.level_tree(level) if level is not None else None
        branches = [self._set_branch(stmt.larg), self._set_branch(stmt.rarg)]
        if any(b is None for b in branches):
            return None
        union = stmt.op == SetOperation.SETOP_UNION  # a UNION ALL below a UNION is one list
        children = [c for b in branches for c in
                    (b.children if union and b.name == "Append" else [b])]
        append = PlanNode("Append", children=children, loops=1,  # type: ignore[arg-type]
                          rows=sum(_top_rows(c) for c in children))
        if union:
            return append if stmt.all else PlanNode("HashAggregate", children=[append])
        kind = "Intersect" if stmt.op == SetOperation.SETOP_INTERSECT else "Except"
        return PlanNode(f"HashSetOp {kind}{' All' if stmt.all else ''}", children=[append])

    def lines(self, node: PlanNode, depth: int, inherited: dict[int, str]) -> list[str]:
        if node.remote is not None:
            return self._remote(node, depth)
        arrow = " " * (6 * depth - 4) + "->  "
        detail = " " * (6 * depth + 2)
        head = node.name
        if self.opts.analyze:
            head += "  " + self._actual(node)
        out = [arrow + head]
        names = column_names(node.names or inherited)
        out.extend(detail + line for line in self._details(node, names))
        below = node.names or inherited
        for child in node.children:
            out.extend(self.lines(child, depth + 1, below))
        fragment = self.rec.remote_levels.get(id(node.subquery))
        if fragment is not None:  # sent whole: the server's lines, with the rows it gave
            out.extend(self._remote(PlanNode("Foreign Scan", remote=fragment, rows=node.rows,
                                             loops=node.loops), depth + 1))
        elif node.subquery is not None:
            sub = self.rec.level_of(node.subquery)
            tree = self.level_tree(sub) if sub is not None else None
            if tree is not None:
                out.extend(self.lines(tree, depth + 1, {}))
        return out

    def _details(self, node: PlanNode, names: Names) -> list[str]:
        out = []
        for label, exprs in node.exprs:
            out.append(f"{label}: {self._exprs(label, exprs, node, names)}")
        out.extend(node.details)
        if self.opts.analyze and node.stats is not None:
            out.extend(_memory_lines(node))
        return out

    def _exprs(self, label: str, exprs: list[Any], node: PlanNode, names: Names) -> str:
        if label == "Sort Key":  # the level's ORDER BY expressions, over its FROM columns
            return ", ".join(sort_key_text(e, names, d, n) for e, d, n, _ in exprs)
        if label == "Group Key":
            return ", ".join(deparse(e, names) for e in exprs)
        if label == "Filter" and node.outputs is not None:  # HAVING, over the grouped row
            names = output_names(node.outputs, names)
        parts = [c for e in exprs for c in _conjuncts(e)]
        texts = [deparse(p, names) for p in parts]
        return texts[0] if len(texts) == 1 else "(" + " AND ".join(texts) + ")"

    def _actual(self, node: PlanNode) -> str:
        if node.name == "Hash" and node.children:  # it holds what its input gave
            node = node.children[0]
        loops = max(node.loops, 1) if node.loops or node.rows else 0
        if loops == 0:
            return "(never executed)"
        if self.opts.timing:
            first = node.first_ms or 0.0
            return (f"(actual time={first:.3f}..{node.total_ms:.3f} rows={node.rows // loops} "
                    f"loops={loops})")
        return f"(actual rows={node.rows // loops} loops={loops})"

    def _remote(self, node: PlanNode, depth: int) -> list[str]:
        from fdwsh.exec.join_fragment import JoinFragment
        from fdwsh.exec.remote_fragment import RemoteFragment
        from fdwsh.plan.explain_local import _fragment_lines, _join_lines, _scan_lines

        scan = node.remote
        self.drawn.add(id(scan))
        # a remote scan gives the rows it fetched, as outside the tree
        actual = f"(actual rows={node.rows} loops={max(node.loops, 1)})" \
            if self.rec.analyze else None
        if isinstance(scan, RemoteFragment):
            lines = _fragment_lines(scan, self.opts, self.remote_cost)
        elif isinstance(scan, JoinFragment):
            lines = _join_lines(scan, self.opts, self.remote_cost, actual)
        else:
            lines = _scan_lines(scan, self.opts, self.remote_cost, self.qualify, actual)
        names = column_names(node.names)
        extra = ["        " + line for line in self._details(node, names)]
        at = 2 if self.opts.verbose else 1  # after Output, as PostgreSQL puts Filter
        lines[at:at] = extra
        pad = " " * (6 * (depth - 1))
        return [pad + line for line in lines]


def _top_rows(node: PlanNode) -> int:
    """The rows a node gave (a Hash or set operation: what it was counted as)."""
    return node.rows


def _consumed(node: PlanNode | None) -> list[Any]:
    """The conditions the joins of a FROM tree evaluate."""
    if node is None:
        return []
    return node.consumed + [c for child in node.children for c in _consumed(child)]


def _conjuncts(expr: Any) -> list[Any]:
    if isinstance(expr, ir.BoolExpr) and expr.boolop == "and":
        return [c for arg in expr.args for c in _conjuncts(arg)]
    return [expr]


def _memory_lines(node: PlanNode) -> list[str]:
    """What the node's hash table or sort used, as PostgreSQL prints it."""
    stats = node.stats
    if node.name == "Sort":
        if stats.spilled:
            return [f"Sort Method: external merge  Disk: {stats.disk_kb}kB"]
        return [f"Sort Method: quicksort  Memory: {stats.memory_kb}kB"]
    if node.name == "Aggregate":  # one group: no hash table
        return []
    line = f"Batches: {stats.batches}  Memory Usage: {stats.memory_kb}kB"
    if stats.spilled:
        line += f"  Disk Usage: {stats.disk_kb}kB"
    return [line]
