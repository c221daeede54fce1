"""A form for every channel at once chosen from the data (`calibration.choices`
`channels.*`): bad forms refused at their line, each candidate's figures drafted again for
its curve and adstock step as `init from-history` drafts them, the weekly draft's choice
of forms, and on small weekly histories the form a history was simulated with kept."""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import mktsim
from choice_fixtures import check_refused_at_its_line, write_market
from history_fixtures import write_history
from mktsim.calibrate.choice import candidates_of
from mktsim.calibrate.choice_form import expand, is_own
from mktsim.calibrate.priors import parse_priors
from mktsim.cli import main
from mktsim.history import read_history
from mktsim.history.draft import draft
from mktsim.history.draft_form import stock_ratio
from mktsim.history.draft_init import read_any_history
from mktsim.scenario.calibration_check import number_at
from mktsim.scenario.errors import ScenarioError

FORMS = "channels.*"
WEEKLY = "{conversion.curve: logistic, adstock.step_days: 7}"
DAILY = "{conversion.curve: hill, adstock.step_days: 1}"


@pytest.mark.parametrize(("choices", "message"), [
    (f"{FORMS}: [hill, logistic]", "each candidate of channels.* is a mapping"),
    (f"{FORMS}: [{{conversion: {{curve: hill}}}}, {{conversion.curve: logistic}}]",
     "form conversion = {'curve': 'hill'}: a form's value is a number or a word"),
    (f"{FORMS}: [{{adstock.step_days: [1]}}, {{adstock.step_days: 7}}]",
     "form adstock.step_days = [1]: a form's value is a number or a word"),
    (f"{FORMS}: [{{adstock.step_days: true}}, {{adstock.step_days: 7}}]",
     "form adstock.step_days = True: a form's value is a number or a word"),
    (f"{FORMS}: [{{adstock.step_days: 7}}, {{adstock.step_days: 7.0}}]",
     "a choice needs two or more different values"),
    (f"{FORMS}: [{{adstock.step_days: 7}}, {{adstock.step_days: 7.0}}, {DAILY}]",
     "a form is listed twice"),
    ("market.demand.media_scaling: [0, [1]]",
     "the candidates of market.demand.media_scaling are numbers, not [1]"),
    ("market.demand.media_scaling: [0, true]", "must be a number, not true/false"),
    (f"{FORMS}: [{DAILY}, {DAILY}]", "a choice needs two or more different values"),
    (f"{FORMS}: [{DAILY}, {WEEKLY}, {DAILY}]", "a form is listed twice"),
    (f"{FORMS}: [{{conversion.curv: hill}}, {{conversion.curve: logistic}}]",
     "conversion.curv is not a value of any channel"),
    (f"{FORMS}: [{{conversion.curve: hill}}, {{conversion.curve: cubic}}]",
     "form conversion.curve = cubic: Input should be"),
    (f"{FORMS}: [{{adstock.step_days: 0}}, {{adstock.step_days: 7}}]",
     "form adstock.step_days = 0: Input should be greater than or equal to 1"),
    (f"{FORMS}: [{{conversion.lift: 1}}, {{conversion.lift: 2}}]",
     "channels.social.conversion.lift is both freed and chosen"),
    ("market.demand.media_scaling: [0, {conversion.curve: hill}]",
     "the candidates of market.demand.media_scaling are numbers"),
    (f"{FORMS}: [{{adstock.step_days: 1}}, {{adstock.step_days: 7}}, "
     "{adstock.step_days: 14}]\n    market.demand.media_scaling: [0, 1]",
     "6 combinations of choices; at most 4 are fitted"),
])
def test_a_bad_form_is_refused_at_its_line(tmp_path: Path, choices: str, message: str
                                           ) -> None:
    check_refused_at_its_line(tmp_path, choices, message)

def test_python_choices_of_forms_are_checked_as_the_file_s(tmp_path: Path) -> None:
    scenario = write_market(tmp_path, 1.0)
    loaded = mktsim.load(scenario)
    with pytest.raises(ScenarioError, match="is not a value of any channel"):
        loaded.calibrate(choices={FORMS: ({"conversion.curv": "hill"},
                                          {"conversion.curve": "logistic"})})
    with pytest.raises(ScenarioError, match=re.escape("form conversion.half_saturation = -1.0: ")):
        loaded.calibrate(choices={FORMS: ({"conversion.half_saturation": -1.0},
                                          {"conversion.half_saturation": 0.001})})
    # each value taken by its field, the two together refused by the channel's rule
    with pytest.raises(ScenarioError, match=re.escape("candidate {conversion.curve: logistic, "
                                 "conversion.shape: 2}: ") + ".*belongs to the hill curve"):
        loaded.calibrate(choices={FORMS: ({"conversion.curve": "logistic",
                                           "conversion.shape": 2},
                                          {"conversion.curve": "hill"})})


