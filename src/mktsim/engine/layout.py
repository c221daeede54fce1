"""Column layouts of the engine's running totals (per replication)."""

from __future__ import annotations

# running totals used for ratios to date (cum array)
(CUM_OWN_UNITS, CUM_CATEGORY_UNITS, CUM_SPEND, CUM_NEW, CUM_ATTR_MARGIN, CUM_MARGIN,
 CUM_CUSTOMER_DAYS, CUM_CHURNED, CUM_DAYS) = range(9)
N_CUM = 9

# per-channel totals (chan_tot array)
CH_SPEND, CH_NEW, CH_REVENUE, CH_MARGIN, CH_CAPACITY_LOST, CH_SATURATION, CH_LEADS, \
    CH_EXPOSURES = range(8)
N_CH = 8
CHANNEL_TOTAL_NAMES = ("spend", "new_customers", "revenue", "gross_margin", "capacity_lost",
                       "saturation", "leads", "exposures")

# leaks and conservation counters (leak array)
(L_LEADS_ARRIVED, L_LEADS_HANDLED, L_LEADS_EXPIRED, L_HANDOFF_LOST, L_CHURN_REGULAR,
 L_CHURN_COMPLAINT, L_COMPLAINTS_UNRESOLVED, L_COMPLAINTS_RESOLVED, L_COMPLAINTS_SAME_DAY,
 L_CAPACITY_LOST, L_LEADS_NOT_CLOSED, L_HANDOFF_ENTERED) = range(12)
N_LEAK = 12
LEAK_NAMES = ("leads_arrived", "leads_handled", "leads_expired", "leads_lost_in_handoff",
              "churned_regular", "churned_after_complaint", "complaints_unresolved",
              "complaints_resolved", "complaints_resolved_same_day", "sales_over_capacity",
              "leads_not_closed", "leads_into_handoff")

# scalar controls of a kernel call (misc array): people in the market; 1 = Bass-consistency
# mode; 1 = word of mouth from current customers (0: everyone who ever adopted); index of
# the service team (-1: none); complaints per unit sold; loyalty programme cost per member
# per day (money); discount rate per year (LTV); 1 = smooth binomial draws (the
# calibration's simulator: `engine.variates.smooth_stream`)
(M_MARKET_SIZE, M_BASS_MODE, M_WOM_CUSTOMERS, M_SERVICE_TEAM, M_COMPLAINT_RATE,
 M_LOYALTY_COST, M_DISCOUNT_RATE, M_SMOOTH_DRAWS) = range(8)
N_MISC = 8

# team capacity controls: capacity(d) = a - b * exp(-(d - ref) / tau)
TC_A, TC_B, TC_REF, TC_N = range(4)
N_TC = 4

# daily KPI rows of the output array, in the order of mktsim.kpis.KPI_NAMES
(K_AWARENESS, K_CONSIDERATION, K_CUSTOMERS, K_NEW, K_ADOPTERS, K_UNITS, K_REVENUE, K_MARGIN,
 K_SPEND, K_TEAM_COST, K_PROFIT, K_SHARE, K_LEADS, K_LEADS_LOST, K_CHURNED, K_LOYAL,
 K_COMPLAINTS, K_ROI, K_CAC, K_LTV, K_SATISFACTION, K_NPS) = range(22)
N_KPI = 22  # the last two (and ltv) are written by engine.derived after each span
