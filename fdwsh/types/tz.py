"""Time zones as PostgreSQL's pg_tzset() finds them, and the offsets it computes with them.

Contract: :func:`find_zone` resolves a TimeZone value (zone file name in any letter case, shown
in the file's own case; else a POSIX TZ string, shown upper-cased) to a :class:`Zone` or None;
:func:`offset_zone` is pg_tzset_offset() (``SET TIME ZONE 2`` → ``<+02>-02``).  A Zone answers
the two questions the date/time code asks, with times as microseconds since 2000-01-01:
UTC → (offset east, abbreviation) and local wall-clock → offset, resolving DST gaps and
overlaps as DetermineTimeZoneOffset() does (the smaller offset wins).  Times outside Python's
years 1-9999 use the zone's earliest rules, or an equivalent year of the 400-year cycle.
"""

from __future__ import annotations

import bisect
import math
import os
import struct
import zoneinfo
from datetime import datetime, timedelta, timezone, tzinfo
from functools import lru_cache

from fdwsh.types.posixtz import PosixTz, parse_posix

EPOCH = datetime(2000, 1, 1)
EPOCH_UTC = EPOCH.replace(tzinfo=timezone.utc)
USEC_PER_DAY = 86_400_000_000
_PY_MIN = (datetime(1, 1, 3) - EPOCH) // timedelta(microseconds=1)
_PY_MAX = (datetime(9999, 12, 29) - EPOCH) // timedelta(microseconds=1)
_CYCLE = 146_097 * USEC_PER_DAY
TZ_STRLEN_MAX = 255


