"""Fuzzing fdwsh: input strategies (hypothesis) and a runner that feeds one input to fdwsh.

The inputs are scripts: SQL from a small grammar (queries, catalog DDL, DML and COPY on foreign
tables whose server refuses connections, transaction control), backslash commands with odd
arguments, and mutations of both (truncated, spliced, bytes flipped, NULs, invalid UTF-8,
unterminated quotes, dollar quotes and comments, huge statements, deep nesting).

:func:`run_input` runs fdwsh's real command line (cli.app) in this process, on stdin, a ``-f``
file or ``-c``, against a copy of a prepared catalog.  In-process, because a fresh interpreter
per input would make 10,000 inputs take hours; the suite's end-to-end sample
(tests/test_fuzz_inputs.py) checks the same property on real processes.  The property:

- no exception leaves fdwsh (no traceback) and no ``internal error`` is printed;
- the exit status is psql's: 0, 1 or 3;
- it ends within the time limit;
- the catalog passes ``PRAGMA integrity_check``.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import sqlite3
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from hypothesis import strategies as st

from tests.pgcluster import free_port

# -- the grammar ----------------------------------------------------------------------------------

NAMES = ["ft", "fx", "public.ft", '"Odd ""Name"""', "missing", "s1.t", "pg_class", "x"]
COLUMNS = ["a", "b", "c", "ft.a", '"A"', "*"]
FUNCS = ["abs", "lower", "upper", "length", "coalesce", "substr", "round", "greatest",
         "md5", "now", "to_char", "array_length", "nullif", "sum", "count", "max"]
TYPES = ["int", "text", "numeric(5,2)", "date", "bool", "int[]", "varchar(3)", "float8",
         "timestamptz", "jsonb", "nosuchtype"]
LITERALS = st.sampled_from(["1", "0", "-1", "2147483648", "1e308", "1.5", "NULL", "true",
                            "'a'", "'it''s'", "E'\\\\x'", "$$dollar$$", "'2024-02-30'::date",
                            "'{1,2}'::int[]", "'NaN'::float8", "B'101'", "U&'\\0041'",
                            "'\u00e9\u4e2d'", "9.99::numeric(2,1)", "interval '1 day'"])

expressions = st.recursive(
    LITERALS | st.sampled_from(COLUMNS[:-1]),
    lambda inner: st.one_of(
        st.tuples(inner, st.sampled_from(["+", "-", "*", "/", "%", "||", "=", "<", "<>",
                                          "AND", "OR", "IS DISTINCT FROM", "LIKE"]), inner)
        .map(" ".join),
        st.tuples(st.sampled_from(FUNCS), st.lists(inner, max_size=3))
        .map(lambda f: f"{f[0]}({', '.join(f[1])})"),
        inner.map(lambda e: f"({e})"),
        st.tuples(inner, st.sampled_from(TYPES)).map(lambda c: f"CAST({c[0]} AS {c[1]})"),
        st.tuples(inner, inner, inner).map(lambda c: f"CASE WHEN {c[0]} THEN {c[1]} ELSE {c[2]} END"),
        inner.map(lambda e: f"(SELECT {e})"),
        inner.map(lambda e: f"NOT {e}"),
    ), max_leaves=12)

selects = st.builds(
    lambda cols, src, where, tail: f"SELECT {', '.join(cols)}{src}{where}{tail}",
    st.lists(expressions, min_size=1, max_size=3),
    st.sampled_from(["", " FROM ft", " FROM fx", " FROM missing", " FROM (VALUES (1, 'x')) v(a, b)",
                     " FROM generate_series(1, 3) a", " FROM ft JOIN fx USING (a)",
                     " FROM pg_class"]),
    st.one_of(st.just(""), expressions.map(lambda e: f" WHERE {e}")),
    st.sampled_from(["", " GROUP BY 1", " ORDER BY 1 DESC", " LIMIT 2", " OFFSET 1",
                     " UNION ALL SELECT 1", " FOR UPDATE"]))

ddl = st.one_of(
    st.sampled_from(NAMES).map(lambda n: f"CREATE SCHEMA {n}"),
    st.builds(lambda n, cols, opts: f"CREATE FOREIGN TABLE {n} ({cols}) SERVER s{opts}",
              st.sampled_from(NAMES), st.lists(st.tuples(st.sampled_from(COLUMNS[:-1]),
                                                        st.sampled_from(TYPES)), max_size=3)
              .map(lambda cs: ", ".join(f"{c} {t}" for c, t in cs)),
              st.sampled_from(["", " OPTIONS (table_name 'x''; DROP TABLE y; --')",
                               " OPTIONS (fetch_size '-1')", " OPTIONS (nosuch 'x')"])),
    st.sampled_from(NAMES).map(lambda n: f"DROP FOREIGN TABLE {n}"),
    st.sampled_from(NAMES).map(lambda n: f"ALTER FOREIGN TABLE {n} ADD COLUMN z int"),
    st.sampled_from(NAMES).map(lambda n: f"ALTER FOREIGN TABLE {n} RENAME TO r"),
    st.sampled_from(NAMES).map(lambda n: f"COMMENT ON FOREIGN TABLE {n} IS 'c'"),
    st.sampled_from(["CREATE SERVER s2 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (port 'x')",
                     "ALTER SERVER s OPTIONS (SET port '1')", "DROP SERVER s CASCADE",
                     "CREATE USER MAPPING FOR public SERVER s OPTIONS (password 'p')",
                     "IMPORT FOREIGN SCHEMA public FROM SERVER s INTO public",
                     "DROP SCHEMA public CASCADE", "CREATE EXTENSION postgres_fdw",
                     "ANALYZE ft", "TRUNCATE ft", "DROP EXTENSION postgres_fdw CASCADE"]))

