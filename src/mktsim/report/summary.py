"""Executive summary: plain sentences written from the numbers of a results folder.

It opens with the verdict and the next step: the targets at risk and by how much, what
the plan spends against its budget, the channels with the best and the worst incremental
return, and the command that finds the cheapest plan that reaches the targets. Every
sentence is one message of the catalog (mktsim.i18n), in the active language.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

from mktsim.i18n import _, is_zh, ngettext
from mktsim.report.fmt import (
    COUNT,
    PERCENT,
    format_count,
    format_date,
    format_interval,
    format_money,
    format_percent,
    format_ratio,
    format_value,
    phrase,
)
from mktsim.report.load import Decision, Results, Target
from mktsim.report.tables import (
    action_text,
    leak_info,
    leak_kind,
    output_kind,
    output_phrase,
    verdict_word,
)
from mktsim.report.words import DIRECTIONS, word

HEADLINE_KPIS = ("revenue", "profit", "customers")
HEADLINE_LIMIT = 5


def end_date_text(results: Results) -> str:
    """Last simulated day, as a date."""
    return format_date(results.start_date + timedelta(days=max(results.horizon_days - 1, 0)))


def sweep_size_text(results: Results) -> str:
    """``8 combinations of 2 uncertain inputs x 2 strategies x 3 runs``."""
    sweep = results.sweep or {}
    params, strategies = sweep.get("parameters") or [], sweep.get("strategies") or []
    done, total = int(sweep.get("done") or 0), int(sweep.get("points") or 0)
    points = f"{done:,}" if done == total else _("{done:,} of {total:,}").format(
        done=done, total=total)
    text = ngettext("{points} combinations of {n} uncertain input",
                    "{points} combinations of {n} uncertain inputs", len(params)).format(
        points=points, n=len(params))
    if strategies:
        text += ngettext(" × {n} strategy", " × {n} strategies", len(strategies)).format(
            n=len(strategies))
    return text + _(" × {n:,} runs each").format(n=results.replications)


def overview_sentence(results: Results) -> str:
    """What was simulated, how often and over which dates."""
    facts = {"name": results.name, "start": format_date(results.start_date),
             "end": end_date_text(results), "days": results.horizon_days}
    if results.is_sweep:
        names = ", ".join(results.label("strategies", s)
                          for s in (results.sweep or {}).get("strategies") or [])
        size = sweep_size_text(results)
        if names:
            return _("{name}: sweep of {size} (strategies {strategies}), from {start} to "
                     "{end} ({days:,} days).").format(size=size, strategies=names, **facts)
        return _("{name}: sweep of {size}, from {start} to {end} ({days:,} days).").format(
            size=size, **facts)
    if results.strategy:
        return _("{name}: strategy {strategy}, simulated {runs:,} times from {start} to {end} "
                 "({days:,} days).").format(strategy=strategy_name(results),
                                            runs=results.replications, **facts)
    return _("{name}: simulated {runs:,} times from {start} to {end} ({days:,} days).").format(
        runs=results.replications, **facts)


def strategy_name(results: Results) -> str:
    """The strategy of the run, by its label."""
    return results.label("strategies", results.strategy)


def _with_interval(p: float | None, interval: Any) -> str:
    text = format_percent(p)
    if isinstance(interval, list | tuple) and len(interval) == 2:
        return _("{p} probability ({interval})").format(
            p=text, interval=format_interval((interval[0], interval[1])))
    return _("{p} probability").format(p=text)


def _how_many(n: int) -> str:
    if n == 1:
        return _("the target")
    if n == 2:
        return _("both targets")
    return _("all {n} targets").format(n=n)


def joint_probability(results: Results) -> Mapping[str, Any] | None:
    """Probability of meeting every target together, if the folder states it."""
    if results.all_targets:
        return results.all_targets
    joint = ((results.compare or {}).get("all_targets") or {}).get(results.strategy)
    return joint if isinstance(joint, Mapping) else None


def targets_headline(results: Results) -> str:
    """How many targets the strategy meets, and together with what probability."""
    n = len(results.targets)
    if not n:
        return ""
    met = sum(1 for t in results.targets if t.met)
    who = (_("Strategy {strategy}").format(strategy=strategy_name(results))
           if results.strategy else _("The plan"))
    one_by_one = (
        _("meets {how_many} at the required confidence").format(how_many=_how_many(n))
        if met == n
        else _("meets none of the {n} targets at the required confidence").format(n=n)
        if met == 0
        else _("meets {met} of {n} targets at the required confidence").format(met=met, n=n)
    )
    joint = joint_probability(results)
    if joint is None:
        return _("{who} {one_by_one}.").format(who=who, one_by_one=one_by_one)
    together = _with_interval(joint.get("probability"), joint.get("interval"))
    return _("{who} meets {how_many} together with {together}; taken one at a time, it "
             "{one_by_one}.").format(who=who, how_many=_how_many(n), together=together,
                                     one_by_one=one_by_one)


def target_sentence(results: Results, t: Target) -> str:
    """One target: condition, deadline, probability against required confidence, verdict."""
    unit = results.kpis[t.metric].unit if t.metric in results.kpis else ""
    cur = results.currency
    goal = goal_text(results, t)
    text = _("Target {target} ({goal}): {chance}").format(
        target=results.label("targets", t.id), goal=goal,
        chance=_with_interval(t.probability, t.interval))
    if t.confidence is not None:
        text += _(", {confidence} required").format(confidence=format_percent(t.confidence))
    verdict = verdict_word(t.verdict, t.met)
    if verdict:
        text += _(" — {verdict}").format(verdict=verdict)
    expected = t.value.get("mean")
    if expected is not None:
        text += _("; expected {value}").format(value=format_value(expected, unit, cur))
    return text + _(".")


def goal_text(results: Results, t: Target) -> str:
    """What a target asks: ``CAC at most CNY 175 by 30 Jun 2027``."""
    unit = results.kpis[t.metric].unit if t.metric in results.kpis else ""
    return _("{metric} {direction} {threshold} by {date}").format(
        metric=phrase(t.metric), direction=word(DIRECTIONS, t.direction),
        threshold=format_value(t.threshold, unit, results.currency), date=format_date(t.by))


def kpi_sentence(results: Results, name: str) -> str:
    """Expected value of one KPI at the horizon and the range holding 90% of runs."""
    k = results.kpis[name]
    cur = results.currency
    value = format_value(k.mean, k.unit, cur)
    if k.kind == "flow":
        text = _("Expected {kpi} over the plan: {value}").format(kpi=phrase(name), value=value)
    else:
        text = _("Expected {kpi} on {date}: {value}").format(
            kpi=phrase(name), date=end_date_text(results), value=value)
    if k.p5 is not None and k.p95 is not None:
        text += _(" (90% of runs between {low} and {high})").format(
            low=format_value(k.p5, k.unit, cur), high=format_value(k.p95, k.unit, cur))
    return text + _(".")


def headline_kpis(results: Results, limit: int = HEADLINE_LIMIT) -> list[str]:
    """KPIs worth a sentence: targeted metrics first, then revenue, profit, customers."""
    wanted = [t.metric for t in results.targets] + list(HEADLINE_KPIS)
    names = [n for n in dict.fromkeys(wanted) if n in results.kpis]
    return names[:limit]


def channel_sentence(results: Results) -> str:
    """Best and worst channel by incremental return (what the plan loses without the
    channel's money), or by last-touch return when the run did not measure it."""
    ranked = sorted((c for c in results.channels if c.roi is not None), key=lambda c: -(c.roi or 0))
    if len(ranked) < 2:
        return ""
    best, worst = ranked[0], ranked[-1]
    incremental = all(c.incremental and c.incremental.get("roi") for c in (best, worst))
    text = (_("Best incremental return: {best} (ROI {best_roi}); worst: {worst} (ROI "
              "{worst_roi}).") if incremental else
            _("Best return on investment (last touch): {best} (ROI {best_roi}); worst: "
              "{worst} (ROI {worst_roi})."))
    return text.format(best=results.label("channels", best.name),
                       best_roi=format_ratio(best.roi),
                       worst=results.label("channels", worst.name),
                       worst_roi=format_ratio(worst.roi))


def decisions_sentence(results: Results) -> str:
    """How many decisions the rules took, and which rule acted most often."""
    if not results.decisions:
        return ""
    per_run: dict[str, float] = {}
    first: dict[str, Decision] = {}
    for d in sorted(results.decisions, key=lambda d: d.day):
        per_run[d.rule] = per_run.get(d.rule, 0.0) + (d.fraction_of_replications or 0.0)
        first.setdefault(d.rule, d)
    top = max(per_run, key=lambda rule: per_run[rule])
    start = first[top]
    when = format_date(start.date) if start.date else _("day {day}").format(day=start.day)
    action = _(": {action}").format(action=action_text(start.action)) if start.action else ""
    n = len(results.decisions)
    took = ngettext("one decision", "{n:,} decisions", n).format(n=n)
    return _("The plan's rules took {took}; {rule} acted most often ({times} times per run "
             "on average, first on {date}{action}).").format(
        took=took, rule=top, times=f"{per_run[top]:.1f}", date=when, action=action)


def leaks_sentence(results: Results) -> str:
    """The largest counted loss (leaks that are losses: lost, churned, expired, ...)."""
    counts = {
        k: v
        for k, v in results.leaks.items()
        if leak_kind(k, v) == COUNT and leak_info(k)[2]
    }
    if not counts:
        return ""
    name = max(counts, key=lambda k: counts[k])
    what = leak_info(name)[1]
    if not is_zh():
        what = what[0].lower() + what[1:]
    return _("Largest leak: {what}, {count} over the plan.").format(
        what=what, count=format_count(counts[name]))


def compare_sentence(results: Results) -> str:
    """Which strategy is most likely best and how the strategies meet the targets."""
    cmp = results.compare
    if not cmp:
        return ""
    best_p: Mapping[str, float] = cmp.get("probability_best") or {}
    ranking = list(cmp.get("ranking") or sorted(best_p, key=lambda s: -best_p[s]))
    if not ranking:
        return ""
    top = ranking[0]
    text = _("Of {n} strategies compared, {strategy} ranks first").format(
        n=len(cmp["strategies"]), strategy=results.label("strategies", top))
    if top in best_p:
        text += _(" ({p} chance of being the best)").format(p=format_percent(best_p[top]))
    joint = cmp.get("all_targets") or {}
    parts = [
        f"{results.label('strategies', s)} "
        f"{_with_interval(joint[s].get('probability'), joint[s].get('interval'))}"
        for s in ranking
        if isinstance(joint.get(s), Mapping)
    ]
    if parts:
        text += _("; all targets met: {list}").format(list=_(", ").join(parts))
    return text + _(".")


def optimize_sentence(results: Results) -> str:
    """The cheapest plan found, or why none was found."""
    opt = results.optimize
    if not opt:
        return ""
    cur = results.currency
    if opt.get("feasible") is False:
        if opt.get("message"):
            return _("No plan found meets every target at the required confidence: "
                     "{why}.").format(why=opt["message"])
        return _("No plan found meets every target at the required confidence.")
    plan = opt.get("plan") or {}
    text = _("The optimised plan")
    if opt.get("total_cost") is not None:
        text += _(" costs {money} in total").format(money=format_money(opt["total_cost"], cur))
    alloc: Mapping[str, float] = plan.get("allocation") or {}
    if alloc:
        shares = _(", ").join(
            f"{results.label('channels', k)} {format_percent(v)}"
            for k, v in sorted(alloc.items(), key=lambda kv: -kv[1])
        )
        text += _(" (budget split: {shares})").format(shares=shares)
    verified = (opt.get("verified") or {}).get("targets") or []
    if verified:
        checks = _(", ").join(
            f"{results.label('targets', str(v.get('id')))} "
            f"{_with_interval(v.get('probability'), v.get('interval'))}"
            for v in verified
        )
        text += _("; re-checked with fresh runs: {checks}").format(checks=checks)
    return text + _(".")


def analyze_sentences(results: Results) -> list[str]:
    """Effect of uncertain inputs: target probabilities, main driver, failure conditions."""
    ana = results.analyze
    if not ana:
        return []
    out = []
    probs = ana.get("targets") or {}
    if probs:
        parts = [
            f"{results.label('targets', k)} "
            f"{format_percent(v.get('probability') if isinstance(v, Mapping) else v)}"
            for k, v in probs.items()
        ]
        out.append(_("When uncertain inputs vary, the targets are met with probability: "
                     "{list}.").format(list=_(", ").join(parts)))
    tornado = ana.get("tornado") or []
    if tornado:
        first = tornado[0].get("output")
        top = max(
            (r for r in tornado if r.get("output") == first),
            key=lambda r: abs(r.get("swing") or 0.0),
        )
        output = str(top.get("output") or _("the result"))
        size = abs(top.get("swing") or 0.0)
        if output_kind(results, output) == PERCENT and output not in results.kpis:
            swing = _("{n} percentage points").format(n=f"{size * 100:.0f}")
        else:
            unit = results.kpis[output].unit if output in results.kpis else ""
            swing = format_value(size, unit, results.currency)
        text = output_phrase(results, output)
        out.append(_("{output} is most sensitive to {parameter} (swing of {swing} between its "
                     "low and high value).").format(output=f"{text[0].upper()}{text[1:]}",
                                                    parameter=top.get("parameter"),
                                                    swing=swing))
    seen: set[str] = set()
    for row in ana.get("discovery") or []:
        sentence = str(row.get("sentence") or "").strip()
        if sentence and row.get("target") not in seen:
            seen.add(str(row.get("target")))
            out.append(sentence[0].upper() + sentence[1:] + ("" if sentence.endswith(".") else "."))
    return out


def _gap_text(results: Results, t: Target) -> str:
    """How far a target at risk is: probability points short, and the expected value against
    the threshold."""
    unit = results.kpis[t.metric].unit if t.metric in results.kpis else ""
    short = max(0.0, (t.confidence or 0.0) - t.probability) * 100
    text = _("{target} {p} likely against {required} required ({points} points short").format(
        target=results.label("targets", t.id), p=format_percent(t.probability),
        required=format_percent(t.confidence), points=f"{short:.0f}")
    expected = t.value.get("mean")
    if expected is not None:
        text += _("; expected {value} against {direction} {threshold}").format(
            value=format_value(expected, unit, results.currency),
            direction=word(DIRECTIONS, t.direction),
            threshold=format_value(t.threshold, unit, results.currency))
    return text + _(")")


def at_risk(results: Results) -> list[Target]:
    """Targets that miss their required confidence (or whose verdict says so)."""
    return [t for t in results.targets if t.met is False]


def verdict_sentence(results: Results) -> str:
    """The verdict: every target met, or which are at risk and by how much."""
    n = len(results.targets)
    if not n:
        return ""
    risky = at_risk(results)
    if not risky:
        return _("Verdict: the plan reaches {how_many} at the required confidence.").format(
            how_many=_how_many(n))
    gaps = _("; ").join(_gap_text(results, t) for t in risky)
    return ngettext("Verdict: {k} of {n} targets is at risk: {gaps}.",
                    "Verdict: {k} of {n} targets are at risk: {gaps}.", len(risky)).format(
        k=len(risky), n=n, gaps=gaps)


def spend_sentence(results: Results) -> str:
    """What the plan spends against its budget (means per run)."""
    spend = results.spend or {}
    total, budget = spend.get("total"), spend.get("budget")
    if total is None:
        return ""
    cur = results.currency
    on_top = sum(spend.get(k) or 0.0 for k in ("commissions", "loyalty", "training"))
    if not budget:
        return _("The plan spends {total} on marketing (no budget is set).").format(
            total=format_money(total, cur))
    text = _("The plan spends {total} on marketing against a budget of {budget} ({share} of "
             "it)").format(total=format_money(total, cur), budget=format_money(budget, cur),
                           share=format_percent(total / budget))
    if on_top > 0:
        text += _("; {money} of it comes on top of the media budget (commissions, loyalty, "
                  "training)").format(money=format_money(on_top, cur))
    return text + _(".")


def scenario_argument(results: Results) -> str:
    """The scenario file to name in a command (a placeholder when unknown)."""
    path = results.scenario or ""
    if not path or path.startswith("<"):
        return _("SCENARIO.yaml")
    return f'"{path}"' if " " in path else path


def next_step_sentence(results: Results) -> str:
    """The command that finds the cheapest plan reaching every target."""
    if not results.targets or results.is_sweep:
        return ""
    command = f"mktsim optimize {scenario_argument(results)} --mode target"
    if is_zh():
        command += " --lang zh"
    if at_risk(results):
        return _("Next step: find the cheapest plan that reaches every target with "
                 "`{command}`.").format(command=command)
    return _("Next step: check whether a cheaper plan still reaches every target with "
             "`{command}`.").format(command=command)


def executive_summary(results: Results) -> list[str]:
    """All summary sentences, most important first; empty parts are left out. It opens with
    the verdict and the next step (targets at risk, spend against budget, best and worst
    channel, the command to run), then what was simulated and the detail."""
    parts: list[str] = [verdict_sentence(results), spend_sentence(results),
                        channel_sentence(results), next_step_sentence(results),
                        overview_sentence(results), targets_headline(results)]
    parts += [target_sentence(results, t) for t in results.targets]
    parts += [kpi_sentence(results, n) for n in headline_kpis(results)]
    makers: list[Callable[[Results], str]] = [
        decisions_sentence,
        leaks_sentence,
        compare_sentence,
        optimize_sentence,
    ]
    parts += [make(results) for make in makers]
    parts += analyze_sentences(results)
    return [p for p in parts if p]
