"""Output files: atomic writes, staged ``--out`` folders, CSV and Parquet tables, manifests.

The layer that both the command line (through ``render``) and the Python API use to write and
read what escsim keeps on disk; it computes nothing (tables arrive as columns).
"""
