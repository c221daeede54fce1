"""Competitors as actors: advertising drives their awareness, reactions fire on what they
observe of us (with the intelligence delay), after a delay and with a probability, and every
move comes back in the run document, the report and the reviews' view of the market."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from mktsim.engine.replication import Replication
from mktsim.kpis import KPI_INDEX
from mktsim.rules.market_intel import AWARENESS, PRICE, CompetitorBook
from mktsim.rules.review import ReviewLoop
from mktsim.scenario.errors import ScenarioError
from mktsim.scenario.load import load_text
from mktsim.simulate import run_plan
from rivals_fixtures import ADVERTISER, MATCHER, rivals, rivals_text

CUT_DAY = 59  # 2027-03-01, the `cut` strategy's price change


def problems(rival: str) -> list[str]:
    with pytest.raises(ScenarioError) as info:
        load_text(rivals_text(rival), "plan.yaml")
    return [p.render() for p in info.value.problems]


def line_of(rival: str, needle: str) -> int:
    return next(i + 1 for i, line in enumerate(rivals_text(rival).splitlines())
                if needle in line)


def reaction(when: str, then: str, more: str = "") -> str:
    return f"""      reactions:
        - name: answer
          when: "{when}"
          then: {then}
{more}"""


def test_a_scenario_without_acting_competitors_compiles_to_no_rivals():
    assert rivals().plan("cut").rivals is None
    assert ReviewLoop().idle(rivals().plan("cut"))
    assert not ReviewLoop().idle(rivals(MATCHER).plan("cut"))


@pytest.mark.parametrize(("rival", "needle", "field", "words"), [
    (reaction("price_cut('bnad') > 0", "{cut_price: {share: 0.1}}"), "when:",
     "market.competitors.rival.reactions.0.when", "did you mean 'band'"),
    (reaction("roi('social') > 0", "{cut_price: {share: 0.1}}"), "when:",
     "market.competitors.rival.reactions.0.when", "roi"),
    (reaction("day > 3", "{match_cut: {product: bnad}}"), "match_cut",
     "market.competitors.rival.reactions.0.then.match_cut.product", "bnad"),
    (reaction("day > 3", "{raise_spend: {share: 0.5}}"), "raise_spend",
     "market.competitors.rival.reactions.0.then.raise_spend", "no advertising"),
    (reaction("day > 3", "{cut_price: {share: 0.1}, promote: {depth: 0.1, days: 7}}"),
     "cut_price", "market.competitors.rival.reactions.0.then", "exactly one reaction"),
    (reaction("day > 3", "{cut_price: {share: 1.5}}"), "cut_price",
     "market.competitors.rival.reactions.0.then.cut_price.share", ""),
    (reaction("day > 3", "{cut_price: {share: 0.1}}", "          probability: 2\n"),
     "probability", "market.competitors.rival.reactions.0.probability", ""),
    (ADVERTISER.replace("budget_per_year: 1_000_000", "budget_per_year: -5"),
     "budget_per_year", "market.competitors.rival.advertising.budget_per_year", ""),
    ("      looks_every_days: 0\n", "looks_every_days",
     "market.competitors.rival.looks_every_days", ""),
    (ADVERTISER.replace("retention_per_week: 0.5", "retention_per_week: 1.5"),
     "retention_per_week", "market.competitors.rival.advertising.adstock.retention_per_week",
     ""),
    (reaction("day > 3", "{promote: {depth: 0.1, days: 7}}", "          delay_days: -1\n"),
     "delay_days", "market.competitors.rival.reactions.0.delay_days", ""),
])
def test_every_new_key_is_checked_with_file_line_and_field(rival, needle, field, words):
    found = problems(rival)
    assert len(found) == 1, found
    assert found[0].startswith(f"plan.yaml:{line_of(rival, needle)}: {field}"), found[0]
    assert words in found[0]


def test_two_reactions_with_one_name_are_refused():
    rival = reaction("day > 3", "{cut_price: {share: 0.1}}") + """\
        - name: answer
          when: "day > 9"
          then: {cut_price: {share: 0.1}}
