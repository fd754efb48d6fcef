"""One orchestration per command: what ``escsim X`` and ``escalation_sim.X()`` both run.

Each module holds one command's steps between its front ends and the analysis functions:
load and validate the inputs (a bad one raises ``ScenarioError`` or ``ValueError`` before any
work), say how many runs it will simulate (a progress bar's total), run them on the executor
it is given, and return the command's document (what ``--json`` prints) and its table (what
``--out FILE.csv`` writes). The command line (``cli/``) adds only parsing, the executor's
options and rendering; the Python API (``api.py``) adds only argument checks and DataFrames.
So the same arguments give the same numbers in both.

A command is used in two steps, ``plan = module.plan(...)`` (checks everything) and
``plan.run(executor, progress)``, so that a front end can refuse bad input before it starts an
executor, and size a progress bar.
"""
