"""The drafted scenario as commented YAML text (`mktsim init from-history`).

Written as text, line by line, so every comment sits where a reader needs it (a one-line
comment beside its key, a longer one above it); the result is read back and validated
before anything is written.
"""

from __future__ import annotations

import datetime as dt
import math

from .draft import (
    CONSIDERING,
    LIFT_PRIOR_SD,
    MEDIA_SHARE,
    PRICE_ELASTICITY,
    RETENTION_PRIOR,
    ChannelDraft,
    ControlDraft,
    EventDraft,
    HistoryDraft,
    month_weights,
)
from .draft_words import word

HOLDOUT = 13


class Lines:
    """YAML lines with comments in one language."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.out: list[str] = []

    def add(self, indent: int, text: str, key: str | None = None, **values: object) -> None:
        """A line; `key` names its comment (beside it when short, above it otherwise)."""
        pad = "  " * indent
        if key is None:
            self.out.append(pad + text)
            return
        comment = word(key, self.lang, **values)
        if "\n" in comment or width(pad + text) + width(comment) > 96:
            self.out += [f"{pad}# {c}" if c else f"{pad}#" for c in comment.split("\n")]
            self.out.append(pad + text)
        else:
            self.out.append(f"{pad}{text}   # {comment}")

    def text(self) -> str:
        return "\n".join(self.out) + "\n"


def width(text: str) -> int:
    """Columns `text` takes in a fixed-width font (CJK characters take two)."""
    return sum(2 if ord(c) >= 0x2E80 else 1 for c in text)


def num(value: float) -> str:
    """A number as YAML: integers without a decimal point, others to 4 significant digits."""
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return f"{value:.4g}"


def kpi_word(d: HistoryDraft, lang: str) -> str:
    return word("kpi_revenue" if d.kpi == "revenue" else "kpi_units", lang)


def scenario_text(d: HistoryDraft, name: str, lang: str) -> str:
    """The whole scenario."""
    out = Lines(lang)
    _header(out, d, name)
    _market(out, d)
    _products(out, d)
    _channels(out, d)
    _strategy(out, d)
    _targets(out, d)
    _calibration(out, d, name)
    return out.text()


def _header(out: Lines, d: HistoryDraft, name: str) -> None:
    h = d.history
    head = word("head", out.lang, file=d.history_file, n=h.n_periods,
                kind=word(str(h.kind.value), out.lang), first=h.dates[0],
                last=h.ends[-1] - dt.timedelta(days=1), name=name,
                kpi_word=kpi_word(d, out.lang))
    out.out += [f"# {line}" if line else "#" for line in head.split("\n")]
    out.add(0, "")
    out.add(0, f"name: {_quoted('Continue from ' + d.history_file)}")
    out.add(0, f"description: {_quoted(word('description', out.lang, file=d.history_file))}")
    out.add(0, "horizon_days: 365", "horizon")
    out.add(0, f"start_date: {d.start_date.isoformat()}", "start_date")
    out.add(0, "currency: CNY", "currency")
    out.add(0, "seed: 1")
    out.add(0, "replications: 200", "replications")
    out.add(0, "")


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def model_level(d: HistoryDraft) -> float:
    """The model's KPI per day on day 0 with every channel at its average spend."""
    units = d.market_size * CONSIDERING * d.purchase_per_year / 365.0 * d.own_share
    media = sum(c.lift * c.saturation for c in d.channels)
    return units * (1 + media) * (d.price if d.kpi == "revenue" else 1.0)


def _market(out: Lines, d: HistoryDraft) -> None:
    out.add(0, "market:")
    out.add(1, f"size: {d.market_size}", "size", kpi_word=kpi_word(d, out.lang),
            model_level=model_level(d), weeks=d.weeks_for_level, level=d.level)
    out.add(1, "word_of_mouth: {innovation: 0, imitation: 0}", "wom")
    out.add(1, "awareness_decay_per_year: 0", "decay")
    out.add(1, "consideration_decay_per_year: 0")
    out.add(1, "segments:")
    out.add(2, "buyers:", "segment")
    out.add(3, "share: 1.0")
    out.add(3, f"initial_awareness: {CONSIDERING}")
    out.add(3, f"initial_consideration: {CONSIDERING}", "pool")
    out.add(3, "consideration_per_year: 0")
    out.add(3, f"purchase_per_year: {num(d.purchase_per_year)}", "purchase")
    out.add(3, "repurchase_per_year: 0", "repurchase")
    out.add(1, "choice:", "choice", e=PRICE_ELASTICITY)
    out.add(2, f"price_weight: {d.price_weight:.6g}")
    out.add(2, "awareness_weight: 0")
    out.add(2, "quality_weight: 0")
    _demand(out, d)
    out.add(0, "")