"""
    found = problems(rival)
    assert len(found) == 1 and "called 'answer'" in found[0]
    assert found[0].startswith(f"plan.yaml:{line_of(rival, 'day > 9') - 1}: ")


def test_a_matched_cut_comes_after_the_intelligence_delay_and_the_reaction_delay():
    run = run_plan(rivals(MATCHER).plan("cut"), 3, seed=1)
    for log in run.reviews:
        (move,) = log.competitor_moves
        # the first look that sees our cut: our offer as of the day before, 30 days late
        look = 7 * math.ceil((CUT_DAY + 1 + 30) / 7)
        assert move["seen_on"] == look and move["day"] == look + 7
        assert move["status"] == "done" and move["action"] == "match_cut"
        assert move["args"]["amount"] == pytest.approx(20.0)
        assert move["args"]["to"] == pytest.approx(179.0)


def test_without_our_cut_the_matcher_never_moves():
    run = run_plan(rivals(MATCHER).plan("steady"), 3, seed=1)
    assert all(log.competitor_moves == [] for log in run.reviews)


def test_a_reaction_fires_with_its_probability():
    rival = reaction("price_cut('band') > 0", "{cut_price: {share: 0.05}}",
                     "          probability: 0.3\n")
    n = 120
    run = run_plan(rivals(rival).plan("cut"), n, seed=4)
    done = sum(any(m["status"] == "done" for m in log.competitor_moves) for log in run.reviews)
    refused = sum(any(m["status"].startswith("skipped") for m in log.competitor_moves)
                  for log in run.reviews)
    assert done + refused == n  # the condition becomes true once, in every replication
    half_width = 3.0 * math.sqrt(0.3 * 0.7 / n)  # 3 standard errors
    assert abs(done / n - 0.3) < half_width


def test_a_reaction_rests_during_its_cooldown_and_fires_again_once_the_condition_returns():
    rival = reaction("own_price() >= 150", "{cut_price: {share: 0.05}}",
                     "          delay_days: 0\n          cooldown_days: 60\n")
    run = run_plan(rivals(rival).plan("steady"), 1, seed=1)
    days = [m["day"] for m in run.reviews[0].competitor_moves]
    prices = [m["args"]["to"] for m in run.reviews[0].competitor_moves]
    # true at the first look, then still true but not a new event: it never fires again
    assert days == [7] and prices == [pytest.approx(199 * 0.95)]
    toggling = reaction("day % 14 == 0", "{cut_price: {share: 0.01}}",
                        "          delay_days: 0\n          cooldown_days: 30\n")
    run = run_plan(rivals(toggling).plan("steady"), 1, seed=1)
    days = [m["day"] for m in run.reviews[0].competitor_moves]
    assert days[:3] == [14, 56, 98]  # every 14 days, but not within 30 days of the last


def test_a_competitor_promotion_ends_and_its_price_returns():
    rival = reaction("promoting('band')", "{promote: {depth: 0.2, days: 21}}",
                     "          delay_days: 3\n")
    plan = rivals(rival).plan("promo")
    rep = Replication(plan, np.random.SeedSequence(2), controllers=(ReviewLoop(),))
    seen: list[tuple[int, float]] = []
    for day in (120, 140, 160, 200):
        rep.at(day, lambda d=day: seen.append((d, float(rep.competitor(0)[PRICE]))))
    result = rep.run()
    (move,) = [m for m in result.reviews.competitor_moves if m["status"] == "done"]
    start = move["day"]
    assert move["args"]["to"] == pytest.approx(199 * 0.8)
    for day, price in seen:
        assert price == pytest.approx(199 * 0.8 if start <= day < start + 21 else 199.0)


def steady_awareness(text: str) -> float:
    """g / (g + l): the fixed point of A <- A + (1 - A) g - A l at constant spend."""
    budget, cpm, beta, k, forget = 1_000_000.0, 40.0, 4.0, 3.0, 1.0
    x = budget / 365 * 1000 / cpm / 200_000
    stock = x / (1.0 - 0.5 ** (1 / 7))
    g = 1 - math.exp(-beta / 365 * stock / (stock + k))
    lose = 1 - math.exp(-forget / 365)
    return g / (g + lose)


def test_advertising_moves_the_competitor_s_awareness_to_the_adstock_hill_steady_state():
    plan = rivals(ADVERTISER).plan("steady")
    rep = Replication(plan, np.random.SeedSequence(1), controllers=(ReviewLoop(),))
    rep.run()
    final = float(rep.competitor(0)[AWARENESS])
    assert final == pytest.approx(steady_awareness(ADVERTISER), abs=0.01)
    assert final > 0.6  # from the 0.6 it started at


def test_a_competitor_that_advertises_takes_share_from_us():
    quiet = run_plan(rivals().plan("steady"), 6, seed=2)
    loud = run_plan(rivals(ADVERTISER).plan("steady"), 6, seed=2)
    k = KPI_INDEX["market_share"]
    diff = loud.daily[:, k, -1] - quiet.daily[:, k, -1]  # paired: the same seeds
    assert diff.mean() + 3 * diff.std(ddof=1) / math.sqrt(len(diff)) < 0


def test_raising_spend_raises_awareness_further():
    raise_it = ADVERTISER + reaction("our_share() > 0.2", "{raise_spend: {share: 1.0}}",
                                     "          delay_days: 0\n")
    a = Replication(rivals(ADVERTISER).plan("steady"), np.random.SeedSequence(1),
                    controllers=(ReviewLoop(),))
    b = Replication(rivals(raise_it).plan("steady"), np.random.SeedSequence(1),
                    controllers=(ReviewLoop(),))
    a.run()
    result = b.run()
    (move,) = result.reviews.competitor_moves
    assert move["args"]["spend_factor"] == pytest.approx(2.0)
    assert float(b.competitor(0)[AWARENESS]) > float(a.competitor(0)[AWARENESS]) + 0.01


def test_our_reviews_see_the_competitor_s_reactive_price_late_and_its_awareness_by_survey():
    rules = """rules:
  review: {every_days: 10}
  when_then:
    - name: watch
      when: "competitor_price('rival') > 0 and competitor_awareness('rival') >= 0"
      then: [{pause: {channel: social}}]
      cooldown_days: 0
