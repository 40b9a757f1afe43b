"""RETURNING of ``UPDATE … FROM`` and ``DELETE … USING``: the list may name the FROM/USING
items' columns too, so it is evaluated where those rows are — in the SELECT that locates the
target's rows (:mod:`fdwsh.exec.dml_modify`), one more output per item.

For DELETE the located row is the old row, which is what RETURNING shows.  For UPDATE each
reference to a column the statement sets reads the new value instead: ``SET b = b + 1 …
RETURNING b`` returns ``CAST(b + 1 AS <b's type>)`` under the name ``b``; ``*`` and ``t.*`` are
spelled out the same way (the target's columns, then each FROM item's).
"""

from __future__ import annotations

import copy
from typing import Any

from pglast import ast
from pglast.visitors import Ancestor, Visitor

from fdwsh.output.result import Column, Result
from fdwsh.pgtypes import format_type


def joined_targets(stmt: ast.Node, target: Any, sets: list[int],
                   others: tuple[ast.Node, ...], recomputed: list[int] = ()
                   ) -> list[ast.ResTarget]:
    """The RETURNING list as outputs of the locating SELECT (a generated column the UPDATE
    recomputes reads its expression over the new values: what the remote computes when its
    column is generated as declared)."""
    new = {target.columns[i].name: item.val
           for i, item in zip(sets, getattr(stmt, "targetList", None) or ())}
    if recomputed:
        from fdwsh.exec.dml_generated import generation_node

        new.update({target.columns[i].name: _substituted(generation_node(target, i), target, new)
                    for i in recomputed})
    out: list[ast.ResTarget] = []
    for item in stmt.returningClause.exprs:
        star = _star_of(item.val, target.alias)
        if star is not None:
            out += [_column(target, c.name, new) for c in target.columns]
            if star == "*":
                out += [ast.ResTarget(val=ast.ColumnRef(fields=(ast.String(sval=a), ast.A_Star())))
                        for a in _aliases(others)]
            continue
        val = _substituted(copy.deepcopy(item.val), target, new)
        name = item.name or _plain_name(item.val)
        out.append(ast.ResTarget(name=name, val=val))
    return out


def joined_result(rel: Any, first: int, rows: list[tuple[Any, ...]], settings: Any,
                  tag: str) -> Result:
    """The located rows' RETURNING outputs (from column ``first`` on), then ``tag``."""
    from fdwsh.exec.local_query import _formatter

    columns = rel.columns[first:]
    formats = [_formatter(c.type, settings) for c in columns]
    shown = [tuple(None if v is None else fmt(v) for fmt, v in zip(formats, row[first:]))
             for row in rows]
    return Result(columns=[Column(c.name, format_type(c.type, c.typmod)) for c in columns],
                  rows=shown, status=tag)


def _star_of(val: ast.Node, alias: str) -> str | None:
    """``*`` or the target's ``alias.*`` (None: anything else)."""
    if not isinstance(val, ast.ColumnRef) or not isinstance(val.fields[-1], ast.A_Star):
        return None
    if len(val.fields) == 1:
        return "*"
    return alias if len(val.fields) == 2 and val.fields[0].sval == alias else None


def _aliases(items: tuple[ast.Node, ...]) -> list[str]:
    names = []
    for item in items:
        if isinstance(item, ast.RangeVar):
            names.append(item.alias.aliasname if item.alias else item.relname)
        elif getattr(item, "alias", None) is not None:
            names.append(item.alias.aliasname)
    return names


def _plain_name(val: ast.Node) -> str | None:
    if isinstance(val, ast.ColumnRef) and isinstance(val.fields[-1], ast.String):
        return val.fields[-1].sval  # type: ignore[no-any-return]
    return None


def _column(target: Any, name: str, new: dict[str, ast.Node]) -> ast.ResTarget:
    ref = ast.ColumnRef(fields=(ast.String(sval=target.alias), ast.String(sval=name)))
    return ast.ResTarget(name=name, val=_substituted(ref, target, new))


def _new_value(target: Any, name: str, new: dict[str, ast.Node]) -> ast.Node:
    from fdwsh.exec.dml_target import type_name

    return ast.TypeCast(arg=copy.deepcopy(new[name]),
                        typeName=type_name(target.table.column(name).type))


def _substituted(val: ast.Node, target: Any, new: dict[str, ast.Node]) -> ast.Node:
    """``val`` with each reference to a column being set replaced by its new value."""
    def replacement(node: ast.ColumnRef) -> ast.Node | None:
        names = [f.sval if isinstance(f, ast.String) else None for f in node.fields]
        if len(names) == 2 and names[0] != target.alias:
            return None
        return _new_value(target, names[-1], new) if names[-1] in new and len(names) <= 2 \
            else None

    if isinstance(val, ast.ColumnRef):
        return replacement(val) or val

    class Replace(Visitor):  # type: ignore[misc]
        def visit_ColumnRef(self, ancestors: Ancestor, node: ast.ColumnRef) -> ast.Node | None:
            return replacement(node)

    Replace()(val)
    return val
