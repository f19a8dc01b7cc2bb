"""Money and figures through the adapters: exact cents and textbook cash-flow figures."""

from decimal import Decimal
from types import SimpleNamespace

from pmo.intake import adapters


def flow(year, capex=0, opex=0, benefit=0):
    return SimpleNamespace(
        year=year, capex=Decimal(capex), opex=Decimal(opex), benefit=Decimal(benefit)
    )


def test_a_year_is_spread_over_twelve_months_in_whole_cents():
    months = adapters.spread_year(100_000)
    assert months == [8334] * 4 + [8333] * 8
    assert sum(months) == 100_000


def test_monthly_spend_keeps_every_cent_of_the_business_case():
    capex, opex = adapters.monthly_spend([flow(0, "1000.01", "0.05"), flow(1, "0", "12.00")])
    assert len(capex) == len(opex) == 24
    assert sum(capex) == 100_001 and sum(opex) == 1_205
    assert capex[:2] == [8334, 8334] and capex[12:] == [0] * 12
    assert opex[12:] == [100] * 12


def test_financials_match_the_textbook_example():
    # -1000, 500, 400, 300, 100 at 10 %: NPV 78.82, IRR 14.49 %, payback 2.33 years, ROI 30 %
    flows = [flow(0, capex="1000")] + [
        flow(y, benefit=b) for y, b in enumerate(["500", "400", "300", "100"], start=1)
    ]
    fin = adapters.financials(Decimal("0.10"), flows)
    assert fin.npv == Decimal("78.82")
    assert round(fin.irr, 4) == 0.1449
    assert round(fin.payback_years, 2) == 2.33
    assert round(fin.discounted_payback_years, 2) == 2.95
    assert fin.roi == 0.3
    assert (fin.capex, fin.opex, fin.benefit, fin.cost) == (
        Decimal("1000.00"),
        Decimal("0.00"),
        Decimal("1300.00"),
        Decimal("1000.00"),
    )


def test_npv_nets_capex_opex_and_benefit_of_each_year():
    # -40,000, 5,000, 8,000, 12,000, 30,000 at 8 % has NPV 3,065.22
    flows = [
        flow(0, capex="35000", opex="5000"),
        flow(1, opex="1000", benefit="6000"),
        flow(2, benefit="8000"),
        flow(3, benefit="12000"),
        flow(4, benefit="30000"),
    ]
    assert adapters.financials(Decimal("0.08"), flows).npv == Decimal("3065.22")


def test_a_case_that_never_pays_back_says_so():
    fin = adapters.financials(Decimal("0.05"), [flow(0, capex="100"), flow(1, benefit="50")])
    assert fin.payback_years is None and fin.irr is not None and fin.irr < 0
    assert fin.npv == Decimal("-52.38")


def test_assessors_spread_and_weighted_score():
    stats = adapters.score_stats([2, 4, 3])
    assert (stats.n, stats.mean, stats.low, stats.high, stats.spread) == (3, 3.0, 2, 4, 2)
    assert round(stats.std, 4) == 0.8165
    none = adapters.score_stats([])
    score = adapters.weighted_score([stats, none], [0.75, 0.25], [5, 5])
    # 0.75 * 3/5 of 100; the unscored criterion counts as nothing
    assert score == 45.0
