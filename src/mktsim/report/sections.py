"""The report as an ordered list of sections, shared by the Markdown and HTML writers.

A section is only present when the results folder holds its data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mktsim.i18n import N_, _, is_zh
from mktsim.report.charts import Chart
from mktsim.report.fmt import COUNT, MONEY, TEXT, format_date, format_money
from mktsim.report.load import Results
from mktsim.report.summary import end_date_text, executive_summary, sweep_size_text
from mktsim.report.tables import Table

# (section key, heading, table keys) in report order.
LAYOUT: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("summary", N_("Summary"), ()),
    ("targets", N_("Targets"), ("targets",)),
    ("kpis", N_("Key results"), ("kpis",)),
    ("trajectories", N_("Trajectories"), ()),
    ("periods", N_("Results by month and quarter"), ("monthly", "quarterly")),
    ("channels", N_("Channels"), ("channels",)),
    ("budget", N_("Budget"), ("budget",)),
    ("promotions", N_("Promotions"), ("promotions",)),
    ("decisions", N_("Decisions during the plan"), ("decisions", "competitor_moves")),
    ("leaks", N_("Where the plan leaks"), ("leaks",)),
    ("comparison", N_("Strategy comparison"), ("comparison", "comparison_kpis")),
    ("plan", N_("Optimised plan"), ("plan", "marginal", "headcount", "verified", "confirmation",
                                        "binding", "flighting")),
    ("reoptimize", N_("Re-optimised rest of the year"),
     ("reoptimize_changes", "reoptimize_targets")),
    ("sensitivity", N_("Sensitivity"), ("uncertainty", "bands", "tornado", "sobol", "morris")),
    ("discovery", N_("When targets fail"), ("discovery",)),
    ("about", N_("About these results"), ()),
)


@dataclass
class Section:
    """One part of the report: heading, sentences, tables and charts."""

    key: str
    heading: str
    paragraphs: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    bullets: bool = False

    def is_empty(self) -> bool:
        """True when the section has nothing to show."""
        return not (self.paragraphs or self.tables or self.charts)


def title_line(results: Results) -> str:
    """One-line description under the report title."""
    runs = (
        _("Sweep of {size}").format(size=sweep_size_text(results))
        if results.is_sweep
        else _("{n:,} simulated runs").format(n=results.replications)
    )
    parts = [
        _("Strategy {strategy}").format(strategy=results.label("strategies", results.strategy))
        if results.strategy else "",
        runs,
        f"{format_date(results.start_date)} – {end_date_text(results)}",
        f"mktsim {results.version}" if results.version else "",
    ]
    return " · ".join(p for p in parts if p)


def about_paragraphs(results: Results) -> list[str]:
    """How to read the numbers, and what produced them."""
    seed = _(", random seed {seed}").format(seed=results.seed) if results.seed is not None else ""
    if results.is_sweep:
        return sweep_about(results, seed)
    lines = [
        _("Each number comes from {n:,} simulated runs of the plan{seed}. "
          '"Expected" is the average over runs; "low" and "high" (5th and 95th percentile) '
          "bound the middle 90% of runs.").format(n=results.replications, seed=seed),
        _("A target's probability is the share of runs that reach it; the range after it is "
          "its 95% confidence interval. A target is met when its probability is at least the "
          "required confidence."),
        _("By month and quarter, totals (flows) are summed over the period; levels (stocks) "
          "and ratios computed to date (ROI, CAC, market share) are read on the last day of "
          "the period."),
    ]
    if results.track is not None:
        lines += track_paragraphs(results.track, results)
    lines += _money_and_hash(results)
    return lines


def _money_and_hash(results: Results) -> list[str]:
    lines = []
    if results.currency:
        lines.append(_("Money is in {currency}.").format(currency=results.currency))
    if results.scenario_hash:
        lines.append(_("Scenario fingerprint: {hash}.").format(hash=results.scenario_hash))
    return lines


def track_paragraphs(track: dict[str, Any], results: Results | None = None) -> list[str]:
    """What conditioning on the actuals means, and each target beside the plan's own."""
    from mktsim.report.words import STATUSES, word

    c = track.get("conditioning", {})
    tempered = "" if c.get("beta", 1.0) >= 1.0 else \
        _(", tempered (beta {beta}: noise widened x{widened})").format(
            beta=f"{c['beta']:.3g}", widened=f"{c['beta'] ** -0.5:.3g}")
    as_of = track["as_of"]
    if is_zh():
        try:
            from datetime import date

            as_of = format_date(date.fromisoformat(str(as_of)))
        except ValueError:
            pass
    lines = [_("The runs follow the actuals to {as_of} ({periods} periods) and the strategy "
               "after it, and are resampled by how well they match the actuals (sequential "
               "importance resampling; effective sample size {ess}{tempered}). Target "
               "probabilities are given the actuals; the charts draw the actuals as points.")
             .format(as_of=as_of, periods=track.get("periods_observed", "?"),
                     ess=f"{c.get('ess', 0):.0f}", tempered=tempered)]
    for t in track.get("targets", []):
        u = t.get("unconditional", {})
        gap = t.get("relative_gap")
        where = word(STATUSES, t.get("status", ""), t.get("status", ""))
        if gap is not None:
            where += _(" ({gap} against its linear trajectory)").format(gap=f"{gap:+.0%}")
        name = results.label("targets", t["id"]) if results is not None else t["id"]
        lines.append(_("{target}: {p} given the actuals, {plan} for the plan alone; {where}.")
                     .format(target=name, p=f"{t['probability']:.0%}",
                             plan=f"{u.get('probability', float('nan')):.0%}", where=where))
    lines += [_("Warning: {warning}").format(warning=w) for w in track.get("warnings", [])]
    return lines


