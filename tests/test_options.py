"""Generic options follow PostgreSQL 15 and postgres_fdw's validator (option.c).

The oracle part sends the same OPTIONS lists to PostgreSQL (with postgres_fdw) and to fdwsh and
compares every outcome: which names each object kind accepts (the HINT lists them), how option
values are parsed (booleans, integers, floating point numbers, extension lists, exactly as the
server's C code reads them), and the ADD/SET/DROP rules and resulting order.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from fdwsh.catalog.options import (COLUMN, FOREIGN_TABLE, SERVER, USER_MAPPING, VALID_OPTIONS,
                                   OptionChange, extension_list, parse_int, parse_real,
                                   transform_options, validate_options)
from fdwsh.catalog.store import CatalogStore
from fdwsh.errors import FdwshError
from tests.ddl_oracle import PgOracle, comparable, fdwsh_state, run_fdwsh
from tests.pgcluster import Cluster

NUMBERS = ["1", "0", "-1", "x", "", " 5 ", "1.5", "2.5", "0.4", "0x10", "010", "08", "1e3",
           "1e10", "2147483647", "2147483648", "99999999999999999999", "inf", "-inf", "nan",
           "0x", "1 x", "+3", ".5", "1e-400", "1e400", "5ms", "-0", "0x1p3", "0x1.8", "1e",
           "\t7\n", "infinity", "1_000"]
BOOLEANS = ["true", "TRUE", "On", "off", "FALSE", "yes", "no", "1", "0", "t", "", " true"]
EXTENSIONS = ["", "postgres_fdw", "a", "a,b", " a , b ", "a,,b", '"A b",c', '"unterminated',
              "Mixed", ",", "a,", '""', 'x"y', '"a""b"', "postgres_fdw, other"]


def _literal(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _servers(option: str, values: list[str], prefix: str = "s") -> list[str]:
    return [f"CREATE SERVER {prefix}{i} FOREIGN DATA WRAPPER postgres_fdw "
            f"OPTIONS ({option} {_literal(value)});" for i, value in enumerate(values)]


def _server_script(*lists: list[str]) -> str:
    return "\n".join(["CREATE EXTENSION postgres_fdw;", *(s for lst in lists for s in lst)])


ORACLE_SCRIPTS = {
    "fetch_size": _server_script(_servers("fetch_size", NUMBERS)),
    "batch_size": _server_script(_servers("batch_size", NUMBERS[:12])),
    "fdw_startup_cost": _server_script(_servers("fdw_startup_cost", NUMBERS)),
    "fdw_tuple_cost": _server_script(_servers("fdw_tuple_cost", NUMBERS[:12])),
    "booleans": _server_script(_servers("use_remote_estimate", BOOLEANS),
                               _servers("keep_connections", BOOLEANS[:6], "k"),
                               _servers("parallel_commit", BOOLEANS[6:], "p")),
    "extensions": _server_script(_servers("extensions", EXTENSIONS)),
    "contexts": """
        CREATE EXTENSION postgres_fdw;
        CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (nope 'x');
        CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'h', port '1');
        CREATE USER MAPPING FOR public SERVER s OPTIONS (nope 'x');
        CREATE USER MAPPING FOR public SERVER s OPTIONS (fetch_size '1');
        CREATE FOREIGN TABLE t (a int) SERVER s OPTIONS (nope 'x');
        CREATE FOREIGN TABLE t (a int) SERVER s OPTIONS (host 'x');
        CREATE FOREIGN TABLE t (a int OPTIONS (nope 'x')) SERVER s;
        CREATE FOREIGN TABLE t (a int OPTIONS (table_name 'x')) SERVER s;
        CREATE USER MAPPING FOR public SERVER s OPTIONS (password_required 'no');
        CREATE USER MAPPING FOR public SERVER s OPTIONS (user 'u', password 'p', sslkey 'k',
            sslcert 'c', sslpassword 'x', password_required 'off');
        CREATE FOREIGN TABLE t (a int OPTIONS (column_name 'b')) SERVER s OPTIONS (
            schema_name 's', table_name 't', use_remote_estimate 'on', updatable 'off',
            truncatable 'true', fetch_size '5', batch_size '6', async_capable 'false');
    """,
    "alter_order": """
        CREATE EXTENSION postgres_fdw;
        CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'a', port '1', dbname 'd');
        ALTER SERVER s OPTIONS (ADD host 'b');
        ALTER SERVER s OPTIONS (SET nohost 'x');
        ALTER SERVER s OPTIONS (DROP nohost);
        ALTER SERVER s OPTIONS (SET port '2', SET port '3');
        ALTER SERVER s OPTIONS (DROP port, DROP port);
        ALTER SERVER s OPTIONS (DROP host, ADD sslmode 'require', ADD host 'c', SET dbname 'e');
        ALTER SERVER s OPTIONS (ADD port '4', DROP port, ADD port '5');
        ALTER SERVER s OPTIONS (SET fetch_size '1', ADD nope 'x');
        ALTER SERVER s OPTIONS (ADD fetch_size '0');
    """,
}


@pytest.fixture(scope="module")
def oracle(pg: Cluster) -> Iterator[PgOracle]:
    oracle = PgOracle(pg.create_database(f"options_oracle_{os.getpid()}"))
    yield oracle
    oracle.close()


@pytest.mark.parametrize("name", sorted(ORACLE_SCRIPTS))
def test_options_behave_as_in_postgresql(name: str, oracle: PgOracle) -> None:
    expected, pg_catalog = oracle.run(ORACLE_SCRIPTS[name])
    store = CatalogStore(":memory:")
    got = run_fdwsh(store, ORACLE_SCRIPTS[name])
    for want, have in zip(comparable(expected), comparable(got), strict=True):
        assert have == want
    assert fdwsh_state(store) == pg_catalog


def test_hint_lists_every_valid_option_of_the_context() -> None:
    for context in (SERVER, USER_MAPPING, FOREIGN_TABLE, COLUMN):
        with pytest.raises(FdwshError) as err:
            validate_options([("nope", "x")], context)
        assert err.value.sqlstate == "HV00D"
        assert err.value.hint == ("Valid options in this context are: "
                                  + ", ".join(VALID_OPTIONS[context]))


def test_option_lists_keep_postgresql_order() -> None:
    """ADD appends, SET replaces in place, DROP removes: pg_foreign_server.srvoptions order."""
    current = [("host", "a"), ("port", "1"), ("dbname", "d")]
    changes = [OptionChange("host", action="DROP"), OptionChange("sslmode", "require", "ADD"),
               OptionChange("dbname", "e", "SET"), OptionChange("host", "h")]
    assert transform_options(current, changes, SERVER) == [
        ("port", "1"), ("dbname", "e"), ("sslmode", "require"), ("host", "h")]


def test_unvalidated_options_skip_the_validator() -> None:
    """A wrapper without validator (not postgres_fdw) accepts any option name."""
    assert transform_options([], [OptionChange("anything", "x")], SERVER, validate=False) == [
        ("anything", "x")]


def test_number_parsing_matches_guc_rules() -> None:
    assert [parse_int(v) for v in ("0x10", "010", "1.5", "2.5", " 7 ", "08", "1e3")] == [
        16, 8, 2, 2, 7, None, 1000]
    assert [parse_real(v) for v in ("1e3", " .5 ", "inf", "nan", "1e-400", "0x1p3")] == [
        1000.0, 0.5, float("inf"), None, None, 8.0]


def test_extension_lists_split_like_identifiers() -> None:
    assert extension_list(' Foo , "Bar Baz",qux') == ["foo", "Bar Baz", "qux"]
    with pytest.raises(FdwshError, match='parameter "extensions" must be a list'):
        extension_list("a,,b")
