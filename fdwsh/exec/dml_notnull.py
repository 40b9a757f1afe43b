"""NOT NULL of a foreign table's columns, checked here before a new row is sent.

PostgreSQL does not enforce constraints of a foreign table (postgres_fdw sends the NULL and the
remote table decides); fdwsh checks the declared NOT NULL itself, with PostgreSQL's message for
a local table: ``null value in column "c" of relation "ft" violates not-null constraint`` and
``DETAIL:  Failing row contains (…)`` — every declared column in the session's output styles,
``null`` for NULL, each value cut to 64 bytes (``...`` after), generated columns computed as a
local table stores them (ExecBuildSlotValueDescription).  The first NOT NULL column in
declaration order that holds NULL is named.  A stored generated column is not checked (its
value is the remote's to compute).

Rows are checked as the remote text they are sent as, so INSERT (whichever way its rows are
made), COPY FROM and UPDATE share one check; a failing row is never sent (rows before it, in
the statement's remote transaction, are rolled back with it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any

from fdwsh.errors import FdwshError
from fdwsh.exec.dml_target import Target

TextRow = Sequence["str | None"]
MAX_FIELD = 64  # bytes of each value ExecBuildSlotValueDescription shows


class NotNullViolation(FdwshError):
    """A new row with NULL in a NOT NULL column, found here (not by the remote)."""

    sqlstate = "23502"


def required(target: Target) -> list[int]:
    """The columns checked: declared NOT NULL and not generated."""
    return [i for i, c in enumerate(target.columns) if c.column.not_null and not c.column.generated]


def text_checker(target: Target, ctx: Any, order: Sequence[int] | None = None
                 ) -> Callable[[TextRow], None] | None:
    """What checks one row of remote text whose k-th value is declared column ``order[k]``
    (default: every declared column in order); None when no column is checked."""
    order = list(range(len(target.columns))) if order is None else list(order)
    positions = [order.index(i) if i in order else None for i in required(target)]
    if not positions:
        return None
    if None in positions:  # a NOT NULL column the rows never fill
        return lambda row: _raise(target, row, order, ctx)
    checked = [p for p in positions if p is not None]

    def check(row: TextRow) -> None:
        for p in checked:
            if row[p] is None:
                _raise(target, row, order, ctx)
    return check


def checked_rows(target: Target, rows: Iterable[TextRow], ctx: Any) -> Iterable[TextRow]:
    """Full rows of remote text (every declared column), each checked before it is passed on."""
    check = text_checker(target, ctx)
    return rows if check is None else _checking(rows, check)


def _checking(rows: Iterable[TextRow], check: Callable[[TextRow], None]) -> Iterator[TextRow]:
    for row in rows:
        check(row)
        yield row


def _raise(target: Target, row: TextRow, order: Sequence[int], ctx: Any) -> None:
    raise violation(target, _values(target, row, order), ctx)


def violation(target: Target, values: Sequence[Any], ctx: Any) -> NotNullViolation:
    """The error for a full row of values (declared types) with NULL in a NOT NULL column."""
    from fdwsh.exec.dml_generated import computed
    from fdwsh.exec.local_query import _formatter, session_settings

    full = computed(target, tuple(values), ctx)
    name = next(target.columns[i].name for i in required(target) if full[i] is None)
    settings = session_settings(ctx)
    shown = ["null" if v is None else _clipped(_formatter(c.type, settings)(v))
             for c, v in zip(target.columns, full)]
    return NotNullViolation(
        f'null value in column "{name}" of relation "{target.table.name}" violates not-null '
        "constraint", detail=f"Failing row contains ({', '.join(shown)}).")


def _values(target: Target, row: TextRow, order: Sequence[int]) -> list[Any]:
    """The row's remote text read through the declared types, in declared order."""
    from fdwsh.exec.values import parse_input
    from fdwsh.types.settings import REMOTE

    values: list[Any] = [None] * len(target.columns)
    for text, index in zip(row, order):
        column = target.columns[index]
        if text is not None:
            values[index] = parse_input(column.type, text, column.typmod, REMOTE)
    return values


def _clipped(text: str) -> str:
    data = text.encode()
    if len(data) <= MAX_FIELD:
        return text
    return data[:MAX_FIELD].decode("utf-8", "ignore") + "..."


# -- rows the remote computes (a shipped INSERT … SELECT, a direct UPDATE) ----------------------


_STRICT_OPS = {"+", "-", "*", "/", "%", "||"}  # non-null operands give a non-null result