"""
    plan = rivals(MATCHER + ADVERTISER, rules).plan("cut")
    run = run_plan(plan, 2, seed=3)
    for log in run.reviews:
        (move,) = log.competitor_moves
        for d in log.decisions:
            price = d["seen"]["competitor_price('rival')"]
            assert price == (179.0 if d["day"] - 1 - 30 >= move["day"] else 199.0)
            aware = d["seen"]["competitor_awareness('rival')"]
            assert aware * 400 == pytest.approx(round(aware * 400))  # a survey of 400


def test_the_book_reads_values_as_they_stood():
    plan = rivals("      moves:\n        - {on: 2027-02-01, price: 189}\n").plan("steady")
    book = CompetitorBook(plan)
    assert book.value_on(0, PRICE, -5) == 199.0
    assert book.value_on(0, PRICE, 30) == 199.0 and book.value_on(0, PRICE, 31) == 189.0
    book.record(0, PRICE, 100, 170.0)
    assert book.value_on(0, PRICE, 99) == 189.0 and book.value_on(0, PRICE, 100) == 170.0


def test_the_run_document_lists_the_moves_with_their_days_and_reads_them_back(tmp_path):
    from mktsim.documents.run import RunDocument
    from mktsim.simulate.result import run_doc

    result = rivals(MATCHER).run("cut", replications=4, seed=2)
    doc = run_doc(result).to_dict()
    (move,) = doc["competitor_moves"]
    assert move["competitor"] == "rival" and move["action"] == "match_cut"
    assert move["fraction_of_replications"] == 1.0 and move["date"] is not None
    text = json.dumps(doc, default=str)
    back = RunDocument.from_dict(json.loads(text))
    assert back.competitor_moves[0].day == move["day"]
    assert back.competitor_moves[0].to_dict()["args"] == move["args"]
    quiet = run_doc(rivals().run("cut", replications=2, seed=2)).to_dict()
    assert quiet["competitor_moves"] == []


def test_the_run_command_prints_the_moves_and_writes_them_to_json(tmp_path):
    from click.testing import CliRunner

    from mktsim.cli import main

    path = tmp_path / "plan.yaml"
    path.write_text(rivals_text(MATCHER), encoding="utf-8")
    runner = CliRunner()
    shown = runner.invoke(main, ["run", str(path), "-s", "cut", "-n", "2", "-w", "1",
                                 "--no-incremental"])
    assert shown.exit_code == 0, shown.output
    assert "Competitor moves" in shown.output and "match_cut" in shown.output
    printed = runner.invoke(main, ["run", str(path), "-s", "cut", "-n", "2", "-w", "1",
                                   "--no-incremental", "--format", "json"])
    assert printed.exit_code == 0, printed.output
    assert json.loads(printed.stdout)["competitor_moves"][0]["day"] == 98


def test_the_report_table_of_moves(tmp_path):
    from mktsim.report.load import Results
    from mktsim.report.tables.run_log import competitor_moves_table
    from mktsim.simulate.result import run_doc

    result = rivals(MATCHER).run("cut", replications=2, seed=2)
    table = competitor_moves_table(Results.of(run_doc(result), tmp_path))
    assert table is not None
    row = table.frame.iloc[0].to_dict()
    assert row["Day"] == 98 and row["Competitor"] == "Rival"
    assert row["Action"] == "match our price cut" and "179" in row["Details"]
    assert competitor_moves_table(Results.of(run_doc(rivals().run("cut", replications=2)),
                                             tmp_path)) is None


@pytest.mark.slow
def test_the_report_has_a_table_of_moves_and_marks_them_on_the_timeline(tmp_path):
    from click.testing import CliRunner

    from mktsim.cli import main

    path = tmp_path / "plan.yaml"
    path.write_text(rivals_text(MATCHER), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["run", str(path), "-s", "cut", "-n", "3", "-w", "1",
                                       "--no-incremental", "--out", str(out),
                                       "--report", "md"])
    assert result.exit_code == 0, result.output
    assert "Competitor moves" in result.output
    report = (out / "report.md").read_text(encoding="utf-8")
    assert "### Competitor moves" in report and "match our price cut" in report
    doc = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert doc["competitor_moves"][0]["day"] == 98


def test_the_timeline_chart_draws_a_line_on_each_move_day(tmp_path):
    from mktsim.report.charts import fan_chart
    from mktsim.report.load import Results
    from mktsim.simulate.result import run_doc

    result = rivals(MATCHER).run("cut", replications=2, seed=2)
    results = Results.of(run_doc(result), tmp_path)
    fig = fan_chart(results, "units")
    from mktsim.report.charts import day_num

    want = day_num(results.start_date) + 98
    xs = [line.get_xdata()[0] for ax in fig.axes for line in ax.get_lines()
          if line.get_linestyle() == ":"]
    assert xs and all(x == pytest.approx(want) for x in xs)


def test_the_same_numbers_and_moves_on_two_worker_processes():
    rival = reaction("price_cut('band') > 0", "{cut_price: {share: 0.05}}",
                     "          probability: 0.5\n") + ADVERTISER
    one = rivals(rival).run("cut", replications=6, seed=9, workers=1, incremental=False)
    two = rivals(rival).run("cut", replications=6, seed=9, workers=2, incremental=False)
    assert np.array_equal(one.run.daily, two.run.daily)
    assert one.competitor_moves == two.competitor_moves


def test_a_reaction_that_cannot_be_computed_stops_the_run_with_exit_code_2(tmp_path):
    from click.testing import CliRunner

    from mktsim.cli import main

    path = tmp_path / "plan.yaml"
    path.write_text(rivals_text(reaction("1 / (own_price() - 199) > 0",
                                         "{cut_price: {share: 0.1}}")), encoding="utf-8")
    result = CliRunner().invoke(main, ["run", str(path), "-n", "1", "-w", "1",
                                       "--no-incremental"])
    assert result.exit_code == 2
    assert "reaction 'answer' of competitor 'rival' failed at its look on day 7" \
        in result.output
    assert "Traceback" not in result.output


def test_two_competitors_looking_on_the_same_day_see_the_same_late_offer():
    second = """    other:
      price: 209
      awareness: 0.4
""" + MATCHER
    text = rivals_text(MATCHER).replace("products:\n", second + "products:\n", 1)
    from mktsim.api import Scenario

    plan = Scenario(load_text(text, "two.yaml")).plan("cut")
    run = run_plan(plan, 2, seed=1)
    for log in run.reviews:
        moves = {m["competitor"]: m for m in log.competitor_moves}
        assert set(moves) == {"rival", "other"}
        assert moves["rival"]["day"] == moves["other"]["day"] == 98
        assert moves["other"]["args"]["to"] == pytest.approx(189.0)
