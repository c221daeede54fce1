"""Every ready scenario of `mktsim init`: listed, written in both languages, valid, and its
headline figures inside the ranges its comments promise (a change of the model or of the
template that moves them out is caught here)."""

from __future__ import annotations

import functools
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import mktsim
from mktsim.cli import main
from mktsim.templates import TEMPLATES, TRANSLATED, template_text

BUSINESS = ("smart-band", "b2b-software", "subscription-app", "packaged-goods")

# (template, strategy, KPI, low, high): the mean over 200 replications of the strategy;
# the ranges are about +-10% around the template's figures, far wider than the Monte Carlo
# error of a mean of 200 replications (under 1%) and narrow enough that a model change
# that moves a headline figure noticeably fails here.
HEADLINES = [
    ("b2b-software", "baseline", "new_customers", 460, 565),
    ("b2b-software", "baseline", "leads", 1_330, 1_620),
    ("b2b-software", "pipeline_push", "new_customers", 485, 595),
    ("b2b-software", "pipeline_push", "cac", 5_000, 6_200),
    ("subscription-app", "baseline", "customers", 58_000, 71_000),
    ("subscription-app", "baseline", "new_customers", 120_000, 148_000),
    ("subscription-app", "winback_push", "cac", 21, 27),
    ("packaged-goods", "baseline", "units", 7_600_000, 9_400_000),
    ("packaged-goods", "promotions", "market_share", 0.050, 0.062),
]


def test_init_list_names_every_template_with_one_line() -> None:
    result = CliRunner().invoke(main, ["init", "--list"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert [line.split()[0] for line in lines] == [*TEMPLATES, "from-history"]
    assert all(len(line.split(None, 1)[1]) > 20 for line in lines)


def test_init_list_writes_nothing(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["init", "--list", "b2b-software", str(tmp_path)])
    assert result.exit_code == 0 and not list(tmp_path.iterdir())


def test_init_list_speaks_chinese() -> None:
    result = CliRunner().invoke(main, ["init", "--list", "--lang", "zh"])
    assert result.exit_code == 0 and "订阅" in result.output


@pytest.mark.parametrize("name", BUSINESS)
@pytest.mark.parametrize("lang", ["en", "zh"])
def test_template_is_written_and_validates(name: str, lang: str, tmp_path: Path) -> None:
    path = mktsim.api.init(name, tmp_path, lang=lang)
    loaded = mktsim.api.validate(path)
    assert loaded.spec.targets and len(loaded.spec.strategies) >= 2
    assert all(w.severity == "warning" for w in loaded.warnings)
    text = path.read_text(encoding="utf-8")
    assert ("[A]" in text) and ("[R" in text or "[O" in text)  # assumptions and sources
    if lang == "zh":
        assert any("\u4e00" <= c <= "\u9fff" for c in text.split("\n", 1)[0])


@pytest.mark.parametrize("name", [n for n in BUSINESS if n in TRANSLATED["zh"]])
def test_translation_changes_only_comments(name: str) -> None:
    def data(text: str) -> list[str]:
        lines = (line.split(" #", 1)[0].rstrip() for line in text.splitlines())
        return [line for line in lines if line and not line.lstrip().startswith("#")]

    assert data(template_text(name, "zh")) == data(template_text(name, "en"))


@functools.cache
def _run(name: str, strategy: str) -> dict:
    """The run document of a template's strategy at 200 replications (once per session)."""
    with tempfile.TemporaryDirectory() as folder:
        scenario = mktsim.load(mktsim.api.init(name, folder, lang="en"))
        return scenario.run(strategy, replications=200, incremental=False).to_dict(
            series=False)


@pytest.mark.parametrize(("name", "strategy", "kpi", "low", "high"), HEADLINES)
def test_headline_figure_in_its_range(name: str, strategy: str, kpi: str, low: float,
                                      high: float) -> None:
    mean = _run(name, strategy)["kpis"][kpi]["mean"]
    assert low <= mean <= high, (name, strategy, kpi, mean)


@pytest.mark.parametrize(("name", "strategies"), [
    ("b2b-software", ("baseline", "pipeline_push")),
    ("subscription-app", ("baseline", "winback_push")),
    ("packaged-goods", ("baseline", "promotions"))])
def test_some_targets_are_met_and_some_are_not(name: str, strategies: tuple[str, ...]) -> None:
    """A realistic mix: the plans are neither hopeless nor already safe everywhere."""
    probabilities = [t["probability"] for s in strategies for t in _run(name, s)["targets"]]
    assert min(probabilities) < 0.5 < max(probabilities)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_template_explains_as_a_subprocess(lang: str, tmp_path: Path) -> None:
    path = mktsim.api.init("subscription-app", tmp_path, lang=lang)
    done = subprocess.run(
        [sys.executable, "-m", "mktsim", "explain", str(path), "-n", "10", "--curve-reps",
         "5", "--workers", "1", "--lang", lang], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert ("渠道" if lang == "zh" else "channel") in done.stdout.lower()
    assert "Traceback" not in done.stderr


def test_packaged_goods_promotions_borrow_and_the_leader_answers() -> None:
    """Each trade promotion's line adds up (net lift = gross lift - dip, with a dip), and
    the category leader's answers are logged with their days."""
    with tempfile.TemporaryDirectory() as folder:
        scenario = mktsim.load(mktsim.api.init("packaged-goods", folder, lang="en"))
        doc = scenario.run("promotions", replications=40).to_dict(series=False)
    assert len(doc["promotions"]) == 4
    for promo in doc["promotions"]:
        gross, dip, net = (promo[k]["mean"] for k in ("gross_lift", "dip", "net_lift"))
        assert gross > 0 and dip > 0 and net == pytest.approx(gross - dip, rel=1e-9)
    done = [m for m in doc["competitor_moves"] if m["status"] == "done"]
    assert done and all(m["competitor"] == "leader" and m["day"] > 0 for m in done)
