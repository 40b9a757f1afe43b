-- literals read in the session's TimeZone/DateStyle/IntervalStyle, whatever the remote's
SET TimeZone = 'America/New_York';
SELECT count(*) FROM ft1 WHERE c4 < '1970-01-03';
SELECT c1, c4 FROM ft1 WHERE c4 BETWEEN '1970-01-02' AND '1970-01-03 00:30' ORDER BY c1;
SELECT count(*) FROM ft1 WHERE c4 >= '1970-01-02 12:00' AND c4 < timestamptz '1970-01-04';
SELECT count(*) FROM ft1 a, s2.regions r WHERE a.c4 < '1970-01-03' AND r.id = a.c2;
SELECT count(*) FROM ft1 WHERE c4 < '1970-01-03' AND random() < 2;
SET TimeZone = 'Asia/Tokyo';
SELECT count(*) FROM ft1 WHERE c4 < '1970-01-03';
SELECT c1 FROM ft1 WHERE c4 = '1970-01-05 09:00' ORDER BY 1;
SET DateStyle = 'SQL, DMY';
SELECT c1 FROM ft1 WHERE c5 = '03/01/1970' ORDER BY 1;
SELECT count(*) FROM ft1 WHERE c5::date < '05/01/1970';
RESET DateStyle;
SET IntervalStyle = sql_standard;
SELECT count(*) FROM ft1 WHERE c5 - timestamp '1970-01-01' < '-1 2:00:00' OR c1 < 3;
RESET ALL;
SELECT count(*) FROM ft1 WHERE c4 < '1970-01-03';
-- calls resolved to their immutable overload are shipped; stable ones run locally
SELECT c1, date_part('day', c5), date_trunc('month', c5), extract(year from c5) FROM ft1 WHERE c1 < 4 ORDER BY 1;
SET TimeZone = 'Asia/Tokyo';
SELECT c1, date_part('day', c4), date_trunc('day', c4) FROM ft1 WHERE c1 < 4 ORDER BY 1;
