"""The analyze document's report tables: target probabilities when inputs vary,
sensitivity and scenario discovery."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from mktsim.i18n import _
from mktsim.report.fmt import (
    COUNT,
    NUMBER,
    PERCENT,
    RATIO,
    TEXT,
    label,
    phrase,
)
from mktsim.report.load import Results
from mktsim.report.tables.common import kpi_kind
from mktsim.report.tables.model import Table, records


def uncertainty_table(results: Results) -> Table | None:
    """Target probabilities when uncertain inputs vary (from the analysis)."""
    targets = (results.analyze or {}).get("targets") or {}
    rows = [
        {"target": k, **(v if isinstance(v, Mapping) else {"probability": v})}
        for k, v in targets.items()
    ]
    strategies = list(
        dict.fromkeys(s for r in rows for s in (r.get("by_strategy") or {}))
    )
    for r in rows:
        for s in strategies:
            r[f"strategy:{s}"] = (r.get("by_strategy") or {}).get(s)
    columns = [
        ("target", _("Target"), TEXT),
        ("probability", _("Probability") if not strategies else _("All strategies"), PERCENT),
        *((f"strategy:{s}", _("Strategy {strategy}").format(
            strategy=results.label("strategies", s)), PERCENT) for s in strategies),
        ("runs", _("Simulated runs"), COUNT),
    ]
    return records(
        "uncertainty",
        _("Chance of meeting the targets when inputs vary"),
        rows,
        columns,
        note=_("Share of simulated runs, over every combination of the uncertain inputs, "
        "that reach the target."),
    )


def target_bands_table(results: Results) -> Table | None:
    """Chance of meeting each target when one input lies in a band of its values."""
    targets = (results.analyze or {}).get("targets") or {}
    rows = [
        {"target": t, **r}
        for t, v in targets.items()
        if isinstance(v, Mapping)
        for r in v.get("by_parameter") or []
        if isinstance(r, Mapping)
    ]
    return records(
        "bands",
        _("Chance of meeting the targets by input value"),
        rows,
        [
            ("target", _("Target"), TEXT),
            ("parameter", _("Input"), TEXT),
            ("level", _("Values"), TEXT),
            ("runs", _("Simulated runs"), COUNT),
            ("probability", _("Probability"), PERCENT),
        ],
        note=_("Each input's values are split into bands; the probability counts only the "
        "runs whose input falls in the band."),
    )


def tornado_table(results: Results) -> Table | None:
    """One-at-a-time sensitivity: result with each parameter at its low and high value."""
    rows = sorted(
        (results.analyze or {}).get("tornado") or [], key=lambda r: -abs(r.get("swing") or 0.0)
    )
    table = records(
        "tornado",
        _("Sensitivity (one input at a time)"),
        _named_outputs(rows),
        [
            ("parameter", _("Parameter"), TEXT),
            ("output", _("Output"), TEXT),
            ("low_value", _("Low value"), NUMBER),
            ("high_value", _("High value"), NUMBER),
            ("y_low", _("Result at low"), NUMBER),
            ("y_high", _("Result at high"), NUMBER),
            ("swing", _("Swing"), NUMBER),
        ],
        note=_("Swing: change in the result between the low and the high value of the input."),
    )
    if table is not None:
        kinds = [output_kind(results, str(r.get("output") or "")) for r in rows]
        swings = (_("Result at low"), _("Result at high"), _("Swing"))
        table.kinds.update(dict.fromkeys(swings, kinds))
    return table


def target_output(results: Results, output: str) -> str | None:
    """The target an analysed output measures (``sales_up [digital_first]`` -> ``sales_up``)."""
    base = output.split(" [", 1)[0]
    ids = {t.id for t in results.targets} | set((results.analyze or {}).get("targets") or {})
    return base if base in ids else None


def output_name(output: str) -> str:
    """An analysed output for people: ``sales [low]`` -> ``sales (strategy low)``."""
    base, _sep, strategy = output.partition(" [")
    if not strategy:
        return output
    return _("{output} (strategy {strategy})").format(output=base,
                                                      strategy=strategy.rstrip("]"))


def output_phrase(results: Results, output: str) -> str:
    """An analysed output inside a sentence."""
    if output not in results.kpis and target_output(results, output):
        return _("the chance of meeting {target}").format(target=output_name(output))
    return phrase(output)


def _named_outputs(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows with their ``output`` made readable (the raw name stays in ``output_key``)."""
    return [
        {**r, "output_key": r.get("output"), "output": output_name(str(r.get("output") or ""))}
        if r.get("output") is not None
        else dict(r)
        for r in rows
    ]


def output_kind(results: Results, output: str) -> str:
    """Display kind of an analysed output: a KPI's own, a percentage for a target."""
    if output in results.kpis:
        return kpi_kind(results, output)
    return PERCENT if target_output(results, output) else NUMBER


def sobol_table(results: Results) -> Table | None:
    """Variance-based sensitivity indices."""
    rows = sorted(
        (results.analyze or {}).get("sobol") or [],
        key=lambda r: (str(r.get("output")), -(r.get("ST") or 0.0)),
    )
    return records(
        "sobol",
        _("Sensitivity (share of variance)"),
        _named_outputs(rows),
        [
            ("output", _("Output"), TEXT),
            ("parameter", _("Parameter"), TEXT),
            ("S1", _("First order (S1)"), RATIO),
            ("S1_conf", _("S1 ±"), RATIO),
            ("ST", _("Total (ST)"), RATIO),
            ("ST_conf", _("ST ±"), RATIO),
        ],
        note=_("S1: share of the output's variance due to the input alone; "
        "ST: including its interactions with other inputs."),
    )


def morris_table(results: Results) -> Table | None:
    """Elementary-effects screening, columns as found in the results."""
    rows = (results.analyze or {}).get("morris") or []
    keys = list(dict.fromkeys(k for r in rows for k in r))
    text_keys = {"output", "parameter", "name"}
    return records(
        "morris",
        _("Screening (elementary effects)"),
        _named_outputs(rows),
        [
            (
                k,
                label(k)
                if k not in ("mu_star", "mu_star_conf")
                else {"mu_star": "μ*", "mu_star_conf": "μ* ±"}[k],
                TEXT if k in text_keys else NUMBER,
            )
            for k in keys
        ],
    )


def discovery_table(results: Results) -> Table | None:
    """Conditions under which targets fail, as found by scenario discovery."""
    rows = (results.analyze or {}).get("discovery") or []
    return records(
        "discovery",
        _("When targets fail"),
        rows,
        [
            ("target", _("Target"), TEXT),
            ("sentence", _("Finding"), TEXT),
            ("coverage", _("Coverage"), PERCENT),
            ("density", _("Density"), PERCENT),
        ],
        note=_("Coverage: share of all failing runs described by the finding; "
        "density: share of runs matching the finding that fail."),
    )
