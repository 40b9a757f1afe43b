"""Text types, bytea, json/jsonb and arrays against PostgreSQL 15 (oracle: the server stores
the same literal into a column of the type and prints it)."""

from __future__ import annotations

import json as pyjson
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fdwsh.types import REMOTE, converter, type_io
from fdwsh.types.convert import convert
from tests.pgcluster import Cluster
from tests.types_oracle import Oracle, input_mismatches, round_trip_mismatches

HSET = settings(max_examples=30, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture(scope="module")
def oracle(pg: Cluster) -> Iterator[Oracle]:
    o = Oracle(pg.dsn())
    yield o
    o.close()


TEXTS = ["", " ", "abc", "abc  ", "  abc", "héllo wörld", "日本語テキスト", "emoji 😀!",
         "tab\there", "line\nbreak", "quote'and\"dq", "back\\slash", "abcd", "abcde",
         "ab   ", "abc    ", "abc  x", "ä" * 4, "ä" * 3 + " ", "a" * 70, "é" * 40, "NULL"]


@pytest.mark.parametrize("type_name", ["text", "character varying", "character varying(3)",
                                       "character(3)", "character", "name", '"char"',
                                       "character(1)", "character varying(1)"])
def test_text_types(oracle: Oracle, type_name: str) -> None:
    literals = TEXTS + ["\\101", "\\1", "\\400", "ab"]
    assert input_mismatches(oracle, type_name, literals) == []


BYTEAS = ["\\x", "\\x00ff", "\\xDEADbeef", "\\x 01 02", "\\x0", "\\xzz", "\\x01 2",
          "\\x0102\n", "abc", "a\\\\b", "\\001\\377", "\\400", "\\12", "a\\", "é",
          "\\\\x00", "", " \\x01", "\\x\t01", "\\x0g", "\\xé1"]


def test_bytea_input(oracle: Oracle) -> None:
    assert input_mismatches(oracle, "bytea", BYTEAS) == []


def test_bytea_output_styles(oracle: Oracle) -> None:
    literals = ["\\x", "\\x00017f80ff5c22275c", "printable ascii ~", "\\x0d0a09"]
    combos = [{"bytea": "hex"}, {"bytea": "escape"}]
    assert round_trip_mismatches(oracle, "bytea", literals, combos) == []


@HSET
@given(st.lists(st.binary(max_size=20), min_size=5, max_size=15),
       st.sampled_from(["hex", "escape"]))
def test_bytea_property(oracle: Oracle, values: list[bytes], style: str) -> None:
    literals = ["\\x" + v.hex() for v in values]
    assert round_trip_mismatches(oracle, "bytea", literals, [{"bytea": style}]) == []


JSONS = ['{"b":1,"a":[1,2.50,"x\\u00e9"],"aa":{},"a":null}', "[]", "{}", "1e2", "-0",
         "1.0", "1E-2", '"\\ud83d\\ude00"', '{"a":}', "[1,2", "", "tru", '{"a" 1}',
         '"\\u0000"', '"abc', "[1,,2]", '"\\x"', '  {"a":1} x', "[,1]", '{"a":1,}',
         '{,"a":1}', "01", "-", "1.", ".5", "1e", "+1", "nul", "NULL", "true false",
         '"\\u12"', '"\\u12g4"', '"\\ud800"', '"\\udc00"', '"\\ud800\\ud800"',
         '"\\ud800x"', '"a\tb"', '"\x01"', "[1, [2, [3, {\"k\": [true, false, null]}]]]",
         '{"key with \\"quote\\"": "v\\\\al\\n", "": 0}', '{"a":1, "a":2, "b":3, "a":4}',
         '{"bbb":1, "aa":2, "c":3, "é":4, "z":5}', '\n\n  [1,\n2,\nx]',
         '{"long": "' + "x" * 80 + '", "bad": ]}', '"\\/"', '"\\b\\f\\n\\r\\t"', "12345678901234567890.5",
         '1e400', '{"a": 1e1000000}', '["é", "日本"]', '[1] ]', '{"a":1}}',
         '"' + "y" * 60 + '\\q"']


@pytest.mark.parametrize("type_name", ["json", "jsonb"])
def test_json_input_and_errors(oracle: Oracle, type_name: str) -> None:
    assert input_mismatches(oracle, type_name, JSONS) == []


_json_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                           blacklist_characters="\x00"), max_size=8)
_json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | _json_text
    | st.floats(allow_nan=False, allow_infinity=False),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_json_text, inner,
                                                                 max_size=4),
    max_leaves=12)


