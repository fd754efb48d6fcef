"""Time to write the per-run table of ``--out`` (runs.csv, and runs.parquet with pyarrow).

Simulates one chunk of the base scenario, then streams it repeatedly through the same path
``escsim run --out`` uses (``runs_table`` in blocks of ``ROWS_PER_WRITE`` rows, appended to a
``RunsWriter``) until ``--rows`` rows are written. Only the writing is timed.

    python benchmarks/bench_tables.py --rows 200000
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

from escalation_sim.analysis.tables import runs_columns, runs_table
from escalation_sim.cli.run_cmd import ROWS_PER_WRITE
from escalation_sim.engine.calendar import simulate_chunk
from escalation_sim.output import files
from escalation_sim.output.files import RunsWriter
from escalation_sim.scenario.load import load_scenario

REPO = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--chunk", type=int, default=10_240)
    parser.add_argument("--no-arrow", action="store_true",
                        help="Use the csv-module path even when pyarrow is installed.")
    args = parser.parse_args()
    if args.no_arrow:
        files.parquet_available = lambda: False
    scenario = load_scenario(REPO / "scenarios" / "base.yaml", ["horizon_days=60"])
    chunk = simulate_chunk(scenario, 1, 0, args.chunk)
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        writer = RunsWriter(Path(folder))
        done = 0
        while done < args.rows:
            n = min(args.chunk, args.rows - done)
            for first in range(0, n, ROWS_PER_WRITE):
                m = min(ROWS_PER_WRITE, n - first)
                part = {k: v[first:first + m] for k, v in chunk.runs.items()}
                writer.append(runs_columns(part, scenario, done + first))
            done += n
        names = writer.close()
        elapsed = time.perf_counter() - start
        sizes = {name: os.path.getsize(Path(folder) / name) for name in names}
    path = "csv module" if args.no_arrow or not files.parquet_available() else "pyarrow"
    print(f"{args.rows:,} rows, {len(runs_table(chunk.runs, scenario))} columns; "
          f"{path}: {elapsed:.2f} s; "
          + ", ".join(f"{k} {v / 1e6:.1f} MB" for k, v in sizes.items()))


if __name__ == "__main__":
    main()
