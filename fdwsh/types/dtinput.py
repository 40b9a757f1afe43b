"""The field loops of DecodeDateTime() and DecodeTimeOnly() (PostgreSQL 15).

Contract: ``decode_datetime(fields, settings, want_tz)`` and ``decode_time_only(...)`` →
``(dtype, tm, tz_west)``; see :mod:`fdwsh.types.dtdecode` for the helpers and conventions.
"""

from __future__ import annotations

from fdwsh.types import dtlex as L
from fdwsh.types.dtcore import USECS_PER_DAY, date2j, j2date
from fdwsh.types.dtdecode import (D_DATE, D_TIME, State, Tm, abbrev_zone, apply_meridian,
                                  decode_date, decode_number, decode_number_field, decode_time,
                                  lookup_zone_name, now_tm, parse_fraction,
                                  parse_fractional_second, time_overflows, validate_date,
                                  zone_offset)
from fdwsh.types.dtlex import DtError
from fdwsh.types.settings import StyleSettings
from fdwsh.types.tz import find_zone

_FULL_RANGE = 0x7FFF


def _dt2time(usec: float, tm: Tm) -> None:
    u = int(usec)
    tm.hour, u = divmod(u, 3_600_000_000)
    tm.min, u = divmod(u, 60_000_000)
    tm.sec, tm.fsec = divmod(u, 1_000_000)


def _prefixed_number(field: str, st: State, tm: Tm, fmask: int, time_only: bool) -> int:
    """A number labelled by the previous field (y2001, j2451187, t040506...)."""
    val, rest = L.strtoint(field)
    ptype = st.ptype
    if rest.startswith("."):
        if ptype not in (L.D_JULIAN, L.D_TIME, L.D_SECOND):
            raise DtError(L.BAD_FORMAT)
    elif rest:
        raise DtError(L.BAD_FORMAT)
    if ptype == L.D_YEAR:
        tm.year, tmask = val, L.M(L.YEAR)
    elif ptype == L.D_MONTH:
        if fmask & L.M(L.MONTH) and fmask & L.M(L.HOUR):
            tm.min, tmask = val, L.M(L.MINUTE)
        else:
            tm.mon, tmask = val, L.M(L.MONTH)
    elif ptype == L.D_DAY:
        tm.mday, tmask = val, L.M(L.DAY)
    elif ptype == L.D_HOUR:
        tm.hour, tmask = val, L.M(L.HOUR)
    elif ptype == L.D_MINUTE:
        tm.min, tmask = val, L.M(L.MINUTE)
    elif ptype == L.D_SECOND:
        tm.sec, tmask = val, L.M(L.SECOND)
        if rest.startswith("."):
            tm.fsec = parse_fractional_second(rest)
            tmask = L.ALL_SECS_M
    elif ptype == L.D_TZ:
        st.tz, tmask = L.decode_timezone(field), L.M(L.TZT)
    elif ptype == L.D_JULIAN:
        if val < 0:
            raise DtError(L.FIELD_OVERFLOW)
        tmask = L.DATE_M
        tm.year, tm.mon, tm.mday = j2date(val)
        st.isjulian = True
        if rest.startswith("."):
            _dt2time(parse_fraction(rest) * USECS_PER_DAY, tm)
            tmask |= L.TIME_M
    elif ptype == L.D_TIME:
        _, tmask = decode_number_field(field, fmask | L.DATE_M, tm, st)
        if tmask != L.TIME_M:
            raise DtError(L.BAD_FORMAT)
    else:
        raise DtError(L.BAD_FORMAT)
    st.ptype = 0
    return tmask


