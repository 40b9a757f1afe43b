"""How DML reaches the remote, counted on the remote side by a statement-level trigger: rows
of a SELECT computed here go by one COPY (into a plain table, when nothing needs INSERTs), else
in INSERT batches of ``batch_size`` (the table's option, else the server's, else 1000; at most
65535 parameters); a source the target's server can evaluate goes as one INSERT … SELECT; rows
located by ctid are changed 100,000 per statement."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.dml_bed import DmlBed
from tests.pgcluster import Cluster

COUNT_STATEMENTS = """
CREATE TABLE statements (op text);
CREATE FUNCTION count_statement() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN INSERT INTO public.statements VALUES (TG_OP); RETURN NULL; END$$;
CREATE TRIGGER count_t AFTER INSERT OR UPDATE OR DELETE ON t
    FOR EACH STATEMENT EXECUTE FUNCTION count_statement();
CREATE TRIGGER count_many AFTER INSERT OR UPDATE OR DELETE ON many
    FOR EACH STATEMENT EXECUTE FUNCTION count_statement();
"""


@pytest.fixture
def bed(pg: Cluster, tmp_path: Path) -> DmlBed:
    bed = DmlBed.create(pg, tmp_path)
    bed.remote(COUNT_STATEMENTS)
    return bed


def _statements(bed: DmlBed) -> str:
    return bed.remote("SELECT op, count(*) FROM statements GROUP BY op ORDER BY op")


def test_rows_from_another_server_go_in_batches_of_the_tables_batch_size(bed: DmlBed) -> None:
    bed.pg.psql("INSERT INTO cust SELECT g, g % 3 FROM generate_series(11, 25) g", bed.b,
                check=True)
    out = bed.fdwsh("-c", "ALTER FOREIGN TABLE ft OPTIONS (ADD batch_size '4')",
                    "-c", "INSERT INTO ft (id, a) SELECT id + 100, 'c' || id FROM cust"
                    " RETURNING id").stdout
    assert out.endswith("(25 rows)\n\nINSERT 0 25\n"), out
    assert _statements(bed) == "INSERT|7\n"  # 25 rows, 4 at a time
    assert bed.remote("SELECT count(*), min(id), max(id) FROM t WHERE id > 100") == \
        "25|101|125\n"


def test_the_servers_batch_size_applies_when_the_table_has_none(bed: DmlBed) -> None:
    out = bed.fdwsh("-c", "ALTER SERVER s OPTIONS (ADD batch_size '3')",
                    "-c", "INSERT INTO ft (id, a) VALUES (101, 'a'), (102, 'b'), (103, 'c'),"
                    " (104, 'd')").stdout
    assert out == "ALTER SERVER\nINSERT 0 4\n"
    assert _statements(bed) == "INSERT|2\n"


def test_a_source_the_target_server_can_evaluate_is_one_statement(bed: DmlBed) -> None:
    out = bed.fdwsh("-c", "INSERT INTO ft (id, a) SELECT g, 'g' || g"
                    " FROM generate_series(1000, 25999) g",
                    "-c", "INSERT INTO ft (id, a) SELECT id + 100000, a FROM ft").stdout
    assert out == "INSERT 0 25000\nINSERT 0 25008\n"
    assert _statements(bed) == "INSERT|2\n"


def test_rows_of_a_select_go_by_one_copy(bed: DmlBed) -> None:
    out = bed.fdwsh("-c", "INSERT INTO ft (id, a) SELECT g, (random() * 0)::text"
                    " FROM generate_series(1000, 3499) g",
                    "-c", "INSERT INTO ft (id, a) SELECT id + 5000, 'c' || tier FROM cust").stdout
    assert out == "INSERT 0 2500\nINSERT 0 10\n"
    assert _statements(bed) == "INSERT|2\n"
    assert bed.remote("SELECT count(*), sum(b), count(*) FILTER (WHERE a = '0') FROM t") == \
        "2518|105780|2500\n"  # 2510 x the declared DEFAULT 42, not the remote's 7


def test_a_remote_view_is_filled_by_insert_batches(bed: DmlBed) -> None:
    bed.remote("CREATE VIEW v AS SELECT * FROM t")
    out = bed.fdwsh("-c", "CREATE FOREIGN TABLE fv (id int, a text, b int, c numeric)"
                    " SERVER s OPTIONS (table_name 'v')",
                    "-c", "INSERT INTO fv (id, a) SELECT g, (random() * 0)::text"
                    " FROM generate_series(1000, 3499) g").stdout
    assert out == "CREATE FOREIGN TABLE\nINSERT 0 2500\n"
    assert _statements(bed) == "INSERT|3\n"


def test_returning_and_on_conflict_need_insert_statements(bed: DmlBed) -> None:
    out = bed.fdwsh("-c", "INSERT INTO ft (id, a) SELECT id, 'c' FROM cust ON CONFLICT DO NOTHING",
                    "-c", "INSERT INTO ft (id, a) SELECT id + 20, 'c' FROM cust RETURNING 1"
                    ).stdout
    assert out.startswith("INSERT 0 2\n")  # ids 9 and 10 are new
    assert _statements(bed) == "INSERT|2\n"


def test_located_rows_are_changed_a_hundred_thousand_per_statement(bed: DmlBed) -> None:
    bed.remote("INSERT INTO many SELECT g, g FROM generate_series(30001, 250000) g")
    bed.remote("DELETE FROM statements")
    out = bed.fdwsh("-c", "UPDATE many SET v = v + (random() * 0)::int WHERE id <= 250000",
                    "-c", "DELETE FROM many WHERE id > (random() * 0)::int + 5000").stdout
    assert out == "UPDATE 250000\nDELETE 245000\n"
    assert _statements(bed) == "DELETE|3\nUPDATE|3\n"
    assert bed.remote("SELECT count(*), max(id) FROM many") == "5000|5000\n"


def test_a_direct_update_across_servers_is_one_statement(bed: DmlBed) -> None:
    out = bed.fdwsh("-c", "UPDATE ft SET b = 1 WHERE id IN (SELECT id FROM cust WHERE tier > 0)"
                    ).stdout
    assert out == "UPDATE 6\n"
    assert _statements(bed) == "UPDATE|1\n"
