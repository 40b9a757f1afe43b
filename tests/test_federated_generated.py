"""Generated differential test of cross-server queries.

The bed (tests/remote_bed.py) declares the same remote tables through two servers: ``loopback``
(``orders``, ``customers``, ``regions``, ``ft1``) and ``loopback2`` (``s2.customers``,
``s2.regions``, ``s2.ft1``).  A query whose FROM clause holds tables of both runs in fdwsh's own
executor (pushed scans, remote joins and aggregates, dynamic filtering, local joins, aggregates,
windows), and psql with postgres_fdw on the oracle database knows its right answer.

Hypothesis builds such queries from a few composable strategies: a *source* (a table, or a
sub-select of one, on a given server), a *FROM clause* joining two or three sources of both
servers (inner/left/right/full JOIN ON an equality, JOIN USING, comma + WHERE), *conditions*
(comparisons, IS NULL, IN lists, LIKE, BETWEEN, cross-table comparisons, IN/EXISTS sub-selects,
now and then a mistake that must fail with PostgreSQL's error) and a *query shape* (plain or
DISTINCT columns and expressions — CASE, correlated scalar sub-selects — with a window function
or not, GROUP BY with aggregates and HAVING, a whole-table aggregate).  Every query orders by
all of its output columns (with NULLS FIRST/LAST variants), so its output is fixed, and may end
in LIMIT/OFFSET.

Each example is a batch of queries run through one ``fdwsh -At -f -`` process and one
``psql -At -f -`` process on the oracle (outputs separated with ``\\echo`` markers); outputs,
errors included, must be identical query by query.  A failure names every differing query
with both outputs.  Shrinking is off (each attempt runs two processes); the failing queries are
printed whole, and are small.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.remote_bed import QueryBed, normalise_remote_sql, query_bed  # noqa: F401

SEPARATOR = "=====next query====="
BATCH = 30  # queries per example (one fdwsh and one psql process)
EXAMPLES = 12  # examples per run: BATCH * EXAMPLES generated queries


# ---------------------------------------------------------------------------------------------
# The tables, and the values their filters use


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # int, num, text, date, ts, tstz
    values: tuple[str, ...]  # SQL literals worth comparing with
    unique: bool = False  # no two rows share a (non-NULL) value: joins on it stay small

    @property
    def numeric(self) -> bool:
        return self.kind in ("int", "num")


def _ints(*values: int) -> tuple[str, ...]:
    return tuple(str(v) for v in values)


def _texts(*values: str) -> tuple[str, ...]:
    return tuple("'" + v.replace("'", "''") + "'" for v in values)


ORDERS = (
    Column("id", "int", _ints(1, 7, 50, 120, 200, 399), unique=True),
    Column("customer_id", "int", _ints(1, 3, 17, 20, 45, 60, 66)),
    Column("amount", "num", ("10.5", "250", "499.99", "750.25", "990")),
    Column("qty", "int", _ints(1, 3, 5, 9)),
    Column("status", "text", _texts("new", "paid", "shipped", "cancelled", "p%", "%e%")),
    Column("ordered_at", "ts", ("timestamp '2023-01-15'", "timestamp '2023-04-01 12:00'",
                                "timestamp '2023-08-30'")),
    Column("note", "text", _texts("gift, wrap", "g%", "%")),
)
CUSTOMERS = (
    Column("id", "int", _ints(1, 5, 13, 26, 40, 60), unique=True),
    Column("name", "text", _texts("Customer 01", "Customer 3%", "Customer _5", "%1%"),
           unique=True),
    Column("region_id", "int", _ints(1, 2, 3, 4, 5)),
    Column("email", "text", _texts("c1@example.com", "c2%", "%@example.com")),
    Column("signup", "date", ("date '2020-03-01'", "date '2020-09-15'", "date '2021-06-01'")),
)
REGIONS = (
    Column("id", "int", _ints(1, 2, 3, 4, 5, 6), unique=True),
    Column("name", "text", _texts("North", "South", "East", "West", "Central", "%th",
                                  "_est"), unique=True),
)
FT1 = (
    Column("c1", "int", _ints(1, 10, 33, 60, 100, 120), unique=True),
    Column("c2", "int", _ints(0, 1, 5, 9)),
    Column("c3", "text", _texts("00001", "00042", "0001%", "%7"), unique=True),
    Column("c4", "tstz", ("timestamptz '1970-01-15 00:00+00'",
                          "timestamptz '1970-03-01 12:00+00'")),
    Column("c5", "ts", ("timestamp '1970-01-20'", "timestamp '1970-02-28'")),
    Column("c6", "text", _texts("1", "5", "9", "%")),
)

#: name -> (server, alias prefix, columns); loopback2's tables read the same remote data
TABLES: dict[str, tuple[int, str, tuple[Column, ...]]] = {
    "orders": (1, "o", ORDERS),
    "customers": (1, "c", CUSTOMERS),
    "regions": (1, "r", REGIONS),
    "ft1": (1, "f", FT1),
    "s2.customers": (2, "sc", CUSTOMERS),
    "s2.regions": (2, "sr", REGIONS),
    "s2.ft1": (2, "sf", FT1),
}


@dataclass(frozen=True)
class Source:
    """An entry of a FROM clause: its SQL, its alias and the columns it offers."""

    sql: str
    alias: str
    server: int
    columns: tuple[Column, ...]

    def ref(self, column: Column) -> str:
        return f"{self.alias}.{column.name}"


def tables_of(server: int) -> list[str]:
    return [name for name, (srv, _, _) in TABLES.items() if srv == server]


# ---------------------------------------------------------------------------------------------
# Conditions

COMPARE = ["=", "<>", "<", "<=", ">", ">="]


@st.composite
def column_filter(draw: st.DrawFn, ref: str, column: Column) -> str:
    """One condition on one column: comparison, IS [NOT] NULL, [NOT] IN, BETWEEN, LIKE."""
    value = st.sampled_from(column.values)
    form = draw(st.sampled_from(["compare", "null", "in", "between"]
                                + (["like"] if column.kind == "text" else [])))
    if draw(st.integers(0, 40)) == 20:  # now and then a mistake: an error with LINE and caret
        return draw(st.sampled_from([f"{ref} = 1 + 'x'", f"{ref} @@@ 1", f"{ref}.nope = 1"]))
    if form == "compare":
        return f"{ref} {draw(st.sampled_from(COMPARE))} {draw(value)}"
    if form == "null":
        return f"{ref} IS {draw(st.sampled_from(['', 'NOT ', 'NOT ']))}NULL"
    if form == "in":
        items = draw(st.lists(value, min_size=1, max_size=3, unique=True))
        return f"{ref} {draw(st.sampled_from(['', 'NOT ']))}IN ({', '.join(items)})"
    if form == "between":
        low, high = sorted(draw(st.lists(value, min_size=2, max_size=2, unique=True)),
                           key=float if column.numeric else str)
        return f"{ref} {draw(st.sampled_from(['', 'NOT ']))}BETWEEN {low} AND {high}"
    like = draw(st.sampled_from(["LIKE", "NOT LIKE", "ILIKE"]))
    return f"{ref} {like} {draw(value)}"


@st.composite
def source_filter(draw: st.DrawFn, source: Source) -> str:
    column = draw(st.sampled_from(source.columns))
    return draw(column_filter(source.ref(column), column))


@st.composite
def cross_condition(draw: st.DrawFn, a: Source, b: Source) -> str:
    """A condition on two sources: a comparison of their columns, or an OR of two filters."""
    pairs = [(x, y) for x in a.columns for y in b.columns
             if x.kind == y.kind or (x.numeric and y.numeric)]
    if pairs and draw(st.booleans()):
        x, y = draw(st.sampled_from(pairs))
        left = draw(st.sampled_from([a.ref(x), f"coalesce({a.ref(x)}, {x.values[0]})"]))
        return f"{left} {draw(st.sampled_from(COMPARE))} {b.ref(y)}"
    return f"({draw(source_filter(a))} OR {draw(source_filter(b))})"


@st.composite
def subquery_condition(draw: st.DrawFn, outer: Source) -> str:
    """[NOT] IN (SELECT …) or [NOT] EXISTS (SELECT … correlated) on a table of either server."""
    table = draw(st.sampled_from(sorted(TABLES)))
    inner = Source(table, "x", TABLES[table][0], TABLES[table][2])
    pairs = [(x, y) for x in outer.columns for y in inner.columns if x.kind == y.kind == "int"]
    x, y = draw(st.sampled_from(pairs))
    where = draw(st.lists(source_filter(inner), max_size=1))
    negate = draw(st.sampled_from(["", "NOT "]))
    if draw(st.booleans()):
        clause = f" WHERE {where[0]}" if where else ""
        return f"{outer.ref(x)} {negate}IN (SELECT x.{y.name} FROM {table} x{clause})"
    conditions = " AND ".join([f"x.{y.name} = {outer.ref(x)}", *where])
    return f"{negate}EXISTS (SELECT 1 FROM {table} x WHERE {conditions})"


# ---------------------------------------------------------------------------------------------
# Sources and FROM clauses


@st.composite
def source(draw: st.DrawFn, server: int, index: int) -> Source:
    """A table of ``server``, or a sub-select of one (filtered columns, or grouped)."""
    table = draw(st.sampled_from(tables_of(server)))
    _, prefix, columns = TABLES[table]
    alias = f"{prefix}{index}"
    kind = draw(st.sampled_from(["table", "table", "table", "select", "group"]))
    if kind == "table":
        return Source(f"{table} {alias}", alias, server, columns)
    base = Source(table, table, server, columns)  # inside the sub-select: unqualified names
    if kind == "select":
        key = next(c for c in columns if c.unique)
        keep = [key] + draw(st.lists(st.sampled_from([c for c in columns if c is not key]),
                                     min_size=1, max_size=2, unique=True))
        where = draw(st.lists(source_filter(base), max_size=1))
        clause = f" WHERE {where[0]}".replace(f"{table}.", "") if where else ""
        sql = f"(SELECT {', '.join(c.name for c in keep)} FROM {table}{clause}) {alias}"
        return Source(sql, alias, server, tuple(keep))
    key = draw(st.sampled_from([c for c in columns if c.kind in ("int", "text")]))
    measured = draw(st.sampled_from([c for c in columns if c.numeric]))
    agg = draw(st.sampled_from(["sum", "max", "min"]))
    sql = (f"(SELECT {key.name}, count(*) AS n, {agg}({measured.name}) AS m FROM {table} "
           f"GROUP BY {key.name}) {alias}")
    return Source(sql, alias, server, (
        replace(key, unique=True), Column("n", "int", _ints(1, 2, 12, 15)),
        Column("m", measured.kind, measured.values)))


@dataclass(frozen=True)
class From:
    sql: str
    sources: tuple[Source, ...]
    where: tuple[str, ...]  # conditions the FROM clause needs in WHERE (comma joins)


def join_pairs(olds: list[Source], new: Source) -> list[tuple[Source, Column, Column]]:
    """Equalities joining ``new`` to one of ``olds`` that keep the result small (one side
    unique), else any equality of integers (every source has an integer column)."""
    ints = [(old, x, y) for old in olds for x in old.columns for y in new.columns
            if x.kind == y.kind == "int"]
    small = [(old, x, y) for old in olds for x in old.columns for y in new.columns
             if (x.unique or y.unique)
             and (x.kind == y.kind == "int" or (x.kind == y.kind == "text"
                                                and x.name == y.name))]
    return small or ints


@st.composite
def from_clause(draw: st.DrawFn) -> From:
    """Two or three sources, at least one of each server, joined one after the other."""
    first_server = draw(st.sampled_from([1, 2]))
    sources = [draw(source(first_server, 1))]
    sql, where = sources[0].sql, []
    group_start = 0  # a JOIN's ON may only name the sources since the last comma
    for index in range(2, draw(st.integers(2, 3)) + 1):
        servers = {s.server for s in sources}
        server = draw(st.sampled_from([1, 2])) if len(servers) == 2 else 3 - servers.pop()
        new = draw(source(server, index))
        olds = sources[group_start:]
        using = [c.name for c in new.columns
                 if c.unique and sum(c.name in {x.name for x in s.columns} for s in olds) == 1
                 and sum(c.name in {x.name for x in s.columns} for s in sources) == 1]
        join = draw(st.sampled_from(["JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN", ","]
                                    + (["USING"] if using else [])))
        if join == "USING":
            kind = draw(st.sampled_from(["JOIN", "LEFT JOIN", "RIGHT JOIN", "FULL JOIN"]))
            sql += f" {kind} {new.sql} USING ({draw(st.sampled_from(using))})"
        else:
            pairs = join_pairs(sources if join == "," else olds, new)
            old, x, y = draw(st.sampled_from(pairs))
            condition = f"{old.ref(x)} = {new.ref(y)}"
            if join == ",":
                sql += f", {new.sql}"
                where.append(condition)
                group_start = len(sources)
            else:
                if join == "JOIN" or join == "LEFT JOIN":
                    extra = draw(st.lists(source_filter(new), max_size=1))
                    condition = " AND ".join([condition, *extra])
                sql += f" {join} {new.sql} ON {condition}"
        sources.append(new)
    return From(sql, tuple(sources), tuple(where))


# ---------------------------------------------------------------------------------------------
# Output columns and query shapes


@st.composite
def column_ref(draw: st.DrawFn, sources: tuple[Source, ...]) -> tuple[str, Column]:
    src = draw(st.sampled_from(sources))
    column = draw(st.sampled_from(src.columns))
    return src.ref(column), column


@st.composite
def expression(draw: st.DrawFn, sources: tuple[Source, ...]) -> str:
    """A column, or a small expression of one or two."""
    ref, column = draw(column_ref(sources))
    form = draw(st.sampled_from(["column", "column", "unary", "binary", "case", "scalar"]))
    if form == "column":
        return ref
    if form == "scalar":  # a correlated scalar sub-select on a table of either server
        table = draw(st.sampled_from(sorted(TABLES)))
        inner = [c for c in TABLES[table][2] if c.kind == column.kind and c.kind != "tstz"]
        if not inner:
            return ref
        match = draw(st.sampled_from(inner))
        agg = draw(st.sampled_from(["count(*)", f"max(x.{match.name})", f"min(x.{match.name})"]))
        return f"(SELECT {agg} FROM {table} x WHERE x.{match.name} = {ref})"
    if form == "unary":
        if column.numeric:
            return draw(st.sampled_from([f"{ref} + 1", f"{ref} * 2", f"-{ref}",
                                         f"coalesce({ref}, 0)"]))
        if column.kind == "text":
            return draw(st.sampled_from([f"upper({ref})", f"length({ref})", f"{ref} || '!'",
                                         f"coalesce({ref}, '?')"]))
        return f"{ref} IS NULL"
    if form == "binary":
        other, other_col = draw(column_ref(sources))
        if column.numeric and other_col.numeric:
            return draw(st.sampled_from([f"{ref} + {other}", f"coalesce({ref}, {other})"]))
        return f"{ref}::text || '/' || {other}::text"
    return f"CASE WHEN {draw(column_filter(ref, column))} THEN 'yes' ELSE 'no' END"


@st.composite
def aggregate(draw: st.DrawFn, sources: tuple[Source, ...]) -> str:
    ref, column = draw(column_ref(sources))
    names = ["count(*)", f"count({ref})", f"count(DISTINCT {ref})", f"min({ref})",
             f"max({ref})"]
    if column.numeric:
        names += [f"sum({ref})", f"avg({ref})"]
    if column.kind == "text":
        names += [f"string_agg({ref}, ',' ORDER BY {ref})",
                  f"string_agg(DISTINCT {ref}, ';' ORDER BY {ref} DESC)"]
    return draw(st.sampled_from(names))


@st.composite
def window(draw: st.DrawFn, sources: tuple[Source, ...]) -> str:
    """A window function whose values do not depend on the order of peers."""
    partition, _ = draw(column_ref(sources))
    order, _ = draw(column_ref(sources))
    arg, column = draw(column_ref(sources))
    function = draw(st.sampled_from(["rank()", "dense_rank()", "count(*)", f"max({arg})"]
                                    + ([f"sum({arg})"] if column.numeric else [])))
    spec = draw(st.sampled_from([f"PARTITION BY {partition}", f"ORDER BY {order}",
                                 f"PARTITION BY {partition} ORDER BY {order} DESC", ""]))
    if function in ("rank()", "dense_rank()") and "ORDER BY" not in spec:
        spec = f"ORDER BY {order}"
    return f"{function} OVER ({spec})"


DIRECTIONS = ["", " DESC", " NULLS FIRST", " NULLS LAST", " DESC NULLS FIRST",
              " DESC NULLS LAST"]


@st.composite
def order_and_limit(draw: st.DrawFn, width: int, one_row: bool = False) -> str:
    """ORDER BY every output column (any order, any direction), LIMIT/OFFSET or not (not
    after an aggregate of all rows: it has one)."""
    positions = draw(st.permutations(range(1, width + 1)))
    order = ", ".join(f"{p}{draw(st.sampled_from(DIRECTIONS))}" for p in positions)
    tail = "" if one_row else draw(st.sampled_from(
        ["", "", "", " LIMIT {n}", " LIMIT {n} OFFSET {m}", " OFFSET 1"]))
    return f" ORDER BY {order}" + tail.format(n=draw(st.integers(0, 12)),
                                              m=draw(st.integers(0, 4)))


@st.composite
def query(draw: st.DrawFn) -> str:
    """One SELECT over a two-server FROM clause."""
    frm = draw(from_clause())
    sources = frm.sources
    where = list(frm.where)
    for src in sources:
        if draw(st.integers(0, 2)) == 0:
            where.append(draw(source_filter(src)))
    if draw(st.integers(0, 2)) == 0:
        a, b = draw(st.permutations(sources))[:2]
        where.append(draw(cross_condition(a, b)))
    if draw(st.integers(0, 3)) == 0:
        where.append(draw(subquery_condition(draw(st.sampled_from(sources)))))
    where_sql = f" WHERE {' AND '.join(where)}" if where else ""

    shape = draw(st.sampled_from(["plain", "plain", "grouped", "grouped", "total"]))
    if shape == "plain":
        items = draw(st.lists(expression(sources), min_size=1, max_size=4))
        items += draw(st.lists(window(sources), max_size=1))
        distinct = draw(st.sampled_from(["", "", "DISTINCT "]))
        head, group = f"SELECT {distinct}{', '.join(items)}", ""
    elif shape == "grouped":
        keys = draw(st.lists(column_ref(sources), min_size=1, max_size=2,
                             unique_by=lambda k: k[0]))
        aggs = draw(st.lists(aggregate(sources), min_size=1, max_size=3))
        items = [k for k, _ in keys] + aggs
        if draw(st.integers(0, 4)) == 0:
            items.append(f"rank() OVER (ORDER BY {aggs[0]})")
        group = f" GROUP BY {', '.join(k for k, _ in keys)}"
        if draw(st.booleans()):
            group += draw(st.sampled_from([f" HAVING count(*) > {draw(st.integers(0, 6))}",
                                           f" HAVING {aggs[0]} IS NOT NULL",
                                           f" HAVING count(*) < {draw(st.integers(1, 20))}"]))
        head = f"SELECT {', '.join(items)}"
    else:
        items = draw(st.lists(aggregate(sources), min_size=1, max_size=3))
        head, group = f"SELECT {', '.join(items)}", ""
    tail = draw(order_and_limit(len(items), one_row=shape == "total"))
    return f"{head} FROM {frm.sql}{where_sql}{group}{tail}"


# ---------------------------------------------------------------------------------------------
# The test


def batch_outputs(bed: QueryBed, queries: list[str]) -> tuple[list[str], list[str]]:
    """Each query's output from fdwsh and from psql on the oracle (one process each, the same
    script, so line numbers in error prefixes agree)."""
    script = "".join(f"{sql};\n\\echo {SEPARATOR}\n" for sql in queries)
    got = normalise_remote_sql(bed.fdwsh("-A", "-t", "-f", "-", input=script).stdout)
    expected = bed.psql("-A", "-t", "-f", "-", input=script).stdout
    expected = normalise_remote_sql(expected.replace("psql:", "fdwsh:"))
    split = [text.split(SEPARATOR + "\n") for text in (got, expected)]
    for parts, text in zip(split, (got, expected)):
        assert len(parts) == len(queries) + 1 and parts[-1] == "", text[-2000:]
    return split[0][:-1], split[1][:-1]


class Batch(list):
    """The queries of one example; its repr (in hypothesis' report) only counts them, as the
    assertion message shows the queries that differ."""

    def __repr__(self) -> str:
        return f"<{len(self)} generated queries>"


def describe(differences: list[tuple[str, str, str]]) -> str:
    return "\n".join(f"\n{sql};\n--- psql (oracle):\n{expected}--- fdwsh:\n{got}"
                     for sql, expected, got in differences)


@settings(max_examples=EXAMPLES, deadline=None, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(query(), min_size=BATCH, max_size=BATCH).map(Batch))
def test_generated_cross_server_queries_print_what_postgres_fdw_prints(
        query_bed: QueryBed, queries: list[str]) -> None:  # noqa: F811
    got, expected = batch_outputs(query_bed, queries)
    differences = [(sql, e, g) for sql, e, g in zip(queries, expected, got) if e != g]
    assert not differences, f"{len(differences)} of {len(queries)} queries differ:" + describe(
        differences)