@pytest.mark.parametrize("retention", [0.05, 0.3, 0.8])
def test_the_daily_stock_over_the_weekly_one_is_the_steady_state_s(retention: float
                                                                      ) -> None:
    """A constant money a day carried daily settles at 1/(1 - r^(1/7)) days' money, once
    a week at 1/(1 - r) (docs/scenario.md, `adstock.step_days`)."""
    daily = weekly = 0.0
    for _ in range(7 * 400):
        daily = 1.0 + retention ** (1 / 7) * daily
    for _ in range(400):
        weekly = 1.0 + retention * weekly
    assert stock_ratio(retention, 7, 1) == pytest.approx(daily / weekly, rel=1e-9)
    assert stock_ratio(retention, 1, 7) == pytest.approx(weekly / daily, rel=1e-9)
    assert stock_ratio(retention, 7, 7) == 1.0 and stock_ratio(0.0, 7, 1) == 1.0


def _weekly_history(folder: Path, weeks: int = 60) -> Path:
    """Revenue and two channels' money, one flighted and one always on, weekly."""
    rng = np.random.default_rng(4)
    dates = tuple(dt.date(2025, 1, 6) + dt.timedelta(days=7 * w) for w in range(weeks))
    flighted = np.where(np.arange(weeks) % 6 < 3, rng.uniform(20e3, 60e3, weeks), 0.0)
    always = rng.uniform(5e3, 15e3, weeks)
    revenue = 1e6 * rng.lognormal(0, 0.05, weeks) + 3 * flighted + 5 * always
    return write_history(folder / "history.csv", dates, {
        "revenue": revenue, "spend.tv": flighted, "spend.search": always})


def test_each_form_s_figures_are_those_the_draft_gives_for_it(tmp_path: Path) -> None:
    """The Hill curve carried daily, fitted beside a weekly draft, gets each channel's
    half-saturation and lift (and its lift prior's median) as the draft of that form
    would have set them; the drafted form itself is the scenario's own, unchanged."""
    from mktsim.api import init_from_history

    path = init_from_history(_weekly_history(tmp_path), tmp_path, lang="en")
    loaded = mktsim.load(path).loaded
    section = loaded.spec.calibration
    assert section.choices[FORMS] == [
        {"conversion.curve": "logistic", "adstock.step_days": 7},
        {"conversion.curve": "hill", "adstock.step_days": 1}]
    priors = parse_priors((), section.parameters, loaded.source)
    history = read_history(tmp_path / section.history, loaded.spec.channels,
                           loaded.spec.products, None, loaded.spec.market.demand)
    combos = candidates_of(loaded, section.choices)
    assert len(combos) == 4 and is_own(loaded.spec, combos[0])
    assert [is_own(loaded.spec, c) for c in combos[1:]] == [False] * 3
    own_values, own_priors = expand(loaded, history, priors, combos[0])
    assert not any("half_saturation" in p or "lift" in p for p in own_values)
    assert own_priors == priors
    daily = next(c for c in combos if c[FORMS]["conversion.curve"] == "hill")
    values, moved = expand(loaded, history, priors, daily)
    redrafted = draft(read_any_history(tmp_path / "history.csv"), "history.csv", "revenue",
                      ("hill", 1))
    for channel in redrafted.channels:
        base = f"channels.{channel.name}."
        assert values[base + "conversion.curve"] == "hill"
        assert values[base + "adstock.step_days"] == 1
        # the draft writes 4 significant digits
        assert values[base + "conversion.half_saturation"] == pytest.approx(
            channel.half_saturation, rel=1e-3)
        assert values[base + "conversion.lift"] == pytest.approx(channel.lift, rel=1e-3)
        prior = next(p for p in moved if p.path == base + "conversion.lift")
        assert math.exp(prior.dist_args[0]) == pytest.approx(channel.lift, rel=1e-3)
        assert prior.dist_args[1:] == next(p for p in priors
                                           if p.path == prior.path).dist_args[1:]
    # a lognormal prior on a half-saturation moves with it (the ratio of the stocks)
    halves = [f"channels.{c.name}.conversion.half_saturation" for c in redrafted.channels]
    flags = [f"{h}=lognormal({math.log(values[h] / 3):.6f}, 0.4)" for h in halves]
    own = {p.path: p for p in parse_priors(flags, None, "flags")}
    _values, moved_halves = expand(loaded, history, list(own.values()), daily)
    for prior in moved_halves:
        scale = values[prior.path] / number_at(loaded.spec, prior.path)
        assert scale != pytest.approx(1.0, abs=0.1)
        assert prior.dist_args == pytest.approx(
            (own[prior.path].dist_args[0] + math.log(scale), 0.4), rel=1e-9)


