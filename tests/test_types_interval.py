"""interval against PostgreSQL 15: input in every syntax (postgres, verbose, SQL standard, ISO
8601 with designators and alternative format), typmod ranges and precisions, output in every
IntervalStyle, overflow errors."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fdwsh.types import REMOTE, Interval, type_io
from tests.pgcluster import Cluster
from tests.types_oracle import INTERVALSTYLES, Oracle, input_mismatches, round_trip_mismatches


@pytest.fixture(scope="module")
def oracle(pg: Cluster) -> Iterator[Oracle]:
    o = Oracle(pg.dsn())
    yield o
    o.close()


INTERVALS = ["1 year 2 months 3 days 04:05:06.789", "-1 days +02:00:00", "1 day ago",
             "P1Y2M3DT4H5M6S", "P0001-02-03T04:05:06", "@ 1 hour 30 mins", "1-2", "-1 2:03:04",
             "0", "100 years", "1.5 months", "3 weeks", "10:00", "-00:00:01.5", "1.5", "-1.5",
             "1 2", "1 +2:03", "+1 -2:03", "1:2:3", "12:34.5", "1 mon -1 day", "2 decades",
             "1 century", "3 millennia", "1.5 years", "0.5 weeks", "1 ms", "1 us",
             "1.5 seconds", "1 sec 500 ms", "1 hour 1 hour", "1 day day", "ago 1 day",
             "1 ago", "abc", "", "P", "PT", "P1", "P1Y", "PT1.5S", "P1.5Y", "P1W", "P-1Y-2M",
             "PT-1H30M", "P1Y2", "P00010203", "P00010203T040506", "PT040506", "PT04:05",
             "P0001-02", "P0001-02-03T", "P1D2", "P1DT", "1e3 seconds", "2147483647 days",
             "2147483648 days", "178956970 years", "178956971 years", "-178956970 years 8 months",
             "9223372036854775807 microseconds", "2562047788 hours",
             "2562047789 hours", "1 day 2562047788:00:54.775807", "P1e15D", "P1e16D",
             "@ 1 minute 2 secs ago", "1 year 2 months ago", "5 4:03:02.1", "-5 -4:03:02.1",
             "1-2 3 4:05:06", "+1-2 +3 +4:05:06", "1 day -00:00:01", "1 mon 2 day",
             "1.999999999 seconds", "0.0000005 seconds", "0.0000015 seconds", "1 year 1.5 days",
             "10:00:00 1 day", "1 week 1 day", "1 week 1 week", "epoch", "infinity",
             "1 qtr", "2 quarters", "1 hr", "5 mins", "1 fortnight", "1 timezone",
             "@ 1", "1:", "1::2", "1:2:", "-1:2:3", "1 year -", "- 1 year", "+ 5",
             "-2562047788:00:54.775808", "-2562047788:00:54.775807"]


@pytest.mark.parametrize("style", INTERVALSTYLES)
def test_interval_input_and_errors(oracle: Oracle, style: str) -> None:
    assert input_mismatches(oracle, "interval", INTERVALS, {"intervalstyle": style}) == []


TYPMODS = ["interval year", "interval month", "interval day", "interval hour",
           "interval minute", "interval second", "interval year to month",
           "interval day to hour", "interval day to minute", "interval day to second",
           "interval hour to minute", "interval hour to second", "interval minute to second",
           "interval second(2)", "interval(0)", "interval(3)", "interval day to second(1)",
           "interval minute to second(0)"]


@pytest.mark.parametrize("type_name", TYPMODS)
def test_interval_typmods(oracle: Oracle, type_name: str) -> None:
    literals = ["1 year 2 months 3 days 04:05:06.789", "-1 year -2 months -3 days -04:05:06.789",
                "5", "1.5", "12:34", "12:34:56.78", "1 2", "1-2", "-1.999999 seconds",
                "17 months", "0.5 years", "1 day 2.5 hours", "10:20.5"]
    assert input_mismatches(oracle, type_name, literals) == []


VALUES = ["0", "1 year", "-1 year", "1 year 2 mons", "-1 year -2 mons", "1 day", "-1 days",
          "1 day 02:03:04", "-1 days -02:03:04", "-1 days +02:03:04", "1 day -02:03:04",
          "00:00:01.5", "-00:00:01.5", "-00:00:00.5", "1 year 2 mons 3 days 04:05:06.789",
          "1 year -2 mons +3 days -04:05:06", "-1 year +2 mons -3 days +04:05:06.000001",
          "178956970 years 7 mons", "-178956970 years -8 mons", "2147483647 days",
          "-2147483648 days", "2562047788:00:54.775807", "-2562047788:00:54.775807",
          "1 mon 1 sec", "1 sec", "-1 sec", "00:01:00", "-00:00:59.999999", "100 days 1 sec",
          "1 year 00:00:00.000001", "-1 year -00:00:00.000001", "12 days 12:00:00"]


def test_interval_output_in_every_style(oracle: Oracle) -> None:
    combos = [{"intervalstyle": s} for s in INTERVALSTYLES]
    assert round_trip_mismatches(oracle, "interval", VALUES, combos) == []


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(-2**31, 2**31 - 1), st.integers(-2**31, 2**31 - 1),
                          st.integers(-2**63 + 1, 2**63 - 1)), min_size=5, max_size=15),
       st.sampled_from(INTERVALSTYLES))
def test_interval_property(oracle: Oracle, parts: list[tuple[int, int, int]], style: str
                           ) -> None:
    """Any (months, days, microseconds) prints the same; its text reads back the same."""
    from fdwsh.types.interval import format_interval

    literals = [format_interval(Interval(*p), REMOTE) for p in parts]
    assert round_trip_mismatches(oracle, "interval", literals, [{"intervalstyle": style}]) == []
    io = type_io("interval")
    assert [io.parse(t, None, REMOTE) for t in literals] == [Interval(*p) for p in parts]


def test_interval_ordering_key() -> None:
    io = type_io("interval")
    one_month = io.parse("1 mon", None, REMOTE)
    assert one_month.cmp_key() == io.parse("30 days", None, REMOTE).cmp_key()
    assert io.parse("1 day", None, REMOTE).cmp_key() < io.parse("25 hours", None,
                                                                REMOTE).cmp_key()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.integers(-10**6, 10**6), st.integers(-10**6, 10**6),
                          st.integers(-10**15, 10**15)), min_size=5, max_size=12),
       st.sampled_from(INTERVALSTYLES), st.sampled_from(INTERVALSTYLES))
def test_reading_other_styles(oracle: Oracle, parts: list[tuple[int, int, int]],
                              written: str, read: str) -> None:
    """Text printed in one IntervalStyle read under another (sql_standard's sign rules)."""
    from fdwsh.types.interval import format_interval
    from tests.types_oracle import settings_for

    s = settings_for(intervalstyle=written)
    literals = [format_interval(Interval(*p), s) for p in parts]
    assert input_mismatches(oracle, "interval", literals, {"intervalstyle": read}) == []
