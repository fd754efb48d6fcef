"""Uncertain parameters: distributions in place of numbers, their checks, draws and round trip."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats
from typer.testing import CliRunner

from escalation_sim.cli.app import app
from escalation_sim.engine.draws import _block_values, draw
from escalation_sim.scenario.edit import apply_event, fix, with_values
from escalation_sim.scenario.errors import ScenarioError
from escalation_sim.scenario.load import load_scenario, load_scenario_text, scenario_to_dict
from escalation_sim.scenario.priors import (
    Distribution,
    PriorError,
    priors_of,
)

MINIMAL = Path(__file__).with_name("minimal.yaml")
NAT = "actors.baku.nationalism"


def minimal(old: str = "", new: str = "") -> str:
    text = MINIMAL.read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1)


def with_prior(spec: str, path_line: str = "nationalism: 0.7") -> str:
    return minimal(path_line, path_line.split(":")[0] + ": " + spec)


# -- the distributions -------------------------------------------------------------------------
CASES = [
    (Distribution("uniform", (0.2, 0.7), 0.0, 1.0), stats.uniform(0.2, 0.5)),
    (Distribution("triangular", (0.1, 0.3, 0.9), 0.0, 1.0), stats.triang(0.25, 0.1, 0.8)),
    (Distribution("normal", (0.9, 0.2), 0.0, 1.0),
     stats.truncnorm((0 - 0.9) / 0.2, (1 - 0.9) / 0.2, 0.9, 0.2)),
    (Distribution("beta", (2.0, 5.0), 0.0, 20.0), stats.beta(2, 5, 0, 20)),
]


@pytest.mark.parametrize(("dist", "reference"), CASES, ids=[c[0].kind for c in CASES])
def test_draws_follow_the_distribution_and_stay_in_range(dist: Distribution,
                                                         reference: object) -> None:
    scenario = load_scenario_text(minimal())
    scenario._priors = {NAT: dist}
    values = draw(scenario, 7, 0, 2000)[NAT]
    lo, hi = dist.support()
    assert values.shape == (2000,)
    assert values.min() >= lo and values.max() <= hi
    assert stats.kstest(values, reference.cdf).pvalue > 0.001  # type: ignore[attr-defined]
    # and not some other distribution: a uniform on the whole range is told apart
    assert stats.kstest(values, stats.uniform(lo, hi - lo).cdf).pvalue < 0.001 or \
        dist.kind == "uniform"


def test_central_is_the_median() -> None:
    assert Distribution("uniform", (0.5, 0.7)).central() == pytest.approx(0.6)
    assert Distribution("triangular", (0.0, 0.0, 1.0)).central() == pytest.approx(1 - 0.5**0.5)
    assert Distribution("normal", (0.0, 1.0), 0.0, 1.0).central() == \
        pytest.approx(stats.truncnorm(0, 1).median())
    assert Distribution("beta", (2.0, 2.0), 0.0, 10.0).central() == pytest.approx(5.0)
    assert Distribution("uniform", (0.5, 0.7)).describe() == "uniform [0.5, 0.7]"


@pytest.mark.parametrize(("kind", "args", "low", "high", "words"), [
    ("uniform", (0.5, 1.2), 0, 1, "hi 1.2 is outside"),
    ("uniform", (0.7, 0.5), 0, 1, "lo must be below hi"),
    ("uniform", (0.5, 0.5), 0, 1, "lo must be below hi"),
    ("triangular", (0.1, 0.95, 0.9), 0, 1, "mode 0.95"),
    ("normal", (0.5, 0.0), 0, 1, "sd must be above 0"),
    ("normal", (1.5, 0.1), 0, 1, "mean 1.5 is outside"),
    ("beta", (0.0, 1.0), 0, 1, "a and b must be above 0"),
    ("beta", (2.0, 2.0), 0, None, "beta needs a bounded parameter"),
    ("gamma", (1.0, 1.0), 0, 1, "unknown distribution 'gamma'"),
    ("normal", (0.5,), 0, 1, "normal takes 2 numbers"),
])
def test_bad_distributions_are_refused(kind: str, args: tuple[float, ...], low: float,
                                       high: float | None, words: str) -> None:
    with pytest.raises(PriorError, match=words):
        Distribution(kind, args, low, high)


# -- draws: one stream per (seed, run, path) ---------------------------------------------------
def test_draws_do_not_depend_on_chunking() -> None:
    scenario = load_scenario_text(with_prior("{uniform: [0.2, 0.9]}"),
                                  overrides=["model.c_mil={normal: [8, 3]}"])
    whole = draw(scenario, 11, 0, 3000)
    assert sorted(whole) == ["actors.baku.nationalism", "model.c_mil"]
    _block_values.cache_clear()  # computed afresh, not read from the blocks kept
    for path, values in whole.items():
        pieces = np.concatenate([draw(scenario, 11, a, b - a)[path]
                                 for a, b in ((0, 5), (5, 1030), (1030, 2048), (2048, 3000))])
        assert np.array_equal(values, pieces)
        assert np.array_equal(draw(scenario, 11, 1500, 7)[path], values[1500:1507])
    other_seed = draw(scenario, 12, 0, 3000)
    assert not np.array_equal(other_seed[NAT], whole[NAT])
    # two paths with the same distribution draw independently
    assert abs(np.corrcoef(whole[NAT], whole["model.c_mil"])[0, 1]) < 0.1


CHUNKED = load_scenario_text(minimal(), overrides=[f"{NAT}={{beta: [2, 5]}}"])
WHOLE = draw(CHUNKED, 99, 0, 4 * 1024)[NAT]


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(1, 1500), min_size=1, max_size=6), st.integers(0, 1000))
def test_any_chunking_draws_the_same_values(sizes: list[int], first: int) -> None:
    runs = first
    for size in sizes:
        size = min(size, len(WHOLE) - runs)
        if size <= 0:
            break
        assert np.array_equal(draw(CHUNKED, 99, runs, size)[NAT], WHOLE[runs:runs + size])
        runs += size


def test_two_scenarios_sharing_a_prior_draw_the_same_values() -> None:
    a = load_scenario_text(with_prior("{triangular: [0.3, 0.5, 0.9]}"))
    b = load_scenario_text(with_prior("{triangular: [0.3, 0.5, 0.9]}",
                                      "heat: 0.6"),
                           overrides=[f"{NAT}={{triangular: [0.3, 0.5, 0.9]}}",
                                      "model.c_mil={uniform: [1, 5]}", "horizon_days=50"])
    assert np.array_equal(draw(a, 3, 0, 500)[NAT], draw(b, 3, 0, 500)[NAT])


def test_no_priors_no_draws() -> None:
    scenario = load_scenario_text(minimal())
    assert priors_of(scenario) == {}
    assert draw(scenario, 1, 0, 100) == {}


# -- loading -----------------------------------------------------------------------------------
def test_a_point_valued_scenario_loads_as_before() -> None:
    scenario = load_scenario(MINIMAL)
    assert scenario.priors == {}
    assert scenario_to_dict(scenario) == scenario.model_dump(mode="json")


def test_the_number_in_place_is_the_median_and_the_prior_is_kept() -> None:
    scenario = load_scenario_text(with_prior("{uniform: [0.5, 0.7]}"))
    assert scenario.actors["baku"].nationalism == pytest.approx(0.6)
    assert priors_of(scenario) == {NAT: Distribution("uniform", (0.5, 0.7), 0.0, 1.0)}


def test_priors_in_lists_and_issue_positions() -> None:
    scenario = load_scenario_text(minimal(), overrides=[
        "alliances.0.commitment={beta: [2, 3]}",
        "issues.corridors.position.baku={normal: [0.8, 0.05]}"])
    assert list(priors_of(scenario)) == ["alliances[0].commitment",
                                         "issues.corridors.position.baku"]


def test_resolved_scenario_round_trips() -> None:
    scenario = load_scenario_text(with_prior("{normal: [0.6, 0.1]}"),
                                  overrides=["model.c_mil={triangular: [2, 8, 20]}"])
    data = scenario_to_dict(scenario)
    assert data["actors"]["baku"]["nationalism"] == {"normal": [0.6, 0.1]}
    again = load_scenario_text(yaml.safe_dump(data, allow_unicode=True))
    assert again == scenario
    assert again.priors == scenario.priors


def test_a_variant_replaces_its_parents_distribution(tmp_path: Path) -> None:
    (tmp_path / "parent.yaml").write_text(with_prior("{uniform: [0.5, 0.7]}"), encoding="utf-8")
    (tmp_path / "child.yaml").write_text(
        "extends: parent.yaml\nactors:\n  baku:\n    nationalism: {normal: [0.6, 0.05]}\n"
        "  moscow:\n    nationalism: {beta: [2, 2]}\n", encoding="utf-8")
    child = load_scenario(tmp_path / "child.yaml")
    assert child.priors[NAT] == Distribution("normal", (0.6, 0.05), 0.0, 1.0)
    assert child.priors["actors.moscow.nationalism"].kind == "beta"
    (tmp_path / "point.yaml").write_text(
        "extends: parent.yaml\nactors:\n  baku:\n    nationalism: 0.4\n", encoding="utf-8")
    point = load_scenario(tmp_path / "point.yaml")
    assert point.priors == {} and point.actors["baku"].nationalism == 0.4


def test_a_set_replaces_or_fixes_a_distribution() -> None:
    text = with_prior("{uniform: [0.5, 0.7]}")
    assert load_scenario_text(text, overrides=[f"{NAT}=0.65"]).priors == {}
    fixed = load_scenario_text(text, overrides=[f"{NAT}=0.65"])
    assert fixed.actors["baku"].nationalism == 0.65


def test_fix_and_with_values_keep_the_other_distributions() -> None:
    scenario = load_scenario_text(with_prior("{uniform: [0.5, 0.7]}"),
                                  overrides=["model.c_mil={uniform: [1, 5]}"])
    fixed = fix(scenario, {NAT: 0.55})
    assert fixed.actors["baku"].nationalism == 0.55
    assert list(fixed.priors) == ["model.c_mil"]
    assert list(scenario.priors) == [NAT, "model.c_mil"]  # the original is unchanged
    swept = with_values(scenario, {"model.c_mil": {"normal": [3, 1]}})
    assert swept.priors["model.c_mil"].kind == "normal" and NAT in swept.priors
    assert swept.model.c_mil == pytest.approx(stats.truncnorm(-3, 97).median() + 3)


def test_an_event_that_sets_a_path_drops_its_distribution() -> None:
    scenario = load_scenario_text(with_prior(
        "{uniform: [0.1, 0.3]}", "heat: 0.6"), overrides=[f"{NAT}={{uniform: [0.5, 0.7]}}"])
    event = scenario.events[0]  # adds 0.2 to issues.corridors.heat
    assert set(apply_event(scenario, event).priors) == set(scenario.priors)
    setting = event.model_copy(update={"add": {}, "set": {NAT: 0.9}})
    assert set(apply_event(scenario, setting).priors) == {"issues.corridors.heat"}


# -- calibration files -------------------------------------------------------------------------
def test_calibration_file_replaces_values_and_set_still_wins(tmp_path: Path) -> None:
    (tmp_path / "calibration").mkdir()
    (tmp_path / "calibration" / "c.yaml").write_text(
        "method: by hand\npriors:\n  actors.baku.nationalism: {normal: [0.6, 0.1]}\n"
        "  model.c_mil: {triangular: [4, 8, 12]}\n  actors.moscow.nationalism: 0.45\n",
        encoding="utf-8")
    (tmp_path / "s.yaml").write_text("calibration: calibration/c.yaml\n" + minimal(),
                                     encoding="utf-8")
    scenario = load_scenario(tmp_path / "s.yaml")
    assert list(scenario.priors) == [NAT, "model.c_mil"]
    assert scenario.actors["moscow"].nationalism == 0.45
    overridden = load_scenario(tmp_path / "s.yaml", ["model.c_mil=9"])
    assert list(overridden.priors) == [NAT] and overridden.model.c_mil == 9
    (tmp_path / "v.yaml").write_text("extends: s.yaml\nname: v\n", encoding="utf-8")
    assert list(load_scenario(tmp_path / "v.yaml").priors) == [NAT, "model.c_mil"]


@pytest.mark.parametrize(("ref", "calib", "words"), [
    ("/etc/c.yaml", None, "no absolute path"),
    ("../c.yaml", None, "no absolute path, no '..'"),
    ("missing.yaml", None, "no such file"),
    ("c.yaml", "method: x\n", "needs particles:"),
    ("c.yaml", "priors:\n  actors.baku.nationalism: {uniform: [0.5, 1.5]}\n", "hi 1.5"),
    ("c.yaml", "priors:\n  actors.nobody.nationalism: {uniform: [0.5, 0.6]}\n", "unknown key"),
])
def test_bad_calibration_files_are_one_line(tmp_path: Path, ref: str, calib: str | None,
                                            words: str) -> None:
    if calib is not None:
        (tmp_path / "c.yaml").write_text(calib, encoding="utf-8")
    (tmp_path / "s.yaml").write_text(f"calibration: {ref}\n" + minimal(), encoding="utf-8")
    with pytest.raises(ScenarioError, match=words) as info:
        load_scenario(tmp_path / "s.yaml")
    assert "\n" not in str(info.value)


# -- bad priors at the command line: exit 2, one line ------------------------------------------
@pytest.fixture
def cli() -> Callable[..., tuple[int, str]]:
    runner = CliRunner()

    def _run(*args: object) -> tuple[int, str]:
        result = runner.invoke(app, [str(a) for a in args])
        return result.exit_code, result.stderr

    return _run


@pytest.mark.parametrize(("spec", "words"), [
    ("{uniform: [0.5, 1.2]}", "hi 1.2 is outside the parameter's range; lo and hi must be "
                              "between 0 and 1"),
    ("{uniform: [0.7, 0.5]}", "lo must be below hi"),
    ("{normal: [0.5, -0.1]}", "sd must be above 0"),
    ("{lognormal: [0.5, 0.1]}", "unknown distribution 'lognormal'"),
    ("{triangular: [0.1, 0.5]}", "triangular takes 3 numbers"),
    ("{uniform: [yes, 0.6]}", "takes numbers (not text, true/false or quoted numbers)"),
    ("{uniform: ['0.5', 0.6]}", "takes numbers"),
    ("{uniform: 0.5}", "takes a list of 2 numbers"),
    ("{uniform: [0.5, 0.6], normal: [0.5, 0.1]}", "must be a number or one distribution"),
])
def test_bad_priors_in_a_file_exit_2_with_one_line(write: Callable[..., Path], spec: str,
                                                   words: str,
                                                   cli: Callable[..., tuple[int, str]]) -> None:
    path = write(with_prior(spec))
    code, stderr = cli("validate", path)
    assert code == 2
    assert stderr.count("\n") == 1, stderr
    assert stderr.startswith(f"error: {path}:5: actors.baku.nationalism = ")
    assert words in " ".join(stderr.split())


def test_bad_prior_in_a_set_names_the_set(cli: Callable[..., tuple[int, str]]) -> None:
    code, stderr = cli("run", MINIMAL, "--runs", 10, "--set",
                       "model.c_mil={uniform: [5, 200]}")
    assert code == 2 and stderr.count("\n") == 1
    assert stderr.startswith("error: --set model.c_mil={uniform: [5, 200]}: model.c_mil = ")
    assert "between 0 and 100" in stderr


@pytest.mark.parametrize(("where", "words"), [
    ("horizon_days", "must be a whole number between 1 and 3650"),
    ("actors.baku.lag_days", "distributions are allowed only for parameters that take any real"),
])
def test_whole_numbers_take_no_distribution(where: str, words: str,
                                            cli: Callable[..., tuple[int, str]]) -> None:
    code, stderr = cli("validate", MINIMAL, "--set", f"{where}={{uniform: [1, 3]}}")
    assert code == 2 and stderr.count("\n") == 1 and words in " ".join(stderr.split())


def test_an_event_value_must_be_a_number(write: Callable[..., Path],
                                         cli: Callable[..., tuple[int, str]]) -> None:
    path = write(minimal("issues.corridors.heat: 0.2",
                         "issues.corridors.heat: {uniform: [0.1, 0.2]}"))
    code, stderr = cli("validate", path)
    assert code == 2 and stderr.count("\n") == 1
    assert "events[0].add.issues.corridors.heat" in stderr
    assert "an event's value must be a number" in stderr


EDGES = [Distribution("normal", (0.0, 0.5), 0.0, 1.0), Distribution("normal", (5.0, 1e3), 0, 10),
         Distribution("normal", (1.0, 1e-3), 0.0, 1.0), Distribution("beta", (0.5, 0.5), 0, 1),
         Distribution("triangular", (0.0, 0.0, 1.0)), Distribution("triangular", (0.0, 1.0, 1.0))]


@pytest.mark.parametrize(("dist", "reference"), CASES, ids=[c[0].kind for c in CASES])
def test_ppf_is_scipys(dist: Distribution, reference: object) -> None:
    u = np.r_[0.0, 1e-12, np.linspace(0.001, 0.999, 999), 1 - 1e-12]
    assert np.allclose(dist.ppf(u), reference.ppf(u), rtol=1e-9,  # type: ignore[attr-defined]
                       atol=1e-12)


@pytest.mark.parametrize("dist", EDGES, ids=[d.describe() for d in EDGES])
def test_ppf_is_scipys_at_the_edges(dist: Distribution) -> None:
    u = np.r_[0.0, 1e-12, np.linspace(0.001, 0.999, 999), 1 - 1e-12]
    assert np.allclose(dist.ppf(u), dist.frozen().ppf(u), rtol=1e-9, atol=1e-12)


# -- explain -----------------------------------------------------------------------------------
def test_explain_shows_the_scenarios_distribution_beside_the_default(tmp_path: Path) -> None:
    path = tmp_path / "s.yaml"
    path.write_text(with_prior("{uniform: [0.5, 0.7]}"), encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(app, ["explain", NAT, "--scenario", str(path), "--json"])
    assert result.exit_code == 0, result.stderr
    info = yaml.safe_load(result.stdout)
    assert info["value"] == "uniform [0.5, 0.7]: uniform, from 0.5 to 0.7, median 0.60"
    assert info["subject"]["default"] == "0.5"
    moscow = runner.invoke(app, ["explain", "actors.moscow.nationalism", "--scenario",
                                 str(path), "--json"])
    assert yaml.safe_load(moscow.stdout)["value"] == "0.5"
    text = runner.invoke(app, ["explain", NAT, "--scenario", str(path)]).stdout
    assert "uniform [0.5, 0.7]: uniform, from 0.5 to 0.7, median 0.60" in " ".join(text.split())


def test_a_copy_of_a_bundled_scenario_finds_the_bundled_calibration(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from escalation_sim.scenario import bundled

    shipped = tmp_path / "shipped"
    (shipped / "calibration").mkdir(parents=True)
    (shipped / "calibration" / "c.yaml").write_text(
        "priors:\n  model.c_mil: {uniform: [6, 10]}\n", encoding="utf-8")
    monkeypatch.setattr(bundled, "bundled_dir", lambda kind: shipped)
    (tmp_path / "mine.yaml").write_text("calibration: calibration/c.yaml\n" + minimal(),
                                        encoding="utf-8")
    assert list(load_scenario(tmp_path / "mine.yaml").priors) == ["model.c_mil"]