def _date_field(field: str, fields: list[tuple[str, str]], i: int, st: State, tm: Tm,
                fmask: int, time_only: bool) -> int:
    """A DATE-kind field: a date, a Julian day with zone, or a zone name / hhmmss-zz."""
    if st.ptype == L.D_JULIAN and not time_only:
        jday, rest = L.strtoint(field)
        if jday < 0:
            raise DtError(L.FIELD_OVERFLOW)
        tm.year, tm.mon, tm.mday = j2date(jday)
        st.isjulian = True
        st.tz = L.decode_timezone(rest)
        st.ptype = 0
        return L.DATE_M | L.TIME_M | L.M(L.TZT)
    if time_only:
        accept_date = i == 0 and len(fields) >= 2 and (
            fields[-1][1] == L.DATE or fields[1][1] == L.TIME)
    else:
        both = L.M(L.MONTH) | L.M(L.DAY)
        accept_date = not (st.ptype != 0 or (fmask & both) == both)
    if accept_date:
        return decode_date(field, fmask, tm, st)
    if field[0].isdigit() or (st.ptype != 0 and not time_only):
        if st.ptype != 0 and not time_only:
            if st.ptype != L.D_TIME:
                raise DtError(L.BAD_FORMAT)
            st.ptype = 0
        if (fmask & L.TIME_M) == L.TIME_M:
            raise DtError(L.BAD_FORMAT)
        cp = field.find("-")
        if cp < 0:
            raise DtError(L.BAD_FORMAT)
        st.tz = L.decode_timezone(field[cp:])
        extra = L.DATE_M if time_only else 0
        _, tmask = decode_number_field(field[:cp], fmask | extra, tm, st)
        return tmask | L.M(L.TZT)
    st.named_tz = lookup_zone_name(field)
    return L.M(L.TZT)


def _number_field(field: str, fields: list[tuple[str, str]], i: int, st: State, tm: Tm,
                  fmask: int, time_only: bool) -> int:
    if st.ptype != 0:
        return _prefixed_number(field, st, tm, fmask, time_only)
    flen = len(field)
    has_dot = "." in field
    if time_only:
        if has_dot:
            if i == 0 and len(fields) >= 2 and fields[-1][1] == L.DATE:
                return decode_date(field, fmask, tm, st)
            if flen - len(field[field.index("."):]) > 2:
                return decode_number_field(field, fmask | L.DATE_M, tm, st)[1]
            raise DtError(L.BAD_FORMAT)
        if flen > 4:
            return decode_number_field(field, fmask | L.DATE_M, tm, st)[1]
        return decode_number(flen, field, False, fmask | L.DATE_M, tm, st)
    if has_dot and not fmask & L.DATE_M:
        return decode_date(field, fmask, tm, st)
    if has_dot and flen - len(field[field.index("."):]) > 2:
        return decode_number_field(field, fmask, tm, st)[1]
    if flen >= 6 and (not fmask & L.DATE_M or not fmask & L.TIME_M):
        return decode_number_field(field, fmask, tm, st)[1]
    return decode_number(flen, field, st.have_text_month, fmask, tm, st)