def _clamp(usec: int, cyclic: bool = False) -> int:
    """An instant Python can hold with the same zone rules: the zone's earliest rules before
    year 1 (or, for rule-only POSIX zones, the same day of the 400-year Gregorian cycle), the
    same day of the cycle after 9999."""
    if usec < _PY_MIN:
        if not cyclic:
            return _PY_MIN
        return usec + ((_PY_MIN - usec) // _CYCLE + 1) * _CYCLE
    if usec > _PY_MAX:
        return usec - ((usec - _PY_MAX) // _CYCLE + 1) * _CYCLE
    return usec


class Zone:
    """One session time zone: its display name and its rules."""

    __slots__ = ("name", "tzinfo", "fixed_offset", "single", "transitions", "leap_seconds",
                 "_times")

    def __init__(self, name: str, tz: tzinfo, fixed_offset: int | None = None,
                 single: tuple[int, str] | None = None,
                 transitions: list[tuple[int, int, str]] | None = None) -> None:
        self.name = name
        self.tzinfo = tz
        #: pg_get_timezone_offset(): the offset when every period of the zone has the same one
        self.fixed_offset = fixed_offset
        #: (offset, abbreviation) when the zone never changes either
        self.single = single
        #: (UTC seconds since 1970, offset, abbreviation) per transition, for abbreviations
        self.transitions = transitions or []
        #: the zone file counts leap seconds (PostgreSQL refuses it as TimeZone)
        self.leap_seconds = False
        self._times: list[int] | None = None

    def period(self, unix_seconds: float) -> tuple[float, float] | None:
        """The [start, end) Unix-time span around an instant in which the zone's offset and
        abbreviation stay the same, when known (None otherwise)."""
        if self.single is not None:
            return -math.inf, math.inf
        if isinstance(self.tzinfo, PosixTz):
            return self.tzinfo.period(unix_seconds)
        if self._times is None:
            self._times = [when for when, _, _ in self.transitions]
        times = self._times
        if len(times) < 3 or not times[0] <= unix_seconds < times[-2]:
            return None
        i = bisect.bisect_right(times, unix_seconds)
        return times[i - 1], times[i]

    def __repr__(self) -> str:
        return f"Zone({self.name!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Zone) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self.name)

    @property
    def python_safe(self) -> bool:
        """Whether ``datetime`` can work in this zone (its offsets stay under 24 hours)."""
        tz = self.tzinfo
        if isinstance(tz, PosixTz):
            return abs(tz.std_east) < 86400 and abs(tz.dst_east) < 86400
        return True

    @property
    def is_utc(self) -> bool:
        """True when every instant prints with offset +00 (ISO output equals UTC's)."""
        return self.single is not None and self.single[0] == 0

    def at_utc(self, usec: int) -> tuple[int, str]:
        """(offset east in seconds, abbreviation) in effect at a UTC instant."""
        if self.single is not None:
            return self.single
        tz = self.tzinfo
        if isinstance(tz, PosixTz):  # directly: its offsets may exceed what tzinfo allows
            utc = EPOCH + timedelta(microseconds=_clamp(usec, True))
            return tz.tzname_for_utc(utc)
        local = (EPOCH_UTC + timedelta(microseconds=_clamp(usec))).astimezone(tz)
        off = local.utcoffset()
        return (0 if off is None else int(off.total_seconds())), local.tzname() or ""

    def local_offset(self, usec: int) -> int:
        """DetermineTimeZoneOffset(): the offset east for a local wall-clock time."""
        if self.fixed_offset is not None:
            return self.fixed_offset
        tz = self.tzinfo
        cyclic = isinstance(tz, PosixTz)
        naive = EPOCH + timedelta(microseconds=_clamp(usec, cyclic) // 1_000_000 * 1_000_000)
        if isinstance(tz, PosixTz):
            return min(tz.offset_local(naive.replace(fold=f)) for f in (0, 1))
        offs = [naive.replace(tzinfo=tz, fold=f).utcoffset() for f in (0, 1)]
        return min(int(o.total_seconds()) for o in offs if o is not None)

    def abbrev_offset(self, abbrev: str, local_usec: int) -> int | None:
        """pg_interpret_timezone_abbrev(): the offset ``abbrev`` had in this zone around the
        given local time (latest use before, else first after), or None if never used."""
        if not any(a == abbrev for _, _, a in self.transitions):
            return None
        t = (local_usec // 1_000_000 - self.local_offset(local_usec)) + 946_684_800
        cutoff = sum(1 for when, _, _ in self.transitions if when <= t)
        for when, off, a in reversed(self.transitions[:cutoff]):
            if a == abbrev:
                return off
        for when, off, a in self.transitions[cutoff:]:
            if a == abbrev:
                return off
        return None


def _read_tzif(path: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, str]], int]:
    """(transitions, (offset, abbrev) types, leap second count) of a TZif file."""
    with open(path, "rb") as fh:
        data = fh.read()
    if data[:4] != b"TZif":
        raise ValueError("not a TZif file")

    def block(pos: int, tsize: int) -> tuple[int, tuple[int, ...]]:
        counts = struct.unpack(">6l", data[pos + 20:pos + 44])
        isut, isstd, leap, timecnt, typecnt, charcnt = counts
        pos += 44
        fmt = ">%dq" % timecnt if tsize == 8 else ">%dl" % timecnt
        times = struct.unpack(fmt, data[pos:pos + timecnt * tsize])
        pos += timecnt * tsize
        idx = data[pos:pos + timecnt]
        pos += timecnt
        types = [struct.unpack(">lbB", data[pos + 6 * i:pos + 6 * i + 6]) for i in range(typecnt)]
        pos += 6 * typecnt
        chars = data[pos:pos + charcnt]
        pos += charcnt + leap * (tsize + 4) + isstd + isut
        block.result = (times, idx, types, chars, leap)  # type: ignore[attr-defined]
        return pos, counts

    end, _ = block(0, 4)
    if data[4:5] >= b"2":
        block(end, 8)
    times, idx, types, chars, leap = block.result  # type: ignore[attr-defined]

    def abbr(i: int) -> str:
        return chars[i:chars.index(b"\0", i)].decode()

    kinds = [(off, abbr(ai)) for off, _dst, ai in types]
    return [(t, *kinds[i]) for t, i in zip(times, idx)], kinds, leap


def _tzdirs() -> list[str]:
    return [d for d in zoneinfo.TZPATH if os.path.isdir(d)]


def _case_path(base: str, name: str) -> str | None:
    """The file under ``base`` whose path equals ``name`` ignoring case (canonical case)."""
    parts = name.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return None
    found: list[str] = []
    here = base
    for part in parts:
        if os.path.exists(os.path.join(here, part)):
            match = part
        else:
            try:
                match = next((e for e in sorted(os.listdir(here)) if e.lower() == part.lower()),
                             None)  # type: ignore[assignment]
            except OSError:
                return None
            if match is None:
                return None
        found.append(match)
        here = os.path.join(here, match)
    return "/".join(found) if os.path.isfile(here) else None


def _load_file_zone(name: str) -> Zone | None:
    for base in _tzdirs():
        key = _case_path(base, name)
        if key is None:
            continue
        try:
            transitions, kinds, leaps = _read_tzif(os.path.join(base, key))
            tz = zoneinfo.ZoneInfo(key)
        except (ValueError, OSError, struct.error, zoneinfo.ZoneInfoNotFoundError):
            return None
        offsets = {off for off, _ in kinds}
        fixed = offsets.pop() if len(offsets) == 1 else None
        single = kinds[0] if len(set(kinds)) == 1 else None
        zone = Zone(key, tz, fixed, single, transitions)
        zone.leap_seconds = leaps > 0
        return zone
    return None


def _posix_zone(name: str, tz: PosixTz) -> Zone:
    single = (tz.std_east, tz.std) if tz.fixed else None
    same = tz.fixed or tz.std_east == tz.dst_east  # pg_get_timezone_offset(): one offset
    return Zone(name, tz, tz.std_east if same else None, single)


@lru_cache(maxsize=256)
def find_zone(name: str) -> Zone | None:
    """pg_tzset(): a zone file (case-insensitive) or a POSIX TZ string; None when neither."""
    if not name or len(name) > TZ_STRLEN_MAX:
        return None
    upper = name.upper()
    if upper == "GMT":  # always the built-in one, as pg_tzset() does
        return _posix_zone(upper, PosixTz(upper, 0))
    zone = _load_file_zone(name[1:] if name.startswith(":") else name)  # tzload skips a ':'
    if zone is not None:
        return zone
    if upper.startswith(":"):
        return None
    posix = parse_posix(upper)
    return None if posix is None else _posix_zone(upper, posix)


def offset_zone(gmtoffset: int) -> Zone | None:
    """pg_tzset_offset(): a fixed zone ``gmtoffset`` seconds *west* of Greenwich."""
    absoff = abs(gmtoffset)
    text = f"{absoff // 3600:02d}"
    absoff %= 3600
    if absoff:
        text += f":{absoff // 60:02d}"
        if absoff % 60:
            text += f":{absoff % 60:02d}"
    name = f"<-{text}>+{text}" if gmtoffset > 0 else f"<+{text}>-{text}"
    return find_zone(name)


def system_zone_name(environ: dict[str, str] | None = None) -> str:
    """The machine's zone as an IANA name: TZ, else /etc/timezone, else /etc/localtime's
    target under the zone directory; 'UTC' when none of them says."""
    env = os.environ if environ is None else environ
    tzvar = env.get("TZ", "").lstrip(":")
    candidates = [tzvar] if tzvar else []
    try:
        with open("/etc/timezone", encoding="utf-8") as fh:
            candidates.append(fh.read().strip())
    except OSError:
        pass
    try:
        target = os.path.realpath("/etc/localtime")
        for base in _tzdirs():
            real = os.path.realpath(base)
            if target.startswith(real + os.sep):
                candidates.append(os.path.relpath(target, real))
    except OSError:
        pass
    for cand in candidates:
        for base in _tzdirs():
            if cand.startswith(base + os.sep):
                cand = cand[len(base) + 1:]
        zone = find_zone(cand) if cand else None
        if zone is not None and not zone.leap_seconds:
            return zone.name
    return "UTC"


UTC_ZONE: Zone = find_zone("UTC") or _posix_zone("UTC", PosixTz("UTC", 0))
