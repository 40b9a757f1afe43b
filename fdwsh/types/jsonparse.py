"""PostgreSQL 15's JSON lexer and recursive-descent parser (src/common/jsonapi.c), with its
error messages and CONTEXT lines.

Contract: :func:`parse_json` validates ``text`` as PostgreSQL's json_in does (escapes checked
but kept) or, with ``decode=True``, builds the value as jsonb_in sees it (strings de-escaped,
``\\u0000`` and lone surrogates rejected): JsonObject/list/str/Number/True/False/None, where a
number stays its lexeme (``Number``) for the caller to convert.  Errors are FdwshErrors with
PostgreSQL's message, DETAIL and ``JSON data, line N: ...`` CONTEXT.  Works on UTF-8 bytes,
since PostgreSQL's positions and the 50-byte context window are byte based.
"""

from __future__ import annotations

from fdwsh.errors import FdwshError

END, OBJ_START, OBJ_END, ARR_START, ARR_END, COMMA, COLON, STRING, NUMBER, TRUE, FALSE, NULL = (
    "END", "{", "}", "[", "]", ",", ":", "STRING", "NUMBER", "true", "false", "null")
_PUNCT = {ord("{"): OBJ_START, ord("}"): OBJ_END, ord("["): ARR_START, ord("]"): ARR_END,
          ord(","): COMMA, ord(":"): COLON}
_ESCAPES = {ord('"'): '"', ord("\\"): "\\", ord("/"): "/", ord("b"): "\b", ord("f"): "\f",
            ord("n"): "\n", ord("r"): "\r", ord("t"): "\t"}
_HEX = {c: int(chr(c), 16) for c in b"0123456789abcdefABCDEF"}


class Number(str):
    """A JSON number's lexeme (jsonb turns it into numeric)."""


class JsonObject:
    """A parsed object: its (key, value) pairs in input order, duplicates included."""

    __slots__ = ("pairs",)

    def __init__(self, pairs: list[tuple[str, object]]) -> None:
        self.pairs = pairs


class JsonError(Exception):
    def __init__(self, detail: str, unicode: bool = False) -> None:
        super().__init__(detail)
        self.detail = detail
        self.unicode = unicode


def _alnum(b: int) -> bool:
    return (48 <= b <= 57) or (65 <= b <= 90) or (97 <= b <= 122) or b == 95 or b >= 0x80


def _mblen(b: int) -> int:
    return 1 if b < 0x80 else 2 if b < 0xE0 else 3 if b < 0xF0 else 4


class Lexer:
    def __init__(self, data: bytes, decode: bool) -> None:
        self.data = data
        self.decode = decode
        self.start: int | None = 0
        self.term = 0
        self.kind = "INVALID"  # the type of the last token lexed successfully
        self.line = 1
        self.line_start = 0
        self.value: object = None

    def token_text(self) -> str:
        start = self.start if self.start is not None else self.term
        return self.data[start:self.term].decode("utf-8", "replace")

    def lex(self) -> None:
        data, n = self.data, len(self.data)
        s = self.term
        while s < n and data[s] in b" \t\n\r":
            s += 1
            if data[s - 1] == 10:
                self.line += 1
                self.line_start = s
        self.start = s
        if s >= n:
            self.start, self.term, self.kind = None, s, END
            return
        c = data[s]
        if c in _PUNCT:
            self.term, self.kind = s + 1, _PUNCT[c]
        elif c == 34:
            self._string(s)
        elif c == 45 or 48 <= c <= 57:
            self._number(s, s + 1 if c == 45 else s)
        else:
            p = s
            while p < n and _alnum(data[p]):
                p += 1
            if p == s:
                self.term = s + 1
                raise JsonError(f'Token "{self.token_text()}" is invalid.')
            self.term = p
            word = data[s:p]
            if word in (b"true", b"false", b"null"):
                self.kind = word.decode()
                self.value = {b"true": True, b"false": False, b"null": None}[word]
            else:
                raise JsonError(f'Token "{self.token_text()}" is invalid.')

    def _number(self, start: int, s: int) -> None:
        data, n, error = self.data, len(self.data), False
        if s < n and data[s] == 48:
            s += 1
        elif s < n and 49 <= data[s] <= 57:
            while s < n and 48 <= data[s] <= 57:
                s += 1
        else:
            error = True
        if s < n and data[s] == 46:
            s += 1
            if s == n or not 48 <= data[s] <= 57:
                error = True
            while s < n and 48 <= data[s] <= 57:
                s += 1
        if s < n and data[s] in b"eE":
            s += 1
            if s < n and data[s] in b"+-":
                s += 1
            if s == n or not 48 <= data[s] <= 57:
                error = True
            while s < n and 48 <= data[s] <= 57:
                s += 1
        while s < n and _alnum(data[s]):
            s += 1
            error = True
        self.term = s
        if error:
            raise JsonError(f'Token "{self.token_text()}" is invalid.')
        self.kind, self.value = NUMBER, Number(data[start:s].decode())

    def _string(self, start: int) -> None:
        data, n = self.data, len(self.data)
        out: list[str] = []
        hi = -1
        s = start
        while True:
            s += 1
            if s >= n:
                self.term = s
                raise JsonError(f'Token "{self.token_text()}" is invalid.')
            c = data[s]
            if c == 34:
                break
            if c < 32:
                self.term = s
                raise JsonError(f"Character with value 0x{c:02x} must be escaped.")
            if c == 92:
                s += 1
                if s >= n:
                    self.term = s
                    raise JsonError(f'Token "{self.token_text()}" is invalid.')
                if data[s] == 117:
                    s, hi = self._unicode(s, hi, out)
                    continue
                if self.decode and hi != -1:
                    self._fail_after(s)
                if data[s] not in _ESCAPES:
                    self.start, self.term = s, s + _mblen(data[s])
                    raise JsonError(f'Escape sequence "\\{self.token_text()}" is invalid.')
                out.append(_ESCAPES[data[s]])
            else:
                if self.decode and hi != -1:
                    self._fail_after(s)
                end = s + 1
                while end < n and data[end] not in b'"\\' and data[end] >= 32:
                    end += 1
                out.append(data[s:end].decode())
                s = end - 1
        if self.decode and hi != -1:
            self._fail_after(s)
        self.term, self.kind = s + 1, STRING
        self.value = "".join(out) if self.decode else None

    def _fail_after(self, s: int, detail: str = "Unicode low surrogate must follow a high "
                    "surrogate.", unicode: bool = False) -> None:
        """FAIL_AT_CHAR_END(): the error's context ends after the character at ``s``."""
        self.term = s + _mblen(self.data[s])
        raise JsonError(detail, unicode)

    def _unicode(self, s: int, hi: int, out: list[str]) -> tuple[int, int]:
        data, n, ch = self.data, len(self.data), 0
        for _ in range(4):
            s += 1
            if s >= n:
                self.term = s
                raise JsonError(f'Token "{self.token_text()}" is invalid.')
            if data[s] not in _HEX:
                self.term = s + _mblen(data[s])
                raise JsonError('"\\u" must be followed by four hexadecimal digits.')
            ch = ch * 16 + _HEX[data[s]]
        if not self.decode:
            return s, hi
        if 0xD800 <= ch <= 0xDBFF:
            if hi != -1:
                self._fail_after(s, "Unicode high surrogate must not follow a high surrogate.")
            return s, ch
        if 0xDC00 <= ch <= 0xDFFF:
            if hi == -1:
                self._fail_after(s)
            ch = ((hi & 0x3FF) << 10) + (ch & 0x3FF) + 0x10000
            hi = -1
        if hi != -1:
            self._fail_after(s)
        if ch == 0:
            self._fail_after(s, "\\u0000 cannot be converted to text.", unicode=True)
        out.append(chr(ch))
        return s, hi


