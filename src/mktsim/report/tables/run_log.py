"""The run document's report tables of money and events: budget, decision log, leaks."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mktsim.documents.leaks import LEAKS, is_loss
from mktsim.i18n import _
from mktsim.report.fmt import (
    COUNT,
    DATE,
    MONEY,
    PERCENT,
    TEXT,
    cell_text,
    label,
    plain_number,
)
from mktsim.report.load import Results
from mktsim.report.tables.common import action_text, money_header
from mktsim.report.tables.model import Table, records
from mktsim.report.words import (
    LEAK_STAGES,
    LEAK_WORDS,
    word,
)


def budget_table(results: Results) -> Table | None:
    """Budget by month (rows) and channel (columns), with totals."""
    import pandas as pd

    if not results.budget:
        return None
    months = sorted({m for per in results.budget.values() for m in per})
    frame = pd.DataFrame({_("Month"): months})
    for channel, per in results.budget.items():
        frame[money_header(results.label("channels", channel), results)] = [
            per.get(m, 0.0) for m in months]
    money_cols = list(frame.columns[1:])
    frame[money_header(_("Total"), results)] = frame[money_cols].sum(axis=1)
    total = {_("Month"): _("Total"), **{c: frame[c].sum() for c in frame.columns[1:]}}
    frame = pd.concat([frame, pd.DataFrame([total])], ignore_index=True)
    return Table(
        "budget", _("Budget by channel and month"), frame, {c: MONEY for c in frame.columns[1:]}
    )


NAME_ARGS = ("from", "to", "channel", "product", "team", "segment", "target", "measure")


SHARE_ARGS = ("share", "fraction", "depth", "by", "rate", "discount")


MONEY_ARGS = ("amount", "budget", "spend", "cost")


def _pairs(mapping: Mapping[str, Any], currency: str = "") -> str:
    return "; ".join(f"{_arg_name(k)}: {_short(k, v, currency)}" for k, v in mapping.items())


def _arg_name(key: str) -> str:
    return key if "(" in key else label(key)


def _short(key: str, value: Any, currency: str = "") -> str:
    """A rule argument or observed value for the decision log."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return "{" + _pairs(value, currency) + "}"
    if isinstance(value, str):
        return label(value) if key in NAME_ARGS else value
    if not isinstance(value, int | float):
        return str(value)
    name = key.lower()
    if key in SHARE_ARGS and abs(value) <= 1:
        return cell_text(value, PERCENT).replace(".0%", "%")
    if key in MONEY_ARGS or any(w in name for w in ("budget_left", "gap", "spend", "cac")):
        return cell_text(value, MONEY, currency)
    return plain_number(float(value))


def decisions_table(results: Results) -> Table | None:
    """Rules that fired, when, what they did and in how many runs."""
    rows = [{"day": d.day, "date": d.date, "rule": d.rule,
             "action": action_text(d.action, d.status),
             "args": _pairs(d.args, results.currency), "seen": _pairs(d.seen, results.currency),
             "share": d.fraction_of_replications}
            for d in sorted(results.decisions, key=lambda d: d.day)]
    columns = [("day", _("Day"), COUNT), ("date", _("Date"), DATE), ("rule", _("Rule"), TEXT),
               ("action", _("Action"), TEXT), ("args", _("Details"), TEXT),
               ("seen", _("What the rule saw"), TEXT), ("share", _("Share of runs"), PERCENT)]
    return records("decisions", _("Decision log"), rows, columns,
                   optional=("date", "args", "seen", "share"),
                   note=_("Share of runs: fraction of simulated runs in which the rule fired."))


def competitor_moves_table(results: Results) -> Table | None:
    """What the competitors did, when, what they had seen and in how many runs."""
    rows = [{"day": m.day, "date": m.date, "competitor": label(m.competitor),
             "reaction": m.reaction, "action": action_text(m.action, m.status),
             "args": _pairs(m.args, results.currency), "seen": _pairs(m.seen, results.currency),
             "share": m.fraction_of_replications}
            for m in sorted(results.competitor_moves, key=lambda m: m.day)]
    columns = [("day", _("Day"), COUNT), ("date", _("Date"), DATE),
               ("competitor", _("Competitor"), TEXT), ("reaction", _("Reaction"), TEXT),
               ("action", _("Action"), TEXT), ("args", _("Details"), TEXT),
               ("seen", _("What the competitor saw"), TEXT),
               ("share", _("Share of runs"), PERCENT)]
    return records("competitor_moves", _("Competitor moves"), rows, columns,
                   optional=("date", "args", "seen", "share"),
                   note=_("Day: when the move took effect (a reaction not made: the day of "
                          "the look). Share of runs: fraction of simulated runs with that "
                          "move on that day."))


def _flatten(data: Mapping[str, Any], prefix: str = "") -> Iterable[tuple[str, Any]]:
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, Mapping) and "mean" in value:
            yield name, value["mean"]
        elif isinstance(value, Mapping):
            yield from _flatten(value, f"{name} / ")
        else:
            yield name, value


def leak_info(name: str) -> tuple[str, str, bool]:
    """(stage, readable description, is a loss) of a leak name (mktsim.documents.leaks), in
    the active language."""
    if name in LEAKS:
        stage, what, loss = LEAKS[name]
        return word(LEAK_STAGES, stage, stage), word(LEAK_WORDS, name, what), loss
    return "", label(name.split(" / ")[-1]), is_loss(name)


def leak_kind(name: str, value: Any) -> str:
    """Leaks named like shares or rates are percentages; the rest are counts."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return TEXT
    words = name.lower()
    return PERCENT if any(w in words for w in ("share", "rate", "fraction")) else COUNT


def leaks_table(results: Results) -> Table | None:
    """Where prospects and customers were lost: losses first, largest first."""
    items = list(_flatten(results.leaks))
    if not items:
        return None

    def order(item: tuple[str, Any]) -> tuple[int, float]:
        loss = leak_info(item[0])[2]
        value = item[1] if isinstance(item[1], int | float) else 0.0
        return (0 if loss else 1, -float(value))

    items.sort(key=order)
    rows = [{"stage": leak_info(k)[0] or (label(k.split(" / ")[0]) if " / " in k else ""),
             "what": leak_info(k)[1],
             "loss": _("loss") if leak_info(k)[2] else _("for reference"), "value": v}
            for k, v in items]
    columns = [("stage", _("Stage"), TEXT), ("what", _("What happened"), TEXT),
               ("loss", _("Loss"), TEXT),
               ("value", _("Expected number"), [leak_kind(k, v) for k, v in items])]
    return records("leaks", _("Where the plan leaks"), rows, columns, optional=("stage",),
                   note=_("Expected numbers over the whole plan (people, leads, sales or "
                          "complaints), losses first; rows marked 'for reference' give the "
                          "volume the losses come from."))
