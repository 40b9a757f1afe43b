"""The aggregate specs' combine(): two partial states merged then finalised give what one pass
over all the rows gives (the contract two-phase and parallel aggregation rely on)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from fdwsh.exec.aggregate import Aggregate, build_aggregate
from fdwsh.exec.eval import EvalContext
from fdwsh.sql import oids as T
from fdwsh.sql.typecheck_agg import aggregate_functions


def _spec(name: str, argtype: int) -> Aggregate:
    overloads = [f for f in aggregate_functions()[name] if len(f.args) == 1]
    fn = next((f for f in overloads if f.args == (argtype,)), overloads[0])  # count("any")
    return build_aggregate(fn, [argtype], EvalContext())


def _run(spec: Aggregate, rows: list[Any]) -> Any:
    state = spec.init()
    for x in rows:
        if x is not None or not spec.strict:
            state = spec.step(state, x)
    return state


@pytest.mark.parametrize("name, argtype, rows", [
    ("sum", T.INT4, [1, None, 5, 7]),
    ("sum", T.INT8, [2**62, 2**62, 3]),
    ("sum", T.NUMERIC, [Decimal("1.5"), Decimal("2.25")]),
    ("avg", T.INT4, [1, 2, 4, 8]),
    ("avg", T.FLOAT8, [0.1, 0.2, 0.3, 0.4]),
    ("variance", T.NUMERIC, [Decimal("1.5"), Decimal(2), Decimal("4.75"), Decimal(1)]),
    ("stddev_pop", T.FLOAT8, [1.0, 2.0, 4.0, 8.0]),
    ("min", T.TEXT, ["b", "a", "c", "d"]),
    ("max", T.INT4, [None, None, 3, 1]),
    ("bool_and", T.BOOL, [True, True, False, True]),
    ("bit_or", T.INT4, [1, 2, 4, 8]),
    ("array_agg", T.INT4, [1, None, 3, 4]),
    ("count", T.INT4, [1, None, 3, 4]),
])
def test_combined_halves_equal_one_pass(name: str, argtype: int, rows: list[Any]) -> None:
    spec = _spec(name, argtype)
    assert spec.combine is not None
    whole = spec.final(_run(spec, rows))
    merged = spec.final(spec.combine(_run(spec, rows[:2]), _run(spec, rows[2:])))
    if isinstance(whole, float):
        assert merged == pytest.approx(whole, rel=1e-12)
    else:
        assert merged == whole


def test_empty_partial_states_combine() -> None:
    spec = _spec("sum", T.INT4)
    assert spec.final(spec.combine(spec.init(), spec.init())) is None
    assert spec.final(spec.combine(_run(spec, [3]), spec.init())) == 3
