"""The date/time lexer of PostgreSQL 15 (ParseDateTime) with its keyword tables.

Contract: :func:`parse_fields` splits an input string into (field, kind) pairs exactly as
ParseDateTime() does (text lower-cased; kinds NUMBER, STRING, DATE, TIME, TZ, SPECIAL) and
raises :class:`DtError` for what PostgreSQL rejects at this stage.  :func:`report` turns a
DtError into PostgreSQL's message for a given type.  :func:`decode_timezone` (DecodeTimezone),
:func:`decode_special` / :func:`decode_units` (keyword lookups) and :func:`decode_abbrev`
(time zone abbreviations of the 'Default' set) are shared by the decoders.
"""

from __future__ import annotations

from fdwsh.errors import FdwshError
from fdwsh.types.tzabbrev_data import DEFAULT_ABBREVIATIONS

# field kinds (ftype)
NUMBER, STRING, DATE, TIME, TZ, SPECIAL = "NUMBER", "STRING", "DATE", "TIME", "TZ", "SPECIAL"

# token types (the bit numbers of DTK_M())
(RESERV, MONTH, YEAR, DAY, JULIAN, TZT, DTZ, DYNTZ, IGNORE, AMPM, HOUR, MINUTE, SECOND,
 MILLISECOND, MICROSECOND, DOY, DOW, UNITS, ADBC, AGO, ABS_BEFORE, ABS_AFTER, ISODATE, ISOTIME,
 WEEK, DECADE, CENTURY, MILLENNIUM, DTZMOD) = range(29)
UNKNOWN_FIELD = 31


def M(t: int) -> int:
    return 1 << t


DATE_M = M(YEAR) | M(MONTH) | M(DAY)
TIME_M = M(HOUR) | M(MINUTE) | M(SECOND) | M(MILLISECOND) | M(MICROSECOND)
ALL_SECS_M = M(SECOND) | M(MILLISECOND) | M(MICROSECOND)

# token values
(D_EARLY, D_LATE, D_EPOCH, D_NOW, D_YESTERDAY, D_TODAY, D_TOMORROW, D_ZULU, D_SECOND, D_MINUTE,
 D_HOUR, D_DAY, D_WEEK, D_MONTH, D_QUARTER, D_YEAR, D_DECADE, D_CENTURY, D_MILLENNIUM,
 D_MILLISEC, D_MICROSEC, D_JULIAN, D_DOW, D_DOY, D_TZ_HOUR, D_TZ_MINUTE, D_ISOYEAR, D_ISODOW,
 D_TIME, D_TZ, D_AGO, D_DATE) = range(100, 132)
AM, PM, HR24 = 0, 1, 2
AD, BC = 0, 1
TOKMAXLEN = 10

# errors (DTERR_*)
BAD_FORMAT, FIELD_OVERFLOW, MD_FIELD_OVERFLOW, INTERVAL_OVERFLOW, TZDISP_OVERFLOW = range(5)

DATE_TOKENS: dict[str, tuple[int, int]] = {
    "-infinity": (RESERV, D_EARLY), "ad": (ADBC, AD), "allballs": (RESERV, D_ZULU),
    "am": (AMPM, AM), "at": (IGNORE, 0), "bc": (ADBC, BC), "d": (UNITS, D_DAY),
    "dow": (UNITS, D_DOW), "doy": (UNITS, D_DOY), "dst": (DTZMOD, 3600),
    "epoch": (RESERV, D_EPOCH), "h": (UNITS, D_HOUR), "infinity": (RESERV, D_LATE),
    "isodow": (UNITS, D_ISODOW), "isoyear": (UNITS, D_ISOYEAR), "j": (UNITS, D_JULIAN),
    "jd": (UNITS, D_JULIAN), "julian": (UNITS, D_JULIAN), "m": (UNITS, D_MONTH),
    "mm": (UNITS, D_MINUTE), "now": (RESERV, D_NOW), "on": (IGNORE, 0), "pm": (AMPM, PM),
    "s": (UNITS, D_SECOND), "t": (ISOTIME, D_TIME), "today": (RESERV, D_TODAY),
    "tomorrow": (RESERV, D_TOMORROW), "y": (UNITS, D_YEAR),
    "yesterday": (RESERV, D_YESTERDAY),
}
for _i, _names in enumerate((("jan", "january"), ("feb", "february"), ("mar", "march"),
                             ("apr", "april"), ("may",), ("jun", "june"), ("jul", "july"),
                             ("aug", "august"), ("sep", "sept", "september"),
                             ("oct", "october"), ("nov", "november"), ("dec", "december"))):
    for _n in _names:
        DATE_TOKENS[_n] = (MONTH, _i + 1)