def reoptimize_paragraphs(results: Results) -> list[str]:
    """What the re-optimisation changes after the as-of date, what it costs and how it was
    checked (track.json `reoptimize`)."""
    re = (results.track or {}).get("reoptimize")
    if not re:
        return []
    cost = re.get("cost_of_change") or {}
    money = format_money(cost.get("total"), results.currency)
    lines = [f"The cheapest change found from {re.get('first_day')} on, searched on the "
             "replications that match the actuals and continued under each candidate plan: "
             f"{re.get('message', '')}. Cost of the change: {money} (media "
             f"{format_money(cost.get('media'), results.currency)}, people "
             f"{format_money(cost.get('people'), results.currency)})."]
    hires = [f"{h['hires']} {h['team']}" for h in re.get("headcount") or [] if h.get("hires")]
    if hires:
        lines.append(f"Hire on {re.get('first_day')}: {', '.join(hires)}.")
    v = re.get("verified") or {}
    lines.append(f"Checked on {v.get('replications', '?')} fresh replications conditioned on "
                 f"the actuals (effective sample size {v.get('ess', 0):.0f}); the new plan is "
                 f"the strategy 'reoptimized' (`mktsim track --then reoptimized`).")
    return lines


def sweep_about(results: Results, seed: str) -> list[str]:
    """How a sweep was run and how to read its analysis."""
    sweep = results.sweep or {}
    params = ", ".join(sweep.get("parameters") or [])
    method = _(" ({method} design)").format(method=sweep["method"]) if sweep.get("method") else ""
    lines = [
        _("The scenario was simulated for {size}{seed}; the uncertain inputs{method} were: "
          "{params}.").format(size=sweep_size_text(results), seed=seed, method=method,
                               params=params),
        _("A target's probability is the share of all simulated runs, over every combination "
          "of inputs, that reach it."),
    ]
    if (results.analyze or {}).get("tornado"):
        lines.append(
            _("Sensitivity: how the chance of meeting a target changes as one input moves from "
              "its low to its high value, estimated from the runs near each value.")
        )
    lines += [_("Note: {note}").format(note=n) for n in (results.analyze or {}).get("notes") or []]
    return lines + _money_and_hash(results)


def comparison_paragraphs(results: Results) -> list[str]:
    """Objective and size of the comparison."""
    cmp = results.compare or {}
    out = []
    if cmp.get("objective"):
        out.append(_("Objective: {objective}.").format(objective=cmp["objective"]))
    if cmp.get("replications"):
        out.append(_("Each strategy was simulated {n:,} times.").format(
            n=int(cmp["replications"])))
    return out


def plan_paragraphs(results: Results) -> list[str]:
    """How the optimised plan was found and whether it meets the targets."""
    opt = results.optimize or {}
    out = []
    if opt.get("total_cost") is not None:
        out.append(_("Total cost: {money}.").format(
            money=format_money(opt["total_cost"], results.currency)))
    if opt.get("evaluations"):
        n = int(opt["evaluations"])
        out.append(_("Found after evaluating {n:,} candidate plans (mode: {mode}).").format(
            n=n, mode=opt["mode"]) if opt.get("mode") else
            _("Found after evaluating {n:,} candidate plans.").format(n=n))
    if opt.get("feasible") is not None:
        text = (_("The plan meets every target at the required confidence") if opt["feasible"]
                else _("The plan does not meet every target at the required confidence"))
        if opt.get("message"):
            text += _(": {message}").format(message=opt["message"])
        out.append(text + _("."))
    return out


def build_sections(
    results: Results, tables: dict[str, Table], charts: list[Chart]
) -> list[Section]:
    """The report's sections, in order, leaving out those without data."""
    extra = {
        "summary": executive_summary(results),
        "comparison": comparison_paragraphs(results),
        "plan": plan_paragraphs(results),
        "reoptimize": reoptimize_paragraphs(results),
        "about": about_paragraphs(results),
    }
    sections = []
    for key, heading, table_keys in LAYOUT:
        section = Section(
            key,
            _(heading),
            paragraphs=extra.get(key, []),
            tables=[tables[k] for k in table_keys if k in tables],
            charts=[c for c in charts if c.section == key],
            bullets=key == "summary",
        )
        if not section.is_empty():
            sections.append(section)
    return sections


PERIOD_TABLES = ("monthly", "quarterly")
MAX_COLUMNS = 10
GROUP_TITLES = {MONEY: N_("money"), COUNT: N_("people and units"),
                TEXT: N_("shares and ratios")}


def display_tables(table: Table) -> list[Table]:
    """A period table too wide for a page, split by unit into narrower tables.

    Each part repeats the period column. Other tables are shown whole.
    """
    columns = [str(c) for c in table.frame.columns]
    if table.key not in PERIOD_TABLES or len(columns) <= MAX_COLUMNS:
        return [table]
    groups: dict[str, list[str]] = {}
    for c in columns[1:]:
        kind = table.kind(c, 0)
        groups.setdefault(kind if kind in (MONEY, COUNT) else TEXT, []).append(c)
    parts = []
    for kind, cols in groups.items():
        for start in range(0, len(cols), MAX_COLUMNS - 1):
            chunk = [columns[0], *cols[start : start + MAX_COLUMNS - 1]]
            parts.append(
                Table(
                    table.key,
                    _("{title}: {part}").format(title=table.title, part=_(GROUP_TITLES[kind])),
                    table.frame[chunk],
                    {c: table.kinds[c] for c in chunk if c in table.kinds},
                )
            )
    parts[-1].note = table.note
    return parts
