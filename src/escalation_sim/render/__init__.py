"""Renderers of a summary: they format and write, and compute no statistics.

``terminal`` (with ``fanchart`` and ``numbers``) draws the summary in the terminal; ``files``
writes the output folder of ``--out``.
"""
