"""Differential fuzzing of the input functions: strings made of the pieces the parsers care
about go to PostgreSQL and to fdwsh; values and error messages must agree.  Also: no input
makes fdwsh fail with anything but a PostgreSQL-style error."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fdwsh.errors import FdwshError
from fdwsh.types import REMOTE, type_io
from tests.pgcluster import Cluster
from tests.types_oracle import DATESTYLES, INTERVALSTYLES, Oracle, input_mismatches

FUZZ = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture])

DATE_PIECES = ["1", "12", "31", "2024", "99", "0", "5874898", "-", "/", ".", ":", " ", "  ",
               "jan", "February", "bc", "ad", "pst", "EDT", "msk", "z", "t", "am", "pm", "j",
               "+05", "-08:00", "+0530", "infinity", "-infinity", "epoch", "allballs", "now",
               "today", "y", "m", "d", "h", "mm", "s", "america/new_york", "UTC+3", "dst",
               "monday", "24:00", "12:30:45.123", "040506", "20240101", "2024.123", "on", "at",
               ",", "'", "10:", "1e5", "0001", "T", "Z"]
INTERVAL_PIECES = ["1", "-2", "+3", "1.5", "-0.25", "10:20", "-1:02:03.5", "+04:05", "1-2",
                   "-1-11", " ", "year", "years", "mons", "month", "day", "days", "week",
                   "hour", "hours", "min", "minute", "second", "sec", "ms", "us", "ago", "@",
                   "decade", "century", "millennium", "P", "T", "Y", "M", "D", "H", "S",
                   "P1Y2M", "PT1H", "P0001-02-03", "T04:05:06", "qtr", ",", "2147483647",
                   "9223372036854775807"]
NUMBER_PIECES = ["0", "1", "9", "123", "00", ".", "e", "E", "+", "-", " ", "\t", "x", "nan",
                 "inf", "infinity", "1e308", "1e-320", "0x1p", "_", "99999999999999999999"]


def _joined(pieces: list[str], max_size: int = 6) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(pieces), min_size=1, max_size=max_size).map("".join)


@pytest.fixture(scope="module")
def oracle(pg: Cluster) -> Iterator[Oracle]:
    o = Oracle(pg.dsn())
    yield o
    o.close()


@FUZZ
@given(st.lists(_joined(DATE_PIECES), min_size=10, max_size=20),
       st.sampled_from(DATESTYLES), st.sampled_from(["UTC", "America/New_York", "XYZ3ABC"]),
       st.sampled_from(["date", "timestamp", "timestamp with time zone", "time",
                        "time with time zone"]))
def test_datetime_fuzz(oracle: Oracle, literals: list[str], datestyle: str, timezone: str,
                       type_name: str) -> None:
    literals = [lit for lit in literals if not _clock_dependent(lit)]
    combo = {"datestyle": datestyle, "timezone": timezone}
    assert input_mismatches(oracle, type_name, literals, combo) == []


def _clock_dependent(literal: str) -> bool:
    low = literal.lower()
    return any(word in low for word in ("now", "today"))


@FUZZ
@given(st.lists(_joined(INTERVAL_PIECES), min_size=10, max_size=20),
       st.sampled_from(INTERVALSTYLES),
       st.sampled_from(["interval", "interval year to month", "interval minute to second",
                        "interval day to hour", "interval(1)"]))
def test_interval_fuzz(oracle: Oracle, literals: list[str], style: str, type_name: str) -> None:
    assert input_mismatches(oracle, type_name, literals, {"intervalstyle": style}) == []


@FUZZ
@given(st.lists(_joined(NUMBER_PIECES, 5), min_size=10, max_size=20),
       st.sampled_from(["integer", "bigint", "smallint", "numeric", "numeric(6,2)", "real",
                        "double precision", "oid", "boolean"]))
def test_number_fuzz(oracle: Oracle, literals: list[str], type_name: str) -> None:
    assert input_mismatches(oracle, type_name, literals) == []


ARRAY_PIECES = ["{", "}", ",", '"', "\\", " ", "a", "1", "NULL", "null", "[", "]", ":", "=",
                "2", "-1", "{}", "x y"]


@FUZZ
@given(st.lists(_joined(ARRAY_PIECES, 10), min_size=10, max_size=20),
       st.sampled_from(["text[]", "integer[]", "character varying(1)[]"]))
def test_array_fuzz(oracle: Oracle, literals: list[str], type_name: str) -> None:
    assert input_mismatches(oracle, type_name, literals) == []


JSON_PIECES = ["{", "}", "[", "]", ",", ":", '"', '"a"', "\\", "\\u00e9", "\\ud83d", "\\ude00",
               "1", "-", ".", "e", "true", "null", " ", "\n", "x", "é", "0", "\\n"]


@FUZZ
@given(st.lists(_joined(JSON_PIECES, 10), min_size=10, max_size=20),
       st.sampled_from(["json", "jsonb"]))
def test_json_fuzz(oracle: Oracle, literals: list[str], type_name: str) -> None:
    assert input_mismatches(oracle, type_name, literals) == []


TYPES = ["smallint", "integer", "bigint", "oid", "numeric", "real", "double precision",
         "boolean", "uuid", "text", "character varying(3)", "character(3)", "name", '"char"',
         "bytea", "date", "time", "time with time zone", "timestamp",
         "timestamp with time zone", "interval", "json", "jsonb", "integer[]", "text[][]"]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=30), st.sampled_from(TYPES))
def test_no_crash_on_any_text(text: str, type_name: str) -> None:
    """Whatever the input, the outcome is a value or a PostgreSQL error, never a Python
    exception of another kind."""
    from tests.types_oracle import typmod_of

    io = type_io(type_name)
    try:
        value = io.parse(text, typmod_of(type_name), REMOTE)
    except FdwshError:
        return
    io.format(value, REMOTE)
