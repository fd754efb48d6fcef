"""The scenarios and episodes that ship with escsim (data only).

In an installed escsim, ``escalation_sim.bundled.scenarios`` and ``.episodes`` hold copies of the
repository's ``scenarios/`` and ``episodes/`` folders, put there when the package is built
(``[tool.setuptools.package-dir]`` in pyproject.toml). In a checkout the loader reads the
repository's folders themselves (:mod:`escalation_sim.scenario.bundled`).
"""
