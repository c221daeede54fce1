"""The figures of a scenario drafted from a history file alone (`mktsim init from-history`).

A history of KPIs, spend, prices, controls and events says nothing of market size, funnel
rates, CPMs or margins, so the draft sets up a market in which these cannot matter much,
and says so in the file: one segment, a large pool of people considering the category
(initial consideration 0.5) who buy at a low rate (`purchase_per_year`, so the pool loses
well under 1% a year), no word of mouth, no forgetting. Units per day are then
`baseline x D(day) x (1 + sum_c lift_c H_c(day))`: a baseline level, the demand drivers D
(trend, Fourier season, controls, events) and each channel's conversion lift on its
saturation of adstocked exposures (`market.demand.media_scaling` 1: media scaled by the
drivers; 0 would add them), the usual marketing-mix structure; for a history of weeks the
logistic curve on an adstock stepped weekly, else the Hill curve carried daily
(`media_shape`). The market size is
set so that the simulated KPI on day 0 is the history's level of its first weeks.

Money is in the file's currency; rates per year; exposures per person of the market per
day (docs/model.md).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..model.response import saturation_curve
from ..scenario.errors import Problem
from .model import History

#: Share of the KPI assumed to come from the channels at their average spend (the centre
#: of the channels' priors; the fit moves it).
MEDIA_SHARE = 0.3
#: Sd of the log of a channel's lift in its prior (lognormal around the spend share of
#: MEDIA_SHARE): x/÷ 1.65 a sd, 90% within x/÷ 2.3. An always-on channel's week-to-week
#: variation against a few % of noise tells its effect to 40-90% only (a standard error
#: with every other value known: benchmarks/synthetic_history.information), so the prior
#: decides its share; at a sd of 1 the noise moved the split between such channels
#: anywhere (one at +190%, the next at -60% of its truth). A flighted channel's on and off
#: weeks still move it as far as they show.
LIFT_PRIOR_SD = 0.5
#: Gross margin assumed when the file has no cost figure: unit cost = 60% of the price.
COST_SHARE = 0.6
#: Price assumed when the file has neither a `price.` column nor units beside revenue.
ASSUMED_PRICE = 100.0
#: The model's own short-run price elasticity on day 0 (the choice model's price weight
#: is set to give it): about -1, a cautious value below the published mean -2.6.
PRICE_ELASTICITY = -1.0
#: Share of the market considering the category on day 0, and the pool's purchase rate
#: per year (so purchases barely deplete the pool: the level is the baseline's).
CONSIDERING = 0.5
PURCHASE_PER_YEAR = 0.02
MAX_MARKET = 5e9
#: Prior of the adstock retention per week by channel type, and its median (where the
#: draft starts): offline media (TV, outdoor, print) carry over for weeks, digital and
#: direct response hardly (Robyn's guidance: TV 0.3-0.8, digital 0-0.3 a week).
RETENTION_PRIOR = {"offline": ("beta(3, 3)", 0.5), "online": ("beta(1.5, 4.5)", 0.221),
                   "direct": ("beta(1.5, 4.5)", 0.221)}
#: The saturation curve and adstock step drafted for a history of weekly periods: the
#: logistic curve, straight near zero (a first yuan worth as much as the next, as most
#: marketing-mix models assume), and the carry-over stepped once a week, as such a
#: model's weekly adstock counts a week's effect in full in its own week; measured in
#: docs/calibration.md ("A curve straight near zero and a weekly carry-over, measured").
#: Other histories get the Hill curve and a daily carry-over.
WEEKLY_CURVE = "logistic"
WEEKLY_STEP_DAYS = 7
#: Money per 1,000 impressions assumed by channel type (half-saturation is set on the
#: same scale, so the fit does not depend on it).
CPM = {"online": 30.0, "offline": 50.0, "direct": 200.0}
#: Words in a channel's name that tell its type (lower case, matched as parts of the name).
TYPE_WORDS = {
    "offline": ("tv", "ctv", "ooh", "outdoor", "billboard", "radio", "print", "press",
                "newspaper", "magazine", "cinema", "store", "stores", "event", "events",
                "sponsorship", "retail", "instore", "poster", "offline", "trade"),
    "direct": ("direct", "dm", "mail", "mailing", "sms", "call", "calls", "tele",
               "telemarketing", "crm", "door"),
    "online": ("online", "digital", "search", "sem", "seo", "social", "display", "video",
               "email", "kol", "influencer", "influencers", "facebook", "meta", "google",
               "tiktok", "douyin", "wechat", "weibo", "xiaohongshu", "youtube", "banner",
               "programmatic", "affiliate", "app", "web", "paid", "ads", "live", "stream",
               "livestream", "ecommerce", "tmall", "jd", "baidu", "bilibili", "instagram"),
}


@dataclass(frozen=True)
class ChannelDraft:
    """One channel of the draft: money per day, its type and the centre of its priors."""

    name: str
    type: str
    guessed: bool            # True: the type was read from the name
    cpm: float               # money per 1,000 impressions (assumed)
    spend_per_day: float     # mean money per day over the history
    half_saturation: float   # adstocked exposures per person per day (K) of its money
                             # per day when it spends: half saturated at its usual burst
    lift: float              # conversion lift at full saturation (the prior's median)
    last_year: float         # money spent in the last 52 weeks
    active_months: tuple[int, ...]  # calendar months (1-12) with money in the last year
    spend_per_day_on: float = 0.0   # mean money per day over the periods with money
    saturation: float = 0.5         # mean saturation over the history at the draft
    curve: str = "hill"             # saturation curve (hill, logistic, exponential)
    step_days: int = 1              # adstock step: 1 daily, 7 weekly (a weekly history)
    label: str | None = None        # the file's name of it, where it is not the key


@dataclass(frozen=True)
class ControlDraft:
    """One `control.` column: its effect form, reference and dated values."""

    name: str
    effect: str              # elasticity or linear
    reference: float         # the column's mean: the factor is 1 there
    spread: float            # the column's standard deviation (0 for a constant column)
    values: dict[dt.date, float]


@dataclass(frozen=True)
class EventDraft:
    """One `event.` column: its occurrences (first day -> intensity) and their length."""

    name: str
    days: int
    occurrences: dict[dt.date, float]


@dataclass(frozen=True)
class HistoryDraft:
    """Every figure the drafted scenario states, derived from the history."""

    history: History
    history_file: str        # relative to the scenario's folder
    kpi: str                 # revenue or units
    level: float             # the KPI per day over the first weeks
    weeks_for_level: int
    price: float
    price_source: str        # column, ratio or assumed
    products: tuple[str, ...]
    unit_cost: float
    own_share: float         # our share among people considering, from the choice model
    price_weight: float      # the choice model's utility per unit of money
    market_size: int
    purchase_per_year: float
    channels: tuple[ChannelDraft, ...]
    controls: tuple[ControlDraft, ...]
    events: tuple[EventDraft, ...]
    start_date: dt.date      # the day after the history's last period
    budget: float            # money spent in the last 52 weeks (all channels)
    last_year_kpi: float     # the KPI over the last 52 weeks
    sheet: str | None = None  # the sheet of an .xlsx history (None: the first)

    @property
    def origin(self) -> dt.date:
        return self.history.start

    @property
    def currency_level(self) -> float:
        """Units per day on day 0 before the channels' effect (the baseline)."""
        return self.level / (self.price if self.kpi == "revenue" else 1.0) * (1 - MEDIA_SHARE)


