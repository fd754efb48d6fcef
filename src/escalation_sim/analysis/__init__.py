"""Analysis of ensemble results: intervals, the JSON summary, and the tables of ``--out``.

``stats`` holds the interval estimates and the reporting rule, ``summary`` builds the summary
every renderer reads, ``tables`` the per-run and per-day tables.
"""
