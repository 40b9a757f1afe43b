"""Catalog DDL behaves as PostgreSQL 15 + postgres_fdw: oracle tests.

Each script runs through PostgreSQL (one statement at a time, as with autocommit) and through
``fdwsh.catalog.ddl.execute``; every statement must give the same command tag, the same notices
and the same error (SQLSTATE, message, detail, hint, cursor position), and the catalogs must end
up alike (servers, options in order, user mappings, schemas, foreign tables with their columns'
``format_type`` text, defaults as ``\\d`` shows them, collations, comments).  ``SETUP`` creates
the roles PostgreSQL needs; fdwsh accepts any role name.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from pglast import parse_sql

from fdwsh.catalog import ddl
from fdwsh.catalog.store import CatalogStore
from tests.ddl_oracle import PgOracle, comparable, dump, fdwsh_state, run_fdwsh
from tests.pgcluster import Cluster

SETUP = "CREATE ROLE bob; CREATE ROLE carol"
EXT = "CREATE EXTENSION postgres_fdw;\n"
SRV = EXT + "CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw;\n"

SCRIPTS: dict[str, str] = {
    "extension": """
        CREATE EXTENSION postgres_fdw;
        CREATE EXTENSION postgres_fdw;
        CREATE EXTENSION IF NOT EXISTS postgres_fdw;
        DROP EXTENSION postgres_fdw;
        DROP EXTENSION postgres_fdw;
        DROP EXTENSION IF EXISTS postgres_fdw, nox;
        CREATE EXTENSION postgres_fdw SCHEMA nosch;
        CREATE EXTENSION postgres_fdw VERSION '2.0';
        CREATE EXTENSION postgres_fdw SCHEMA public SCHEMA public;
        CREATE EXTENSION "a--b";
        CREATE EXTENSION "-ab";
        CREATE EXTENSION "a/b";
        CREATE SCHEMA ext;
        CREATE EXTENSION postgres_fdw WITH SCHEMA ext VERSION '1.0' CASCADE;
        COMMENT ON EXTENSION postgres_fdw IS 'wrapper';
        COMMENT ON EXTENSION nox IS 'x';
        COMMENT ON FOREIGN DATA WRAPPER postgres_fdw IS 'fdw';
        COMMENT ON FOREIGN DATA WRAPPER nox IS 'x';
    """,
    "no_extension": """
        CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw;
        CREATE SERVER s FOREIGN DATA WRAPPER nofdw;
        DROP SERVER s;
        CREATE USER MAPPING FOR public SERVER s;
        CREATE FOREIGN TABLE ft (a int) SERVER s;
    """,
    "server": EXT + """
        CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw;
        CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw;
        CREATE SERVER IF NOT EXISTS s FOREIGN DATA WRAPPER postgres_fdw;
        CREATE SERVER IF NOT EXISTS s2 FOREIGN DATA WRAPPER nofdw;
        CREATE SERVER s3 TYPE 'x' VERSION '1' FOREIGN DATA WRAPPER postgres_fdw
            OPTIONS (host 'h', port '5432', dbname 'd');
        ALTER SERVER s3 OPTIONS (ADD host 'x');
        ALTER SERVER s3 OPTIONS (SET nohost 'x');
        ALTER SERVER s3 OPTIONS (DROP nohost);
        ALTER SERVER s3 OPTIONS (DROP host, ADD host 'z', SET port '1');
        ALTER SERVER s3 OPTIONS (foo 'x');
        ALTER SERVER s3 VERSION '2';
        ALTER SERVER s3 VERSION NULL;
        ALTER SERVER s3 VERSION '3' OPTIONS (ADD fetch_size '50');
        ALTER SERVER nos OPTIONS (foo 'x');
        ALTER SERVER s3 RENAME TO s;
        ALTER SERVER s3 RENAME TO s4;
        ALTER SERVER nos RENAME TO s5;
        ALTER SERVER s4 OWNER TO bob;
        ALTER SERVER s OWNER TO CURRENT_USER;
        ALTER SERVER s OWNER TO public;
        ALTER SERVER nos OWNER TO bob;
        COMMENT ON SERVER s4 IS 'the server';
        COMMENT ON SERVER s IS 'x';
        COMMENT ON SERVER s IS '';
        COMMENT ON SERVER nos IS 'x';
        DROP SERVER nos;
        DROP SERVER IF EXISTS nos;
        DROP SERVER s, nos;
        DROP SERVER IF EXISTS nos, s;
    """,
    "server_options": EXT + """
        CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'a', foo 'b');
        CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'a', host 'b');
        CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (user 'x');
        CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (fetch_size '0');
        CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (fetch_size 'x');
        CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (batch_size '-1');
        CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (fdw_startup_cost '-1');
        CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (fdw_tuple_cost 'x');
        CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (updatable 'x');
        CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (keep_connections '1');
        CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (extensions 'a,,b');
        CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (fetch_size '0', foo 'x');
        CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (foo 'x', fetch_size '0');
        CREATE SERVER a FOREIGN DATA WRAPPER postgres_fdw OPTIONS (
            host 'h', port '1', dbname 'd', use_remote_estimate 'TRUE', updatable 'off',
            fetch_size '1.5', batch_size '010', fdw_startup_cost '1e3', fdw_tuple_cost ' .5 ',
            extensions 'postgres_fdw, "Odd", Other', async_capable 'On', parallel_commit 'false',
            keep_connections 'true', truncatable 'on', sslmode 'whatever');
        ALTER SERVER a OPTIONS (SET fetch_size '0');
        ALTER SERVER a OPTIONS (SET fetch_size '7', SET fetch_size '8', DROP port);
    """,
    "user_mapping": SRV + """
        CREATE USER MAPPING FOR bob SERVER s OPTIONS (user 'x', password 'p');
        CREATE USER MAPPING FOR bob SERVER s;
        CREATE USER MAPPING IF NOT EXISTS FOR bob SERVER s;
        CREATE USER MAPPING FOR bob SERVER nos;
        CREATE USER MAPPING IF NOT EXISTS FOR bob SERVER nos;
        CREATE USER MAPPING FOR public SERVER s;
        CREATE USER MAPPING FOR "public" SERVER s;
        CREATE USER MAPPING FOR CURRENT_USER SERVER s OPTIONS (password_required 'false');
        CREATE USER MAPPING FOR USER SERVER s;
        CREATE USER MAPPING FOR CURRENT_ROLE SERVER s;
        CREATE USER MAPPING FOR SESSION_USER SERVER s;
        CREATE USER MAPPING FOR carol SERVER s OPTIONS (host 'h');
        CREATE USER MAPPING FOR carol SERVER s OPTIONS (password_required 'maybe');
        ALTER USER MAPPING FOR bob SERVER s OPTIONS (ADD user 'y');
        ALTER USER MAPPING FOR bob SERVER s OPTIONS (SET user 'y', DROP password, ADD sslkey 'k');
        ALTER USER MAPPING FOR bob SERVER s OPTIONS (foo 'z');
        ALTER USER MAPPING FOR postgres SERVER nos OPTIONS (SET user 'y');
        ALTER USER MAPPING FOR postgres SERVER s OPTIONS (user 'y');
        ALTER USER MAPPING FOR public SERVER s OPTIONS (user 'y', sslpassword 'z');
        ALTER USER MAPPING FOR carol SERVER s OPTIONS (user 'y');
        DROP USER MAPPING FOR carol SERVER s;
        DROP USER MAPPING IF EXISTS FOR carol SERVER s;
        DROP USER MAPPING FOR carol SERVER nos;
        DROP USER MAPPING IF EXISTS FOR carol SERVER nos;
        DROP USER MAPPING FOR public SERVER s;
        DROP USER MAPPING FOR public SERVER s;
        DROP USER MAPPING IF EXISTS FOR public SERVER s;
    """,
    "drop_dependencies": EXT + """
        CREATE SERVER s1 FOREIGN DATA WRAPPER postgres_fdw;
        CREATE SERVER s2 FOREIGN DATA WRAPPER postgres_fdw;
        CREATE USER MAPPING FOR public SERVER s1;
        CREATE USER MAPPING FOR bob SERVER s1;
        CREATE FOREIGN TABLE t1 (a int) SERVER s1;
        CREATE USER MAPPING FOR postgres SERVER s2;
        CREATE SCHEMA sch;
        CREATE FOREIGN TABLE sch.t2 (a int) SERVER s1;
        CREATE FOREIGN TABLE t3 (a int) SERVER s2;
        CREATE FOREIGN TABLE sch.t4 (a int) SERVER s2;
        DROP SERVER s1;
        DROP SERVER s1, s2;
        DROP SERVER IF EXISTS nos, s2;
        DROP SCHEMA sch;
        DROP SCHEMA sch, public;
        DROP EXTENSION postgres_fdw;
        DROP EXTENSION postgres_fdw RESTRICT;
        DROP FOREIGN TABLE t1, t3;
        DROP SERVER s1 CASCADE;
        DROP SCHEMA sch CASCADE;
        DROP SERVER s2 CASCADE;
        CREATE SERVER s3 FOREIGN DATA WRAPPER postgres_fdw;
        CREATE FOREIGN TABLE t5 (a int) SERVER s3;
        DROP SERVER s3 CASCADE;
        CREATE SERVER s3 FOREIGN DATA WRAPPER postgres_fdw;
        DROP SERVER s3 CASCADE;
    """,
    "drop_extension_cascade": EXT + """
        CREATE SERVER s1 FOREIGN DATA WRAPPER postgres_fdw;
        CREATE SCHEMA sch;
        CREATE FOREIGN TABLE sch.t1 (a int) SERVER s1;
        CREATE SERVER s2 FOREIGN DATA WRAPPER postgres_fdw;
        CREATE USER MAPPING FOR bob SERVER s2;
        CREATE FOREIGN TABLE t2 (a int) SERVER s1;
        DROP EXTENSION postgres_fdw CASCADE;
        CREATE EXTENSION postgres_fdw;
        CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw;
        CREATE FOREIGN TABLE t3 (a int) SERVER s;
        DROP SCHEMA public;
        DROP SCHEMA public CASCADE;
        CREATE FOREIGN TABLE t4 (a int) SERVER s;
    """,
    "user_schema_first": """
        CREATE SCHEMA postgres;
        CREATE EXTENSION postgres_fdw;
        CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw;
        CREATE FOREIGN TABLE x (a int) SERVER s;
        CREATE FOREIGN TABLE public.x (a int) SERVER s;
        CREATE FOREIGN TABLE public.y (a int) SERVER s;
        ALTER FOREIGN TABLE y RENAME TO z;
        DROP FOREIGN TABLE x;
        DROP SERVER s;
        DROP SCHEMA postgres;
    """,
    "schema": SRV + """
        CREATE SCHEMA sch;
        CREATE SCHEMA sch;
        CREATE SCHEMA IF NOT EXISTS sch;
        CREATE SCHEMA sch2 AUTHORIZATION bob;
        CREATE SCHEMA AUTHORIZATION carol;
        CREATE SCHEMA IF NOT EXISTS AUTHORIZATION carol;
        CREATE SCHEMA pg_mine;
        CREATE SCHEMA x AUTHORIZATION public;
        COMMENT ON SCHEMA sch IS 'a schema';
        COMMENT ON SCHEMA nosch IS 'x';
        COMMENT ON SCHEMA public IS NULL;
        DROP SCHEMA nosch;
        DROP SCHEMA IF EXISTS nosch;
        DROP SCHEMA IF EXISTS nosch, sch2;
        DROP SCHEMA carol, nosch;
    """,
    "create_table": SRV + """
        CREATE FOREIGN TABLE ft (a int, b text) SERVER s OPTIONS (schema_name 'r', table_name 't');
        CREATE FOREIGN TABLE ft (a int, b text) SERVER s;
        CREATE FOREIGN TABLE IF NOT EXISTS ft (a int, b text) SERVER s;
        CREATE FOREIGN TABLE ft (a foo) SERVER s;
        CREATE FOREIGN TABLE ft2 (a int, a text) SERVER s;
        CREATE FOREIGN TABLE ft2 (a foo) SERVER s;
        CREATE FOREIGN TABLE ft2 (a int) SERVER nos;
        CREATE FOREIGN TABLE nosch.ft2 (a int) SERVER s;
        CREATE FOREIGN TABLE IF NOT EXISTS nosch.ft2 (a int) SERVER s;
        CREATE FOREIGN TABLE ft2 (a int PRIMARY KEY) SERVER s;
        CREATE FOREIGN TABLE ft2 (a int UNIQUE) SERVER s;
        CREATE FOREIGN TABLE ft2 (a int REFERENCES ft (a)) SERVER s;
        CREATE FOREIGN TABLE ft2 (a int, PRIMARY KEY (a)) SERVER s;
        CREATE FOREIGN TABLE ft2 (a int NOT NULL NULL) SERVER s;
        CREATE FOREIGN TABLE ft2 (a int NULL NOT NULL) SERVER s;
        CREATE FOREIGN TABLE ft2 (a int DEFAULT 1 DEFAULT 2) SERVER s;
        CREATE FOREIGN TABLE ft2 (a int COLLATE "C") SERVER s;
        CREATE FOREIGN TABLE ft2 (a text COLLATE nosuch) SERVER s;
        CREATE FOREIGN TABLE ft2 (a text COLLATE public."C") SERVER s;
        CREATE FOREIGN TABLE ft2 (a text COLLATE nosch."C") SERVER s;
        CREATE FOREIGN TABLE ft2 (ctid int) SERVER s;
        CREATE FOREIGN TABLE ft2 (a record) SERVER s;
        CREATE FOREIGN TABLE ft2 (a "any") SERVER s;
        CREATE FOREIGN TABLE ft2 (a int) SERVER s OPTIONS (foo 'x');
        CREATE FOREIGN TABLE ft2 (a int OPTIONS (foo 'x')) SERVER s;
        CREATE FOREIGN TABLE ft2 (a int OPTIONS (column_name 'x', column_name 'y')) SERVER s;
        CREATE FOREIGN TABLE ft2 (a int OPTIONS (column_name 'A'), b int NOT NULL,
            c text COLLATE "C" NOT NULL, d text COLLATE "default", e name COLLATE "C",
            f varchar(3)[] COLLATE "POSIX", g text COLLATE pg_catalog.ucs_basic)
            SERVER s OPTIONS (fetch_size '10', updatable 'false');
        CREATE FOREIGN TABLE ft3 () SERVER s;
        CREATE FOREIGN TABLE ft4 (a int NOT NULL DEFERRABLE) SERVER s;
        CREATE FOREIGN TABLE ft4 (a int DEFAULT b) SERVER s;
        CREATE FOREIGN TABLE "Mixed Case" (a int) SERVER s;
        COMMENT ON FOREIGN TABLE ft IS 'the table';
        COMMENT ON FOREIGN TABLE nosuch IS 'x';
        COMMENT ON FOREIGN TABLE nosch.nosuch IS 'x';
        COMMENT ON COLUMN ft.a IS 'column a';
        COMMENT ON COLUMN public.ft.b IS 'column b';
        COMMENT ON COLUMN ft.zz IS 'x';
        COMMENT ON COLUMN public.ft.zz IS 'x';
        COMMENT ON COLUMN nosuch.a IS 'x';
        COMMENT ON COLUMN ft.b IS NULL;
    """,
    "column_types": SRV + """
        CREATE FOREIGN TABLE tt (a _int4, b int4[], c int[3][4], d pg_catalog.text,
            e "varchar"(5), f bpchar, g "bit", h "timestamp"(3), i "interval", j json,
            k jsonb[], l varchar, m char(5)[], n national character varying(3), o nchar,
            p interval year to month, q interval second(2), r interval minute, s bit(3)[],
            t "char"[], v int2vector, w oidvector, x numeric(5), y numeric(5,-2),
            z timestamp with time zone, aa time(2), ab time(2) with time zone, ac dec(3,1),
            ad name[], ae int4range[], af "int4"[], ag float4[], ah boolean, ai interval(3),
            aj int2vector[], ak bit varying, al bit, am "bit"(3), an timestamptz(0),
            ao interval year, ap float(3), aq float(30), ar double precision, "as" decimal,
            at smallint, au real, av char varying(7), aw character(2), ax uuid, ay money,
            az numeric('5'), ba time without time zone, bb interval day to second(3),
            bc varchar(10)[], be text) SERVER s;
        CREATE FOREIGN TABLE t2 (a timestamp(7), b time(9) with time zone, c interval(8))
            SERVER s;
        CREATE FOREIGN TABLE bad (a int4(3)) SERVER s;
        CREATE FOREIGN TABLE bad (a text(3)) SERVER s;
        CREATE FOREIGN TABLE bad (a varchar(0)) SERVER s;
        CREATE FOREIGN TABLE bad (a varchar(10485761)) SERVER s;
        CREATE FOREIGN TABLE bad (a char(0)) SERVER s;
        CREATE FOREIGN TABLE bad (a numeric(1001)) SERVER s;
        CREATE FOREIGN TABLE bad (a numeric(10, 1001)) SERVER s;
        CREATE FOREIGN TABLE bad (a numeric(10, 2, 3)) SERVER s;
        CREATE FOREIGN TABLE bad (a numeric(1.5)) SERVER s;
        CREATE FOREIGN TABLE bad (a numeric(x)) SERVER s;
        CREATE FOREIGN TABLE bad (a numeric(1+1)) SERVER s;
        CREATE FOREIGN TABLE bad (a numeric(99999999999)) SERVER s;
        CREATE FOREIGN TABLE bad (a bit(0)) SERVER s;
        CREATE FOREIGN TABLE bad (a varbit(0)) SERVER s;
        CREATE FOREIGN TABLE bad (a timestamptz(-1)) SERVER s;
        CREATE FOREIGN TABLE bad (a nosch.foo) SERVER s;
        CREATE FOREIGN TABLE bad (a public.foo) SERVER s;
        CREATE FOREIGN TABLE bad (a pg_catalog.foo) SERVER s;
        CREATE FOREIGN TABLE bad (a x.y.z.foo) SERVER s;
        CREATE FOREIGN TABLE bad (a x.y.int4) SERVER s;
        CREATE FOREIGN TABLE bad (a _int4[]) SERVER s;
        CREATE FOREIGN TABLE bad (a anyelement[]) SERVER s;
        CREATE FOREIGN TABLE bad (a unknown) SERVER s;
        CREATE FOREIGN TABLE bad (a record[]) SERVER s;
    """,
    "defaults": SRV + """
        CREATE FOREIGN TABLE d (a int DEFAULT 1, b text DEFAULT 'x', c timestamptz DEFAULT now(),
            d int DEFAULT 1 + 2, e numeric DEFAULT -1.5, f date DEFAULT current_date,
            g text DEFAULT 'a'::text || 'b', h int DEFAULT NULL, i varchar(3) DEFAULT 'ab',
            j bigint DEFAULT 5, k int DEFAULT '7', l text[] DEFAULT '{}', m boolean DEFAULT true,
            n timestamp DEFAULT current_timestamp, o double precision DEFAULT random(),
            r text DEFAULT current_user, s int DEFAULT (1), t interval DEFAULT '1 day',
            u bigint DEFAULT 2147483648, v numeric DEFAULT 1e3, w real DEFAULT 1.5,
            x int DEFAULT -1, y text DEFAULT E'a\\'b', z int DEFAULT 1::bigint,
            aa numeric(10,2) DEFAULT '1.50', ab boolean DEFAULT 'yes', ac smallint DEFAULT '-3',
            ad int DEFAULT ' 42 ', ae numeric DEFAULT 'NaN', af varchar(5) DEFAULT 'x'::varchar(2),
            ag int DEFAULT NULL::int, ah bigint DEFAULT NULL::int, ai timestamptz DEFAULT
            CURRENT_TIMESTAMP(3), aj text DEFAULT session_user, ak int DEFAULT '7'::int,
            al numeric DEFAULT '1e3', am real DEFAULT '1.5', an int DEFAULT 1 + '2',
            ao date DEFAULT localtimestamp, ap numeric DEFAULT 12.50, aq bigint DEFAULT '-9')
            SERVER s;
        CREATE FOREIGN TABLE bad (a int DEFAULT 'abc') SERVER s;
        CREATE FOREIGN TABLE bad (a int DEFAULT '99999999999') SERVER s;
        CREATE FOREIGN TABLE bad (a boolean DEFAULT 'maybe') SERVER s;
        CREATE FOREIGN TABLE bad (a numeric DEFAULT '1.2.3') SERVER s;
        CREATE FOREIGN TABLE bad (a smallint DEFAULT '40000') SERVER s;
        CREATE FOREIGN TABLE bad (a int, b int DEFAULT a) SERVER s;
    """,
    "alter_table": SRV + """
        CREATE FOREIGN TABLE ft (a int, b text) SERVER s OPTIONS (schema_name 'x');
        ALTER FOREIGN TABLE ft ADD COLUMN c int;
        ALTER FOREIGN TABLE ft ADD COLUMN c int;
        ALTER FOREIGN TABLE ft ADD COLUMN IF NOT EXISTS c int;
        ALTER FOREIGN TABLE ft ADD d varchar(3) OPTIONS (column_name 'dd') NOT NULL DEFAULT 'x';
        ALTER FOREIGN TABLE ft ADD e nosuch;
        ALTER FOREIGN TABLE ft ADD e int OPTIONS (foo 'x');
        ALTER FOREIGN TABLE ft ADD ctid int;
        ALTER FOREIGN TABLE ft DROP COLUMN nosuch;
        ALTER FOREIGN TABLE ft DROP COLUMN IF EXISTS nosuch;
        ALTER FOREIGN TABLE ft DROP COLUMN ctid;
        ALTER FOREIGN TABLE ft DROP c;
        ALTER FOREIGN TABLE ft ALTER COLUMN nosuch TYPE int;
        ALTER FOREIGN TABLE ft ALTER COLUMN a TYPE bigint;
        ALTER FOREIGN TABLE ft ALTER COLUMN a SET DATA TYPE varchar(3);
        ALTER FOREIGN TABLE ft ALTER COLUMN a TYPE int USING a::int;
        ALTER FOREIGN TABLE ft ALTER COLUMN b TYPE varchar(5) COLLATE "C";
        ALTER FOREIGN TABLE ft ALTER COLUMN a SET DEFAULT 'q';
        ALTER FOREIGN TABLE ft ALTER COLUMN a DROP DEFAULT;
        ALTER FOREIGN TABLE ft ALTER COLUMN a SET NOT NULL;
        ALTER FOREIGN TABLE ft ALTER COLUMN nosuch SET NOT NULL;
        ALTER FOREIGN TABLE ft ALTER COLUMN a DROP NOT NULL;
        ALTER FOREIGN TABLE ft ALTER COLUMN b SET NOT NULL;
        ALTER FOREIGN TABLE ft ALTER COLUMN a OPTIONS (column_name 'x');
        ALTER FOREIGN TABLE ft ALTER COLUMN a OPTIONS (SET column_name 'y');
        ALTER FOREIGN TABLE ft ALTER COLUMN a OPTIONS (ADD column_name 'y');
        ALTER FOREIGN TABLE ft ALTER COLUMN a OPTIONS (foo 'y');
        ALTER FOREIGN TABLE ft ALTER COLUMN nosuch OPTIONS (column_name 'y');
        ALTER FOREIGN TABLE ft OPTIONS (ADD table_name 'y');
        ALTER FOREIGN TABLE ft OPTIONS (SET schema_name 'z', DROP table_name);
        ALTER FOREIGN TABLE ft OPTIONS (ADD schema_name 'z');
        ALTER FOREIGN TABLE ft OPTIONS (ADD host 'z');
        ALTER FOREIGN TABLE ft ADD COLUMN f int, ALTER COLUMN f SET NOT NULL;
        ALTER FOREIGN TABLE ft ADD COLUMN g int, DROP COLUMN g;
        ALTER FOREIGN TABLE ft DROP COLUMN f, ADD COLUMN f text, ALTER COLUMN b SET DEFAULT 'bee';
        ALTER FOREIGN TABLE ft OWNER TO bob;
        ALTER FOREIGN TABLE ft OWNER TO public;
        ALTER FOREIGN TABLE nosuch ADD COLUMN x int;
        ALTER FOREIGN TABLE IF EXISTS nosuch ADD COLUMN x int;
        ALTER FOREIGN TABLE nosch.nosuch ADD COLUMN x int;
        ALTER FOREIGN TABLE IF EXISTS nosch.nosuch ADD COLUMN x int;
    """,
    "rename_and_schema": SRV + """
        CREATE FOREIGN TABLE ft (a int, b text) SERVER s;
        CREATE FOREIGN TABLE other (a int) SERVER s;
        CREATE SCHEMA sch;
        CREATE FOREIGN TABLE sch.ft2 (a int) SERVER s;
        ALTER FOREIGN TABLE ft RENAME TO other;
        ALTER FOREIGN TABLE ft RENAME TO ft2;
        ALTER FOREIGN TABLE ft RENAME TO ft2;
        ALTER FOREIGN TABLE IF EXISTS ft RENAME TO ft3;
        ALTER FOREIGN TABLE ft2 RENAME COLUMN a TO aa;
        ALTER FOREIGN TABLE ft2 RENAME a TO aa;
        ALTER FOREIGN TABLE ft2 RENAME aa TO b;
        ALTER FOREIGN TABLE ft2 RENAME aa TO ctid;
        ALTER FOREIGN TABLE ft2 RENAME ctid TO x;
        ALTER FOREIGN TABLE IF EXISTS nosuch RENAME a TO b;
        ALTER FOREIGN TABLE ft2 SET SCHEMA sch;
        ALTER FOREIGN TABLE other SET SCHEMA nosch;
        ALTER FOREIGN TABLE other SET SCHEMA public;
        ALTER FOREIGN TABLE other SET SCHEMA sch;
        ALTER FOREIGN TABLE sch.other RENAME TO ft2;
        ALTER FOREIGN TABLE sch.other RENAME TO other2;
        ALTER FOREIGN TABLE IF EXISTS nosuch SET SCHEMA sch;
        ALTER FOREIGN TABLE nosuch SET SCHEMA sch;
        DROP FOREIGN TABLE nosuch;
        DROP FOREIGN TABLE IF EXISTS nosuch;
        DROP FOREIGN TABLE IF EXISTS nosch.nosuch;
        DROP FOREIGN TABLE nosch.nosuch;
        DROP FOREIGN TABLE IF EXISTS ft2, nosuch;
        DROP FOREIGN TABLE sch.other2, nosuch;
        DROP FOREIGN TABLE sch.other2, sch.ft2 CASCADE;
    """,
    "alter_passes": SRV + """
        CREATE FOREIGN TABLE ft (a int DEFAULT 1, b text NOT NULL) SERVER s;
        ALTER FOREIGN TABLE ft ALTER a TYPE bigint, ALTER a SET DEFAULT 5, ADD z int DEFAULT 7;
        ALTER FOREIGN TABLE ft ADD y int, DROP b, ADD x text, ALTER y SET NOT NULL,
            OPTIONS (ADD table_name 't');
        ALTER FOREIGN TABLE ft ALTER COLUMN a SET NOT NULL, ALTER COLUMN a DROP NOT NULL;
        ALTER FOREIGN TABLE ft ADD COLUMN q int, ALTER COLUMN q TYPE text;
        ALTER FOREIGN TABLE ft ADD COLUMN c int OPTIONS (column_name 'cc'),
            ALTER c OPTIONS (SET column_name 'c2');
        ALTER FOREIGN TABLE ft ADD COLUMN c int OPTIONS (column_name 'cc'),
            ALTER c OPTIONS (ADD column_name 'c2');
        ALTER FOREIGN TABLE ft DROP COLUMN a, DROP COLUMN a;
        ALTER FOREIGN TABLE ft DROP COLUMN IF EXISTS a, DROP COLUMN IF EXISTS a;
        ALTER FOREIGN TABLE ft ADD COLUMN IF NOT EXISTS z int, ADD COLUMN IF NOT EXISTS w int;
        ALTER FOREIGN TABLE ft ALTER COLUMN z SET DEFAULT NULL;
        ALTER FOREIGN TABLE ft ALTER COLUMN w SET DEFAULT -5;
        ALTER FOREIGN TABLE ft ALTER COLUMN w SET DEFAULT 'abc';
        ALTER FOREIGN TABLE ft ADD COLUMN v int DEFAULT 'x';
        ALTER FOREIGN TABLE ft ALTER COLUMN w TYPE nosuch;
        ALTER FOREIGN TABLE ft ALTER COLUMN w TYPE varchar(0);
        ALTER FOREIGN TABLE ft ALTER COLUMN w TYPE record;
        ALTER FOREIGN TABLE ft ALTER COLUMN w TYPE int COLLATE "C";
        ALTER FOREIGN TABLE ft ALTER COLUMN x TYPE text COLLATE nosuch;
        ALTER FOREIGN TABLE ft ALTER COLUMN ctid TYPE int;
        ALTER FOREIGN TABLE ft ALTER COLUMN x TYPE varchar(3);
        ALTER FOREIGN TABLE ft ALTER COLUMN y TYPE timestamp(8);
        ALTER FOREIGN TABLE ft ALTER COLUMN ctid SET DEFAULT 1;
        ALTER FOREIGN TABLE ft ALTER COLUMN ctid DROP NOT NULL;
        ALTER FOREIGN TABLE ft ALTER COLUMN nosuch DROP NOT NULL;
        ALTER FOREIGN TABLE ft ALTER COLUMN nosuch DROP DEFAULT;
        ALTER FOREIGN TABLE ft ALTER COLUMN ctid OPTIONS (column_name 'x');
        ALTER FOREIGN TABLE ft ADD COLUMN v int PRIMARY KEY;
        ALTER FOREIGN TABLE ft ADD COLUMN v timestamp(9);
        ALTER FOREIGN TABLE ft ADD COLUMN u record;
        ALTER FOREIGN TABLE ft ADD COLUMN t int, ADD COLUMN t text;
        ALTER FOREIGN TABLE ft RENAME COLUMN x TO y;
        ALTER FOREIGN TABLE IF EXISTS ft RENAME COLUMN x TO xx;
        ALTER FOREIGN TABLE ft RENAME TO ft;
        ALTER FOREIGN TABLE ft SET SCHEMA public;
        ALTER SERVER s RENAME TO s;
    """,
    "names": SRV + """
        CREATE SCHEMA "Odd Schema";
        CREATE FOREIGN TABLE "Odd Schema"."T 1" (a int) SERVER s;
        CREATE FOREIGN TABLE "select" ("from" int) SERVER s;
        CREATE FOREIGN TABLE public."T 1" (a int) SERVER s;
        DROP SERVER s;
        DROP SCHEMA "Odd Schema";
        COMMENT ON COLUMN "Odd Schema"."T 1".zz IS 'x';
        COMMENT ON COLUMN "Odd Schema"."T 1".a IS 'x';
        COMMENT ON COLUMN x.y.z.a IS 'x';
        COMMENT ON FOREIGN TABLE x.y.z IS 'x';
        DROP FOREIGN TABLE x.y.z;
        ALTER FOREIGN TABLE x.y.z RENAME TO w;
        CREATE FOREIGN TABLE x.y.z (a int) SERVER s;
        DROP SERVER s CASCADE;
    """,
    "schema_public": SRV + """
        CREATE FOREIGN TABLE t1 (a int) SERVER s;
        CREATE SCHEMA sch;
        CREATE FOREIGN TABLE sch.t2 (a int) SERVER s;
        DROP SCHEMA public CASCADE;
        CREATE FOREIGN TABLE t3 (a int) SERVER s;
        CREATE SERVER s2 FOREIGN DATA WRAPPER postgres_fdw;
        CREATE EXTENSION postgres_fdw;
        CREATE SCHEMA public;
        CREATE EXTENSION postgres_fdw;
        CREATE SERVER s2 FOREIGN DATA WRAPPER postgres_fdw OPTIONS (extensions 'postgres_fdw,zz');
        ALTER SERVER s2 OPTIONS (ADD host 'h');
        ALTER SERVER s2 OPTIONS (SET extensions 'yy');
    """,
    "if_not_exists": SRV + """
        CREATE SERVER s2 TYPE 'it''s' VERSION '9.6' FOREIGN DATA WRAPPER postgres_fdw;
        CREATE SCHEMA postgres;
        CREATE FOREIGN TABLE t (a int) SERVER s;
        CREATE FOREIGN TABLE public.t (a int) SERVER s;
        CREATE FOREIGN TABLE IF NOT EXISTS t (a int) SERVER nos;
        CREATE FOREIGN TABLE IF NOT EXISTS public.t (a foo) SERVER nos;
        DROP SCHEMA postgres CASCADE;
        DROP FOREIGN TABLE t;
        DROP FOREIGN TABLE t;
        COMMENT ON COLUMN t.a IS 'x';
        CREATE SCHEMA IF NOT EXISTS postgres;
        CREATE SCHEMA IF NOT EXISTS postgres;
        CREATE USER MAPPING FOR postgres SERVER s OPTIONS (user 'a', user 'b');
        CREATE USER MAPPING IF NOT EXISTS FOR postgres SERVER s OPTIONS (nope 'b');
        CREATE USER MAPPING FOR postgres SERVER s;
        CREATE USER MAPPING IF NOT EXISTS FOR postgres SERVER s OPTIONS (nope 'b');
        CREATE USER MAPPING FOR postgres SERVER s OPTIONS (nope 'b');
        ALTER USER MAPPING FOR postgres SERVER s OPTIONS (ADD user 'x', ADD user 'y');
        ALTER SERVER s OPTIONS (ADD extensions 'nosuchext, postgres_fdw');
        ALTER SERVER s OPTIONS (SET extensions 'a', ADD host 'x');
        ALTER SERVER s OPTIONS (DROP extensions);
        ALTER SERVER s OWNER TO SESSION_USER;
        DROP EXTENSION postgres_fdw, postgres_fdw;
        DROP EXTENSION IF EXISTS postgres_fdw CASCADE;
    """,
    "default_types": SRV + """
        CREATE FOREIGN TABLE ft (a int DEFAULT 1, b text DEFAULT now(), c int DEFAULT now(),
            d date DEFAULT now(), e int DEFAULT 1.5, f boolean DEFAULT 1, g text DEFAULT 1::bigint,
            h int[] DEFAULT '{1}'::bigint[], i uuid DEFAULT gen_random_uuid()) SERVER s;
        CREATE FOREIGN TABLE ft (a int DEFAULT now()) SERVER s;
        CREATE FOREIGN TABLE ft (a boolean DEFAULT 1) SERVER s;
        CREATE FOREIGN TABLE ft (a int DEFAULT 'x'::text) SERVER s;
        CREATE FOREIGN TABLE ft (a varchar(3) DEFAULT current_date, b bpchar DEFAULT true) SERVER s;
        CREATE FOREIGN TABLE ft (a interval DEFAULT current_date) SERVER s;
        CREATE FOREIGN TABLE ft2 (a int DEFAULT 1, b timestamptz DEFAULT now(), c text DEFAULT 'x',
            d int) SERVER s;
        ALTER FOREIGN TABLE ft2 ALTER COLUMN a TYPE timestamp;
        ALTER FOREIGN TABLE ft2 ALTER COLUMN b TYPE date;
        ALTER FOREIGN TABLE ft2 ALTER COLUMN b TYPE int;
        ALTER FOREIGN TABLE ft2 ALTER COLUMN c TYPE int;
        ALTER FOREIGN TABLE ft2 ALTER COLUMN c TYPE varchar(3);
        ALTER FOREIGN TABLE ft2 ALTER COLUMN d TYPE date;
        ALTER FOREIGN TABLE ft2 ALTER COLUMN d SET DEFAULT now();
        ALTER FOREIGN TABLE ft2 ADD COLUMN e bool DEFAULT 0;
    """,
    "comments_and_names": SRV + """
        CREATE FOREIGN TABLE t (a int) SERVER s;
        COMMENT ON COLUMN a IS 'x';
        COMMENT ON COLUMN a.b.c.d.e IS 'x';
        COMMENT ON FOREIGN TABLE a.b.c.d IS 'x';
        DROP FOREIGN TABLE a.b.c.d;
        COMMENT ON COLUMN t.ctid IS 'x';
        COMMENT ON SERVER s IS $$dollar$$;
        DROP FOREIGN TABLE t, t;
        DROP FOREIGN TABLE IF EXISTS t, t;
    """,
    "many_dependents": SRV + "\n".join(
        f"CREATE FOREIGN TABLE t{i} (a int) SERVER s;" for i in range(102)) + """
        DROP SERVER s;
        DROP SERVER s CASCADE;
    """,
}


@pytest.fixture(scope="module")
def oracle(pg: Cluster) -> Iterator[PgOracle]:
    """A scratch database; each script runs in a transaction that is rolled back."""
    name = f"ddl_oracle_{os.getpid()}"
    oracle = PgOracle(pg.create_database(name))
    yield oracle
    oracle.close()


@pytest.fixture
def store() -> Iterator[CatalogStore]:
    catalog = CatalogStore(":memory:")
    yield catalog
    catalog.close()


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_statements_behave_as_in_postgresql(name: str, oracle: PgOracle,
                                            store: CatalogStore) -> None:
    expected, pg_catalog = oracle.run(SCRIPTS[name], setup=SETUP)
    got = run_fdwsh(store, SCRIPTS[name])
    for want, have in zip(comparable(expected), comparable(got), strict=True):
        assert have == want
    assert fdwsh_state(store) == pg_catalog


def test_failed_statement_changes_nothing(store: CatalogStore) -> None:
    run_fdwsh(store, SRV + "CREATE FOREIGN TABLE ft (a int) SERVER s;")
    before = dump(store)
    outcomes = run_fdwsh(store, """
        ALTER FOREIGN TABLE ft ADD COLUMN b int, ADD COLUMN c nosuch;
        DROP SERVER s;
        CREATE FOREIGN TABLE ft2 (a int) SERVER s OPTIONS (foo 'x');
        ALTER SERVER s OPTIONS (ADD host 'h', ADD nohost 'x');
    """)
    assert all(o.error is not None for o in outcomes)
    assert dump(store) == before


def test_is_ddl_claims_only_catalog_statements() -> None:
    def claimed(sql: str) -> bool:
        return ddl.is_ddl(parse_sql(sql)[0].stmt)

    assert all(claimed(sql) for sql in (
        "CREATE EXTENSION postgres_fdw", "DROP EXTENSION postgres_fdw", "DROP SCHEMA s",
        "CREATE SERVER s FOREIGN DATA WRAPPER postgres_fdw", "ALTER SERVER s RENAME TO t",
        "ALTER SERVER s OWNER TO bob", "DROP SERVER s", "CREATE USER MAPPING FOR bob SERVER s",
        "ALTER USER MAPPING FOR bob SERVER s OPTIONS (user 'x')", "CREATE SCHEMA s",
        "DROP USER MAPPING FOR bob SERVER s", "CREATE FOREIGN TABLE t () SERVER s",
        "ALTER FOREIGN TABLE t ADD a int", "ALTER FOREIGN TABLE t RENAME a TO b",
        "ALTER FOREIGN TABLE t RENAME TO u", "ALTER FOREIGN TABLE t SET SCHEMA s",
        "DROP FOREIGN TABLE t", "COMMENT ON SERVER s IS 'x'", "COMMENT ON COLUMN t.a IS 'x'",
        "COMMENT ON FOREIGN DATA WRAPPER postgres_fdw IS NULL"))
    assert not any(claimed(sql) for sql in (
        "SELECT 1", "CREATE TABLE t (a int)", "DROP TABLE t", "ALTER TABLE t ADD a int",
        "COMMENT ON TABLE t IS 'x'", "IMPORT FOREIGN SCHEMA r FROM SERVER s INTO public",
        "ALTER TABLE t RENAME TO u", "CREATE FOREIGN DATA WRAPPER w", "BEGIN"))


def test_unknown_extension_is_not_available(store: CatalogStore) -> None:
    """PostgreSQL names its control file; fdwsh says what it has instead."""
    [outcome] = run_fdwsh(store, "CREATE EXTENSION hstore")
    assert outcome.error is not None
    assert (outcome.error.sqlstate, outcome.error.message, outcome.error.hint) == (
        "0A000", 'extension "hstore" is not available',
        "The extension must first be installed on the system where PostgreSQL is running.")
    assert outcome.error.detail == "fdwsh provides only the postgres_fdw extension."


def test_unsupported_column_features_are_refused(store: CatalogStore) -> None:
    """PostgreSQL accepts these on foreign tables; fdwsh does not keep them, and says so.
    (Stored generated columns are kept when a table is created, as IMPORT FOREIGN SCHEMA
    declares them, but not added by ALTER.)"""
    outcomes = run_fdwsh(store, SRV + """
        CREATE FOREIGN TABLE t (a serial) SERVER s;
        CREATE FOREIGN TABLE t (a int GENERATED ALWAYS AS IDENTITY) SERVER s;
        CREATE FOREIGN TABLE t (a int CHECK (a > 0)) SERVER s;
        CREATE FOREIGN TABLE t (a int) SERVER s;
        ALTER FOREIGN TABLE t ADD COLUMN g int GENERATED ALWAYS AS (a) STORED;
    """)
    messages = [o.error.message for o in outcomes[2:] if o.error]
    assert messages == ["serial columns are not supported by fdwsh",
                        "identity columns are not supported by fdwsh",
                        "check constraints are not supported by fdwsh",
                        "generated columns are not supported by fdwsh"]
