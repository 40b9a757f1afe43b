-- The postgres_fdw DDL cycle with the mistakes people make, and every listing after it.
CREATE SERVER early FOREIGN DATA WRAPPER postgres_fdw;
CREATE EXTENSION postgres_fdw;
CREATE EXTENSION postgres_fdw;
CREATE EXTENSION IF NOT EXISTS postgres_fdw;
CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '127.0.0.1', port '5432', dbname 'postgres');
CREATE SERVER s2 TYPE 'pg' VERSION '15' FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (fetch_size '500', use_remote_estimate 'true');
CREATE SERVER bad FOREIGN DATA WRAPPER postgres_fdw OPTIONS (hots 'x');
CREATE SERVER bad FOREIGN DATA WRAPPER postgres_fdw OPTIONS (fetch_size '0');
CREATE SERVER bad FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host 'a', host 'b');
CREATE SERVER bad FOREIGN DATA WRAPPER postgres_fdw OPTIONS (updatable 'maybe');
CREATE SERVER bad FOREIGN DATA WRAPPER postgres_fdw OPTIONS (user 'x');
CREATE SERVER loopback FOREIGN DATA WRAPPER postgres_fdw;
CREATE SERVER IF NOT EXISTS loopback FOREIGN DATA WRAPPER postgres_fdw;
CREATE SERVER nowrapper FOREIGN DATA WRAPPER nosuch_fdw;
ALTER SERVER s2 OPTIONS (ADD extensions 'cube', SET fetch_size '1000', DROP use_remote_estimate);
ALTER SERVER s2 OPTIONS (DROP nothing);
ALTER SERVER s2 OPTIONS (ADD fetch_size '1');
ALTER SERVER s2 VERSION '16';
ALTER SERVER nosuch OPTIONS (ADD host 'x');
COMMENT ON SERVER s2 IS 'second server';
CREATE USER MAPPING FOR CURRENT_USER SERVER loopback OPTIONS (user 'alice');
CREATE USER MAPPING FOR PUBLIC SERVER loopback;
CREATE USER MAPPING FOR postgres SERVER loopback;
CREATE USER MAPPING IF NOT EXISTS FOR postgres SERVER loopback;
CREATE USER MAPPING FOR PUBLIC SERVER s2 OPTIONS (bogus 'x');
CREATE USER MAPPING FOR PUBLIC SERVER nosuch;
ALTER USER MAPPING FOR PUBLIC SERVER loopback OPTIONS (ADD user 'guest');
ALTER USER MAPPING FOR PUBLIC SERVER s2 OPTIONS (ADD user 'guest');
CREATE FOREIGN TABLE ft1 (
    c1 int NOT NULL,
    c2 text,
    c3 varchar(10) OPTIONS (column_name 'C 3'),
    c4 numeric(10,2) DEFAULT 0,
    c5 timestamptz
) SERVER loopback OPTIONS (schema_name 'S 1', table_name 'T 1');
CREATE FOREIGN TABLE ft2 (a int) SERVER nosuch;
CREATE FOREIGN TABLE ft3 (a nosuchtype) SERVER loopback;
CREATE FOREIGN TABLE ft1 (a int) SERVER loopback;
CREATE FOREIGN TABLE IF NOT EXISTS ft1 (a int) SERVER loopback;
CREATE FOREIGN TABLE ft5 (a int) SERVER loopback OPTIONS (bogus 'x');
CREATE SCHEMA remote;
CREATE FOREIGN TABLE remote.ft4 (id bigint, v double precision[], "Mixed Case" char(3))
    SERVER s2;
COMMENT ON FOREIGN TABLE ft1 IS 'the first table';
COMMENT ON COLUMN ft1.c2 IS 'text column';
ALTER FOREIGN TABLE ft1 ADD COLUMN c6 boolean, ALTER COLUMN c2 SET NOT NULL,
    OPTIONS (ADD updatable 'false');
ALTER FOREIGN TABLE ft1 ALTER COLUMN c3 OPTIONS (SET column_name 'C3');
ALTER FOREIGN TABLE ft1 DROP COLUMN nosuch;
ALTER FOREIGN TABLE ft1 DROP COLUMN IF EXISTS nosuch;
\dew
\des
\des+
\deu
\deu+
\det
\det+
\d ft1
\d+ ft1
\d remote.*
\d nosuch
\dE
\dn
\dn+
DROP SERVER loopback;
DROP SERVER loopback CASCADE;
\det+
DROP EXTENSION postgres_fdw;
DROP EXTENSION postgres_fdw CASCADE;
\des
DROP SCHEMA remote;
DROP SERVER IF EXISTS s2;
