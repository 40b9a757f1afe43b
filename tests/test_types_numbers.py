"""Numbers, booleans and uuids against PostgreSQL 15: output under extra_float_digits, input
with typmods, and every error message (oracle: the same literal stored by the server)."""

from __future__ import annotations

import math
import struct
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fdwsh.types import REMOTE, type_io
from tests.pgcluster import Cluster
from tests.types_oracle import Oracle, input_mismatches, round_trip_mismatches, settings_for


@pytest.fixture(scope="module")
def oracle(pg: Cluster) -> Iterator[Oracle]:
    o = Oracle(pg.dsn())
    yield o
    o.close()


INTEGERS = ["0", "-1", "1", "32767", "-32768", "32768", "2147483647", "-2147483648",
            "2147483648", "9223372036854775807", "-9223372036854775808",
            "9223372036854775808", " 12 ", "+7", "-0", "00012", "\t5\n", "abc", "", " ",
            "1.5", "1e3", "12abc", "99999999999x", "- 1", "+", "0x10", "1_000", "١٢",
            "１２", "12 3"]


@pytest.mark.parametrize("type_name", ["smallint", "integer", "bigint", "oid"])
def test_integer_input_and_errors(oracle: Oracle, type_name: str) -> None:
    assert input_mismatches(oracle, type_name, INTEGERS + ["4294967295", "4294967296",
                                                           "-2147483649"]) == []


NUMERICS = ["0", "-0", "-0.00", "1e3", "1.50e1", "1.5e-3", "  12.5 ", "nan", "NaN", "-inf",
            "Infinity", "+Infinity", "-Infinity", "inf", ".5", "5.", "-.5e-2", "1e-16383",
            "1e-16384", "1e131071", "1e131072", "0.000000000000000000000000000001",
            "123456789012345678901234567890.123456789", "1e", "e1", "1.2.3", "abc", "",
            "1 2", "+", "-", ".", "1e+5", "1E-5", "1e1000000000", "0e5", "1.0000000000",
            "99999999999999999999999999999999999999999999999999"]


def test_numeric_input_and_errors(oracle: Oracle) -> None:
    assert input_mismatches(oracle, "numeric", NUMERICS) == []


@pytest.mark.parametrize("type_name", ["numeric(5,2)", "numeric(3,0)", "numeric(3,-1)",
                                       "numeric(1,1)", "numeric(2,3)", "numeric(10)",
                                       "numeric(4,-3)"])
def test_numeric_typmod(oracle: Oracle, type_name: str) -> None:
    literals = ["12345.678", "123.456", "999.995", "-999.994", "0.5", "0.05", "1", "5",
                "15", "-15", "123.5", "1234", "inf", "-infinity", "nan", "0.0049", "0.0051",
                "9999", "-0.004", "1e-20", "0.00049", "5555"]
    assert input_mismatches(oracle, type_name, literals) == []


FLOATS = ["0", "-0", "1", "-1", "0.1", "1e15", "1e14", "123456", "1234567", "1e-5", "0.0001",
          "1.1", "1e16", "1e-400", "1e400", "-1e400", " 1.5 ", "0x10", "0x1.8p3", "infinity",
          "-inf", "+inf", "nan", "NaN", "-NaN", "Infinity", "inf ", "infinit", "1e", "abc",
          "", " ", "1.7976931348623157e308", "1.7976931348623159e308", "5e-324", "2e-324",
          "2.2250738585072014e-308", "4.9e-324", "3.4028235e38", "3.4028236e38", "1e-45",
          "1e-46", "1.4e-45", "123.456e-7", "9007199254740993", "0.30000000000000004",
          "100", "1e6", "1e7", "12345678", ".5", "5.", "1e+5", "-1e-5", "1.e5", "0x", "0x1p",
          "nan(123)", "1e23", "2.2291303423657568e+16", "3.355445e7", "16777217",
          "9007199254740993", "5e-324", "1.5e-45", "8.589973e9", "1.2345678e-42"]


@pytest.mark.parametrize("type_name", ["double precision", "real"])
def test_float_input_and_errors(oracle: Oracle, type_name: str) -> None:
    assert input_mismatches(oracle, type_name, FLOATS) == []


@pytest.mark.parametrize("type_name", ["double precision", "real"])
def test_float_output_under_extra_float_digits(oracle: Oracle, type_name: str) -> None:
    literals = [f for f in FLOATS if type_io(type_name).parse.__name__ and _valid(f, type_name)]
    combos = [{"efd": e} for e in (-15, -10, -5, -1, 0, 1, 2, 3)]
    assert round_trip_mismatches(oracle, type_name, literals, combos) == []