def may_be_null(node: Any, not_null: frozenset[str] = frozenset()) -> bool:
    """Whether a new value may be NULL: anything but a non-null literal, a column of
    ``not_null`` (declared NOT NULL), or arithmetic of those (cast or not)."""
    from pglast import ast
    from pglast.enums import A_Expr_Kind

    while isinstance(node, ast.TypeCast):
        node = node.arg
    if isinstance(node, ast.A_Const):
        return bool(node.isnull)
    if isinstance(node, ast.ColumnRef) and isinstance(node.fields[-1], ast.String):
        return node.fields[-1].sval not in not_null
    if (isinstance(node, ast.A_Expr) and node.kind == A_Expr_Kind.AEXPR_OP
            and len(node.name) == 1 and node.name[0].sval in _STRICT_OPS):
        return any(side is not None and may_be_null(side, not_null)
                   for side in (node.lexpr, node.rexpr))
    return True


def probe(values: Sequence[Any], tested: Sequence[Any], from_clause: tuple[Any, ...],
          where: Any = None) -> Any:
    """``SELECT values FROM … WHERE where AND (tested₁ IS NULL OR …) LIMIT 1``: the first new
    row that would break NOT NULL, asked of the remote before the change is sent."""
    import copy

    from pglast import ast
    from pglast.enums import BoolExprType, NullTestType

    tests = [ast.NullTest(arg=copy.deepcopy(t), nulltesttype=NullTestType.IS_NULL,
                          argisrow=False, location=-1) for t in tested]
    cond: Any = tests[0] if len(tests) == 1 else ast.BoolExpr(boolop=BoolExprType.OR_EXPR,
                                                              args=tuple(tests)) if tests else None
    if where is not None:
        cond = copy.deepcopy(where) if cond is None else ast.BoolExpr(
            boolop=BoolExprType.AND_EXPR, args=(copy.deepcopy(where), cond))
    return ast.SelectStmt(targetList=tuple(ast.ResTarget(val=copy.deepcopy(v)) for v in values),
                          fromClause=from_clause, whereClause=cond, limitOption=1, op=0,
                          limitCount=ast.A_Const(isnull=False, val=ast.Integer(ival=1)))


def run_probe(conn: Any, select: Any, params: list[Any], target: Target, order: Sequence[int],
              ctx: Any) -> None:
    """Raise the NOT NULL error for the row the probe finds (nothing when it finds none)."""
    from pglast.stream import RawStream

    for row in conn.stream(RawStream()(select), params):
        _raise(target, row, order, ctx)


# -- UPDATE -------------------------------------------------------------------------------------


def probe_update(conn: Any, plan: Any, ctx: Any) -> None:
    """Before a direct UPDATE: ask the remote for a row whose new value of a NOT NULL column
    is NULL (SET values that are non-null literals need no asking)."""
    from pglast import ast

    tree, target = plan.direct, plan.target
    checked = set(required(target))
    new = {index: item.val for index, item in zip(plan.sets, tree.targetList)}
    declared = frozenset(c.column.remote_name for c in target.columns  # (a FROM item's
                         if c.column.not_null and not tree.fromClause)  # column may share a name)
    tested = [v for i, v in new.items() if i in checked and may_be_null(v, declared)]
    if not tested:
        return
    alias = tree.relation.alias.aliasname
    values = [new.get(i, ast.ColumnRef(fields=(ast.String(sval=alias),
                                              ast.String(sval=c.column.remote_name))))
              if not c.column.generated else ast.A_Const(isnull=True, val=None)
              for i, c in enumerate(target.columns)]
    select = probe(values, tested, (tree.relation, *(tree.fromClause or ())), tree.whereClause)
    run_probe(conn, select, plan.params, target, range(len(target.columns)), ctx)


def check_located(conn: Any, plan: Any, changes: Sequence[Sequence[Any]], ctx: Any) -> None:
    """Before located rows are changed: the first change (ctid, new values in SET order)
    setting a NOT NULL column to NULL is refused, shown with the rest of its row as the remote
    has it."""
    checked = set(required(plan.target))
    positions = [k for k, i in enumerate(plan.sets, start=1) if i in checked]
    failing = next((c for c in changes if any(c[k] is None for k in positions)), None) \
        if positions else None
    if failing is None:
        return
    from pglast import ast
    from pglast.enums import A_Expr_Kind
    from pglast.stream import RawStream

    target = plan.target
    columns = [ast.ColumnRef(fields=(ast.String(sval=c.column.remote_name),))
               for c in target.columns]
    by_ctid = ast.A_Expr(kind=A_Expr_Kind.AEXPR_OP, name=(ast.String(sval="="),),
                         lexpr=ast.ColumnRef(fields=(ast.String(sval="ctid"),)),
                         rexpr=ast.TypeCast(arg=ast.ParamRef(number=1), typeName=ast.TypeName(
                             names=(ast.String(sval="pg_catalog"), ast.String(sval="tid")),
                             typemod=-1)))
    select = probe(columns, [], (target.remote_relation(),), by_ctid)
    old = next(iter(conn.stream(RawStream()(select), [failing[0]])))
    values = _values(target, old, range(len(target.columns)))
    for k, index in enumerate(plan.sets, start=1):
        values[index] = failing[k]
    raise violation(target, values, ctx)
