"""escsim: a scenario-forecasting simulator for interstate escalation (Azerbaijan–Russia).

The Python API (docs/api.md)::

    import escalation_sim as es

    result = es.run("base", runs=2000, seed=7)
    result.summary, result.runs, result.actors, result.daily
    es.load("results/base")

The API module is imported on first use, so ``escsim --help`` does not pay for pandas; so is
``__version__``, read from the installed package's metadata (``importlib.metadata``, a fifth of
``escsim --help``'s imports).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from escalation_sim.api import (
        Analysis,
        Result,
        backtest,
        calibrate,
        compare,
        explore,
        levers,
        load,
        run,
        sensitivity,
        sweep,
        trace,
    )
    from escalation_sim.scenario.errors import ScenarioError
    from escalation_sim.scenario.load import load_scenario
    from escalation_sim.scenario.schema import Scenario

    __version__: str

__all__ = [
    "Analysis",
    "Result",
    "Scenario",
    "ScenarioError",
    "__version__",
    "backtest",
    "calibrate",
    "compare",
    "explore",
    "levers",
    "load",
    "load_scenario",
    "run",
    "sensitivity",
    "sweep",
    "trace",
]

_HOMES = {
    "Scenario": "escalation_sim.scenario.schema",
    "ScenarioError": "escalation_sim.scenario.errors",
    "load_scenario": "escalation_sim.scenario.load",
}


def __getattr__(name: str) -> Any:
    """Import the public API on first use (PEP 562)."""
    if name not in __all__:
        raise AttributeError(f"module 'escalation_sim' has no attribute {name!r}")
    import importlib

    if name == "__version__":
        from escalation_sim.versions import escsim_version

        value: Any = escsim_version()
    else:
        value = getattr(importlib.import_module(_HOMES.get(name, "escalation_sim.api")), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    """The public names, for tab completion."""
    return sorted(set(globals()) | set(__all__))
