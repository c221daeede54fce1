"""The report as an ordered list of sections, shared by the Markdown and HTML writers.

A section is only present when the results folder holds its data.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mktsim.report.charts import Chart
from mktsim.report.fmt import COUNT, MONEY, TEXT, cell_text, format_date, format_money
from mktsim.report.load import Results
from mktsim.report.summary import end_date_text, executive_summary, sweep_size_text
from mktsim.report.tables import Table

# (section key, heading, table keys) in report order.
LAYOUT: tuple[tuple[str, str, tuple[str, ...]], ...] = (
    ("summary", "Summary", ()),
    ("targets", "Targets", ("targets",)),
    ("kpis", "Key results", ("kpis",)),
    ("trajectories", "Trajectories", ()),
    ("periods", "Results by month and quarter", ("monthly", "quarterly")),
    ("channels", "Channels", ("channels",)),
    ("budget", "Budget", ("budget",)),
    ("decisions", "Decisions during the plan", ("decisions",)),
    ("leaks", "Where the plan leaks", ("leaks",)),
    ("comparison", "Strategy comparison", ("comparison", "comparison_kpis")),
    ("plan", "Optimised plan", ("plan", "marginal", "headcount", "verified")),
    ("reoptimize", "Re-optimised rest of the year",
     ("reoptimize_changes", "reoptimize_targets")),
    ("sensitivity", "Sensitivity", ("uncertainty", "bands", "tornado", "sobol", "morris")),
    ("discovery", "When targets fail", ("discovery",)),
    ("about", "About these results", ()),
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
        f"Sweep of {sweep_size_text(results)}"
        if results.is_sweep
        else f"{results.replications:,} simulated runs"
    )
    parts = [
        f"Strategy {results.strategy}" if results.strategy else "",
        runs,
        f"{format_date(results.start_date)} – {end_date_text(results)}",
        f"mktsim {results.version}" if results.version else "",
    ]
    return " · ".join(p for p in parts if p)


def about_paragraphs(results: Results) -> list[str]:
    """How to read the numbers, and what produced them."""
    seed = f", random seed {results.seed}" if results.seed is not None else ""
    if results.is_sweep:
        return sweep_about(results, seed)
    lines = [
        f"Each number comes from {results.replications:,} simulated runs of the plan{seed}. "
        '"Expected" is the average over runs; "low" and "high" (5th and 95th percentile) '
        "bound the middle 90% of runs.",
        "A target's probability is the share of runs that reach it; the range after it is "
        "its 95% confidence interval. A target is met when its probability is at least the "
        "required confidence.",
        "By month and quarter, totals (flows) are summed over the period; levels (stocks) and "
        "ratios computed to date (ROI, CAC, market share) are read on the last day of the period.",
    ]
    if results.track is not None:
        lines += track_paragraphs(results.track)
    if results.currency:
        lines.append(f"Money is in {results.currency}.")
    if results.scenario_hash:
        lines.append(f"Scenario fingerprint: {results.scenario_hash}.")
    return lines


def track_paragraphs(track: dict[str, Any]) -> list[str]:
    """What conditioning on the actuals means, and each target beside the plan's own."""
    c = track.get("conditioning", {})
    tempered = "" if c.get("beta", 1.0) >= 1.0 else \
        f", tempered (beta {c['beta']:.3g}: noise widened x{c['beta'] ** -0.5:.3g})"
    lines = [f"The runs follow the actuals to {track['as_of']} "
             f"({track.get('periods_observed', '?')} periods) and the strategy after it, and "
             "are resampled by how well they match the actuals (sequential importance "
             f"resampling; effective sample size {c.get('ess', 0):.0f}{tempered}). Target "
             "probabilities are given the actuals; the charts draw the actuals as points."]
    for t in track.get("targets", []):
        u = t.get("unconditional", {})
        gap = t.get("relative_gap")
        where = t.get("status", "")
        if gap is not None:
            where += f" ({gap:+.0%} against its linear trajectory)"
        lines.append(f"{t['id']}: {t['probability']:.0%} given the actuals, "
                     f"{u.get('probability', float('nan')):.0%} for the plan alone; {where}.")
    lines += [f"Warning: {w}" for w in track.get("warnings", [])]
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
    method = f" ({sweep['method']} design)" if sweep.get("method") else ""
    lines = [
        f"The scenario was simulated for {sweep_size_text(results)}{seed}; the uncertain "
        f"inputs{method} were: {params}.",
        "A target's probability is the share of all simulated runs, over every combination "
        "of inputs, that reach it.",
    ]
    if (results.analyze or {}).get("tornado"):
        lines.append(
            "Sensitivity: how the chance of meeting a target changes as one input moves from "
            "its low to its high value, estimated from the runs near each value."
        )
    lines += [f"Note: {n}" for n in (results.analyze or {}).get("notes") or []]
    if results.currency:
        lines.append(f"Money is in {results.currency}.")
    if results.scenario_hash:
        lines.append(f"Scenario fingerprint: {results.scenario_hash}.")
    return lines


def comparison_paragraphs(results: Results) -> list[str]:
    """Objective and size of the comparison."""
    cmp = results.compare or {}
    out = []
    if cmp.get("objective"):
        out.append(f"Objective: {cmp['objective']}.")
    if cmp.get("replications"):
        out.append(f"Each strategy was simulated {int(cmp['replications']):,} times.")
    return out


def plan_paragraphs(results: Results) -> list[str]:
    """How the optimised plan was found and whether it meets the targets."""
    opt = results.optimize or {}
    out = []
    if opt.get("total_cost") is not None:
        out.append(f"Total cost: {format_money(opt['total_cost'], results.currency)}.")
    if opt.get("evaluations"):
        out.append(
            f"Found after evaluating {int(opt['evaluations']):,} candidate plans"
            + (f" (mode: {opt['mode']})." if opt.get("mode") else ".")
        )
    if opt.get("feasible") is not None:
        status = "meets every target" if opt["feasible"] else "does not meet every target"
        msg = f": {opt['message']}" if opt.get("message") else ""
        out.append(f"The plan {status} at the required confidence{msg}.")
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
            heading,
            paragraphs=extra.get(key, []),
            tables=[tables[k] for k in table_keys if k in tables],
            charts=[c for c in charts if c.section == key],
            bullets=key == "summary",
        )
        if not section.is_empty():
            sections.append(section)
    return sections


def cell(table: Table, column: str, row: int) -> str:
    """Display text of one table cell."""
    return cell_text(table.frame[column].iloc[row], table.kind(column, row))


def is_numeric(table: Table, column: str) -> bool:
    """True when a column should be right-aligned."""
    kinds = table.kinds.get(column, TEXT)
    return any(k != TEXT for k in (kinds if isinstance(kinds, list) else [kinds]))


PERIOD_TABLES = ("monthly", "quarterly")
MAX_COLUMNS = 10
GROUP_TITLES = {MONEY: "money", COUNT: "people and units", TEXT: "shares and ratios"}


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
                    f"{table.title}: {GROUP_TITLES[kind]}",
                    table.frame[chunk],
                    {c: table.kinds[c] for c in chunk if c in table.kinds},
                )
            )
    parts[-1].note = table.note
    return parts
