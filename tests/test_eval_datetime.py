"""Generated date/time arithmetic against PostgreSQL 15: dates, timestamps and timestamptz
(session TimeZone UTC and a zone with daylight saving) plus intervals, month-end clamping,
EXTRACT, date_trunc, age and to_char."""

from __future__ import annotations


import psycopg
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.local_eval import Outcome, assert_same_outcome, conn, pg_outcome  # noqa: F401

DATES = st.dates(min_value=__import__("datetime").date(1, 1, 1),
                 max_value=__import__("datetime").date(9999, 12, 31)).map(lambda d: f"'{d}'")
TIMES = st.times().map(lambda t: t.isoformat())
STAMPS = st.tuples(DATES, TIMES).map(lambda t: f"{t[0][:-1]} {t[1]}'")
INTERVALS = st.tuples(st.integers(-30, 30), st.integers(-40, 40), st.integers(-50, 50),
                      st.integers(0, 59)).map(
    lambda t: f"'{t[0]} mons {t[1]} days {t[2]} hours {t[3]} secs'")
FIELDS = st.sampled_from(["year", "month", "day", "hour", "minute", "second", "dow", "doy",
                          "week", "isoyear", "quarter", "epoch", "julian", "century",
                          "decade", "millennium", "milliseconds", "isodow"])
UNITS = st.sampled_from(["year", "quarter", "month", "week", "day", "hour", "minute",
                         "second", "decade", "century", "millennium"])


class _Gucs:
    """The session styles with a TimeZone, as the session's Gucs would give them."""

    def __init__(self, zone: str) -> None:
        from fdwsh.types import TypeSettings, find_zone
        found = find_zone(zone)
        assert found is not None
        self._settings = TypeSettings(timezone=found)

    def __getattr__(self, name: str) -> object:
        return getattr(self._settings, name)


def _fdwsh(sql: str, zone: str) -> Outcome:
    import pglast

    from fdwsh.errors import FdwshError
    from fdwsh.exec.local_query import run_local_select

    class Ctx:
        user = "postgres"
        source = sql
        notices: list[object] = []
        gucs = _Gucs(zone)
    try:
        result = run_local_select(pglast.parse_sql(sql)[0].stmt, Ctx())
    except FdwshError as err:
        return Outcome(error=(err.sqlstate, err.message, err.position))
    return Outcome(tuple((c.name, c.type_name) for c in result.columns or ()),
                   tuple(tuple(r) for r in result.rows))


def _same(conn: psycopg.Connection, sql: str, zone: str = "UTC") -> None:
    conn.execute(f"SET TimeZone = '{zone}'")
    assert_same_outcome(pg_outcome(conn, sql), _fdwsh(sql, zone), sql)


@settings(max_examples=150, deadline=None)
@given(d=DATES, ts=STAMPS, iv=INTERVALS, n=st.integers(-1000, 1000))
def test_arithmetic(conn: psycopg.Connection, d: str, ts: str, iv: str, n: int) -> None:
    _same(conn, f"SELECT {d}::date + {n}, {d}::date - {ts}::timestamp::date, "
                f"{ts}::timestamp + {iv}::interval, {ts}::timestamp - {iv}::interval, "
                f"{d}::date + {iv}::interval, {ts}::timestamp - {d}::date, "
                f"{iv}::interval * {n / 7}, {iv}::interval / 3, "
                f"justify_interval({iv}::interval), {d}::date < {ts}::timestamp")


@settings(max_examples=100, deadline=None)
@given(ts=STAMPS, iv=INTERVALS, zone=st.sampled_from(["UTC", "Europe/Paris",
                                                      "America/New_York"]))
def test_timestamptz_in_zones(conn: psycopg.Connection, ts: str, iv: str, zone: str) -> None:
    _same(conn, f"SELECT {ts}::timestamptz, {ts}::timestamptz + {iv}::interval, "
                f"{ts}::timestamp::timestamptz::date, date_trunc('day', {ts}::timestamptz), "
                f"extract(hour from {ts}::timestamptz), {ts}::timestamptz::timestamp", zone)


@settings(max_examples=150, deadline=None)
@given(ts=STAMPS, other=STAMPS, field=FIELDS, unit=UNITS)
def test_fields(conn: psycopg.Connection, ts: str, other: str, field: str, unit: str) -> None:
    _same(conn, f"SELECT extract({field} from {ts}::timestamp), "
                f"date_part('{field}', {ts}::timestamp), date_trunc('{unit}', {ts}::timestamp),"
                f" age({ts}::timestamp, {other}::timestamp), "
                f"to_char({ts}::timestamp, 'YYYY-MM-DD HH24:MI:SS.MS Dy Mon IW ID DDD Q')")
