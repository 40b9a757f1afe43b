"""PostgreSQL 15's operators and (locally evaluated) functions as objects, indexed for lookup.

Loads the generated data of ``fdwsh.plan.pg_operators`` and ``fdwsh.plan.pg_functions`` once
(lazily) into :class:`Operator` and :class:`Function` records with type OIDs, which is what
operator/function resolution and the evaluator work with.  ``impl`` keys the evaluator's
implementation table; two overloads with the same C function share an implementation.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from fdwsh.pgtypes import lookup_type
from fdwsh.plan.builtin_functions import IMMUTABLE, MIXED, NOT_IMMUTABLE


def _oid(name: str) -> int:
    found = lookup_type(name)
    if found is None:  # a pg_catalog type fdwsh does not list (never hit for PG 15's data)
        raise KeyError(name)
    return found.oid


@dataclass(frozen=True, slots=True)
class Operator:
    name: str
    kind: str  # "b" binary, "l" prefix
    left: int  # 0 for a prefix operator
    right: int
    result: int
    proc: str
    impl: str
    volatility: str
    strict: bool

    @property
    def args(self) -> tuple[int, ...]:
        return (self.left, self.right) if self.kind == "b" else (self.right,)


@dataclass(frozen=True, slots=True)
class Function:
    name: str
    args: tuple[int, ...]
    result: int
    impl: str
    volatility: str
    strict: bool
    variadic: int = 0  # element type of a VARIADIC last argument (0: not variadic)
    retset: bool = False
    ndefaults: int = 0
    argnames: tuple[str, ...] = ()
    #: The result columns of a function with OUT parameters (name, type), e.g. the
    #: ``server_name text, valid boolean`` of postgres_fdw_get_connections(); () otherwise.
    outputs: tuple[tuple[str, int], ...] = ()


@cache
def operators() -> dict[str, list[Operator]]:
    """Every operator by name, in pg_operator OID order."""
    from fdwsh.plan.pg_operators import OPERATORS

    by_name: dict[str, list[Operator]] = {}
    for line in OPERATORS.strip().splitlines():
        name, kind, left, right, result, proc, impl, vol, strict = line.split(" ")
        op = Operator(name, kind, 0 if left == "-" else _oid(left), _oid(right), _oid(result),
                      proc, impl, vol, strict == "s")
        by_name.setdefault(name, []).append(op)
    return by_name


@cache
def functions() -> dict[str, list[Function]]:
    """The functions of the generated list by name (every overload)."""
    from fdwsh.plan.pg_functions import FUNCTIONS

    return _parse_functions(FUNCTIONS)


@cache
def extension_functions(extension: str) -> dict[str, list[Function]]:
    """The functions an extension's script creates, by name (none for an unknown extension):
    visible only once the extension is installed, which the caller checks."""
    from fdwsh.plan.pg_functions import EXTENSION_FUNCTIONS

    return _parse_functions(EXTENSION_FUNCTIONS.get(extension, ""))


def known_extensions() -> tuple[str, ...]:
    """The extensions whose functions fdwsh knows (and evaluates once installed)."""
    from fdwsh.plan.pg_functions import EXTENSION_FUNCTIONS

    return tuple(EXTENSION_FUNCTIONS)


def _parse_functions(data: str) -> dict[str, list[Function]]:
    by_name: dict[str, list[Function]] = {}
    for line in data.strip().splitlines():
        name, args, result, impl, vol, strict, var, retset, ndef, names, outs = \
            line.split("\t")
        fn = Function(
            name, () if args == "-" else tuple(_oid(a) for a in args.split(",")),
            _oid(result), impl, vol, strict == "s", 0 if var == "-" else _oid(var),
            retset == "t", int(ndef), () if names == "-" else tuple(names.split(",")),
            () if outs == "-" else tuple(_output(o) for o in outs.split(",")))
        by_name.setdefault(name, []).append(fn)
    return by_name


def _output(column: str) -> tuple[str, int]:
    name, typname = column.split(":")
    return name, _oid(typname)


def function_exists_in_postgres(name: str) -> bool:
    """Whether pg_catalog has a function of that name at all (fdwsh may not evaluate it)."""
    return name in IMMUTABLE or name in NOT_IMMUTABLE or name in MIXED


@cache
def function_by_impl(impl: str) -> Function:
    """The (first) function whose implementation key is ``impl`` (cast/typmod functions)."""
    for overloads in functions().values():
        for fn in overloads:
            if fn.impl == impl:
                return fn
    raise KeyError(impl)


def operator(name: str, left: int, right: int) -> Operator | None:
    """The operator with exactly these operand types (left 0: prefix), if any."""
    for op in operators().get(name, ()):
        if op.left == left and op.right == right:
            return op
    return None


@cache
def cast_functions() -> dict[tuple[int, int], Function]:
    """pg_cast's function casts: (source, target) → the function performing the cast."""
    from fdwsh.plan.pg_functions import CASTS

    out: dict[tuple[int, int], Function] = {}
    for line in CASTS.strip().splitlines():
        source, target, impl = line.split(" ")
        src, dst = _oid(source), _oid(target)
        candidates = _by_impl(impl)
        out[(src, dst)] = next((fn for fn in candidates if fn.args[:1] == (src,)),
                               candidates[0])
    return out


@cache
def _impl_index() -> dict[str, list[Function]]:
    index: dict[str, list[Function]] = {}
    for overloads in functions().values():
        for fn in overloads:
            index.setdefault(fn.impl, []).append(fn)
    return index


def _by_impl(impl: str) -> list[Function]:
    return _impl_index().get(impl, [])