for _i, _names in enumerate((("sun", "sunday"), ("mon", "monday"),
                             ("tue", "tues", "tuesday"), ("wed", "wednesday", "weds"),
                             ("thu", "thur", "thurs", "thursday"), ("fri", "friday"),
                             ("sat", "saturday"))):
    for _n in _names:
        DATE_TOKENS[_n] = (DOW, _i)

_UNIT_WORDS = {
    D_CENTURY: "c cent centuries century", D_DAY: "d day days",
    D_DECADE: "dec decade decades decs", D_HOUR: "h hour hours hr hrs",
    D_MINUTE: "m min mins minute minutes", D_MICROSEC: "microsecon us usec usecs useconds",
    D_MILLENNIUM: "mil millennia millennium mils",
    D_MILLISEC: "millisecon ms msec msecs mseconds", D_MONTH: "mon mons month months",
    D_QUARTER: "qtr quarter", D_SECOND: "s sec second seconds secs",
    D_TZ: "timezone", D_TZ_HOUR: "timezone_h", D_TZ_MINUTE: "timezone_m",
    D_WEEK: "w week weeks", D_YEAR: "y year years yr yrs",
}
DELTA_TOKENS: dict[str, tuple[int, int]] = {"@": (IGNORE, 0), "ago": (AGO, 0)}
for _val, _words in _UNIT_WORDS.items():
    for _w in _words.split():
        DELTA_TOKENS[_w] = (UNITS, _val)


def _load_abbrevs() -> dict[str, tuple[int, object]]:
    table: dict[str, tuple[int, object]] = {}
    for line in DEFAULT_ABBREVIATIONS.strip().splitlines():
        parts = line.split()
        key = parts[0].lower()[:TOKMAXLEN]
        if parts[1].lstrip("-").isdigit():
            table[key] = (DTZ if len(parts) > 2 else TZT, int(parts[1]))
        else:
            table[key] = (DYNTZ, parts[1])
    return table


ABBREVS = _load_abbrevs()


class DtError(Exception):
    """A DTERR_* code from the date/time parser (reported later, knowing the type)."""

    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


def report(err: DtError, text: str, type_label: str) -> FdwshError:
    """DateTimeParseError(): PostgreSQL's message for a parser error on ``text``."""
    if err.code == FIELD_OVERFLOW:
        return FdwshError(f'date/time field value out of range: "{text}"', sqlstate="22008")
    if err.code == MD_FIELD_OVERFLOW:
        return FdwshError(f'date/time field value out of range: "{text}"', sqlstate="22008",
                          hint='Perhaps you need a different "datestyle" setting.')
    if err.code == INTERVAL_OVERFLOW:
        return FdwshError(f'interval field value out of range: "{text}"', sqlstate="22015")
    if err.code == TZDISP_OVERFLOW:
        return FdwshError(f'time zone displacement out of range: "{text}"', sqlstate="22009")
    return FdwshError(f'invalid input syntax for type {type_label}: "{text}"',
                      sqlstate="22007")


def _isdigit(c: str) -> bool:
    return "0" <= c <= "9"


def _isalpha(c: str) -> bool:
    return ("a" <= c <= "z") or ("A" <= c <= "Z")


def _isalnum(c: str) -> bool:
    return _isdigit(c) or _isalpha(c)


_SPACE = frozenset(" \t\n\r\v\f")
_PUNCT = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")


def _run(s: str, i: int, ok: object) -> int:
    n = len(s)
    while i < n and ok(s[i]):  # type: ignore[operator]
        i += 1
    return i


def _number_field(s: str, i: int) -> tuple[str, str, int]:
    """A field starting with a digit: NUMBER, DATE (dd-mm-yy, 2001.02.03, 07-jan) or TIME."""
    start = i
    i = _run(s, i, _isdigit)
    n = len(s)
    if i < n and s[i] == ":":
        i = _run(s, i + 1, lambda c: _isdigit(c) or c in ":.")
        return s[start:i], TIME, i
    if i < n and s[i] in "-/.":
        delim = s[i]
        i += 1
        if i < n and _isdigit(s[i]):
            kind = NUMBER if delim == "." else DATE
            i = _run(s, i, _isdigit)
            if i < n and s[i] == delim:
                kind = DATE
                i = _run(s, i + 1, lambda c: _isdigit(c) or c == delim)
            return s[start:i], kind, i
        i = _run(s, i, lambda c: _isalnum(c) or c == delim)
        return s[start:i].lower(), DATE, i
    return s[start:i], NUMBER, i