def _word_field(field: str, fields: list[tuple[str, str]], i: int, st: State, tm: Tm,
                fmask: int, time_only: bool, dtype: list[int]) -> int | None:
    """A STRING/SPECIAL field: zone abbreviation, keyword, unit label or zone name.

    Returns the field's mask, or None for an ignorable word."""
    typ, val = L.decode_abbrev(field)
    if typ == L.UNKNOWN_FIELD:
        typ, val = L.decode_special(field)  # type: ignore[assignment]
    if typ == L.IGNORE:
        return None
    tmask = L.M(typ) if typ != L.UNKNOWN_FIELD else 0
    if typ == L.RESERV:
        return _reserved(val, st, tm, time_only, dtype)  # type: ignore[arg-type]
    if typ == L.MONTH:
        if time_only:
            raise DtError(L.BAD_FORMAT)
        if (fmask & L.M(L.MONTH) and not st.have_text_month and not fmask & L.M(L.DAY)
                and 1 <= tm.mon <= 31):
            tm.mday, tmask = tm.mon, L.M(L.DAY)
        st.have_text_month = True
        tm.mon = val  # type: ignore[assignment]
    elif typ == L.DTZMOD:
        tmask |= L.M(L.DTZ)
        tm.isdst = 1
        st.tz -= val  # type: ignore[operator]
    elif typ in (L.DTZ, L.TZT):
        if typ == L.DTZ:
            tmask |= L.M(L.TZT)
        tm.isdst = 1 if typ == L.DTZ else 0
        st.tz = -val  # type: ignore[operator]
    elif typ == L.DYNTZ:
        tmask |= L.M(L.TZT)
        st.abbrev = (field.upper(), abbrev_zone(val))
    elif typ == L.AMPM:
        st.mer = val  # type: ignore[assignment]
    elif typ == L.ADBC:
        st.bc = val == L.BC
    elif typ == L.DOW:
        if time_only:
            raise DtError(L.BAD_FORMAT)
    elif typ == L.UNITS:
        tmask = 0
        st.ptype = val  # type: ignore[assignment]
    elif typ == L.ISOTIME:
        tmask = 0
        if not time_only and (fmask & L.DATE_M) != L.DATE_M:
            raise DtError(L.BAD_FORMAT)
        if i >= len(fields) - 1 or fields[i + 1][1] not in (L.NUMBER, L.TIME, L.DATE):
            raise DtError(L.BAD_FORMAT)
        st.ptype = val  # type: ignore[assignment]
    elif typ == L.UNKNOWN_FIELD:
        zone = find_zone(field)
        if zone is None:
            raise DtError(L.BAD_FORMAT)
        st.named_tz, tmask = zone, L.M(L.TZT)
    else:
        raise DtError(L.BAD_FORMAT)
    return tmask


def _reserved(val: int, st: State, tm: Tm, time_only: bool, dtype: list[int]) -> int:
    if val == L.D_NOW:
        cur, tz = now_tm(st.settings)
        tm.hour, tm.min, tm.sec, tm.fsec = cur.hour, cur.min, cur.sec, cur.fsec
        if time_only:
            dtype[0] = D_TIME
            return L.TIME_M
        tm.year, tm.mon, tm.mday = cur.year, cur.mon, cur.mday
        st.tz, dtype[0] = tz, D_DATE
        return L.DATE_M | L.TIME_M | L.M(L.TZT)
    if val == L.D_ZULU:
        tm.hour = tm.min = tm.sec = 0
        if time_only:
            tm.isdst = 0
        else:
            st.tz = 0
        dtype[0] = D_TIME if time_only else D_DATE
        return L.TIME_M | L.M(L.TZT)
    if time_only:
        raise DtError(L.BAD_FORMAT)
    if val in (L.D_YESTERDAY, L.D_TODAY, L.D_TOMORROW):
        cur, _ = now_tm(st.settings)
        shift = {L.D_YESTERDAY: -1, L.D_TODAY: 0, L.D_TOMORROW: 1}[val]
        tm.year, tm.mon, tm.mday = j2date(date2j(cur.year, cur.mon, cur.mday) + shift)
        dtype[0] = D_DATE
        return L.DATE_M
    dtype[0] = val
    return L.M(L.RESERV)


def _loop(fields: list[tuple[str, str]], st: State, tm: Tm, time_only: bool,
          dtype: list[int]) -> None:
    for i, (field, kind) in enumerate(fields):
        if kind == L.DATE:
            tmask = _date_field(field, fields, i, st, tm, st.fmask, time_only)
        elif kind == L.TIME:
            if st.ptype != 0 and not time_only:  # DecodeTimeOnly ignores a pending label
                if st.ptype != L.D_TIME:
                    raise DtError(L.BAD_FORMAT)
                st.ptype = 0
            tmask = decode_time(field, _FULL_RANGE, tm)
            if not time_only and time_overflows(tm):
                raise DtError(L.FIELD_OVERFLOW)
        elif kind == L.TZ:
            st.tz, tmask = L.decode_timezone(field), L.M(L.TZT)
        elif kind == L.NUMBER:
            was_prefixed = st.ptype != 0
            tmask = _number_field(field, fields, i, st, tm, st.fmask, time_only)
            if was_prefixed:
                dtype[0] = D_DATE
        else:
            got = _word_field(field, fields, i, st, tm, st.fmask, time_only, dtype)
            if got is None:
                continue
            tmask = got
        if tmask & st.fmask:
            raise DtError(L.BAD_FORMAT)
        st.fmask |= tmask


