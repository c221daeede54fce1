"""Executive summary: plain sentences written from the numbers of a results folder."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import Any

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
    label,
    phrase,
)
from mktsim.report.load import Decision, Results, Target
from mktsim.report.tables import leak_info, leak_kind, output_kind, output_phrase

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
    points = f"{done:,}" if done == total else f"{done:,} of {total:,}"
    text = f"{points} combinations of {len(params)} uncertain input" + (
        "s" if len(params) != 1 else ""
    )
    if strategies:
        text += f" × {len(strategies)} strateg{'ies' if len(strategies) != 1 else 'y'}"
    return text + f" × {results.replications:,} runs each"


def overview_sentence(results: Results) -> str:
    """What was simulated, how often and over which dates."""
    if results.is_sweep:
        strategies = ", ".join((results.sweep or {}).get("strategies") or [])
        return (
            f"{results.name}: sweep of {sweep_size_text(results)}"
            + (f" (strategies {strategies})" if strategies else "")
            + f", from {format_date(results.start_date)} to {end_date_text(results)} "
            f"({results.horizon_days:,} days)."
        )
    strategy = f"strategy {results.strategy}, " if results.strategy else ""
    return (
        f"{results.name}: {strategy}simulated {results.replications:,} times from "
        f"{format_date(results.start_date)} to {end_date_text(results)} "
        f"({results.horizon_days:,} days)."
    )


def _with_interval(p: float | None, interval: Any) -> str:
    text = format_percent(p)
    if isinstance(interval, list | tuple) and len(interval) == 2:
        return f"{text} probability ({format_interval((interval[0], interval[1]))})"
    return f"{text} probability"


def _how_many(n: int) -> str:
    return "the target" if n == 1 else "both targets" if n == 2 else f"all {n} targets"


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
    who = f"Strategy {results.strategy}" if results.strategy else "The plan"
    one_by_one = (
        f"meets {_how_many(n)} at the required confidence"
        if met == n
        else f"meets none of the {n} targets at the required confidence"
        if met == 0
        else f"meets {met} of {n} targets at the required confidence"
    )
    joint = joint_probability(results)
    if joint is None:
        return f"{who} {one_by_one}."
    together = _with_interval(joint.get("probability"), joint.get("interval"))
    return (
        f"{who} meets {_how_many(n)} together with {together}; "
        f"taken one at a time, it {one_by_one}."
    )


def target_sentence(results: Results, t: Target) -> str:
    """One target: condition, deadline, probability against required confidence, verdict."""
    unit = results.kpis[t.metric].unit if t.metric in results.kpis else ""
    cur = results.currency
    goal = (
        f"{phrase(t.metric)} {t.direction.replace('_', ' ')} "
        f"{format_value(t.threshold, unit, cur)} by {format_date(t.by)}"
    )
    text = f"Target {t.id} ({goal}): {_with_interval(t.probability, t.interval)}"
    if t.confidence is not None:
        text += f", {format_percent(t.confidence)} required"
    verdict = t.verdict or ("met" if t.met else "not met" if t.met is not None else "")
    if verdict:
        text += f" — {verdict}"
    expected = t.value.get("mean")
    if expected is not None:
        text += f"; expected {format_value(expected, unit, cur)}"
    return text + "."


def kpi_sentence(results: Results, name: str) -> str:
    """Expected value of one KPI at the horizon and the range holding 90% of runs."""
    k = results.kpis[name]
    cur = results.currency
    when = "over the plan" if k.kind == "flow" else f"on {end_date_text(results)}"
    text = f"Expected {phrase(name)} {when}: {format_value(k.mean, k.unit, cur)}"
    if k.p5 is not None and k.p95 is not None:
        text += (
            f" (90% of runs between {format_value(k.p5, k.unit, cur)} and "
            f"{format_value(k.p95, k.unit, cur)})"
        )
    return text + "."


def headline_kpis(results: Results, limit: int = HEADLINE_LIMIT) -> list[str]:
    """KPIs worth a sentence: targeted metrics first, then revenue, profit, customers."""
    wanted = [t.metric for t in results.targets] + list(HEADLINE_KPIS)
    names = [n for n in dict.fromkeys(wanted) if n in results.kpis]
    return names[:limit]


def channel_sentence(results: Results) -> str:
    """Best and weakest channel by return on investment."""
    ranked = sorted((c for c in results.channels if c.roi is not None), key=lambda c: -(c.roi or 0))
    if len(ranked) < 2:
        return ""
    best, worst = ranked[0], ranked[-1]
    return (
        f"Highest return on investment: {label(best.name)} (ROI {format_ratio(best.roi)}); "
        f"lowest: {label(worst.name)} (ROI {format_ratio(worst.roi)})."
    )


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
    when = format_date(start.date) if start.date else f"day {start.day}"
    action = f": {start.action.replace('_', ' ')}" if start.action else ""
    n = len(results.decisions)
    took = "one decision" if n == 1 else f"{n:,} decisions"
    return (
        f"The plan's rules took {took}; {top} acted most often "
        f"({per_run[top]:.1f} times per run on average, first on {when}{action})."
    )


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
    return f"Largest leak: {what[0].lower()}{what[1:]}, {format_count(counts[name])} over the plan."


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
    text = f"Of {len(cmp['strategies'])} strategies compared, {top} ranks first"
    if top in best_p:
        text += f" ({format_percent(best_p[top])} chance of being the best)"
    joint = cmp.get("all_targets") or {}
    parts = [
        f"{s} {_with_interval(joint[s].get('probability'), joint[s].get('interval'))}"
        for s in ranking
        if isinstance(joint.get(s), Mapping)
    ]
    if parts:
        text += "; all targets met: " + ", ".join(parts)
    return text + "."


def optimize_sentence(results: Results) -> str:
    """The cheapest plan found, or why none was found."""
    opt = results.optimize
    if not opt:
        return ""
    cur = results.currency
    if opt.get("feasible") is False:
        why = f": {opt['message']}" if opt.get("message") else ""
        return f"No plan found meets every target at the required confidence{why}."
    plan = opt.get("plan") or {}
    text = "The optimised plan"
    if opt.get("total_cost") is not None:
        text += f" costs {format_money(opt['total_cost'], cur)} in total"
    alloc: Mapping[str, float] = plan.get("allocation") or {}
    if alloc:
        shares = ", ".join(
            f"{label(k)} {format_percent(v)}"
            for k, v in sorted(alloc.items(), key=lambda kv: -kv[1])
        )
        text += f" (budget split: {shares})"
    verified = (opt.get("verified") or {}).get("targets") or []
    if verified:
        checks = ", ".join(
            f"{v.get('id')} {_with_interval(v.get('probability'), v.get('interval'))}"
            for v in verified
        )
        text += f"; re-checked with fresh runs: {checks}"
    return text + "."


def analyze_sentences(results: Results) -> list[str]:
    """Effect of uncertain inputs: target probabilities, main driver, failure conditions."""
    ana = results.analyze
    if not ana:
        return []
    out = []
    probs = ana.get("targets") or {}
    if probs:
        parts = [
            f"{k} {format_percent(v.get('probability') if isinstance(v, Mapping) else v)}"
            for k, v in probs.items()
        ]
        out.append(
            "When uncertain inputs vary, the targets are met with probability: "
            + ", ".join(parts)
            + "."
        )
    tornado = ana.get("tornado") or []
    if tornado:
        first = tornado[0].get("output")
        top = max(
            (r for r in tornado if r.get("output") == first),
            key=lambda r: abs(r.get("swing") or 0.0),
        )
        output = str(top.get("output") or "the result")
        size = abs(top.get("swing") or 0.0)
        if output_kind(results, output) == PERCENT and output not in results.kpis:
            swing = f"{size * 100:.0f} percentage points"
        else:
            unit = results.kpis[output].unit if output in results.kpis else ""
            swing = format_value(size, unit, results.currency)
        text = output_phrase(results, output)
        out.append(
            f"{text[0].upper()}{text[1:]} is most sensitive to {top.get('parameter')} "
            f"(swing of {swing} between its low and high value)."
        )
    seen: set[str] = set()
    for row in ana.get("discovery") or []:
        sentence = str(row.get("sentence") or "").strip()
        if sentence and row.get("target") not in seen:
            seen.add(str(row.get("target")))
            out.append(sentence[0].upper() + sentence[1:] + ("" if sentence.endswith(".") else "."))
    return out


def executive_summary(results: Results) -> list[str]:
    """All summary sentences, most important first; empty parts are left out."""
    parts: list[str] = [overview_sentence(results), targets_headline(results)]
    parts += [target_sentence(results, t) for t in results.targets]
    parts += [kpi_sentence(results, n) for n in headline_kpis(results)]
    makers: list[Callable[[Results], str]] = [
        channel_sentence,
        decisions_sentence,
        leaks_sentence,
        compare_sentence,
        optimize_sentence,
    ]
    parts += [make(results) for make in makers]
    parts += analyze_sentences(results)
    return [p for p in parts if p]
