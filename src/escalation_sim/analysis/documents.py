"""The documents that pass between layers: what each command's ``--json`` prints.

The analysis functions build them, the renderers (terminal, HTML, figures) and the Python API
read them, and ``--json`` prints them as they are. Each is a ``TypedDict``, so a key that a
renderer reads and an analysis does not write is a type error, not a ``KeyError`` at run time.
Deeper parts (one measure's interval, one actor's means) stay plain mappings: their keys are
listed in the docstrings of the functions that build them and in docs/analysis.md.

Every document opens with ``schema_version`` and ``escsim_version``: the version stamped in
every output (CHANGELOG.md says what each version changed).
"""

from __future__ import annotations

from typing import Any, NotRequired, TypedDict


class ScenarioRef(TypedDict):
    """Which scenario a document is about: its name, file, hashes and overrides."""

    name: str
    path: str | None
    sha256: str | None
    resolved_sha256: str
    overrides: list[str]


class DocumentHeader(TypedDict):
    """The keys that open the documents of ``sweep``, ``sensitivity``, ``levers``, ``explore``."""

    schema_version: int
    escsim_version: str
    numpy_version: str
    scenario: ScenarioRef
    runs: int
    runs_from: str
    days: int
    seed: int
    start_date: str | None


class Summary(TypedDict):
    """``escsim run --json``: one ensemble's outcomes, metrics, actors, impacts and timeline."""

    schema_version: int
    escsim_version: str
    numpy_version: str
    scenario: ScenarioRef
    runs: int
    days: int
    seed: int
    start_date: str | None
    outcomes: dict[str, dict[str, Any]]
    ends: dict[str, dict[str, Any]]
    worst: dict[str, dict[str, Any]]
    metrics: dict[str, dict[str, Any]]
    actors: dict[str, dict[str, Any]]
    impacts: dict[str, dict[str, Any]]
    incidents: dict[str, dict[str, Any]]
    incident_force: dict[str, Any]
    incident_external: dict[str, Any]
    levers: dict[str, dict[str, Any]]
    held_at_bound: list[str]
    uncertainty: dict[str, Any]
    timeline: dict[str, Any]
    assimilation: NotRequired[dict[str, Any]]
    timing: NotRequired[dict[str, Any]]


class Comparison(TypedDict):
    """``escsim compare --json``: each scenario's summary and the paired differences."""

    schema_version: int
    escsim_version: str
    numpy_version: str
    command: str
    runs: int
    runs_from: str
    days: int
    seed: int
    baseline: str
    scenarios: dict[str, Summary]
    estimates: dict[str, dict[str, dict[str, Any]]]
    differences: dict[str, dict[str, Any]]


class SweepDocument(DocumentHeader):
    """``escsim sweep --json``: the axes and, per point, its values and chosen measures."""

    command: str
    vary: list[dict[str, Any]]
    metrics: list[str]
    points: list[dict[str, Any]]


class SensitivityDocument(DocumentHeader):
    """``escsim sensitivity --json``: the factors and, per output, its ranking and indices."""

    command: str
    method: str
    samples: int
    points: int
    factors: list[dict[str, Any]]
    outputs: dict[str, dict[str, Any]]


class LeversDocument(DocumentHeader):
    """``escsim levers --json``: the baseline and each lever's paired effects, ranked."""

    command: str
    measures: dict[str, str]
    ranked_by: str
    baseline: dict[str, dict[str, Any]]
    levers: list[dict[str, Any]]


class ExploreDocument(DocumentHeader):
    """``escsim explore --json``: the sampled parameters, the experiments and the boxes."""

    command: str
    samples: int
    design: str
    sampled: str
    parameters: list[dict[str, Any]]
    drawn_per_run: list[str]
    measures: list[str]
    spread: dict[str, dict[str, Any]]
    experiments: list[dict[str, Any]]
    discovery: dict[str, Any] | None


class TraceDocument(TypedDict):
    """``escsim trace --json``: one run's dated events and its metrics."""

    schema_version: int
    escsim_version: str
    scenario: str
    seed: int
    run: int
    days: int
    start_date: str | None
    events: list[dict[str, Any]]
    metrics: dict[str, Any]


class BacktestDocument(TypedDict):
    """``escsim backtest EPISODE --json``: one episode's scores with bootstrap intervals."""

    escsim_version: str
    episode: str
    source: str
    scenario: str
    start_date: str
    end_date: str
    seed: int
    overrides: list[str]
    runs: int
    bootstrap: int
    references: list[str]
    scores: list[dict[str, Any]]
    months: list[dict[str, Any]]
    runs_from: str
    calibration: dict[str, Any]
    """Whether the scenario draws from a calibration, and whether this episode was in it
    (``analysis.backtest.calibration_words``)."""
    verdict: str


class RollingDocument(TypedDict):
    """``escsim backtest --from DATE`` / ``--origins every:Nm``: scores by horizon."""

    escsim_version: str
    kind: str
    runs: int
    runs_from: str
    origins: str | None
    empirical: str
    episodes: list[dict[str, Any]]
    pooled: dict[str, Any]


class LibraryDocument(TypedDict):
    """``escsim backtest --all --json``: per-episode point scores and the pooled ones."""

    escsim_version: str
    runs: int
    runs_from: str
    overrides: list[str]
    verdict: str
    empirical: str
    episodes: list[dict[str, Any]]
    pooled: dict[str, Any]
    pooled_by_episode: dict[str, Any]
    distance: Any
    distance_meaning: str
    calibration: dict[str, Any]
    """Whether the scenarios scored draw from one calibration, fitted to these episodes."""
