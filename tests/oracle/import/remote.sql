-- The remote database IMPORT FOREIGN SCHEMA reads (tests/test_import_schema.py loads it into a
-- database of its own).  Odd names everywhere: quotes, spaces, upper case, unicode, semicolons.
SET client_min_messages = warning;
CREATE SCHEMA "Imp ""S"" 1";
SET search_path = "Imp ""S"" 1";
-- every column form: typmods, arrays, collations, defaults, NOT NULL, serial
CREATE TABLE typed (
    id int NOT NULL DEFAULT 7,
    n numeric(10,2) DEFAULT 1.5,
    n0 numeric,
    v varchar(12) COLLATE "C" NOT NULL,
    vn varchar,
    ts timestamp(3) DEFAULT now(),
    tz timestamptz(0),
    arr int[],
    tarr text[] DEFAULT '{a,b}',
    varr varchar(5)[][],
    b bit(3), vb varbit(5), c char(4), i interval(2), ih interval hour to minute,
    t time(1), ttz timetz(2),
    "Mixed Case" text COLLATE "POSIX",
    "semi;colon" text DEFAULT 'x;y',
    "qu""ote" int DEFAULT -1,
    "ünï ✓" jsonb,
    "select" uuid,
    f float4, d double precision, by bytea, bo boolean NOT NULL DEFAULT true,
    big bigint DEFAULT 9000000000, sm smallint, m money, ip inet, cid cidr, mac macaddr,
    js json, x xml, o oid, pt point, tsv tsvector, r int4range, dt date DEFAULT '2024-01-01',
    ser serial
);
ALTER TABLE typed DROP COLUMN n0;
CREATE TABLE "T; x" (a int);
CREATE TABLE "Upper ""Q"" Ünï" ("Col A" int NOT NULL, "B; c" text COLLATE "C");
CREATE TABLE nocols ();
CREATE VIEW v1 AS SELECT id, n, v FROM typed;
CREATE MATERIALIZED VIEW mv AS SELECT id, v FROM typed;
CREATE TABLE parted (k int NOT NULL, x text DEFAULT 'p') PARTITION BY RANGE (k);
CREATE TABLE part1 PARTITION OF parted FOR VALUES FROM (0) TO (10);
CREATE SEQUENCE seq;
CREATE INDEX typed_id ON typed (id);
CREATE TYPE comp AS (a int);
-- stored generated columns (one with an implicit cast, one mixing types)
CREATE TABLE gen (a int, g int GENERATED ALWAYS AS (a * 2) STORED, name text,
    big bigint GENERATED ALWAYS AS ((a + 1) * 2) STORED NOT NULL,
    t text GENERATED ALWAYS AS (upper(name) || 'x' || a) STORED, d int DEFAULT 3);
-- types that exist only on the remote: a domain and an enum
CREATE SCHEMA dom;
CREATE DOMAIN dom.posint AS int CHECK (VALUE > 0);
CREATE TYPE dom.mood AS ENUM ('sad', 'ok');
CREATE TABLE dom.withdomain (a dom.posint, m dom.mood);
-- a schema whose tables clash with the ones imported first
CREATE SCHEMA clash;
CREATE TABLE clash.aaa (a int);
CREATE TABLE clash."T; x" (b int);
CREATE SCHEMA empty;
-- collations: the built-in ones exist on the local side too, a schema's own does not
CREATE SCHEMA colls;
CREATE TABLE colls.builtin (a text COLLATE "C.utf8", b text COLLATE "de-x-icu", c text COLLATE "POSIX");
CREATE COLLATION colls.mine (provider = icu, locale = 'fr');
CREATE TABLE colls.own (a text COLLATE colls.mine);