#: The drafted power of the demand drivers on channels' purchases (0 additive, 1 scaled),
#: not freed (a free power was not identified); `calibration.choices` fits both forms and
#: keeps the one the history's evidence favours (docs/calibration.md, "Choosing a form
#: from the data").
MEDIA_SCALING = 1.0


def _demand(out: Lines, d: HistoryDraft) -> None:
    out.add(1, "demand:", "demand")
    out.add(2, f"media_scaling: {MEDIA_SCALING:g}", "media_scaling")
    out.add(2, "trend:", "trend")
    out.add(3, f"origin: {d.origin.isoformat()}")
    out.add(3, "growth_per_year: 0.0")
    if (on := trend_break(d)) is not None:
        out.add(3, "change_points:", "trend_break")
        out.add(4, f"- {{on: {on.isoformat()}, growth_per_year: 0.0}}")
    out.add(2, "fourier: {order: 2, sin: [0.0, 0.0], cos: [0.0, 0.0]}", "fourier")
    if d.controls:
        out.add(2, "controls:")
        for c in d.controls:
            _control(out, c)
    if d.events:
        out.add(2, "events:")
        for e in d.events:
            _event(out, e)


def _control(out: Lines, c: ControlDraft) -> None:
    out.add(3, f"{c.name}:", f"control_{c.effect}", name=c.name)
    out.add(4, f"effect: {c.effect}")
    out.add(4, f"coefficient: {-1.0 if c.effect == 'elasticity' else 0.0}")
    out.add(4, f"reference: {num(c.reference)}")
    out.add(4, "future: repeat_year")
    out.add(4, "values:")
    for date, value in c.values.items():
        out.add(5, f"{date.isoformat()}: {value:.6g}")


def _event(out: Lines, e: EventDraft) -> None:
    out.add(3, f"{e.name}:", "event", name=e.name, days=e.days)
    out.add(4, "lift: 0.2")
    out.add(4, f"days: {e.days}")
    out.add(4, "future: repeat_year")
    if e.occurrences:
        out.add(4, "occurrences:")
        for date, value in e.occurrences.items():
            out.add(5, f"{date.isoformat()}: {value:.6g}")
    else:
        out.add(4, "occurrences: {}")


def _products(out: Lines, d: HistoryDraft) -> None:
    out.add(0, "products:")
    for product in d.products:
        out.add(1, f"{product}:")
        if d.price_source == "column":
            out.add(2, f"price: {num(d.price)}", "price_column", name=product)
        elif d.price_source == "ratio":
            out.add(2, f"price: {num(d.price)}", "price_ratio")
        else:
            out.add(2, f"price: {num(d.price)}",
                    "price_assumed" if d.kpi == "revenue" else "price_units")
        out.add(2, f"unit_cost: {num(d.unit_cost)}", "unit_cost")
    out.add(0, "")


def _channels(out: Lines, d: HistoryDraft) -> None:
    if not d.channels:
        return
    out.add(0, "channels:", "channels")
    for c in d.channels:
        _channel(out, c)
    out.add(0, "")


def _channel(out: Lines, c: ChannelDraft) -> None:
    out.add(1, f"{c.name}:", None if c.spend_per_day > 0 else "channel_unspent")
    if c.label is not None:
        out.add(2, f"label: {_quoted(c.label)}", "channel_label", label=c.label)
    out.add(2, f"type: {c.type}", "type_guessed" if c.guessed else "type_default")
    out.add(2, f"cost: {{model: cpm, cpm: {num(c.cpm)}}}", "cpm")
    response = f"lift: {c.lift:.4g}, half_saturation: {c.half_saturation:.4g}"
    if c.curve == "hill":
        out.add(2, f"conversion: {{{response}}}", "conversion", money=c.spend_per_day_on)
    else:
        out.add(2, f"conversion: {{{response}, curve: {c.curve}}}", "conversion_curve",
                money=c.spend_per_day_on, curve=c.curve)
    retention = f"retention_per_week: {RETENTION_PRIOR[c.type][1]}"
    if c.step_days == 1:
        out.add(2, f"adstock: {{{retention}}}", "adstock")
    else:
        out.add(2, f"adstock: {{{retention}, step_days: {c.step_days}}}", "adstock_step")


