"""The ``escsim`` command: a thin registry of the command modules.

The process starts in ``cli/main.py`` (signal handlers first), which imports this module.

Each module in ``escalation_sim.cli`` defines its commands and a ``register(app)`` function;
add new modules to :data:`COMMAND_MODULES`.
"""

from __future__ import annotations

from importlib import import_module
from typing import Annotated

import typer

from escalation_sim.cli.common import GuardedGroup, examples, out

COMMAND_MODULES = ("escalation_sim.cli.run_cmd", "escalation_sim.cli.compare_cmd",
                   "escalation_sim.cli.levers_cmd", "escalation_sim.cli.sweep_cmd",
                   "escalation_sim.cli.sensitivity_cmd", "escalation_sim.cli.explore_cmd",
                   "escalation_sim.cli.trace_cmd", "escalation_sim.cli.report_cmd",
                   "escalation_sim.cli.backtest_cmd", "escalation_sim.cli.calibrate_cmd",
                   "escalation_sim.cli.scenario_cmds")
"""Modules whose ``register(app)`` adds commands, in the order they are listed in ``--help``."""

app = typer.Typer(
    name="escsim",
    cls=GuardedGroup,
    help="Scenario-forecasting simulator for Azerbaijan–Russia escalation: edit a YAML scenario, "
         "run an ensemble, compare what-ifs.",
    epilog=examples("escsim run base", "escsim new my_case --from base",
                    "escsim validate scenarios/base.yaml", "escsim explain 'how it ends'"),
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _show_version(value: bool) -> None:
    if value:
        from escalation_sim.versions import escsim_version

        out.print(f"escsim {escsim_version()}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", is_eager=True,
                                                callback=_show_version,
                                                help="Print the version and exit.")] = False
          ) -> None:
    """Scenario-forecasting simulator for Azerbaijan–Russia escalation."""


for _module in COMMAND_MODULES:
    import_module(_module).register(app)

