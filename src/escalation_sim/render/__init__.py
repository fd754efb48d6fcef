"""Renderers of a summary: they format and write, and compute no statistics.

``terminal`` (with ``fanchart`` and ``numbers``) draws the summary in the terminal; files are
written through :mod:`escalation_sim.output`.
"""