other_sql = st.one_of(
    st.sampled_from(["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT a", "ROLLBACK TO a", "RELEASE a",
                     "SET work_mem = '64kB'", "SHOW search_path", "SET search_path = nope",
                     "PREPARE TRANSACTION 'x'", "LISTEN x", "VACUUM", "DISCARD ALL"]),
    selects.map(lambda s: f"EXPLAIN (VERBOSE) {s}"),
    expressions.map(lambda e: f"INSERT INTO ft VALUES ({e})"),
    expressions.map(lambda e: f"UPDATE ft SET a = {e} WHERE {e}"),
    expressions.map(lambda e: f"DELETE FROM fx WHERE {e}"),
    st.just("COPY ft FROM STDIN;\n1\tx\n\\N\t\\N\n\\."),
    st.just("COPY (SELECT 1) TO STDOUT"),
)

statements = st.one_of(selects, ddl, other_sql).map(lambda s: s + ";")

ODD_ARGS = st.sampled_from(["", "x", "'unterminated", '"q', "`echo hi`", ":var", ":'var'",
                            "+", "S*", "*.*", "a.b.c.d", "-1", "99999999999999999999",
                            "on", "nonsense", "\\", "''", "%", "\u00e9", "ft", "'/nonexistent'"])
META = ["d", "d+", "dt", "det+", "des+", "deu+", "dew", "dn", "df", "dT", "l", "z", "dp",
        "pset", "pset format", "pset border", "pset null", "x", "a", "t", "set", "unset",
        "echo", "qecho", "warn", "conninfo", "encoding", "h", "?", "timing", "if", "elif",
        "else", "endif", "i", "ir", "o", "copy", "g", "gset", "gx", "p", "r", "w /dev/null",
        "cd", "sf", "drift", "C", "f", "H", "T", "prompt", "errverbose", "q"]
metas = st.builds(lambda name, args: "\\" + name + "".join(" " + a for a in args),
                  st.sampled_from(META), st.lists(ODD_ARGS, max_size=3))

lines = st.one_of(statements, statements, metas)
scripts = st.lists(lines, min_size=1, max_size=6).map(lambda ls: "\n".join(ls) + "\n")

BREAKERS = ["'", '"', "$$", "$a$", "/*", "--", "\\", "\0", "\n", ";", "(", ")", "E'\\",
            ":'", "\\if x\n", "\udcff", "\udcc3(", "\udce2\udc82"]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """A generated script broken: cut, spliced with another, characters replaced or inserted."""
    text = draw(scripts)
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(text)))
        how = draw(st.sampled_from(["cut", "splice", "flip", "insert"]))
        if how == "cut":
            text = text[:at]
        elif how == "splice":
            other = draw(scripts)
            text = text[:at] + other[draw(st.integers(0, len(other))):]
        elif how == "flip" and text:
            at = min(at, len(text) - 1)
            text = text[:at] + chr(ord(text[at]) ^ (1 << draw(st.integers(0, 6)))) + text[at + 1:]
        else:
            text = text[:at] + draw(st.sampled_from(BREAKERS)) + text[at:]
    return text


def nested(depth: int) -> str:
    return "SELECT " + "(" * depth + "1" + ")" * depth + ";\n"


