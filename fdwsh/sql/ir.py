"""The typed expression IR: what ``typecheck`` builds from pglast and what ``exec.eval`` compiles.

Every node is a frozen, slotted dataclass named after the PostgreSQL primnode it mirrors
(primnodes.h), so code that walks it reads like the backend's.  Each node knows its result
type (``type``, a pg_type OID) and typmod, and ``location``: the 0-based offset in the statement
text of the construct it came from (-1: none), which is what parse-time errors point at.

Values held by :class:`Const` are Python objects in fdwsh's value domain (``int``, ``Decimal``,
``float``, ``bool``, ``str``, ``bytes``, ``datetime`` objects, lists for arrays ...); ``None`` is
SQL NULL.  A literal whose type is still ``unknown`` holds its text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fdwsh.sql.pgproc import Function, Operator

UNKNOWN_OID = 705
BOOL_OID = 16
TEXT_OID = 25


class Expr:
    """Base of every IR node (carries no fields, so subclasses stay slotted)."""

    __slots__ = ()
    type: int
    typmod: int
    location: int

    def children(self) -> tuple[Expr, ...]:
        return ()


@dataclass(frozen=True, slots=True)
class Const(Expr):
    type: int
    value: Any
    typmod: int = -1
    location: int = -1

    @property
    def is_null(self) -> bool:
        return self.value is None


@dataclass(frozen=True, slots=True)
class Var(Expr):
    """A column of the input row: ``index`` is its position in the row tuple the evaluator
    receives; ``name`` is only for messages and column naming."""

    index: int
    type: int
    typmod: int = -1
    name: str = ""
    location: int = -1


@dataclass(frozen=True, slots=True)
class Param(Expr):
    """``$n`` (1-based), typed when it was resolved."""

    number: int
    type: int
    typmod: int = -1
    location: int = -1


@dataclass(frozen=True, slots=True)
class OpExpr(Expr):
    op: Operator
    args: tuple[Expr, ...]
    type: int
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return self.args


#: FuncExpr.format: how the call was written (PostgreSQL's CoercionForm).
EXPLICIT_CALL, EXPLICIT_CAST, IMPLICIT_CAST, SQL_SYNTAX = "call", "cast", "implicit", "sql"


@dataclass(frozen=True, slots=True)
class FuncExpr(Expr):
    func: Function
    args: tuple[Expr, ...]
    type: int
    typmod: int = -1
    format: str = EXPLICIT_CALL
    #: The call passed a VARIADIC array (``format('%s', VARIADIC ARRAY[...])``).
    variadic: bool = False
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class BoolExpr(Expr):
    boolop: str  # "and" | "or" | "not"
    args: tuple[Expr, ...]
    type: int = BOOL_OID
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class CaseTestExpr(Expr):
    """The CASE operand inside the WHEN comparisons of ``CASE x WHEN v ...``."""

    type: int
    typmod: int = -1
    location: int = -1


@dataclass(frozen=True, slots=True)
class CaseWhen(Expr):
    cond: Expr
    result: Expr
    location: int = -1

    @property
    def type(self) -> int:  # type: ignore[override]
        return self.result.type

    def children(self) -> tuple[Expr, ...]:
        return (self.cond, self.result)


@dataclass(frozen=True, slots=True)
class CaseExpr(Expr):
    type: int
    arg: Expr | None
    whens: tuple[CaseWhen, ...]
    default: Expr
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        head = (self.arg,) if self.arg is not None else ()
        return (*head, *self.whens, self.default)


@dataclass(frozen=True, slots=True)
class CoalesceExpr(Expr):
    type: int
    args: tuple[Expr, ...]
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class MinMaxExpr(Expr):
    """GREATEST / LEAST: ``cmp`` is the type's ``<`` operator they compare with."""

    op: str  # "greatest" | "least"
    type: int
    args: tuple[Expr, ...]
    cmp: Operator
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class NullIfExpr(Expr):
    """NULLIF(a, b): ``op`` is the ``=`` chosen for the two; the result has a's type."""

    op: Operator
    args: tuple[Expr, ...]
    type: int
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class DistinctExpr(Expr):
    """``a IS DISTINCT FROM b`` over the ``=`` operator ``op``."""

    op: Operator
    args: tuple[Expr, ...]
    type: int = BOOL_OID
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class ScalarArrayOpExpr(Expr):
    """``a op ANY (array)`` (``use_or``) or ``a op ALL (array)``; IN lists become this."""

    op: Operator
    use_or: bool
    args: tuple[Expr, Expr]
    type: int = BOOL_OID
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return self.args


@dataclass(frozen=True, slots=True)
class NullTest(Expr):
    arg: Expr
    is_null: bool
    type: int = BOOL_OID
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)


#: BooleanTest.test values (IS TRUE, IS NOT TRUE ...).
BOOLEAN_TESTS = ("is_true", "is_not_true", "is_false", "is_not_false", "is_unknown",
                 "is_not_unknown")


@dataclass(frozen=True, slots=True)
class BooleanTest(Expr):
    arg: Expr
    test: str
    type: int = BOOL_OID
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)


@dataclass(frozen=True, slots=True)
class RelabelType(Expr):
    """A binary-compatible cast (varchar → text): the value is unchanged."""

    arg: Expr
    type: int
    typmod: int = -1
    format: str = IMPLICIT_CAST
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)