class Parser:
    def __init__(self, lexer: Lexer) -> None:
        self.lx = lexer

    def expected(self, what: str) -> JsonError:
        if self.lx.start is None or self.lx.kind == END:
            return JsonError("The input string ended unexpectedly.")
        return JsonError(f'Expected {what}, but found "{self.lx.token_text()}".')

    def expect(self, kind: str, what: str) -> None:
        if self.lx.kind != kind:
            raise self.expected(what)
        self.lx.lex()

    def value(self) -> object:
        kind = self.lx.kind
        if kind == OBJ_START:
            return self.obj()
        if kind == ARR_START:
            return self.arr()
        if kind not in (STRING, NUMBER, TRUE, FALSE, NULL):
            raise self.expected("JSON value")
        val = self.lx.value
        self.lx.lex()
        return val

    def obj(self) -> JsonObject:
        self.lx.lex()
        pairs: list[tuple[str, object]] = []
        if self.lx.kind == STRING:
            pairs.append(self.field())
            while self.lx.kind == COMMA:
                self.lx.lex()
                pairs.append(self.field())
        elif self.lx.kind != OBJ_END:
            raise self.expected('string or "}"')
        self.expect(OBJ_END, '"," or "}"')
        return JsonObject(pairs)

    def field(self) -> tuple[str, object]:
        if self.lx.kind != STRING:
            raise self.expected("string")
        key = self.lx.value
        self.lx.lex()
        self.expect(COLON, '":"')
        return key, self.value()  # type: ignore[return-value]

    def arr(self) -> list[object]:
        self.lx.lex()
        items: list[object] = []
        if self.lx.kind != ARR_END:
            items.append(self.value())
            while self.lx.kind == COMMA:
                self.lx.lex()
                items.append(self.value())
        self.expect(ARR_END, '"," or "]"')
        return items


def _context(lx: Lexer) -> str:
    data = lx.data
    start, end = lx.line_start, lx.term
    while end - start >= 50:
        start += _mblen(data[start])
    if start - lx.line_start <= 3:
        start = lx.line_start
    prefix = "..." if start > lx.line_start else ""
    suffix = "..." if (lx.kind != END and end < len(data) and data[end:end + 1] not in
                       (b"\n", b"\r")) else ""
    text = data[start:end].decode("utf-8", "replace")
    return f"JSON data, line {lx.line}: {prefix}{text}{suffix}"


def parse_json(text: str, decode: bool = False) -> object:
    """Parse like pg_parse_json(); objects come back as :class:`JsonObject`."""
    lx = Lexer(text.encode(), decode)
    try:
        lx.lex()
        value = Parser(lx).value()
        if lx.kind != END:
            raise Parser(lx).expected("end of input")
        return value
    except JsonError as err:
        if err.unicode:
            raise FdwshError("unsupported Unicode escape sequence", sqlstate="22P05",
                             detail=err.detail, context=_context(lx)) from None
        raise FdwshError("invalid input syntax for type json", sqlstate="22P02",
                         detail=err.detail, context=_context(lx)) from None
