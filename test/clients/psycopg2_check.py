"""Drives LiveViewDB through psycopg2 and prints one JSON object the test checks.

Usage: python3 psycopg2_check.py PORT PASSWORD
"""
import datetime
import io
import json
import sys

import psycopg2

port, password = sys.argv[1], sys.argv[2]
conn = psycopg2.connect(host="127.0.0.1", port=port, dbname="liveview", user="admin", password=password)
conn.autocommit = True
cur = conn.cursor()
out = {}

cur.execute("CREATE TABLE py_t (i int, b bigint, d double precision, s text, ts timestamp, f boolean)")
rows = [(i, i * 10**10, i / 4, "it's %d" % i, datetime.datetime(2025, 1, 1, 0, i), i % 2 == 0) for i in range(1, 6)]
cur.executemany("INSERT INTO py_t VALUES (%s, %s, %s, %s, %s, %s)", rows)
cur.execute(
    "SELECT i, b, d, s, ts, f FROM py_t WHERE i > %s AND s <> %s AND ts >= %s AND f = %s ORDER BY i",
    (1, "nothing", datetime.datetime(2025, 1, 1), True),
)
out["params"] = [[i, b, d, s, ts.isoformat(), f] for (i, b, d, s, ts, f) in cur.fetchall()]
cur.execute("SELECT %(n)s::int + 1 AS n, %(t)s AS t, %(none)s IS NULL AS isnull", {"n": 41, "t": "x", "none": None})
out["named_params"] = list(cur.fetchone())

# A named cursor is a server-side DECLARE ... CURSOR; psycopg2 FETCHes itersize rows at a time.
cur.execute("CREATE TABLE py_big AS SELECT g AS n FROM generate_series(1, 1000) AS g")
conn.autocommit = False
named = conn.cursor(name="py_chunks")
named.itersize = 100
named.execute("SELECT n FROM py_big ORDER BY n")
seen = [r[0] for r in named]
named.close()
conn.commit()
conn.autocommit = True
out["named_cursor"] = {"count": len(seen), "first": seen[0], "last": seen[-1], "sum": sum(seen)}

cur.copy_expert("COPY py_t (i, s) FROM STDIN WITH (FORMAT csv)", io.StringIO('100,"from, copy"\n101,plain\n'))
cur.execute("SELECT count(*) FROM py_t")
out["count_after_copy_in"] = cur.fetchone()[0]
buf = io.StringIO()
cur.copy_expert("COPY (SELECT i, s FROM py_t WHERE i >= 100 ORDER BY i) TO STDOUT WITH (FORMAT csv, HEADER)", buf)
out["copy_out"] = buf.getvalue()

print(json.dumps(out))
