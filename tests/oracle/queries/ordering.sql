-- ORDER BY (ASC/DESC, NULLS FIRST/LAST, expressions, positions, aliases) with LIMIT/OFFSET.
SELECT c1, c6 FROM ft1 WHERE c1 <= 12 ORDER BY c6 NULLS FIRST, c1;
SELECT c1, c6 FROM ft1 WHERE c1 <= 12 ORDER BY c6 DESC, c1 DESC;
SELECT c1, c6 FROM ft1 WHERE c1 <= 12 ORDER BY c6 DESC NULLS LAST, c1;
SELECT c1, c6 FROM ft1 WHERE c1 <= 12 ORDER BY c6 ASC NULLS LAST, c1 DESC;
SELECT id, amount FROM orders ORDER BY amount DESC, id LIMIT 5;
SELECT id, amount FROM orders ORDER BY amount, id LIMIT 5 OFFSET 10;
SELECT id FROM orders ORDER BY id OFFSET 397;
SELECT id FROM orders ORDER BY id DESC FETCH FIRST 3 ROWS ONLY;
SELECT id, qty FROM orders ORDER BY qty DESC FETCH FIRST 2 ROWS WITH TIES;
SELECT id, amount * qty AS total FROM orders ORDER BY total DESC, id LIMIT 4;
SELECT id, name FROM customers ORDER BY 2 DESC LIMIT 3;
SELECT id, name FROM customers ORDER BY length(email) NULLS FIRST, id LIMIT 6;
SELECT id, email FROM customers ORDER BY email DESC NULLS FIRST, id LIMIT 10;
SELECT DISTINCT ON (status) status, id, amount FROM orders ORDER BY status, amount DESC, id;
SELECT DISTINCT ON (customer_id) customer_id, id FROM orders WHERE customer_id > 63
ORDER BY customer_id, id DESC;
SELECT id, c_real FROM ft_types ORDER BY c_real NULLS FIRST, id;
SELECT id, c_double FROM ft_types ORDER BY c_double DESC, id;
SELECT id, c_num FROM ft_types ORDER BY c_num, id;
SELECT id, c_text FROM ft_types ORDER BY c_text DESC NULLS LAST, id;
SELECT id, c_date, c_ts FROM ft_types ORDER BY c_date NULLS FIRST, id;
SELECT id, c_interval FROM ft_types ORDER BY c_interval, id;
SELECT id, c_bool FROM ft_types ORDER BY c_bool DESC NULLS LAST, id;
SELECT id FROM orders ORDER BY id LIMIT 0;
SELECT id FROM orders ORDER BY id LIMIT ALL OFFSET 399;
SELECT id, status FROM orders ORDER BY CASE status WHEN 'paid' THEN 0 ELSE 1 END, id LIMIT 3;
