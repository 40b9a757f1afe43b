"""to_char() for timestamps, dates, intervals and numbers (formatting.c, the common patterns).

Date/time patterns: HH24 HH12 HH MI SS MS US FF1-6 AM/PM (and a.m. forms), YYYY YYY YY Y
Y,YYY IYYY BC/AD, MONTH/Month/month MON/Mon/mon MM, DAY/Day/day DY/Dy/dy, DDD DD D ID IDDD,
W WW IW CC J Q TZ OF SSSS, with the FM prefix (no padding) and TH/th suffixes; quoted text
and backslash escapes copy through.  Number patterns: 9 0 . , D G S MI PL SG FM.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from fdwsh.exec import pgerrors as E
from fdwsh.exec.fn_clock import usec_of, utc_to_local
from fdwsh.exec.fn_dtfields import isoweek, isoyear
from fdwsh.exec.functions import factory
from fdwsh.types.dtcore import (MONTHS, POSTGRES_EPOCH_JDATE, USECS_PER_DAY, InfiniteTime,
                                date2j, j2date, j2day)

_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")
_MONTHS_FULL = ("January", "February", "March", "April", "May", "June", "July", "August",
                "September", "October", "November", "December")
_PATTERNS = sorted("""HH24 HH12 HH MI SS MS US FF1 FF2 FF3 FF4 FF5 FF6 AM PM am pm A.M. P.M.
a.m. p.m. Y,YYY YYYY YYY YY Y IYYY IYY IY I BC AD bc ad B.C. A.D. b.c. a.d. MONTH Month month
MON Mon mon MM DAY Day day DY Dy dy DDD DD D IDDD ID W WW IW CC J Q TZ tz OF SSSSS SSSS
RM rm""".split(), key=len, reverse=True)


def _ordinal(n: int, upper: bool) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return suffix.upper() if upper else suffix


def _case(word: str, pattern: str) -> str:
    if pattern.isupper():
        return word.upper()
    if pattern[0].isupper():
        return word
    return word.lower()


class _Fields:
    def __init__(self, usec: int, offset: int | None, abbrev: str) -> None:
        day, tod = divmod(usec, USECS_PER_DAY)
        self.jd = day + POSTGRES_EPOCH_JDATE
        self.y, self.m, self.d = j2date(self.jd)
        self.h, rest = divmod(tod, 3_600_000_000)
        self.mi, rest = divmod(rest, 60_000_000)
        self.s, self.us = divmod(rest, 1_000_000)
        self.offset, self.abbrev = offset, abbrev


def _value(p: str, f: _Fields, fm: bool) -> tuple[str, int | None]:
    """(text, number for a TH suffix) of one pattern."""
    year = f.y if f.y > 0 else 1 - f.y

    def num(n: int, width: int) -> tuple[str, int]:
        return (str(n) if fm else str(n).zfill(width) if n >= 0 else "-" + str(-n).zfill(width),
                n)
    hour12 = f.h % 12 or 12
    simple = {"HH24": (f.h, 2), "HH12": (hour12, 2), "HH": (hour12, 2), "MI": (f.mi, 2),
              "SS": (f.s, 2), "MS": (f.us // 1000, 3), "US": (f.us, 6), "YYYY": (year, 4),
              "MM": (f.m, 2), "DD": (f.d, 2), "DDD": (f.jd - date2j(f.y, 1, 1) + 1, 3),
              "D": (j2day(f.jd) + 1, 1), "ID": (j2day(f.jd) or 7, 1), "W": ((f.d - 1) // 7 + 1, 1),
              "WW": ((f.jd - date2j(f.y, 1, 1)) // 7 + 1, 2), "IW": (isoweek(f.y, f.m, f.d), 2),
              "CC": ((year + 99) // 100 if f.y > 0 else -((year + 99) // 100), 2),
              "J": (f.jd, 1), "Q": ((f.m - 1) // 3 + 1, 1), "SSSS": (f.h * 3600 + f.mi * 60 + f.s,
                                                                    1),
              "SSSSS": (f.h * 3600 + f.mi * 60 + f.s, 1),
              "IYYY": (isoyear(f.y, f.m, f.d), 4)}
    if p in simple:
        return num(*simple[p])
    if p.startswith("FF"):
        digits = int(p[2])
        return str(f.us).zfill(6)[:digits], None
    if p in ("YYY", "YY", "Y", "IYY", "IY", "I"):
        width = len(p.lstrip("I")) or 1
        source = isoyear(f.y, f.m, f.d) if p.startswith("I") else year
        return num(source % 10 ** width, width)
    if p == "Y,YYY":
        return f"{year // 1000},{year % 1000:03d}", year
    if p.upper() in ("AM", "PM", "A.M.", "P.M."):
        word = ("PM" if f.h >= 12 else "AM") if "." not in p else (
            "P.M." if f.h >= 12 else "A.M.")
        return (word if p[0].isupper() else word.lower()), None
    if p.upper() in ("BC", "AD", "B.C.", "A.D."):
        word = ("BC" if f.y <= 0 else "AD") if "." not in p else (
            "B.C." if f.y <= 0 else "A.D.")
        return (word if p[0].isupper() else word.lower()), None
    return _words(p, f, fm)


def _words(p: str, f: _Fields, fm: bool) -> tuple[str, int | None]:
    if p.upper() == "MONTH":
        word = _case(_MONTHS_FULL[f.m - 1], p)
        return (word if fm else word.ljust(9)), None
    if p.upper() == "MON":
        return _case(MONTHS[f.m - 1], p), None
    if p.upper() == "DAY":
        word = _case(_DAYS[j2day(f.jd)], p)
        return (word if fm else word.ljust(9)), None
    if p.upper() == "DY":
        return _case(_DAYS[j2day(f.jd)][:3], p), None
    if p.upper() == "RM":
        roman = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
        word = roman[f.m - 1] if p == "RM" else roman[f.m - 1].lower()
        return (word if fm else word.ljust(4)), None
    if p.upper() == "TZ":
        return (_case(f.abbrev, p) if f.offset is not None else ""), None
    if p == "OF":
        if f.offset is None:
            return "", None
        sign = "-" if f.offset < 0 else "+"
        h, rest = divmod(abs(f.offset), 3600)
        return f"{sign}{h:02d}" + (f":{rest // 60:02d}" if rest else ""), None
    raise AssertionError(p)


def format_datetime(fmt: str, f: _Fields) -> str:
    out: list[str] = []
    i, n = 0, len(fmt)
    while i < n:
        fm = False
        if fmt.startswith(("FM", "fm"), i):
            fm, i = True, i + 2
        pattern = next((p for p in _PATTERNS if fmt.startswith(p, i)), None)
        if pattern is None:
            i = _literal(fmt, i, out)
            continue
        i += len(pattern)
        text, number = _value(pattern, f, fm)
        if fmt.startswith(("TH", "th"), i) and number is not None:
            text += _ordinal(number, fmt[i] == "T")
            i += 2
        out.append(text)
    return "".join(out)


def _literal(fmt: str, i: int, out: list[str]) -> int:
    c = fmt[i]
    if c == '"':
        end = i + 1
        while end < len(fmt) and fmt[end] != '"':
            if fmt[end] == "\\" and end + 1 < len(fmt):
                end += 1
            out.append(fmt[end])
            end += 1
        return end + 1
    if c == "\\" and i + 1 < len(fmt) and fmt[i + 1] == '"':
        out.append('"')
        return i + 2
    out.append(c)
    return i + 1


@factory("timestamp_to_char", "timestamptz_to_char")
def _ts_to_char(node: Any, ctx: Any) -> Any:
    tz = node.func.impl == "timestamptz_to_char"

    def to_char(v: Any, fmt: str) -> str | None:
        if isinstance(v, InfiniteTime) or fmt == "":
            return None
        usec = usec_of(v)
        if tz:
            offset, abbrev = ctx.settings.timezone.at_utc(usec)
            return format_datetime(fmt, _Fields(utc_to_local(usec, ctx), offset, abbrev))
        return format_datetime(fmt, _Fields(usec, None, ""))
    return to_char


# ---- numbers -------------------------------------------------------------------------------------


def format_number(value: Decimal, fmt: str) -> str:
    """NUM_processor() for 9 0 . D , G S MI PL SG FM (no EEEE/RN/V/PR)."""
    fm = "FM" in fmt.upper()
    body = fmt.replace("FM", "").replace("fm", "")
    upper = body.upper()
    if any(p in upper for p in ("EEEE", "RN", "V", "PR", "L", "TH")):
        raise E.invalid("to_char() pattern is not supported locally", "0A000")
    point = next((i for i, c in enumerate(body) if c in ".Dd"), len(body))
    int_digits = sum(1 for c in body[:point] if c in "90")
    frac_digits = sum(1 for c in body[point:] if c in "90")
    rounded = value.quantize(Decimal(1).scaleb(-frac_digits), rounding=ROUND_HALF_UP)
    negative = rounded < 0
    digits = format(abs(rounded), "f")
    whole, _, frac = digits.partition(".")
    whole = "" if whole == "0" and "0" not in body[:point] else whole
    if len(whole) > int_digits:
        return _hashes(body, fm)
    out = _render(body, point, whole.rjust(int_digits), frac.ljust(frac_digits, "0"), fm)
    explicit_sign = any(p in upper for p in ("S", "MI", "PL", "SG"))
    if not explicit_sign:
        sign = "-" if negative else ("" if fm else " ")
        stripped = out.lstrip(" ")
        out = (" " * (len(out) - len(stripped)) + sign + stripped) if not fm else sign + stripped
    elif out.startswith("\x00S"):  # a leading S is anchored to the number
        stripped = out[2:].lstrip(" ")
        out = " " * (len(out) - 2 - len(stripped)) + ("-" if negative else "+") + stripped
    else:
        out = out.replace("\x00S", "-" if negative else "+").replace(
            "\x00M", "-" if negative else " ").replace("\x00P", "+" if not negative else " ")
    return out.strip() if fm else out


def _render(body: str, point: int, whole: str, frac: str, fm: bool) -> str:
    out: list[str] = []
    wi = fi = 0
    started = False
    for i, c in enumerate(body):
        u = c.upper()
        if i < point and c in "90":
            ch = whole[wi]
            wi += 1
            if ch == " " and c == "0":
                ch = "0"
            started = started or ch != " "
            out.append(ch)
        elif i > point and c in "90":
            ch = frac[fi]
            fi += 1
            out.append(ch)
        elif i == point:
            out.append(".")
        elif c in ",Gg":
            out.append("," if started else " ")
        elif u == "S":
            out.append("\x00S")
        elif body[i:i + 2].upper() == "MI":
            out.append("\x00M")
        elif u == "I" and body[i - 1:i + 1].upper() == "MI":
            continue
        elif body[i:i + 2].upper() in ("PL", "SG"):
            out.append("\x00P" if body[i:i + 2].upper() == "PL" else "\x00S")
        elif u in "LG" or (u == "G" and body[i - 1:i + 1].upper() == "SG"):
            continue
        else:
            out.append(c)
    text = "".join(out)
    if fm:
        text = text.rstrip("0") if "." in text and any(c == "9" for c in body[point:]) else text
        text = text.rstrip(".") if text.endswith(".") else text
    return text


def _hashes(body: str, fm: bool) -> str:
    text = "".join("#" if c in "90" else ("." if c in ".Dd" else c) for c in body)
    return text if fm else " " + text


@factory("numeric_to_char", "int4_to_char", "int8_to_char", "float8_to_char",
         "float4_to_char")
def _num_to_char(node: Any, ctx: Any) -> Any:
    def to_char(v: Any, fmt: str) -> str | None:
        if fmt == "":
            return None
        return format_number(Decimal(repr(v)) if isinstance(v, float) else Decimal(v), fmt)
    return to_char

