"""Every shipped scenario validates and runs; the templates are copies of the scenarios."""

from __future__ import annotations

from pathlib import Path

import pytest

import mktsim
from mktsim.scenario.load import load_spec

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "scenarios").rglob("*.yaml"))
TEMPLATES = ROOT / "src" / "mktsim" / "templates"


def _id(path: Path) -> str:
    return str(path.relative_to(ROOT / "scenarios"))


def test_there_are_shipped_scenarios() -> None:
    names = {p.name for p in SCENARIOS}
    assert {"smart_band.yaml", "bass.yaml"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=_id)
def test_scenario_validates_without_errors(path: Path) -> None:
    loaded = load_spec(path)
    assert loaded.spec.strategies
    assert all(w.severity == "warning" for w in loaded.warnings)


def _strategy_params() -> list[object]:
    out = []
    for path in SCENARIOS:
        for name in load_spec(path).spec.strategies:
            out.append(pytest.param(path, name, id=f"{_id(path)}::{name}"))
    return out


@pytest.mark.parametrize(("path", "strategy"), _strategy_params())
def test_every_strategy_runs(path: Path, strategy: str) -> None:
    scenario = mktsim.load(path)
    result = scenario.run(strategy, replications=3)
    doc = result.to_dict(series=False)
    assert doc["strategy"] == strategy and doc["replications"] == 3
    assert doc["horizon_days"] == scenario.spec.horizon_days
    assert len(doc["targets"]) == len(scenario.spec.targets)
    for name, stats in doc["kpis"].items():
        if stats["mean"] is not None and name not in ("marketing_roi", "cac", "profit", "nps"):
            assert stats["mean"] >= 0, name
    assert 0 <= doc["kpis"]["brand_awareness"]["mean"] <= 1


@pytest.mark.parametrize("name", ["smart_band.yaml", "bass.yaml", "sbg.yaml",
                                  "b2b_software.yaml", "subscription_app.yaml",
                                  "packaged_goods.yaml"])
def test_templates_are_the_shipped_scenarios(name: str) -> None:
    shipped = next(p for p in SCENARIOS if p.name == name)
    assert (TEMPLATES / name).read_bytes() == shipped.read_bytes()


def test_the_example_in_the_scenario_guide_runs(tmp_path: Path) -> None:
    import re

    text = (ROOT / "docs" / "scenario.md").read_text(encoding="utf-8")
    (example,) = re.findall(r"```yaml\n(.*?)```", text, re.S)
    path = tmp_path / "tiny.yaml"
    path.write_text(example, encoding="utf-8")
    scenario = mktsim.load(path)
    assert scenario.loaded.warnings == []
    for strategy in scenario.strategies:
        assert scenario.run(strategy, replications=2).to_dict(series=False)["replications"] == 2