@dataclass(frozen=True, slots=True)
class CoerceViaIO(Expr):
    """A cast through text: the source type's output, then the target type's input."""

    arg: Expr
    type: int
    typmod: int = -1
    format: str = EXPLICIT_CAST
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)


@dataclass(frozen=True, slots=True)
class ArrayCoerceExpr(Expr):
    """A cast of every element of an array; ``elem`` reads the element as a CaseTestExpr."""

    arg: Expr
    elem: Expr
    type: int
    typmod: int = -1
    format: str = EXPLICIT_CAST
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return (self.arg, self.elem)


@dataclass(frozen=True, slots=True)
class ArrayExpr(Expr):
    """``ARRAY[a, b]``: ``type`` is the array type, ``element_type`` its elements'."""

    element_type: int
    elements: tuple[Expr, ...]
    type: int
    multidims: bool = False
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return self.elements


@dataclass(frozen=True, slots=True)
class SubscriptingRef(Expr):
    """``arr[i]`` / ``arr[i:j]``: ``lower`` holds the slice starts (None: not a slice)."""

    container: Expr
    upper: tuple[Expr | None, ...]
    lower: tuple[Expr | None, ...] | None
    type: int
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        parts = [e for e in (*self.upper, *(self.lower or ())) if e is not None]
        return (self.container, *parts)


@dataclass(frozen=True, slots=True)
class SQLValueFunction(Expr):
    """CURRENT_DATE, CURRENT_TIMESTAMP(p), LOCALTIME, CURRENT_USER ... (``name`` lower case)."""

    name: str
    type: int
    typmod: int = -1
    location: int = -1


@dataclass(frozen=True, slots=True)
class CollateExpr(Expr):
    """``x COLLATE "C"``: fdwsh compares text in C order only, so this only checks the name."""

    arg: Expr
    collation: str
    type: int
    typmod: int = -1
    location: int = -1

    def children(self) -> tuple[Expr, ...]:
        return (self.arg,)


@dataclass(frozen=True, slots=True, eq=False)
class SubLink(Expr):
    """A sub-SELECT in an expression (PostgreSQL's SubLink/SubPlan): ``kind`` is "expr"
    (scalar), "exists", "any", "all" or "array".  ``rows`` (a :class:`SubPlan`) runs the
    sub-query and returns its rows; ``convert`` turns a row's first value into the operator's
    right-hand type; ``testexpr`` and ``op`` are the left side of ANY/ALL.  ``args`` are the
    values of this level (and of levels further out) the sub-query reads — SubPlan.args —
    evaluated per row: none means it runs once, as an initplan."""

    kind: str
    rows: Any
    type: int
    testexpr: Expr | None = None
    op: Operator | None = None
    convert: Expr | None = None
    typmod: int = -1
    location: int = -1
    args: tuple[Expr, ...] = ()

    def children(self) -> tuple[Expr, ...]:
        return (*self.args, *(e for e in (self.testexpr, self.convert) if e is not None))


@dataclass(frozen=True, slots=True)
class TargetEntry:
    """One output column of a query: its expression and header."""

    expr: Expr
    name: str
    resjunk: bool = False


def expr_location(node: Expr | None) -> int:
    """exprLocation(): the leftmost location of a node and (for calls/casts) its arguments."""
    if node is None:
        return -1
    if isinstance(node, (OpExpr, FuncExpr, DistinctExpr, NullIfExpr, ScalarArrayOpExpr)):
        return _leftmost(node.location, *(expr_location(a) for a in node.args))
    if isinstance(node, (RelabelType, CoerceViaIO, ArrayCoerceExpr, CollateExpr)):
        return _leftmost(node.location, expr_location(node.arg))
    if isinstance(node, (NullTest, BooleanTest)):
        return _leftmost(node.location, expr_location(node.arg))
    if isinstance(node, BoolExpr):
        return _leftmost(node.location, *(expr_location(a) for a in node.args))
    if isinstance(node, SubscriptingRef):
        return expr_location(node.container)
    return node.location


def _leftmost(*locations: int) -> int:
    valid = [loc for loc in locations if loc >= 0]
    return min(valid) if valid else -1


@dataclass(frozen=True, slots=True)
class OuterVar(Expr):
    """A column of an enclosing query level read inside a sub-SELECT (PostgreSQL's Var with
    varlevelsup > 0, planned as a PARAM_EXEC Param): ``levelsup`` counts the sub-SELECT
    boundaries crossed, ``index`` is the slot of the value among the ``args`` of the SubLink
    that many levels out (what ``EvalContext.outer_rows[-levelsup]`` holds while it runs)."""

    levelsup: int
    index: int
    type: int
    typmod: int = -1
    name: str = ""
    location: int = -1


@dataclass(frozen=True, slots=True, eq=False)
class SubPlan:
    """A sub-SELECT analysed once and compiled: ``run()`` computes its rows for the argument
    values on top of ``EvalContext.outer_rows``; ``args`` are the outer expressions whose
    values the caller pushes there (see :class:`SubLink`)."""

    run: Any
    args: tuple[Expr, ...] = ()

    def __call__(self) -> Any:
        return self.run()