def _strategy(out: Lines, d: HistoryDraft) -> None:
    out.add(0, "strategies:")
    out.add(1, "continue:", "continue", budget=d.budget)
    out.add(2, f"description: {_quoted(word('description', out.lang, file=d.history_file))}")
    paid = [c for c in d.channels if c.last_year > 0]
    if paid and d.budget > 0:
        out.add(2, f"budget: {d.budget:.0f}")
        shares = _shares([c.last_year for c in paid])
        body = ", ".join(f"{c.name}: {s}" for c, s in zip(paid, shares, strict=True))
        out.add(2, f"allocation: {{{body}}}")
        out.add(2, "flighting:")
        out.add(3, "by: month")
        out.add(3, "by_month:", "weights", month=d.start_date.strftime("%Y-%m"))
        for c in paid:
            weights = month_weights(d.history, d.start_date, d.history.spend[c.name])
            out.add(4, f"{c.name}: [{', '.join(f'{w:.3g}' for w in weights)}]")
        _windows(out, d, paid)
    out.add(0, "")


def _shares(money: list[float]) -> list[str]:
    """Shares of money summing to exactly 1 at 6 decimals."""
    total = sum(money)
    shares = [round(m / total, 6) for m in money]
    shares[shares.index(max(shares))] += round(1 - sum(shares), 6)
    return [f"{s:.6f}".rstrip("0").rstrip(".") for s in shares]


def _windows(out: Lines, d: HistoryDraft, paid: list[ChannelDraft]) -> None:
    """Months of the next year in which a channel spent nothing last year are closed."""
    closed = [c for c in paid if len(c.active_months) < 12]
    if not closed:
        return
    out.add(2, "windows:")
    for c in closed:
        spans = _month_spans(d.start_date, set(c.active_months))
        body = ", ".join(f"{{start: {s.isoformat()}, days: {n}}}" for s, n in spans)
        out.add(3, f"{c.name}: [{body}]")


def _month_spans(start: dt.date, months: set[int]) -> list[tuple[dt.date, int]]:
    """Runs of days of the year from `start` whose calendar month is in `months`."""
    spans: list[tuple[dt.date, int]] = []
    day, first = start, None
    end = start + dt.timedelta(days=365)
    while day <= end:
        on = day < end and day.month in months
        if on and first is None:
            first = day
        if not on and first is not None:
            spans.append((first, (day - first).days))
            first = None
        day += dt.timedelta(days=1)
    return spans


def _targets(out: Lines, d: HistoryDraft) -> None:
    out.add(0, "objectives:")
    out.add(1, f"grow: {_quoted(word('objective', out.lang))}")
    out.add(0, "targets:")
    out.add(1, f"- id: {d.kpi}_up", "target", kpi_word=kpi_word(d, out.lang),
            last=d.last_year_kpi)
    out.add(2, f"metric: {d.kpi}")
    out.add(2, f"baseline: {d.last_year_kpi:.0f}")
    out.add(2, "change: 10%")
    out.add(2, "over_days: 365")
    out.add(2, f"by: {(d.start_date + dt.timedelta(days=364)).isoformat()}")
    out.add(2, "level: long")
    out.add(2, "confidence: 0.5")
    out.add(2, "serves: grow")
    out.add(0, "")


def _calibration(out: Lines, d: HistoryDraft, name: str) -> None:
    out.add(0, "calibration:", "calibration", name=name)
    out.add(1, f"history: {_quoted(d.history_file)}", "history")
    if d.sheet is not None:
        out.add(1, f"sheet: {_quoted(d.sheet)}")
    out.add(1, "strategy: continue")
    out.add(1, f"holdout: {holdout(d)}", "holdout")
    others = sorted(k for k in d.history.series if k != d.kpi)
    if others:
        body = ", ".join(f"{k}: 0" for k in others)
        out.add(1, f"weights: {{{body}}}", "weights_other", kpi=d.kpi)
    out.add(1, "parameters:")
    for path, prior, key, values in priors(d):
        out.add(2, f"{path}: {_quoted(prior)}", key, **values)
    if d.channels:  # media added to the drivers' demand or scaled by it: both fitted
        out.add(1, "choices:", "media_choice")
        out.add(2, "market.demand.media_scaling: [1, 0]")
        _form_choice(out, d)