@HSET
@given(st.lists(_json_values, min_size=3, max_size=8))
def test_jsonb_normalisation_property(oracle: Oracle, values: list[object]) -> None:
    """jsonb key order (length, then bytes), spacing, numbers and string escapes."""
    literals = [pyjson.dumps(v, ensure_ascii=bool(i % 2)) for i, v in enumerate(values)]
    assert input_mismatches(oracle, "jsonb", literals) == []
    assert round_trip_mismatches(oracle, "jsonb", literals, [{}]) == []


ARRAYS = ["{1,2,NULL}", "{{1,2},{3,4}}", "{}", "[0:1]={1,2}", "{1,2", "{{1,2},{3}}",
          "{1,{2}}", " {1} x", '{"1"}', "1", "[1:2]={1}", "{ 1 , 2 }", "{null,NULL,Null}",
          '{"NULL"}', "{1,2,}", "{,1}", "{{1},{2,3}}", "{{{1}}}", "[1:1][2:3]={{1,2}}",
          "[2]={1,2}", "[1:2={1,2}", "[]={}", "[a]={1}", "[3:1]={}", "[1:2]{1,2}",
          "[1:2]=1", "{1}}", "{1} {2}", "{1\\,2}", '{"a}', "{{1},2}", "{1,{2},3}",
          "{{}}", "{ }", "{abc}", "{1 2}", "[-1:0]={5,6}", "{{{{{{{1}}}}}}}",
          "[1:1][1:1][1:1][1:1][1:1][1:1][1:1]={{{{{{{1}}}}}}}"]


def test_integer_arrays(oracle: Oracle) -> None:
    assert input_mismatches(oracle, "integer[]", ARRAYS) == []


TEXT_ARRAYS = ['{a,"b c","","NULL",NULL," x ", y z ,"q\\"q",\\\\}', "{\"{}\",\"a,b\"}",
               "{é,日本}", "{{a,b},{c,d}}", '{"a\\\\b", a\\ b}', "{  spaced  ,\"\"}",
               '{"\\"}', "{\\}", '{"ab"cd}', '{ab"cd"}', "{a\tb}", "{\"\t\"}", "{null}",
               "{\"null\"}", "{NuLL,nullx}", "{'quoted'}", "{a;b}", '{"x" , "y"}']


@pytest.mark.parametrize("type_name", ["text[]", "character varying(2)[]", "character(2)[]",
                                       "bytea[]", "boolean[]", "numeric(3,1)[]"])
def test_text_arrays(oracle: Oracle, type_name: str) -> None:
    literals = TEXT_ARRAYS + ["{t,f,NULL}", "{1.25,2}", "{\\\\x01,\\\\x}"]
    assert input_mismatches(oracle, type_name, literals) == []


@HSET
@given(st.lists(st.lists(st.one_of(st.none(), st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=6)), max_size=5), min_size=3, max_size=8))
def test_text_array_quoting_property(oracle: Oracle, values: list[list[str | None]]) -> None:
    """Random elements (braces, quotes, backslashes, blanks, NULL spellings) round-trip."""
    io = type_io("text[]")
    literals = [io.format(v, REMOTE) for v in values]
    assert input_mismatches(oracle, "text[]", literals) == []
    for lit, v in zip(literals, values):
        assert io.parse(lit, None, REMOTE) == v


def test_arrays_of_formatted_types(oracle: Oracle) -> None:
    literals = ["{1.5,NULL,-0}", "{\"2024-01-01\",infinity}", "{{1e300,2},{3,4}}"]
    combos = [{"efd": 0}, {"efd": 3}]
    assert round_trip_mismatches(oracle, "double precision[]", literals[:1] + literals[2:],
                                 combos) == []
    combos = [{"datestyle": d} for d in ("ISO, MDY", "SQL, DMY", "Postgres, YMD", "German, DMY")]
    assert round_trip_mismatches(oracle, "date[]", literals[1:2], combos) == []


def test_convert_identity_and_conversions() -> None:
    s = REMOTE
    assert converter("text", "character varying", -1, s).__name__ == "_identity"
    assert converter("integer[]", "bigint[]", -1, s).__name__ == "_identity"
    assert convert("abcd", "text", "character varying", 8, s) == "abcd"  # varchar(4)
    with pytest.raises(Exception, match="value too long for type character varying\\(3\\)"):
        convert("abcd", "text", "character varying", 7, s)  # varchar(3)
    assert convert("ab", "text", "character", 8, s) == "ab  "
    with pytest.raises(Exception, match='out of range for type integer'):
        convert("99999999999", "bigint", "integer", -1, s)
    with pytest.raises(Exception, match='invalid input syntax for type integer: "x"'):
        convert("x", "text", "integer", -1, s)
    assert convert('{"b": 1, "a": 2}', "json", "jsonb", -1, s) == '{"a": 2, "b": 1}'