def _alpha_field(s: str, i: int) -> tuple[str, str, int]:
    """A field starting with a letter: a word, or a date/zone name with punctuation."""
    start = i
    i = _run(s, i, _isalpha)
    word = s[start:i].lower()
    n = len(s)
    is_date = False
    if i < n and s[i] in "-/.":
        is_date = True
    elif i < n and (s[i] == "+" or _isdigit(s[i])):
        is_date = word[:TOKMAXLEN] not in DATE_TOKENS
    if not is_date:
        return word, STRING, i
    i = _run(s, i + 1, lambda c: c in "+-/_.:" or _isalnum(c))
    return s[start:i].lower(), DATE, i


def _signed_field(s: str, i: int) -> tuple[str, str, int]:
    sign = s[i]
    i = _run(s, i + 1, lambda c: c in _SPACE)
    if i < len(s) and _isdigit(s[i]):
        j = _run(s, i + 1, lambda c: _isdigit(c) or c in ":.-")
        return sign + s[i:j], TZ, j
    if i < len(s) and _isalpha(s[i]):
        j = _run(s, i + 1, _isalpha)
        return (sign + s[i:j]).lower(), SPECIAL, j
    raise DtError(BAD_FORMAT)


def parse_fields(s: str, bufsize: int = 129, maxfields: int = 25) -> list[tuple[str, str]]:
    """ParseDateTime(): the fields of ``s``; ``bufsize`` is the caller's work buffer size."""
    fields: list[tuple[str, str]] = []
    used, i, n = 0, 0, len(s)
    while i < n:
        c = s[i]
        if c in _SPACE:
            i += 1
            continue
        if len(fields) >= maxfields:
            raise DtError(BAD_FORMAT)
        if _isdigit(c):
            text, kind, i = _number_field(s, i)
        elif c == ".":
            j = _run(s, i + 1, _isdigit)
            text, kind, i = s[i:j], NUMBER, j
        elif _isalpha(c):
            text, kind, i = _alpha_field(s, i)
        elif c in "+-":
            text, kind, i = _signed_field(s, i)
        elif c in _PUNCT:
            i += 1
            continue
        else:
            raise DtError(BAD_FORMAT)
        used += len(text.encode()) + 1
        if used >= bufsize:
            raise DtError(BAD_FORMAT)
        fields.append((text, kind))
    return fields


def strtoint(s: str) -> tuple[int, str]:
    """C strtol() base 10 on an int: (value, rest); raises FIELD_OVERFLOW past int32."""
    i = 0
    if s[:1] in ("+", "-"):
        i = 1
    j = _run(s, i, _isdigit)
    if j == i:
        return 0, s
    value = int(s[:j])
    if not -(1 << 31) <= value < (1 << 31):
        raise DtError(FIELD_OVERFLOW)
    return value, s[j:]


def decode_timezone(s: str) -> int:
    """DecodeTimezone(): a numeric zone ``+hh[:mm[:ss]]`` / ``-hhmm`` → seconds *west*."""
    if s[:1] not in ("+", "-"):
        raise DtError(BAD_FORMAT)
    try:
        hr, rest = strtoint(s[1:])
        if rest == s[1:]:
            hr = 0
        sec = 0
        if rest[:1] == ":":
            mins, rest = strtoint(rest[1:])
            if rest[:1] == ":":
                sec, rest = strtoint(rest[1:])
        elif rest == "" and len(s) > 3:
            hr, mins = hr // 100, hr % 100
        else:
            mins = 0
    except DtError:
        raise DtError(TZDISP_OVERFLOW) from None
    if not 0 <= hr <= 15 or not 0 <= mins < 60 or not 0 <= sec < 60:
        raise DtError(TZDISP_OVERFLOW)
    tz = (hr * 60 + mins) * 60 + sec
    if s[0] == "-":
        tz = -tz
    if rest:
        raise DtError(BAD_FORMAT)
    return -tz


def decode_special(token: str) -> tuple[int, int]:
    return DATE_TOKENS.get(token[:TOKMAXLEN], (UNKNOWN_FIELD, 0))


def decode_units(token: str) -> tuple[int, int]:
    return DELTA_TOKENS.get(token[:TOKMAXLEN], (UNKNOWN_FIELD, 0))


def decode_abbrev(token: str) -> tuple[int, object]:
    """(TZT|DTZ, offset east) or (DYNTZ, zone name) or (UNKNOWN_FIELD, None)."""
    return ABBREVS.get(token[:TOKMAXLEN], (UNKNOWN_FIELD, None))
