"""The comments of a drafted scenario, in English and Chinese (`mktsim init from-history`).

Each entry is (English, Chinese); placeholders are filled with str.format. The file is
written in the language asked for, whatever language the command prints in.
"""

from __future__ import annotations

WORDS: dict[str, tuple[str, str]] = {
    "head": (
        "Scenario drafted by `mktsim init from-history` from {file}\n"
        "({n} {kind} periods, {first} to {last}). Every figure the file does not hold\n"
        "is an assumption marked [A]: replace it with your own number. Fit it, then plan:\n"
        "  mktsim calibrate {name} --holdout 13 --out fitted.yaml\n"
        "  mktsim run fitted.yaml\n"
        "\n"
        "How the market is set up: a history of KPIs and spend tells neither the market\n"
        "size nor the funnel, so this scenario uses a large pool of people who consider\n"
        "the category and buy at a low rate; every purchase is {kpi_word} per day =\n"
        "baseline x demand drivers (trend, season, controls, events) x (1 + each\n"
        "channel's lift x its saturation of adstocked exposures), the usual marketing-mix\n"
        "structure. The `calibration:` section frees what such data can identify.",
        "由 `mktsim init from-history` 根据 {file} 生成的情景\n"
        "（{n} 个{kind}周期，{first} 至 {last}）。文件中没有的数字都是假设，标记为 [A]：\n"
        "请换成您自己的数字。先拟合，再做计划：\n"
        "  mktsim calibrate {name} --holdout 13 --out fitted.yaml\n"
        "  mktsim run fitted.yaml\n"
        "\n"
        "市场的设定方式：KPI 与投放的历史数据无法说明市场规模和转化漏斗，因此本情景假设\n"
        "一个很大的、正在考虑该品类的人群，以较低的速率购买；每天的{kpi_word} =\n"
        "基线 × 需求驱动因素（趋势、季节、控制变量、事件）× (1 + 各渠道提升 × 其\n"
        "累积曝光的饱和度)，即常见的营销组合模型结构。`calibration:` 部分放开了此类数据\n"
        "能够识别的参数。"),
    "kpi_revenue": ("revenue", "收入"),
    "kpi_units": ("units sold", "销量"),
    "day": ("daily", "日度"),
    "week": ("weekly", "周度"),
    "month": ("monthly", "月度"),
    "year": ("yearly", "年度"),
    "description": (
        "Drafted from {file}; the next year with last year's spend repeated.",
        "根据 {file} 生成；下一年重复去年的投放。"),
    "start_date": ("the day after the history's last period", "历史最后一个周期的次日"),
    "horizon": ("one year", "一年"),
    "currency": ("[A] the currency of the file's money: change it if not CNY",
                 "[A] 文件中金额的币种：如不是人民币请修改"),
    "replications": ("replications of a run (calibrate uses its own 8)",
                     "运行的重复次数（calibrate 使用自己的 8 次）"),
    "size": (
        "[A] people considering the category. Chosen so that the model's {kpi_word} on\n"
        "day 0 ({model_level:,.0f} a day, baseline and channels at their average spend)\n"
        "matches the first {weeks} periods of the history ({level:,.0f} a day). Purchases\n"
        "barely deplete this pool, so its size only sets the level: the fit adjusts the\n"
        "level through purchase_per_year below.",
        "[A] 考虑该品类的人数。取值使模型第 0 天的{kpi_word}（每天 {model_level:,.0f}，\n"
        "基线加上各渠道在平均投放下的效果）与历史前 {weeks} 个周期（每天 {level:,.0f}）\n"
        "一致。购买几乎不会消耗这个人群，所以它只决定水平：拟合通过下面的\n"
        "purchase_per_year 调整水平。"),
    "wom": ("no word of mouth: a history of KPIs and spend cannot separate it from the trend",
            "无口碑传播：KPI 与投放的历史无法把它与趋势区分开"),
    "decay": ("nobody forgets or stops considering: the level moves only with the drivers",
              "无人遗忘或停止考虑：水平只随驱动因素变化"),
    "segment": ("one segment: the file has no split by customer group",
                "一个细分人群：文件中没有按客户群体的划分"),
    "pool": ("half the market considers the category on day 0 (the pool that buys)",
             "第 0 天一半的市场在考虑该品类（即购买的人群）"),
    "purchase": ("baseline level: purchases per considering person per year (freed below)",
                 "基线水平：每个考虑者每年的购买次数（下面放开拟合）"),
    "repurchase": ("every unit counts once: no separate repeat purchases",
                   "每件只计一次：不单独建模复购"),
    "choice": (
        "[A] price acts through a logit: price_weight gives an own-price elasticity of {e}\n"
        "on day 0 at the price below (published mean -2.6: Bijmolt et al. 2005)",
        "[A] 价格通过 logit 模型起作用：price_weight 使第 0 天在下面价格处的自身价格弹性\n"
        "为 {e}（文献均值 -2.6：Bijmolt 等 2005）"),
    "demand": ("drivers of demand (docs/scenario.md): their product multiplies purchases",
               "需求驱动因素（见 docs/scenario.md）：它们的乘积作用于购买"),
    "media_scaling": (
        "power of the drivers on channels' purchases: 1 = scaled like organic purchases,\n"
        "0 = additive (a channel adds the same purchases whatever the trend or season,\n"
        "and the season adds the same amount whatever the trend);\n"
        "try 0 if your channels' effect does not grow with your demand (docs/scenario.md)",
        "驱动因素对渠道购买的幂：1 = 与自然购买一样按比例放大，\n"
        "0 = 加性（渠道带来的购买不随趋势或季节变化，季节性带来的量也不随趋势变化）；\n"
        "若渠道效果不随需求增长，可改为 0（见 docs/scenario.md）"),
    "trend": ("trend: growth per year from the history's first day (freed below)",
              "趋势：自历史第一天起的年增长率（下面放开拟合）"),
    "trend_break": ("from halfway through the fitted periods the growth is its own (freed\n"
                    "below): the forecast continues the later half's growth",
                    "自拟合周期的中点起增长率单独估计（下面放开拟合）：预测延续后半段的增长"),
    "fourier": ("smooth yearly season, 2 harmonics (freed below)",
                "平滑的年度季节性，2 阶谐波（下面放开拟合）"),
    "control_elasticity": (
        "from column control.{name}: factor (x / reference)^coefficient; reference = the\n"
        "column's mean; next year repeats the last year's values",
        "来自列 control.{name}：因子 (x / reference)^coefficient；reference 为该列均值；\n"
        "下一年重复最后一年的数值"),
    "control_linear": (
        "from column control.{name}: factor 1 + coefficient x (x - reference); reference =\n"
        "the column's mean; next year repeats the last year's values",
        "来自列 control.{name}：因子 1 + coefficient × (x - reference)；reference 为该列\n"
        "均值；下一年重复最后一年的数值"),
    "event": ("from column event.{name}: factor 1 + lift x intensity for {days} days from each\n"
              "occurrence; next year repeats them 52 weeks later",
              "来自列 event.{name}：每次发生起 {days} 天内因子为 1 + lift × 强度；\n"
              "下一年在 52 周后重复"),
    "price_column": ("mean of column price.{name}", "列 price.{name} 的均值"),
    "price_ratio": ("revenue / units of the history", "历史数据的收入 / 销量"),
    "price_assumed": ("[A] no price in the file: assumed; set your average selling price",
                      "[A] 文件中没有价格：此为假设；请填写您的平均售价"),
    "price_units": ("[A] no price in the file: assumed (the fit uses units only); set your\n"
                    "average selling price for revenue and profit",
                    "[A] 文件中没有价格：此为假设（拟合只用销量）；请填写平均售价以\n"
                    "得到收入和利润"),
    "unit_cost": ("[A] a gross margin of 40% assumed: set your cost of goods per unit",
                  "[A] 假设毛利率 40%：请填写每件商品的成本"),
    "channels": ("one channel per spend. column; money in the history follows the file",
                 "每个 spend. 列对应一个渠道；历史期内的投放按文件中的金额"),
    "channel_unspent": ("no money in the history: its lift and carryover below are not\n"
                        "fitted (the history cannot tell them); set them from another source",
                        "历史中没有投放：下面的提升与延续效应不做拟合（历史数据无法说明）；\n"
                        "请根据其他来源设定"),
    "channel_label": ("the name of the history's column spend.{label}, which is this "
                      "channel's column", "历史数据文件中 spend.{label} 列的名称，即本渠道的列"),
    "type_guessed": ("type read from the name", "类型根据名称判断"),
    "type_default": ("[A] online: nothing in the name tells the type; change it if wrong",
                     "[A] 线上：名称无法判断类型；如不对请修改"),
    "cpm": ("[A] money per 1,000 impressions; half_saturation is on the same scale, so\n"
            "change both together",
            "[A] 每千次展示的费用；half_saturation 与之同一尺度，需一起修改"),
    "conversion": (
        "lift of purchases at full saturation (freed below); half_saturation = the\n"
        "adstocked exposures per person per day of the average spend in the periods with\n"
        "money ({money:,.0f} a day), so the channel is half saturated at its usual money",
        "完全饱和时的购买提升（下面放开拟合）；half_saturation 为有投放周期的平均投放\n"
        "（每天 {money:,.0f}）下每人每天的累积曝光，即渠道在常规投放下达到一半饱和"),
    "adstock": ("carryover: share of the effect kept after a week (freed below)",
                "延续效应：一周后保留的效果比例（下面放开拟合）"),
    "conversion_curve": (
        "lift of purchases at full saturation (freed below); half_saturation = the\n"
        "adstocked exposures per person per day of the average spend in the periods with\n"
        "money ({money:,.0f} a day), so the channel is half saturated at its usual money;\n"
        "curve {curve}: straight near zero, so a channel's first money works about as well\n"
        "as the next (weekly marketing-mix models assume so); `curve: hill` bends from\n"
        "zero on, for a channel whose first exposures matter most",
        "完全饱和时的购买提升（下面放开拟合）；half_saturation 为有投放周期的平均投放\n"
        "（每天 {money:,.0f}）下每人每天的累积曝光，即渠道在常规投放下达到一半饱和；\n"
        "曲线 {curve}：在零附近接近直线，渠道最初的投放与随后的投放效果相当（周度营销\n"
        "组合模型通常如此假设）；`curve: hill` 从零开始即弯曲，适合最初曝光最重要的渠道"),
    "adstock_step": (
        "carryover: share of the effect kept after a week (freed below); step_days 7:\n"
        "carried over once a week, a week's money counted in full in its own week and the\n"
        "rest from the next week on, as the history's weeks are; set 1 to carry it day by\n"
        "day (an effect that builds up within the week), but half_saturation above is for\n"
        "the weekly stock: the daily stock is (1 - r)/(1 - r^(1/7)) times larger (3.2 to\n"
        "6.4 at r = retention_per_week 0.1 to 0.8), so multiply it by that or draft again",
        "延续效应：一周后保留的效果比例（下面放开拟合）；step_days 7：每周延续一次，\n"
        "一周的投放在当周完全计入、其余从下周起计入，与历史数据的周度一致；设为 1 则\n"
        "按天延续（效果在一周内逐步累积），但上面的 half_saturation 是按周度累积\n"
        "设定的：按天累积的稳态是其 (1 - r)/(1 - r^(1/7)) 倍（r 即 retention_per_week\n"
        "为 0.1 到 0.8 时为 3.2 到 6.4 倍），须将其乘以该倍数或重新生成草稿"),
    "continue": (
        "Last year's money repeated: the last 52 weeks' spend by channel ({budget:,.0f} in\n"
        "all), each channel with its own monthly pattern of last year; a channel without\n"
        "money in a month of last year gets none in that month.",
        "重复去年的投放：最后 52 周各渠道的金额（合计 {budget:,.0f}），每个渠道按其\n"
        "自己去年的月度节奏分配；去年某月没有投放的渠道，该月也不投放。"),
    "weights": ("each channel's money per day by month, from {month} on (last year's "
                "pattern)",
                "各渠道按月的日均投放，自 {month} 起（去年的节奏）"),
    "objective": ("Grow on last year.", "在去年的基础上增长。"),
    "target": (
        "[A] a placeholder: last year's {kpi_word} ({last:,.0f}) plus 10%; set your own",
        "[A] 占位目标：去年的{kpi_word}（{last:,.0f}）加 10%；请设定您自己的目标"),
    "calibration": (
        "Fit to the history: mktsim calibrate {name} --holdout 13 --out fitted.yaml\n"
        "Priors are weakly informative: wide enough for the data to decide, narrow enough\n"
        "to keep values plausible where the data say little.",
        "拟合历史：mktsim calibrate {name} --holdout 13 --out fitted.yaml\n"
        "先验为弱信息先验：足够宽以让数据决定，又足够窄以在数据信息不足时保持数值合理。"),
    "history": ("relative to this file", "相对于本文件"),
    "holdout": ("last periods kept out of the fit, to check the forecast",
                "不参与拟合的最后若干周期，用于检验预测"),
    "media_choice": (
        "both forms of media are fitted, 1 (scaled by the drivers) and 0 (added to them),\n"
        "and the one the history's evidence favours is kept (docs/calibration.md)",
        "两种媒体形式都会拟合：1（随驱动因素按比例放大）和 0（与之相加），\n"
        "保留历史数据证据更支持的一种（见 docs/calibration.md）"),
    "form_choice": (
        "each channel's curve and carry-over step: the weekly form above and the Hill\n"
        "curve carried day by day are both fitted (its half_saturation and lift drafted\n"
        "again for the daily stock), and the one the evidence favours clearly is kept",
        "各渠道的饱和曲线与延续步长：上面的周度形式与按天延续的 Hill 曲线都会拟合\n"
        "（按天累积时的 half_saturation 和 lift 重新估算），保留证据明显更支持的一种"),
    "weights_other": (
        "fitted on {kpi} only: the other columns are reported, not fitted (units and\n"
        "revenue carry the same information, and this market has no funnel to fit the rest)",
        "只拟合 {kpi}：其他列只报告不拟合（销量和收入信息相同，且本市场没有可拟合其余\n"
        "指标的漏斗）"),
    "prior_level": ("baseline level: lognormal around the level of the first weeks (x/÷ 1.6)",
                    "基线水平：以前几周的水平为中心的对数正态（乘除 1.6）"),
    "prior_lift": ("lognormal around a 30% media share split by money (x/÷ 1.65 a sd): an\n"
                   "always-on channel's weekly variation tells its share only roughly; on and\n"
                   "off weeks tell more",
                   "以按金额分配的 30% 媒体贡献为中心的对数正态（每个标准差乘除 1.65）：\n"
                   "常开渠道的每周波动只能粗略说明其份额；有投放有停投的周说明得更多"),
    "prior_retention_offline": (
        "beta(3, 3): median 0.5 a week; offline media carry over for weeks (TV 0.3-0.8)",
        "beta(3, 3)：中位数每周 0.5；线下媒体的效果延续数周（电视 0.3-0.8）"),
    "prior_retention_online": (
        "beta(1.5, 4.5): median 0.22 a week; digital effects fade fast (0-0.3), longer\n"
        "carryover still possible",
        "beta(1.5, 4.5)：中位数每周 0.22；数字渠道效果消退快（0-0.3），也可能更长"),
    "prior_retention_direct": (
        "beta(1.5, 4.5): median 0.22 a week; direct response acts within days",
        "beta(1.5, 4.5)：中位数每周 0.22；直接响应在几天内起作用"),
    "prior_trend": ("normal(0, 0.15): no growth expected; ±15% a year plausible",
                    "normal(0, 0.15)：预期无增长；每年 ±15% 都合理"),
    "prior_trend_break": ("normal(0, 0.15): the later half's growth, fitted on its own",
                          "normal(0, 0.15)：后半段的增长率，单独拟合"),
    "prior_fourier": ("normal(0, 0.25): a season of up to about ±25% a harmonic",
                      "normal(0, 0.25)：每个谐波的季节波动约在 ±25% 以内"),
    "prior_elasticity": ("normal(-1, 0.75): demand falls as the price index rises (elasticity\n"
                         "about -1, sign not forced)",
                         "normal(-1, 0.75)：价格指数上升需求下降（弹性约 -1，不强制符号）"),
    "prior_linear": ("normal(0, {scale:.3g}): a one-standard-deviation move of the control\n"
                     "changes demand by about 25% at most, either way",
                     "normal(0, {scale:.3g})：控制变量变动一个标准差，需求变化约在 ±25% 以内"),
    "prior_event": ("beta(2, 4) over -80%..+220%: centred on a +20% lift; a negative lift\n"
                    "(a stock-out) possible",
                    "beta(2, 4)，区间 -80%..+220%：以 +20% 提升为中心；也可为负（如缺货）"),
}


def word(key: str, lang: str, **values: object) -> str:
    """The comment `key` in `lang` (en or zh), with its placeholders filled."""
    text = WORDS[key][1 if lang == "zh" else 0]
    return text.format(**values) if values else text
