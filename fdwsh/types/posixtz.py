"""POSIX TZ strings (``EST5EDT``, ``UTC+3``, ``<+0330>-3:30``, ``CET-1CEST,M3.5.0,M10.5.0/3``) as
a ``datetime.tzinfo``, the way PostgreSQL's tzparse() reads them for TimeZone values that are no
zone file.

Offsets follow the POSIX sign convention (positive = west of Greenwich).  An empty standard
abbreviation is allowed (PostgreSQL allows it, IANA does not); a daylight name without rules
gets the US rules ``M3.2.0,M11.1.0``, as PostgreSQL does on Debian (posixrules = New York).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

_NAME = re.compile(r"<([^>]*)>|(?!<)([^0-9,+\-]*)")
_OFFSET = re.compile(r"([+-]?)(\d+)(?::(\d+)(?::(\d+))?)?")
_RULE = re.compile(r"(?:J(\d+)|M(\d+)\.(\d+)\.(\d+)|(\d+))(?:/([+-]?\d+(?::\d+(?::\d+)?)?))?")
_US_RULES = ",M3.2.0,M11.1.0"
MAX_HOURS = 24 * 7 - 1


@dataclass(frozen=True, slots=True)
class Rule:
    """One transition rule: kind 'J' (Julian n, no Feb 29), 'D' (zero-based day), 'M'."""

    kind: str
    a: int
    b: int = 0
    c: int = 0
    secs: int = 7200

    def local_seconds(self, year: int) -> int:
        """Seconds from Jan 1 (local) of ``year`` to the transition."""
        leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        if self.kind == "J":
            day = self.a - 1 + (1 if leap and self.a >= 60 else 0)
        elif self.kind == "D":
            day = self.a
        else:
            first = datetime(year, self.a, 1)
            mdays = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][self.a - 1]
            wday = (first.weekday() + 1) % 7  # 0 = Sunday
            day = (self.c - wday) % 7 + 7 * (self.b - 1)
            while day >= mdays:
                day -= 7
            day += first.timetuple().tm_yday - 1
        return day * 86400 + self.secs


def _secs(sign: str, h: str, m: str | None, s: str | None) -> int | None:
    hours, mins, secs = int(h), int(m or 0), int(s or 0)
    if hours > MAX_HOURS or mins > 59 or secs > 59:
        return None
    total = hours * 3600 + mins * 60 + secs
    return -total if sign == "-" else total


def _name(text: str, pos: int) -> tuple[str, int] | None:
    m = _NAME.match(text, pos)
    if m is None:
        return None
    return (m.group(1) if m.group(1) is not None else m.group(2)), m.end()


def _offset(text: str, pos: int) -> tuple[int, int] | None:
    m = _OFFSET.match(text, pos)
    if m is None or (m.group(4) is None and text[m.end():m.end() + 1] == ":"):
        return None  # getsecs(): a ':' must be followed by digits
    value = _secs(*m.groups())  # type: ignore[arg-type]
    return None if value is None else (value, m.end())


def _rule(text: str, pos: int) -> tuple[Rule, int] | None:
    m = _RULE.match(text, pos)
    if m is None:
        return None
    j, mon, week, wday, n, at = m.groups()
    secs = 7200
    if at is not None:
        om = _OFFSET.fullmatch(at)
        value = _secs(*om.groups()) if om else None  # type: ignore[arg-type]
        if value is None:
            return None
        secs = value
    if j is not None:
        rule = Rule("J", int(j), secs=secs) if 1 <= int(j) <= 365 else None
    elif mon is not None:
        ok = 1 <= int(mon) <= 12 and 1 <= int(week) <= 5 and int(wday) <= 6
        rule = Rule("M", int(mon), int(week), int(wday), secs) if ok else None
    else:
        rule = Rule("D", int(n), secs=secs) if int(n) <= 365 else None
    return None if rule is None else (rule, m.end())


class PosixTz(tzinfo):
    """A tzinfo for one parsed POSIX TZ string."""

    def __init__(self, std: str, std_off: int, dst: str | None = None, dst_off: int = 0,
                 start: Rule | None = None, end: Rule | None = None) -> None:
        self.std, self.dst_name = std, dst
        self.std_east, self.dst_east = -std_off, -dst_off
        self.start, self.end = start, end

    @property
    def fixed(self) -> bool:
        return self.dst_name is None

    def _is_dst_utc(self, utc: datetime) -> bool:
        if self.start is None or self.end is None:
            return False
        year = utc.year
        jan1 = datetime(year, 1, 1)
        secs = (utc - jan1).total_seconds()
        begin = self.start.local_seconds(year) - self.std_east
        finish = self.end.local_seconds(year) - self.dst_east
        if begin < finish:
            return begin <= secs < finish
        return not finish <= secs < begin

    def _readings(self, naive: datetime) -> tuple[bool, bool]:
        """Whether a local wall-clock time reads validly as standard / as daylight time."""
        as_std = not self._is_dst_utc(naive - timedelta(seconds=self.std_east))
        as_dst = self._is_dst_utc(naive - timedelta(seconds=self.dst_east))
        return as_std, as_dst

    def offset_local(self, dt: datetime) -> int:
        """The offset (east, seconds) of a local wall-clock time; ``fold`` picks between the
        two readings of an ambiguous or skipped time."""
        return self._offset_local(dt)

    def _offset_local(self, dt: datetime) -> int:
        if self.fixed:
            return self.std_east
        as_std, as_dst = self._readings(dt.replace(tzinfo=None))
        if as_std != as_dst:
            return self.std_east if as_std else self.dst_east
        low, high = sorted((self.std_east, self.dst_east))
        if as_std:  # overlap: fold 0 is the earlier instant (the larger offset)
            return low if dt.fold else high
        return high if dt.fold else low  # gap: fold 0 is the offset before the transition

    def utcoffset(self, dt: datetime | None) -> timedelta:
        return timedelta(seconds=self._offset_local(dt) if dt is not None else self.std_east)

    def dst(self, dt: datetime | None) -> timedelta:
        off = self._offset_local(dt) if dt is not None else self.std_east
        return timedelta(seconds=off - self.std_east)

    def tzname(self, dt: datetime | None) -> str:
        if dt is None or self.fixed:
            return self.std
        return self.dst_name if self._offset_local(dt) != self.std_east else self.std  # type: ignore[return-value]

    def fromutc(self, dt: datetime) -> datetime:
        utc = dt.replace(tzinfo=None)
        east = self.dst_east if self._is_dst_utc(utc) else self.std_east
        local = utc + timedelta(seconds=east)
        fold = 0
        if not self.fixed and all(self._readings(local)):
            fold = 1 if east == min(self.std_east, self.dst_east) else 0
        return local.replace(tzinfo=self, fold=fold)

    def period(self, unix_seconds: float) -> tuple[float, float] | None:
        """The [start, end) Unix-time span of constant offset around an instant (years
        1-9999 only; None outside)."""
        if self.fixed:
            return float("-inf"), float("inf")
        if self.start is None or self.end is None:
            return None
        try:
            year = datetime.utcfromtimestamp(unix_seconds).year
        except (OverflowError, ValueError, OSError):
            return None
        if not 2 <= year <= 9998:
            return None
        edges: list[float] = []
        for y in (year - 1, year, year + 1):
            jan1 = (datetime(y, 1, 1) - datetime(1970, 1, 1)).total_seconds()
            edges.append(jan1 + self.start.local_seconds(y) - self.std_east)
            edges.append(jan1 + self.end.local_seconds(y) - self.dst_east)
        edges.sort()
        for lo, hi in zip(edges, edges[1:]):
            if lo <= unix_seconds < hi:
                return lo, hi
        return None

    def tzname_for_utc(self, utc: datetime) -> tuple[int, str]:
        if self._is_dst_utc(utc):
            return self.dst_east, self.dst_name  # type: ignore[return-value]
        return self.std_east, self.std


def parse_posix(text: str) -> PosixTz | None:
    """tzparse(): the zone a POSIX TZ string describes, or None when it is no such string."""
    got = _name(text, 0)
    if got is None or got[1] >= len(text):
        return None
    std, pos = got
    off = _offset(text, pos)
    if off is None:
        return None
    std_off, pos = off
    if pos == len(text):
        return PosixTz(std, std_off)
    got = _name(text, pos)
    if got is None or not got[0]:
        return None
    dst, pos = got
    dst_off = std_off - 3600
    if pos < len(text) and text[pos] != ",":
        off = _offset(text, pos)
        if off is None:
            return None
        dst_off, pos = off
    rules = text[pos:] or _US_RULES
    start = _rule(rules, 1) if rules.startswith(",") else None
    if start is None or start[1] >= len(rules) or rules[start[1]] != ",":
        return None
    end = _rule(rules, start[1] + 1)
    if end is None or end[1] != len(rules):
        return None
    return PosixTz(std, std_off, dst, dst_off, start[0], end[0])