def channel_type(name: str) -> tuple[str, bool]:
    """(type, guessed from the name?) of a channel: online when nothing in the name says
    (a Chinese name by the words it holds: 电视, 户外, 短信, 搜索, ...)."""
    for kind in ("offline", "direct", "online"):
        if any(w in name for w in CHINESE_TYPE_WORDS[kind]):
            return kind, True
    parts = [p for p in _words(name) if p]
    for kind in ("offline", "direct", "online"):
        if any(p in TYPE_WORDS[kind] or (len(p) > 3 and any(p.startswith(w) for w in
                                                            TYPE_WORDS[kind] if len(w) > 3))
               for p in parts):
            return kind, True
    return "online", False


#: words of a channel's Chinese name that tell its type
CHINESE_TYPE_WORDS = {
    "offline": ("电视", "户外", "广播", "电台", "报纸", "杂志", "平面", "影院", "门店", "地铁",
                "楼宇", "线下", "赞助", "展会"),
    "direct": ("短信", "直邮", "电话", "外呼", "会员"),
    "online": ("搜索", "社交", "抖音", "微信", "微博", "小红书", "直播", "电商", "信息流",
               "视频", "达人", "网红", "百度", "天猫", "京东", "淘宝", "线上", "数字"),
}


def _words(name: str) -> list[str]:
    """The words of a name, lower case: tv_spots, TVSpots and tvSpots give tv, spots."""
    return [w.lower() for w in re.findall(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|\d+", name)]


def last_year(history: History) -> np.ndarray:
    """Mask of the periods whose first day is in the last 364 days of the history."""
    first = history.ends[-1] - dt.timedelta(days=364)
    return np.array([d >= first for d in history.dates])


def own_share(elasticity: float = PRICE_ELASTICITY) -> tuple[float, float]:
    """(share s, utility x) of our product against the outside option in a logit whose
    own-price elasticity x (1 - s) is `elasticity`, x = price weight x price."""
    x = elasticity
    for _ in range(100):
        s = 1.0 / (1.0 + math.exp(-x))
        x = elasticity / (1.0 - s)
    return 1.0 / (1.0 + math.exp(-x)), x


def level_weeks(history: History) -> int:
    """Periods averaged for the day-0 level: the first 8 weeks (at least one period)."""
    return max(1, int(np.searchsorted(history.first_days, 56)))


def relative_path(history_path: Path, directory: Path) -> str:
    """The history file's path from the scenario's folder (POSIX separators)."""
    import os

    rel = os.path.relpath(history_path.resolve(), directory.resolve())
    return Path(rel).as_posix()


def problem(file: str, column: str, message: str, hint: str) -> Problem:
    return Problem(file, 1, column, message, hint)


def choose_kpi(history: History, kpi: str | None) -> str | None:
    """The KPI the draft is levelled on: the one asked for, else revenue, else units;
    None when the file has neither."""
    if kpi is not None:
        return kpi if kpi in history.series else None
    return next((k for k in ("revenue", "units") if k in history.series), None)


def _finite_mean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if finite.size else float("nan")


def price_of(history: History) -> tuple[float, str]:
    """(price, where it came from): the mean of the `price.` columns, else revenue over
    units, else the assumed price."""
    if history.price:
        means = [_finite_mean(v) for v in history.price.values()]
        means = [m for m in means if np.isfinite(m) and m > 0]
        if means:
            return float(np.mean(means)), "column"
    if "revenue" in history.series and "units" in history.series:
        both = np.isfinite(history.series["revenue"]) & np.isfinite(history.series["units"])
        units = float(history.series["units"][both].sum())
        if units > 0:
            return float(history.series["revenue"][both].sum()) / units, "ratio"
    return ASSUMED_PRICE, "assumed"


def kpi_level(history: History, kpi: str) -> tuple[float, int]:
    """(KPI per day over the first weeks, periods used)."""
    n = level_weeks(history)
    values = history.series[kpi][:n]
    days = history.period_days[:n]
    ok = np.isfinite(values)
    if not ok.any():
        ok = np.isfinite(history.series[kpi])
        values, days = history.series[kpi], history.period_days
    return float(values[ok].sum() / days[ok].sum()), n


def market_of(units_per_day: float, share: float) -> tuple[int, float]:
    """(market size, purchase rate per year) giving `units_per_day` from the considering
    pool: size x CONSIDERING x rate / 365 x share = units per day."""
    rate = PURCHASE_PER_YEAR
    size = units_per_day / (CONSIDERING * rate / 365.0 * share)
    if size > MAX_MARKET:
        rate *= size / MAX_MARKET
        size = MAX_MARKET
    return max(1000, int(round(size, -2))), rate


def spend_month(history: History, spend: np.ndarray) -> dict[int, float]:
    """Money of the last 52 weeks by calendar month (1-12) of each period's first day."""
    out: dict[int, float] = {}
    for date, money, last in zip(history.dates, spend, last_year(history), strict=True):
        if last and np.isfinite(money):
            out[date.month] = out.get(date.month, 0.0) + float(money)
    return out


def channel_draft(history: History, name: str, market: int, media_lift: float,
                  shape: tuple[str, int] | None = None) -> ChannelDraft:
    """A channel with its half-saturation at the adstocked exposures of its mean spend
    over the periods it spends in, and a lift giving its share (by money) of the assumed
    media effect: `media_lift` (for a channel half saturated on average) times 0.5 over
    its mean saturation over the history at the drafted retention; `shape` (curve,
    adstock step in days) as `media_shape` drafts it unless given."""
    label = history.labels.get(name)
    kind, guessed = channel_type(label if label is not None else name)
    spend = history.spend[name]
    days = history.period_days
    ok = np.isfinite(spend)
    per_day = float(spend[ok].sum() / max(days[ok].sum(), 1))
    on = ok & (spend > 0)
    per_day_on = float(spend[on].sum() / max(days[on].sum(), 1))
    curve, step = shape or media_shape(history)
    theta = RETENTION_PRIOR[kind][1] ** (step / 7)
    exposures = per_day_on * 1000.0 / CPM[kind] / market / (1.0 - theta)
    months = spend_month(history, spend)
    saturation = mean_saturation(np.where(ok, spend, 0.0), days, theta,
                                 per_day_on / (1.0 - theta), curve, step)
    return ChannelDraft(name, kind, guessed, CPM[kind], per_day,
                        max(exposures, 1e-12), media_lift * 0.5 / max(saturation, 0.025),
                        float(sum(months.values())),
                        tuple(sorted(m for m, v in months.items() if v > 0)),
                        per_day_on, saturation, curve, step, label)


def media_shape(history: History) -> tuple[str, int]:
    """(saturation curve, adstock step in days) drafted for `history`: `WEEKLY_CURVE` and
    `WEEKLY_STEP_DAYS` when every period is a week, else the Hill curve carried daily."""
    days = history.period_days
    if len(days) and bool(np.all(days == 7)):
        return WEEKLY_CURVE, WEEKLY_STEP_DAYS
    return "hill", 1


def mean_saturation(spend: np.ndarray, days: np.ndarray, theta: float, half: float,
                    curve: str = "hill", step: int = 1) -> float:
    """Mean over the history's days of the saturation (`curve`, half at `half`) of the
    money adstocked as the engine does: day by day (S_d = money_d + theta S_(d-1), each
    period's money spread over its days), or once per `step` days (S = the step's mean
    money per day + theta S, held over the step; theta per step); 0.5 for money that
    never moves. Money in currency, `half` in adstocked money."""
    if half <= 0:
        return 0.5
    daily = daily_saturation(spend, days, theta, half, curve, step)
    return float(daily.mean()) if len(daily) else 0.5


def daily_saturation(spend: np.ndarray, days: np.ndarray, theta: float, half: float,
                     curve: str = "hill", step: int = 1) -> np.ndarray:
    """The saturation on each day of the history (`mean_saturation` before its mean)."""
    daily = np.repeat(spend / np.maximum(days, 1), days.astype(int))
    step = max(int(step), 1)
    stocks = np.empty(len(daily))
    stock = 0.0
    for first in range(0, len(daily), step):
        block = daily[first:first + step]
        if step == 1:
            stock = float(block[0]) + theta * stock
        else:
            stock = float(block.mean()) + theta * stock
        stocks[first:first + step] = stock
    return saturation_curve(stocks, half, 1.0, curve)


def channel_saturation(history: History, c: ChannelDraft, retention: float) -> np.ndarray:
    """A channel's mean saturation per period at the drafted curve, step and
    half-saturation, its money carried over at `retention` a week."""
    theta = RETENTION_PRIOR[c.type][1] ** (c.step_days / 7)
    spend = np.nan_to_num(np.asarray(history.spend[c.name], dtype=float))
    daily = daily_saturation(spend, np.asarray(history.period_days), retention ** (
        c.step_days / 7), c.spend_per_day_on / (1.0 - theta), c.curve, c.step_days)
    return period_saturation(daily, history)


def period_saturation(daily: np.ndarray, history: History) -> np.ndarray:
    """Mean of a daily series over each period of `history` (days from its first day)."""
    out = np.empty(history.n_periods)
    for i, (first, days) in enumerate(zip(history.first_days, history.period_days,
                                          strict=True)):
        out[i] = float(daily[int(first):int(first) + int(days)].mean()) if days else 0.0
    return out


def month_weights(history: History, start: dt.date,
                  spend: np.ndarray | None = None) -> tuple[float, ...]:
    """Money per day by plan month (month 0 = the start's month), relative to the busiest
    month (at least 0.01), from the last 52 weeks' money by calendar month: of `spend` (one
    channel's column), else of all channels together."""
    if spend is None:
        spend = np.zeros(len(history.dates))
        for column in history.spend.values():
            spend = spend + np.nan_to_num(column)
    by_month = spend_month(history, spend)
    weights = []
    for i in range(12):
        month = (start.month - 1 + i) % 12 + 1
        days = _days_in_month(2001, month)
        weights.append(by_month.get(month, 0.0) / days)
    top = max(weights) if max(weights) > 0 else 1.0
    return tuple(round(max(w / top, 0.01), 4) for w in weights)


def _days_in_month(year: int, month: int) -> int:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return (nxt - dt.date(year, month, 1)).days


def control_draft(history: History, name: str, values: np.ndarray) -> ControlDraft:
    """A price-like control (its name says price, every value > 0) acts by an elasticity,
    any other linearly; the reference is the column's mean."""
    ok = np.isfinite(values)
    finite = values[ok]
    pricey = "price" in name.lower() and finite.size > 0 and bool((finite > 0).all())
    reference = float(finite.mean()) if finite.size else (1.0 if pricey else 0.0)
    dated = {d: float(v) for d, v, f in zip(history.dates, values, ok, strict=True) if f}
    return ControlDraft(name, "elasticity" if pricey else "linear", _round(reference),
                        _spread(finite), dated)


def _spread(values: np.ndarray) -> float:
    """The standard deviation of a control's values, exactly 0 for a constant column (whose
    rounding leaves ~1e-16, which would make a prior of width 0.25 / 1e-16)."""
    return float(values.std()) if values.size and np.ptp(values) > 0 else 0.0


def event_draft(history: History, name: str, values: np.ndarray) -> EventDraft:
    """An event lasts one period; each period with a non-zero value is an occurrence."""
    days = int(np.median(history.period_days))
    dated = {d: float(v) for d, v in zip(history.dates, values, strict=True)
             if np.isfinite(v) and v != 0}
    return EventDraft(name, days, dated)


def _round(value: float, digits: int = 4) -> float:
    if value == 0 or not np.isfinite(value):
        return 0.0
    return float(round(value, digits - 1 - math.floor(math.log10(abs(value)))))


def draft(history: History, history_file: str, kpi: str,
          shape: tuple[str, int] | None = None, sheet: str | None = None) -> HistoryDraft:
    """Every figure of the scenario drafted from `history` (`sheet`: its sheet in an
    .xlsx file), levelled on `kpi` (revenue or units, a column of the history); each
    channel's saturation curve and adstock step `shape` (as `media_shape` drafts them
    unless given)."""
    price, source = price_of(history)
    level, weeks = kpi_level(history, kpi)
    share, utility = own_share()
    units = level / (price if kpi == "revenue" else 1.0)
    market, rate = market_of(units * (1 - MEDIA_SHARE), share)
    money = {c: float(np.nansum(v)) for c, v in history.spend.items()}
    total = sum(money.values()) or 1.0
    media = MEDIA_SHARE / (1 - MEDIA_SHARE) * 2.0
    channels = tuple(channel_draft(history, c, market, max(media * money[c] / total, 1e-3),
                                   shape) for c in history.spend)
    start = history.ends[-1]
    mask = last_year(history)
    series = history.series[kpi]
    return HistoryDraft(
        history=history, history_file=history_file, kpi=kpi, level=level,
        weeks_for_level=weeks, price=_round(price), price_source=source,
        products=tuple(history.price) or ("product",), unit_cost=_round(price * COST_SHARE),
        own_share=share, price_weight=utility / price, market_size=market,
        purchase_per_year=_round(rate), channels=channels,
        controls=tuple(control_draft(history, n, v)
                       for n, v in getattr(history, "controls", {}).items()),
        events=tuple(event_draft(history, n, v)
                     for n, v in getattr(history, "events", {}).items()),
        start_date=start,
        budget=float(sum(c.last_year for c in channels)),
        last_year_kpi=float(np.nansum(series[mask])), sheet=sheet)