#: The form fitted beside a weekly draft's (each channel's saturation curve and adstock
#: step): the Hill curve carried daily, the form of a channel whose first exposures
#: matter most and whose effect builds up within the week.
OTHER_FORM = ("hill", 1)


def _form_choice(out: Lines, d: HistoryDraft) -> None:
    """`channels.*: [the drafted form, OTHER_FORM]` when the draft is not already the
    other form (a weekly history: docs/calibration.md, "Choosing each channel's curve
    and carry-over step from the data")."""
    forms = list(dict.fromkeys((c.curve, c.step_days) for c in d.channels))
    if len(forms) != 1 or forms[0] == OTHER_FORM:
        return
    out.add(2, "channels.*:", "form_choice")
    for curve, step in (forms[0], OTHER_FORM):
        out.add(3, f"- {{conversion.curve: {curve}, adstock.step_days: {step}}}")


#: Fitted days a history needs for the trend's growth to change halfway through them.
TREND_BREAK_DAYS = 2 * 364


def trend_break(d: HistoryDraft) -> dt.date | None:
    """The first day of the period halfway through the fitted periods (the history less
    the holdout) when they span at least TREND_BREAK_DAYS: from there the trend grows at
    a rate of its own, so the forecast continues the later half's growth (a trend that
    slows, as an additive one does in relative terms, is not extrapolated at its
    average); None for a shorter history."""
    fitted = d.history.n_periods - holdout(d)
    if fitted < 2 or (d.history.ends[fitted - 1] - d.history.start).days < TREND_BREAK_DAYS:
        return None
    return d.history.dates[fitted // 2]


def holdout(d: HistoryDraft) -> int:
    """13 periods, or a quarter of a short history."""
    return holdout_of(d.history.n_periods)


def holdout_of(periods: int) -> int:
    """The periods a draft holds out of a history of `periods`: 13, or a quarter of a
    short history."""
    return min(HOLDOUT, periods // 4)


def priors(d: HistoryDraft) -> list[tuple[str, str, str, dict[str, object]]]:
    """(path, prior, comment key, comment values) of every freed value."""
    out: list[tuple[str, str, str, dict[str, object]]] = [
        ("market.segments.buyers.purchase_per_year",
         f"lognormal({math.log(d.purchase_per_year):.4f}, 0.5)", "prior_level", {})]
    for c in d.channels:
        if c.spend_per_day > 0:
            base = f"channels.{c.name}."
            lift = f"lognormal({math.log(c.lift):.4f}, {LIFT_PRIOR_SD:g})"
            out += [(base + "conversion.lift", lift, "prior_lift", {}),
                    (base + "adstock.retention_per_week", RETENTION_PRIOR[c.type][0],
                     f"prior_retention_{c.type}", {})]
    days = d.history.days
    if days >= 547:
        out.append(("market.demand.trend.growth_per_year", "normal(0, 0.15)", "prior_trend",
                    {}))
    if trend_break(d) is not None:
        out.append(("market.demand.trend.change_points.0.growth_per_year", "normal(0, 0.15)",
                    "prior_trend_break", {}))
    if days >= 364:
        out += [(f"market.demand.fourier.{f}.{k}", "normal(0, 0.25)", "prior_fourier", {})
                for k in (0, 1) for f in ("sin", "cos")]
    out += _driver_priors(d)
    return out


def _driver_priors(d: HistoryDraft) -> list[tuple[str, str, str, dict[str, object]]]:
    out: list[tuple[str, str, str, dict[str, object]]] = []
    for c in d.controls:
        path = f"market.demand.controls.{c.name}.coefficient"
        if c.spread == 0:  # a constant column tells nothing of its effect: not freed
            continue
        if c.effect == "elasticity":
            out.append((path, "normal(-1, 0.75)", "prior_elasticity", {}))
        elif c.spread > 0:
            scale = float(f"{0.25 / c.spread:.3g}")
            out.append((path, f"normal(0, {scale:g})", "prior_linear", {"scale": scale}))
    for e in d.events:
        if e.occurrences:
            out.append((f"market.demand.events.{e.name}.lift", "beta(2, 4, -0.8, 2.2)",
                        "prior_event", {}))
    return out


__all__ = ["MEDIA_SHARE", "holdout", "priors", "scenario_text"]