def test_a_redrafted_value_s_prior_other_than_lognormal_is_refused(tmp_path: Path) -> None:
    """A range or a beta prior on a lift or a half-saturation could not follow the forms:
    refused at its line, before any fit."""
    scenario = write_market(tmp_path, 1.0)
    base = scenario.read_text().split("  choices:")[0]
    for entry in ("channels.social.conversion.lift: 0.2:5",
                  "channels.social.conversion.half_saturation: normal(0.0005, 0.0001)"):
        text = base.replace(
            "    channels.social.conversion.lift: lognormal(0, 0.5)", f"    {entry}")
        scenario.write_text(text + f"  choices:\n    {FORMS}: [{WEEKLY}, {DAILY}]\n")
        line = text.splitlines().index(f"    {entry}") + 1
        out = CliRunner().invoke(main, ["calibrate", str(scenario)])
        assert out.exit_code == 2, out.output
        said = " ".join(out.output.split())
        assert f"{scenario}:{line}: calibration.parameters.{entry.split(':')[0]}" in said
        assert "needs a lognormal prior" in said and "Traceback" not in out.output


def test_a_daily_history_is_drafted_without_a_choice_of_forms(tmp_path: Path) -> None:
    """A history of other periods than weeks is drafted with the Hill curve carried
    daily already: no form to choose."""
    rng = np.random.default_rng(2)
    dates = tuple(dt.date(2025, 1, 1) + dt.timedelta(days=d) for d in range(200))
    spend = np.where(np.arange(200) % 20 < 10, 5e3, 0.0)
    write_history(tmp_path / "history.csv", dates, {
        "revenue": 1e5 * rng.lognormal(0, 0.05, 200) + 3 * spend, "spend.tv": spend})
    from mktsim.api import init_from_history

    loaded = mktsim.load(init_from_history(tmp_path / "history.csv", tmp_path,
                                           lang="en")).loaded
    assert FORMS not in loaded.spec.calibration.choices


MEDIA = "market.demand.media_scaling"
LOGISTIC = {"conversion.curve": "logistic", "adstock.step_days": 7}
HILL = {"conversion.curve": "hill", "adstock.step_days": 1}
COMBOS = [{MEDIA: 1.0, FORMS: LOGISTIC}, {MEDIA: 1.0, FORMS: HILL},
          {MEDIA: 0.0, FORMS: LOGISTIC}, {MEDIA: 0.0, FORMS: HILL}]


@pytest.mark.parametrize(("scores", "own", "kept"), [
    # the two Hill candidates close (0.9 apart), both 4-5 above the logistic ones: the
    # form is clear on its own evidence, the scaling is not, so it stays the own
    ([-1626.0, -1621.3, -1626.0, -1622.2], {MEDIA: 1.0, FORMS: LOGISTIC}, 1),
    # added media clear, the form not: the own form with added media
    ([-10.0, -9.0, -2.0, -8.0], {MEDIA: 1.0, FORMS: LOGISTIC}, 2),
    # nothing clear: the own combination
    ([-10.0, -9.0, -8.0, -8.5], {MEDIA: 1.0, FORMS: LOGISTIC}, 0),
    # without the own values among the candidates, each path's highest evidence
    ([-10.0, -9.0, -8.0, -8.5], {}, 2),
])
def test_each_path_is_kept_on_its_own_evidence(scores: list[float], own: dict, kept: int
                                               ) -> None:
    from mktsim.calibrate.choice import kept_combination

    assert kept_combination(COMBOS, scores, own) == kept


@given(st.lists(st.floats(-50, 0), min_size=2, max_size=4, unique=True), st.booleans())
def test_with_one_path_the_rule_is_that_of_one_choice(scores: list[float], own: bool
                                                      ) -> None:
    from mktsim.calibrate.choice import kept_combination, kept_index

    combos = [{MEDIA: float(i)} for i in range(len(scores))]
    assert kept_combination(combos, scores, {MEDIA: 0.0} if own else {}) == kept_index(
        scores, own)