def _resolve_zone(st: State, tm: Tm) -> None:
    if st.named_tz is not None:
        if st.fmask & L.M(L.DTZMOD):
            raise DtError(L.BAD_FORMAT)
        st.tz = zone_offset(tm, st.named_tz)
    if st.abbrev is not None:
        if st.fmask & L.M(L.DTZMOD):
            raise DtError(L.BAD_FORMAT)
        off = st.abbrev[1].abbrev_offset(st.abbrev[0], tm.local_usec())
        st.tz = -off if off is not None else zone_offset(tm, st.abbrev[1])


def decode_datetime(fields: list[tuple[str, str]], settings: StyleSettings, want_tz: bool = True
                    ) -> tuple[int, Tm, int | None]:
    st, tm, dtype = State(settings, want_tz), Tm(), [D_DATE]
    _loop(fields, st, tm, False, dtype)
    validate_date(st.fmask, st, tm)  # PostgreSQL 15 checks the fields even for 'infinity'
    apply_meridian(st, tm)
    if dtype[0] == D_DATE:
        if (st.fmask & L.DATE_M) != L.DATE_M:
            raise DtError(L.BAD_FORMAT)
        _resolve_zone(st, tm)
        if not st.fmask & L.M(L.TZT):
            if st.fmask & L.M(L.DTZMOD):
                raise DtError(L.BAD_FORMAT)
            if want_tz:
                st.tz = zone_offset(tm, settings.timezone)
    return dtype[0], tm, st.tz


def decode_time_only(fields: list[tuple[str, str]], settings: StyleSettings,
                     want_tz: bool = True) -> tuple[int, Tm, int | None]:
    st, tm, dtype = State(settings, want_tz), Tm(), [D_TIME]
    _loop(fields, st, tm, True, dtype)
    validate_date(st.fmask, st, tm)
    apply_meridian(st, tm)
    if time_overflows(tm):
        raise DtError(L.FIELD_OVERFLOW)
    if (st.fmask & L.TIME_M) != L.TIME_M:
        raise DtError(L.BAD_FORMAT)
    has_date = st.fmask & L.DATE_M
    if st.named_tz is not None:
        if st.fmask & L.M(L.DTZMOD):
            raise DtError(L.BAD_FORMAT)
        if st.named_tz.fixed_offset is not None:
            st.tz = -st.named_tz.fixed_offset
        elif has_date != L.DATE_M:
            raise DtError(L.BAD_FORMAT)
        else:
            st.tz = zone_offset(tm, st.named_tz)
    if st.abbrev is not None or not st.fmask & L.M(L.TZT):
        if st.fmask & L.M(L.DTZMOD):
            raise DtError(L.BAD_FORMAT)
        if has_date and has_date != L.DATE_M:  # time_in passes a tz pointer too: a date
            raise DtError(L.BAD_FORMAT)        # part, if any, must be complete
        if st.abbrev is None and not want_tz:
            return dtype[0], tm, st.tz
        probe = _date_for_zone(st, tm, has_date)
        if st.abbrev is not None:
            off = st.abbrev[1].abbrev_offset(st.abbrev[0], probe.local_usec())
            st.tz = -off if off is not None else zone_offset(probe, st.abbrev[1])
        else:
            st.tz = zone_offset(probe, settings.timezone)
    return dtype[0], tm, st.tz


def _date_for_zone(st: State, tm: Tm, has_date: int) -> Tm:
    if has_date == 0:
        probe, _ = now_tm(st.settings)
    elif has_date != L.DATE_M:
        raise DtError(L.BAD_FORMAT)
    else:
        probe = Tm(tm.year, tm.mon, tm.mday)
    probe.hour, probe.min, probe.sec, probe.fsec = tm.hour, tm.min, tm.sec, 0
    return probe
