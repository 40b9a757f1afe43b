-- Transaction blocks over a foreign table (run through psql + postgres_fdw on a fresh database
-- and through fdwsh on a fresh catalog; $host, $port and $dbname name a fresh remote database
-- with acct (id int PRIMARY KEY, v text) and xact_info (the remote isolation level)).
CREATE EXTENSION postgres_fdw;
CREATE SERVER sa FOREIGN DATA WRAPPER postgres_fdw
    OPTIONS (host '$host', port '$port', dbname '$dbname');
CREATE USER MAPPING FOR CURRENT_USER SERVER sa OPTIONS (user 'postgres');
CREATE FOREIGN TABLE ta (id int, v text) SERVER sa OPTIONS (table_name 'acct');
CREATE FOREIGN TABLE xa (iso text) SERVER sa OPTIONS (table_name 'xact_info');
-- outside a block
COMMIT;
ROLLBACK;
END;
ABORT;
SAVEPOINT a;
RELEASE a;
ROLLBACK TO a;
-- commit, with savepoints
BEGIN;
BEGIN;
INSERT INTO ta VALUES (1, 'one');
SELECT * FROM ta;
SAVEPOINT a;
INSERT INTO ta VALUES (2, 'two');
SELECT count(*) FROM ta;
ROLLBACK TO SAVEPOINT a;
SELECT count(*) FROM ta;
INSERT INTO ta VALUES (3, 'three');
RELEASE SAVEPOINT a;
SAVEPOINT b;
SAVEPOINT c;
INSERT INTO ta VALUES (4, 'four');
RELEASE b;
ROLLBACK TO c;
COMMIT;
SELECT * FROM ta ORDER BY id;
-- an error aborts the block; COMMIT then rolls back
BEGIN;
INSERT INTO ta VALUES (5, 'five');
RELEASE SAVEPOINT nosuch;
SELECT * FROM ta;
SAVEPOINT x;
ROLLBACK TO x;
COMMIT;
BEGIN;
INSERT INTO ta VALUES (6, 'six');
SELECT 1/0;
INSERT INTO ta VALUES (7, 'seven');
END;
START TRANSACTION;
SAVEPOINT s;
INSERT INTO ta VALUES (8, 'eight');
SELECT 1/0;
SELECT 1;
ROLLBACK TO s;
INSERT INTO ta VALUES (9, 'nine');
COMMIT;
SELECT * FROM ta ORDER BY id;
-- the remote transaction's isolation level
SELECT iso FROM xa;
BEGIN;
SELECT iso FROM xa;
COMMIT;
BEGIN ISOLATION LEVEL READ COMMITTED;
SELECT iso FROM xa;
ROLLBACK;
BEGIN ISOLATION LEVEL SERIALIZABLE;
SHOW transaction_isolation;
SELECT iso FROM xa;
COMMIT;
START TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ WRITE;
SELECT iso FROM xa;
COMMIT;
BEGIN;
SET TRANSACTION ISOLATION LEVEL SERIALIZABLE;
SELECT iso FROM xa;
COMMIT;
SET default_transaction_isolation = 'serializable';
SELECT iso FROM xa;
BEGIN;
SELECT iso FROM xa;
ABORT;
SET default_transaction_isolation = 'repeatable read';
SELECT iso FROM xa;
RESET default_transaction_isolation;
SELECT iso FROM xa;
-- psql's AUTOCOMMIT and ON_ERROR_ROLLBACK
\set ON_ERROR_ROLLBACK on
BEGIN;
INSERT INTO ta VALUES (10, 'ten');
SELECT 1/0;
INSERT INTO ta VALUES (11, 'eleven');
COMMIT;
\set ON_ERROR_ROLLBACK off
\set AUTOCOMMIT off
INSERT INTO ta VALUES (12, 'twelve');
ROLLBACK;
INSERT INTO ta VALUES (13, 'thirteen');
SELECT count(*) FROM ta;
COMMIT;
COMMIT;
\set AUTOCOMMIT on
SELECT * FROM ta ORDER BY id;