def _valid(literal: str, type_name: str) -> bool:
    try:
        type_io(type_name).parse(literal, None, REMOTE)
        return True
    except Exception:
        return False


def _f4(x: float) -> float:
    return struct.unpack("f", struct.pack("f", x))[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=20, max_size=40),
       st.integers(min_value=-15, max_value=3))
def test_float8_property(oracle: Oracle, values: list[float], efd: int) -> None:
    """Any double: PostgreSQL's float8out under extra_float_digits = fdwsh's."""
    texts = [repr(v) for v in values]
    oracle.set(efd=efd)
    got = [r[0] for r in oracle.conn.execute(
        "SELECT unnest(%s::text[]::float8[])", (texts,))]
    s = settings_for(efd=efd)
    io = type_io("float8")
    assert [io.format(io.parse(t, None, REMOTE), s) for t in texts] == got


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.floats(width=32, allow_nan=False, allow_infinity=False), min_size=20,
                max_size=40), st.integers(min_value=-15, max_value=3))
def test_float4_property(oracle: Oracle, values: list[float], efd: int) -> None:
    texts = [repr(_f4(v)) for v in values]
    oracle.set(efd=efd)
    got = [r[0] for r in oracle.conn.execute(
        "SELECT unnest(%s::text[]::float4[])", (texts,))]
    s = settings_for(efd=efd)
    io = type_io("float4")
    assert [io.format(io.parse(t, None, REMOTE), s) for t in texts] == got


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.decimals(allow_nan=False, allow_infinity=False, places=None), min_size=10,
                max_size=30), st.integers(min_value=1, max_value=30),
       st.integers(min_value=-5, max_value=10))
def test_numeric_typmod_property(oracle: Oracle, values: list, precision: int,
                                 scale: int) -> None:
    """Random decimals stored into numeric(p,s): same rounding, same overflow errors."""
    type_name = f"numeric({precision},{scale})"
    literals = [format(v, "f") if abs(v.adjusted()) < 60 else str(v) for v in values]
    assert input_mismatches(oracle, type_name, literals) == []


BOOLS = ["t", "true", "TRUE", " yes ", "y", "on", "of", "o", "off", "1", "0", "f", "false",
         "fa", "no", "n", "nO", "ye", "tr", "x", "", "2", "10", "truee", "onn", "\ttrue\n"]


def test_boolean(oracle: Oracle) -> None:
    assert input_mismatches(oracle, "boolean", BOOLS) == []


UUIDS = ["a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11",
         "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11}", "a0eebc999c0b4ef8bb6d6bb9bd380a11",
         "a0ee-bc99-9c0b-4ef8-bb6d-6bb9-bd38-0a11", "{a0eebc999c0b4ef8bb6d6bb9bd380a11}",
         "a0eebc99-9c0b4ef8-bb6d6bb9-bd380a11", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a1",
         "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a111", " a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
         "{a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11", "g0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
         "a0eebc99--9c0b-4ef8-bb6d-6bb9bd380a11", "", "00000000-0000-0000-0000-000000000000",
         "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11-"]


def test_uuid(oracle: Oracle) -> None:
    assert input_mismatches(oracle, "uuid", UUIDS) == []


def test_float_remote_text_is_kept_when_exact() -> None:
    """efd > 0 prints the remote's shortest text unchanged: no parse on the fast path."""
    from fdwsh.types import converter

    fn = converter("double precision", "double precision", -1, settings_for(efd=1))
    assert fn("0.30000000000000004") == "0.30000000000000004"
    assert fn.__name__ == "_identity"
    assert converter("real", "real", -1, settings_for(efd=0))("0.1") == "0.1"
    assert math.isnan(type_io("float8").parse("NaN", None, REMOTE))


def test_type_names_and_modifiers() -> None:
    """Every spelling reaches the same functions; modifiers travel as atttypmod."""
    from fdwsh.types import canonical_name, resolve

    assert canonical_name("character varying(10)") == ("varchar", False)
    assert canonical_name("timestamp(3) with time zone") == ("timestamptz", False)
    assert canonical_name("integer[]") == ("int4", True)
    assert canonical_name("_int8") == ("int8", True)
    assert canonical_name('"char"') == ("char", False)
    assert canonical_name("interval hour to minute") == ("interval", False)
    io, typmod = resolve("numeric(5,2)")
    assert io.format(io.parse("3.14159", typmod, REMOTE), REMOTE) == "3.14"
    io, typmod = resolve("varchar(3)[]")
    assert (io.name, typmod) == ("_varchar", 7)
    assert type_io("inet").format(type_io("inet").parse("10.0.0.1/8", None, REMOTE),
                                  REMOTE) == "10.0.0.1/8"  # pass-through type
