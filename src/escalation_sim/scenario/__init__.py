"""Scenarios: the file format (``schema``), loading and validation (``load``), help (``explain``).

Import what you need from :mod:`escalation_sim.scenario.load`, which gathers the public API:
``load_scenario``, ``load_scenario_text``, ``scenario_to_dict``, ``apply_overrides``,
``apply_event``, ``resolve_path``, ``set_path``, ``explain``, ``json_schema`` and
``ScenarioError``.
"""