#: A weekly market of one channel whose effect is simulated with the Hill curve carried
#: daily or with the logistic curve stepped weekly (the same steady stock half saturated:
#: K scaled by the stocks' ratio), its money from 20 to 250 thousand a week (0.2 to 3 K)
#: and off one week in three; the scenario fitted is drafted with the weekly form, and
#: lists both.
RETENTION = 0.6
K_DAILY = 0.03
TRUTHS = {"daily": ("hill", 1), "weekly": ("logistic", 7)}
FORM_CHOICE = (f"  choices:\n    {FORMS}:\n      - {WEEKLY}\n      - {DAILY}\n")


def _form_market(form: str, choices: str) -> str:
    import choice_fixtures

    curve, step = TRUTHS[form]
    half = K_DAILY * stock_ratio(RETENTION, 1, step)
    return choice_fixtures.market(1.0, choices).replace(
        "conversion: {lift: 1.0, half_saturation: 0.0005}",
        f"conversion: {{lift: 1.0, half_saturation: {half:.6g}, curve: {curve}}}\n"
        f"    adstock: {{retention_per_week: {RETENTION}, step_days: {step}}}")


def _write_form_market(folder: Path, truth: str) -> Path:
    """The history simulated with form `truth`, and the scenario drafted weekly."""
    import choice_fixtures
    from history_fixtures import simulate_history
    from mktsim.history.periods import PeriodKind
    from mktsim.scenario.load import load_text

    weeks = choice_fixtures.WEEKS
    rng = np.random.default_rng(7)
    money = np.where(np.arange(weeks) % 3 != 2, rng.uniform(20e3, 250e3, weeks), 0.0)
    units = simulate_history(load_text(_form_market(truth, "")), {}, ["units"],
                             choice_fixtures.START, weeks, PeriodKind.WEEK, 1,
                             spend={"social": money})["units"]
    write_history(folder / "history.csv", tuple(choice_fixtures.week_starts()),
                  {"units": units, "spend.social": money})
    path = folder / "scenario.yaml"
    path.write_text(_form_market("weekly", FORM_CHOICE), encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("truth", ["daily", "weekly"])
def test_the_form_a_history_was_simulated_with_is_kept_clearly(tmp_path: Path, truth: str
                                                               ) -> None:
    result = mktsim.load(_write_form_market(tmp_path, truth)).calibrate(holdout=6, starts=1)
    choice = result.choice
    curve, step = TRUTHS[truth]
    assert choice is not None and choice.kept == {FORMS: {"conversion.curve": curve,
                                                          "adstock.step_days": step}}
    assert choice.clear and choice.gaps[FORMS] >= 10, choice.gaps
    kept = next(c for c in choice.candidates if c.kept)
    other = next(c for c in choice.candidates if not c.kept)
    assert kept.holdout_mape["units"] < other.holdout_mape["units"]
    lift = next(p for p in result.parameters if p.path == "channels.social.conversion.lift")
    assert lift.estimate == pytest.approx(1.0, rel=0.05)


def test_the_daily_form_kept_is_in_json_terminal_and_fitted_file(tmp_path: Path) -> None:
    import json

    scenario = _write_form_market(tmp_path, "daily")
    out = CliRunner().invoke(main, ["calibrate", str(scenario), "--holdout", "6",
                                    "--out", str(tmp_path / "fitted.yaml"),
                                    "--out-dir", str(tmp_path / "calib")])
    assert out.exit_code == 0, out.output
    said = " ".join(out.output.split())
    assert (f"chosen from the data: {FORMS} = {{conversion.curve: hill, adstock.step_days: "
            f"1}} ({FORMS} = {{conversion.curve: logistic, adstock.step_days: 7}}: log "
            "evidence") in said
    choice = json.loads((tmp_path / "calib" / "calibration.json").read_text())["choice"]
    assert choice["paths"] == [FORMS] and choice["clear"] is True
    assert choice["kept"] == {FORMS: {"conversion.curve": "hill", "adstock.step_days": 1}}
    assert choice["own"] == {FORMS: {"conversion.curve": "logistic", "adstock.step_days": 7}}
    assert choice["gaps"][FORMS] == choice["gap"] >= 10
    # what the kept form set, its redrafted figures to 6 digits as in the fitted file
    applied = next(c for c in choice["candidates"] if c["kept"])["applied"]
    assert applied["channels.social.conversion.curve"] == "hill"
    assert applied["channels.social.adstock.step_days"] == 1
    half = applied["channels.social.conversion.half_saturation"]
    assert half == pytest.approx(K_DAILY, rel=1e-4) and half == float(f"{half:.6g}")
    written = re.findall(r"half_saturation: ([-+.\deE]+)",
                         (tmp_path / "fitted.yaml").read_text())
    assert written and all(float(v) == float(f"{float(v):.6g}") for v in written), written
    fitted = mktsim.load(tmp_path / "fitted.yaml").loaded.spec.channels["social"]
    assert fitted.conversion.curve == "hill" and fitted.adstock.step_days == 1
    # the half-saturation redrafted for the daily stock: the truth's
    assert fitted.conversion.half_saturation == pytest.approx(K_DAILY, rel=1e-4)
    assert fitted.conversion.lift == pytest.approx(1.0, rel=0.05)  # the fit's, not the draft's
    # the lift's lognormal prior as the kept form moved it, its median the redrafted lift
    loaded = mktsim.load(scenario).loaded
    history = read_history(tmp_path / "history.csv", loaded.spec.channels,
                           loaded.spec.products, None, loaded.spec.market.demand)
    priors = parse_priors((), loaded.spec.calibration.parameters, loaded.source)
    _values, moved = expand(loaded, history, priors, {FORMS: HILL})
    section = mktsim.load(tmp_path / "fitted.yaml").loaded.spec.calibration.parameters
    lift = "channels.social.conversion.lift"
    written = parse_priors((), {lift: section[lift]}, "fitted.yaml")[0]
    wanted = next(p for p in moved if p.path == lift)
    assert wanted.dist_args[0] != 0.0
    assert written.dist == "lognormal"
    assert written.dist_args == pytest.approx(wanted.dist_args, rel=1e-5, abs=1e-6)


def _choice(scores: list[float], own: dict) -> object:
    from mktsim.calibrate.choice import Candidate, Choice, kept_combination

    kept = kept_combination(COMBOS, scores, own)
    candidates = [Candidate(c, s, s, 1.0, {}, kept=i == kept)
                  for i, (c, s) in enumerate(zip(COMBOS, scores, strict=True))]
    return Choice([MEDIA, FORMS], candidates, 1.0, kept=COMBOS[kept],
                  own=COMBOS[0] if own == COMBOS[0] else None, own_values=own)


def test_a_warning_names_each_unsettled_path_and_what_it_kept() -> None:
    from mktsim.calibrate.choice import choice_warnings

    # the form clearly Hill (kept, changed), the scaling unsettled (its own 1 kept)
    warnings = choice_warnings(_choice([-1626.0, -1621.3, -1626.0, -1622.2], COMBOS[0]))
    assert len(warnings) == 1
    assert MEDIA in warnings[0] and FORMS not in warnings[0]
    assert "scenario's own 1 is kept" in warnings[0]
    assert "0.9 above the next" in warnings[0]
    # without the own values among the candidates, an unsettled path keeps its best
    warnings = choice_warnings(_choice([-10.0, -9.0, -8.0, -8.5], {}))
    assert len(warnings) == 2
    assert all("scenario's own" not in w and "the best" in w for w in warnings)
    assert FORMS in warnings[1] and "conversion.curve: logistic" in warnings[1]
    # every path clear: no warning
    assert choice_warnings(_choice([-20.0, -20.0, -2.0, -20.0], COMBOS[0])) == []


def test_a_form_breaking_a_channel_rule_is_refused_at_its_line(tmp_path: Path) -> None:
    """Each value taken by its field, the two together refused by the channel's rule
    when the candidate is set: `calibrate` names the choice's line."""
    scenario = write_market(tmp_path, 1.0)
    choices = (f"{FORMS}: [{{conversion.curve: logistic, conversion.shape: 2}}, "
               "{conversion.curve: hill}]")
    text = scenario.read_text().split("  choices:")[0] + f"  choices:\n    {choices}\n"
    scenario.write_text(text)
    line = text.splitlines().index(f"    {choices}") + 1
    out = CliRunner().invoke(main, ["calibrate", str(scenario)])
    assert out.exit_code == 2, out.output
    assert f"{scenario}:{line}: calibration.choices.{FORMS}: candidate" in out.output
    assert "belongs to the hill curve" in " ".join(out.output.split())