def huge(size: int) -> str:
    return "SELECT " + "+".join(["1"] * (size // 2)) + " AS x;\n"


#: Inputs every run includes: pglast's and Python's limits, and each odd byte.
EXTREMES = [
    nested(5000), nested(200_000), "SELECT " + "-" * 5000 + "1;\n",
    "SELECT " + " OR ".join(["a = 1"] * 3000) + " FROM ft;\n",
    "SELECT ARRAY" + "[" * 3000 + "1" + "]" * 3000 + ";\n",
    "SELECT " + "NOT " * 10000 + "true;\n",
    huge(1 << 20), "SELECT '" + "x" * (1 << 20) + "';\n",
    "SELECT 'never closed\n", 'SELECT "never closed\n', "SELECT $$ never closed\n",
    "SELECT $a$ x $b$ never $a closed\n", "SELECT /* never closed\n", "/* /* nested */\n",
    "SELECT 1 -- comment\\\n;\n", "SELECT 'a\0b';\nSELECT 2;\n", "\0\0\0\n",
    "SELECT '\udcff\udcfe';\n", "\\echo \udcff\n", "COPY ft FROM STDIN;\n1\t\udcff\n\\.\n",
    "\\if\n", "\\if true\n\\if false\n", "\\endif\n\\else\n", "\\set x 'unterminated\n",
    "\\pset format\n\\pset format nope\n\\pset border 99999999999999999999\n",
    "\\copy ft from '/nonexistent'\n", "\\copy\n", "\\i /nonexistent\n", "\\o /\n",
    "BEGIN;\nCREATE SCHEMA a;\nSELECT 1/0;\nCREATE SCHEMA b;\nCOMMIT;\n",
    "\\set ON_ERROR_STOP on\nSELECT 1/0;\nSELECT 2;\n", ";;;;\n", "\n" * 1000,
]

# -- running one input ----------------------------------------------------------------------------


class Hang(BaseException):
    """The input ran past its time limit."""


@dataclass
class Outcome:
    status: int | None
    output: str
    seconds: float
    problem: str | None  # None: the property holds


def prepare_catalog(directory: Path) -> Path:
    """A catalog with a server that refuses connections and two foreign tables on it."""
    catalog = directory / "template.db"
    port = free_port()
    script = ("CREATE EXTENSION postgres_fdw;\n"
              f"CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '127.0.0.1', "
              f"port '{port}', dbname 'x', connect_timeout '2');\n"
              "CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (user 'u', password 'pw');\n"
              "CREATE FOREIGN TABLE ft (a int, b text, c numeric) SERVER s;\n"
              "CREATE FOREIGN TABLE fx (a int, \"A\" text) SERVER s OPTIONS (table_name 'x');\n")
    outcome = run_input(script, "stdin", catalog, directory, fresh=False)
    assert outcome.status == 0 and not outcome.problem, outcome
    return catalog


@contextmanager
def _captured(stdin: bytes) -> Iterator[io.BytesIO]:
    """sys.stdin/stdout/stderr as fdwsh sees them under C.UTF-8, on byte buffers."""
    out = io.BytesIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin = io.TextIOWrapper(io.BytesIO(stdin), encoding="utf-8", errors="surrogateescape")
    wrapper = io.TextIOWrapper(out, encoding="utf-8", errors="surrogateescape",
                               write_through=True)
    sys.stdout = sys.stderr = wrapper
    try:
        yield out
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        if not wrapper.closed:
            wrapper.flush()
            wrapper.detach()  # else collecting the wrapper closes ``out`` before it is read


def _alarm(signum: int, frame: object) -> None:
    raise Hang()


def run_input(text: str, via: str, template: Path, workdir: Path, *, timeout: float = 20,
              fresh: bool = True) -> Outcome:
    """Run ``text`` through fdwsh (``via`` stdin, file or command) and check the property."""
    from fdwsh import cli

    catalog = workdir / "catalog.db"
    if fresh:
        for side in ("", "-wal", "-shm"):
            Path(str(catalog) + side).unlink(missing_ok=True)
        shutil.copyfile(template, catalog)
        catalog.chmod(0o600)
    else:
        catalog = template
    data = text.encode("utf-8", "surrogateescape")
    args = ["-X", "--catalog", str(catalog)]
    if via == "file":
        script = workdir / "input.sql"
        script.write_bytes(data)
        args += ["-f", str(script)]
    elif via == "command":
        args += ["-c", text.replace("\0", "")]  # argv cannot hold NUL
    status: int | None = None
    problem: str | None = None
    started = time.monotonic()
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, timeout)
    cwd = os.getcwd()
    os.chdir(workdir)
    try:
        with _captured(data if via == "stdin" else b"") as out:
            try:
                status = cli.app(args, standalone_mode=False, prog_name="fdwsh")
            except Hang:
                problem = f"no result within {timeout} s"
            except SystemExit as exc:
                status = int(exc.code or 0)
            except BaseException as exc:  # noqa: BLE001 - this is what must never happen
                problem = f"exception left fdwsh: {exc!r}"
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        os.chdir(cwd)
    output = out.getvalue().decode("utf-8", "replace")
    problem = problem or _check(status, output, catalog)
    return Outcome(status, output, time.monotonic() - started, problem)


def _check(status: int | None, output: str, catalog: Path) -> str | None:
    if status not in (0, 1, 3):
        return f"exit status {status}"
    if "Traceback" in output or "internal error" in output:
        return "traceback or internal error in the output"
    with sqlite3.connect(catalog) as db:
        verdict = db.execute("PRAGMA integrity_check").fetchone()[0]
    db.close()
    return None if verdict == "ok" else f"integrity_check: {verdict}"


def workspace() -> tempfile.TemporaryDirectory[str]:
    return tempfile.TemporaryDirectory(prefix="fdwsh-fuzz-")
