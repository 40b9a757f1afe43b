-- errors of queries over two servers: each is PostgreSQL's (with postgres_fdw's CONTEXT)
SELECT id FROM regions r, s2.regions s;
SELECT r.zzz FROM regions r, s2.regions s WHERE r.id = s.id;
SELECT * FROM s2.ft_mismatch m, regions r WHERE m.id = r.id ORDER BY 1;
SELECT m.id FROM s2.ft_mismatch m, regions r WHERE m.id = r.id ORDER BY 1;
SELECT d.id FROM ft_dropped d, s2.regions r;
SELECT r.name || 1 + 'x' FROM regions r, s2.regions s;
SELECT r.id / 0 FROM regions r, s2.regions s WHERE r.id = s.id;
SELECT (SELECT id FROM s2.regions) FROM regions;
SELECT 1 AS still_working;
SELECT m.val FROM ft_mismatch m, s2.regions r WHERE r.id = m.id ORDER BY 1;
SELECT regions.id FROM s2.regions, public.regions;
SELECT s2.regions.zz FROM s2.regions, public.regions;
SELECT s3.regions.id FROM s2.regions, public.regions;
SELECT s2.regions.id FROM s2.regions r, ft_one_row;
SELECT a.b.c.d FROM s2.regions, ft_one_row;
SELECT x.y.z FROM ft_one_row, s2.regions;
