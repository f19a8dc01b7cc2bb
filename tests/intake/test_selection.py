"""Portfolio selection through the app: the optimiser's choice against brute force over
every subset (and start), infeasible limits named, and live scenarios: what changed since
saving, comparing, committing with an audit record.
"""

import datetime as dt
import itertools
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from pmo.core.permissions import PermissionDenied
from pmo.intake import adapters, selectors, services
from pmo.intake.models import ScenarioCommit
from pmo.portfolios.models import Project

from ..conftest import fresh

pytestmark = pytest.mark.django_db


def _random_portfolio(intake, seed: int, n: int, window: int = 0):
    rng = random.Random(seed)
    codes = []
    for k in range(n):
        code = f"S{seed}-{k}"
        intake.proposal(
            code,
            capex=[rng.randint(10, 90) * 1000, rng.choice([0, rng.randint(5, 40) * 1000])],
            opex=[0, rng.randint(1, 9) * 1000],
            benefit=[0, rng.randint(20, 120) * 1000, rng.randint(20, 120) * 1000],
            score=rng.randint(1, 5),
            start=dt.date(2027, rng.randint(1, 9), 1),
            window=window,
            duration=rng.choice([3, 6, 9]),
            demands=[
                {
                    "role": "Developer",
                    "from_month": 0,
                    "months": rng.randint(2, 6),
                    "hours_per_month": rng.choice([40, 80, 120]),
                }
            ],
        )
        codes.append(code)
    return codes


def _brute_force(figures, codes, limits):
    best = None
    options = [adapters.candidate_starts(figures.by_code[c], limits.allow_shift) for c in codes]
    for chosen in itertools.product(*[[None, *o] for o in options]):
        picks = {c: s for c, s in zip(codes, chosen, strict=True) if s is not None}
        ev = adapters.evaluate(figures, picks, limits)
        if not ev.problems and (best is None or ev.value > best[0] + 1e-9):
            best = (ev.value, picks)
    return best


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_optimiser_matches_brute_force_over_all_subsets(intake, seed):
    codes = _random_portfolio(intake, seed, 9)
    budgets = [{"year": 0, "total": "180000"}, {"year": 1, "total": "120000"}]
    result = services.optimise(
        intake.org.people.pfm,
        intake.org.p1,
        budgets=budgets,
        npv_weight=Decimal("0.5"),
        allow_shift=False,
        time_limit=10,
        save=False,
    )
    figures = selectors.portfolio_figures(intake.org.p1, 0.5)
    limits = services.limits_from(services._budget_rows(budgets), True, False)
    value, _ = _brute_force(figures, codes, limits)
    assert result["solver"]["optimal"] is True and result["solver"]["gap"] == 0.0
    assert result["solver"]["value"] == pytest.approx(value, abs=5e-5)  # rounded to 4 places
    chosen = adapters.evaluate(figures, result["selection"], limits)
    assert chosen.problems == [] and chosen.value == pytest.approx(value, rel=1e-9)


def test_optimiser_matches_brute_force_with_start_shifting(intake):
    codes = _random_portfolio(intake, 7, 5, window=2)
    budgets = [{"year": 0, "total": "150000"}, {"year": 1, "total": "60000"}]
    result = services.optimise(
        intake.org.people.pfm,
        intake.org.p1,
        budgets=budgets,
        npv_weight=Decimal("0.3"),
        allow_shift=True,
        time_limit=10,
        save=False,
    )
    figures = selectors.portfolio_figures(intake.org.p1, 0.3)
    limits = services.limits_from(services._budget_rows(budgets), True, True)
    value, _ = _brute_force(figures, codes, limits)
    assert result["solver"]["value"] == pytest.approx(value, abs=5e-5)  # rounded to 4 places
    assert result["solver"]["optimal"] is True


def test_prerequisites_and_alternatives_are_respected(intake):
    base = intake.proposal("BASE", capex=[50_000], benefit=[0, 10_000], score=1)
    intake.proposal("TOP", capex=[20_000], benefit=[0, 90_000], score=5, requires=[base])
    intake.proposal("ALT-A", capex=[10_000], benefit=[0, 40_000], score=4, exclusive_group="CRM")
    intake.proposal("ALT-B", capex=[10_000], benefit=[0, 30_000], score=3, exclusive_group="CRM")
    result = services.optimise(
        intake.org.people.pfm,
        intake.org.p1,
        budgets=[{"year": 0, "total": "100000"}],
        allow_shift=False,
        save=False,
    )
    assert set(result["selection"]) == {"BASE", "TOP", "ALT-A"}


def test_an_infeasible_selection_names_the_conflicting_constraint(intake):
    intake.proposal("BIG", capex=[1_200_000], score=3, mandatory=True)
    intake.proposal("SMALL", capex=[1_000], score=3)
    with pytest.raises(services.SelectionConflict) as err:
        services.optimise(
            intake.org.people.pfm,
            intake.org.p1,
            budgets=[{"year": 0, "total": "1000000"}],
            save=False,
        )
    assert err.value.conflicts == [
        {
            "constraints": ["budget 2027"],
            "proposals": ["BIG"],
            "message": "mandatory projects BIG need 1,200,000.00 in 2027 but the budget is "
            "1,000,000.00",
        }
    ]
    assert err.value.message_dict == {
        "limits": [
            "No scenario fits: mandatory projects BIG need 1,200,000.00 in 2027 but the budget "
            "is 1,000,000.00."
        ]
    }


def test_optimising_needs_the_right_to_change_the_portfolio(intake):
    intake.proposal("ANY", capex=[1_000], score=3)
    with pytest.raises(PermissionDenied):
        services.optimise(fresh(intake.org.people.executive), intake.org.p1, save=False)


def test_optimised_scenario_is_saved_with_frontier_and_certificate(intake):
    _random_portfolio(intake, 11, 6)
    result = services.optimise(
        intake.org.people.pfm,
        intake.org.p1,
        budgets=[{"year": 0, "total": "120000"}],
        frontier_points=5,
        name="Plan A",
    )
    scenario = selectors.visible_scenarios(intake.org.people.pfm).get(pk=result["scenario_id"])
    assert (scenario.name, scenario.method, scenario.status) == ("Plan A", "optimised", "open")
    assert scenario.saved_selection == result["selection"]
    assert [pt["budget"] for pt in scenario.frontier] == [
        "12000.00",
        "69000.00",
        "120000.00",  # the scenario's own budget is always a point
        "183000.00",
        "240000.00",
    ]
    values = [pt["value"] for pt in scenario.frontier]
    assert values == sorted(values)
    assert all(pt["value"] >= pt["greedy_value"] - 1e-9 for pt in scenario.frontier)
    assert scenario.saved_value == pytest.approx(result["solver"]["value"], abs=1e-3)


def test_a_saved_scenario_stays_live_and_says_what_changed(intake):
    org = intake.org
    a = intake.proposal("LIVE-A", capex=[10_000], score=3)
    intake.proposal("LIVE-B", capex=[20_000], score=4, window=3)
    scenario = services.do_save_scenario(
        org.people.pfm,
        org.p1,
        name="Hand",
        picks={"LIVE-A": None, "LIVE-B": 2},
        budgets=[{"year": 0, "total": "100000"}],
    )
    assert scenario.saved_cost == Decimal("30000.00")
    live = selectors.live_scenario(scenario)
    assert (live.changed, live.evaluation.problems) == (False, [])
    assert live.picks == {"LIVE-A": 0, "LIVE-B": 2}

    services.do_update_proposal(org.people.pfm, a, cash_flows=[{"year": 0, "capex": "15000.50"}])
    services.do_transition(org.people.pfm, a, "deferred", "Wait for 2028")
    live = selectors.live_scenario(scenario)
    assert live.cost_change == Decimal("5000.50")
    assert live.no_longer_candidates == ["LIVE-A"]
    assert live.evaluation.problems == ["LIVE-A is deferred, no longer a candidate"]
    assert live.changed
    with pytest.raises(ValidationError) as err:
        services.do_commit_scenario(org.people.pfm, scenario)
    assert err.value.message_dict == {
        "scenario": ["Cannot commit: LIVE-A is deferred, no longer a candidate."]
    }


def test_hand_picked_starts_outside_the_window_are_refused(intake):
    intake.proposal("WIN", capex=[1_000], start=dt.date(2027, 3, 1), window=2)
    with pytest.raises(ValidationError) as err:
        services.do_save_scenario(intake.org.people.pfm, intake.org.p1, name="x", picks={"WIN": 7})
    assert err.value.message_dict == {
        "picks": ["WIN may start in 2027-03 to 2027-05, not 2027-08."]
    }


def test_a_budget_overrun_is_reported_per_year(intake):
    intake.proposal("OVER", capex=[120_000.25], score=3)
    scenario = services.do_save_scenario(
        intake.org.people.pfm,
        intake.org.p1,
        name="Too much",
        picks={"OVER": None},
        budgets=[{"year": 0, "total": "100000"}],
    )
    live = selectors.live_scenario(scenario)
    assert live.evaluation.problems == ["budget 2027: spends 120,000.25 of 100,000.00"]
    assert live.evaluation.total == [Decimal("120000.25"), Decimal("0.00"), Decimal("0.00")]


def test_capacity_shortfall_per_role_and_month(intake):
    intake.proposal(
        "HEAVY",
        capex=[1_000],
        start=dt.date(2027, 2, 1),
        demands=[{"role": "Developer", "from_month": 1, "months": 2, "hours_per_month": 200}],
    )
    scenario = services.do_save_scenario(
        intake.org.people.pfm, intake.org.p1, name="Busy", picks={"HEAVY": None}
    )
    ev = selectors.live_scenario(scenario).evaluation
    dev = ev.roles.index("Developer")
    assert ev.shortfall[dev][:5] == [0.0, 0.0, 40.0, 40.0, 0.0]
    assert ev.problems == ["capacity Developer: short by 80 h in 2 months, worst 2027-03 (40 h)"]


def test_committing_a_scenario_approves_its_proposals_as_projects(intake):
    org = intake.org
    intake.proposal("GO-1", capex=[10_000], score=4, start=dt.date(2027, 2, 1), window=3)
    intake.proposal("GO-2", capex=[5_000], score=2, duration=6)
    intake.proposal("STAY", capex=[5_000], score=2)
    scenario = services.do_save_scenario(
        org.people.pfm, org.p1, name="Go", picks={"GO-1": 3, "GO-2": None}
    )
    record = services.do_commit_scenario(org.people.pfm, scenario, "Board 12 Dec")
    assert isinstance(record, ScenarioCommit)
    assert (record.committed_by, record.note, record.cost) == (
        org.people.pfm,
        "Board 12 Dec",
        Decimal("15000.00"),
    )
    projects = {p.code: p for p in Project.objects.filter(code__in=["GO-1", "GO-2"])}
    assert [(r["proposal"], r["project"]) for r in record.projects] == [
        ("GO-1", "GO-1"),
        ("GO-2", "GO-2"),
    ]
    assert (projects["GO-1"].planned_start, projects["GO-1"].planned_finish) == (
        dt.date(2027, 4, 1),
        dt.date(2028, 3, 31),
    )
    assert (projects["GO-2"].planned_start, projects["GO-2"].planned_finish) == (
        dt.date(2027, 1, 1),
        dt.date(2027, 6, 30),
    )
    scenario.refresh_from_db()
    assert scenario.status == "committed"
    assert not Project.objects.filter(code="STAY").exists()
    go1 = projects["GO-1"].proposal
    assert go1.state == "approved"
    assert go1.events.last().text == "Approved by committing scenario “Go”."
    with pytest.raises(ValidationError) as err:
        services.do_commit_scenario(org.people.pfm, scenario)
    assert err.value.messages == ["Scenario Go was committed already."]
    # committed: its approved proposals are its outcome, not a problem
    assert selectors.live_scenario(scenario).evaluation.problems == []


def test_a_failed_commit_changes_nothing(intake):
    org = intake.org
    intake.proposal("OK-1", capex=[1_000])
    intake.proposal("PRJ-B", capex=[1_000])  # its project code is taken
    scenario = services.do_save_scenario(
        org.people.pfm, org.p1, name="Clash", picks={"OK-1": None, "PRJ-B": None}
    )
    with pytest.raises(ValidationError):
        services.do_commit_scenario(org.people.pfm, scenario)
    assert not Project.objects.filter(code="OK-1").exists()
    assert selectors.visible_proposals(org.people.pfm).get(code="OK-1").state == "screened"
    scenario.refresh_from_db()
    assert scenario.status == "open" and not ScenarioCommit.objects.exists()


def test_executives_see_but_do_not_commit(intake):
    org = intake.org
    intake.proposal("EX-1", capex=[1_000])
    scenario = services.do_save_scenario(org.people.pfm, org.p1, name="S", picks={"EX-1": None})
    executive = fresh(org.people.executive)
    assert selectors.visible_scenarios(executive).filter(pk=scenario.pk).exists()
    with pytest.raises(PermissionDenied):
        services.do_commit_scenario(executive, scenario)
    assert not selectors.visible_scenarios(fresh(org.people.outsider)).exists()


def test_compare_shows_membership_and_spend_side_by_side(intake):
    org = intake.org
    intake.proposal("C-1", capex=[10_000], score=4)
    intake.proposal("C-2", capex=[20_000], score=2)
    one = services.do_save_scenario(org.people.pfm, org.p1, name="One", picks={"C-1": None})
    two = services.do_save_scenario(
        org.people.pfm, org.p1, name="Two", picks={"C-1": None, "C-2": None}
    )
    result = selectors.compare([one, two])
    assert [(r["code"], r["in"]) for r in result["membership"]] == [
        ("C-1", [True, True]),
        ("C-2", [False, True]),
    ]
    assert [live.evaluation.total[0] for live in result["lives"]] == [
        Decimal("10000.00"),
        Decimal("30000.00"),
    ]


def test_pricing_re_solves_each_proposal(intake):
    org = intake.org
    intake.proposal("PR-1", capex=[60_000], score=5)
    intake.proposal("PR-2", capex=[50_000], score=4)
    intake.proposal("PR-3", capex=[40_000], score=3)
    intake.proposal("PR-4", capex=[150_000], score=5)
    scenario = services.do_save_scenario(
        org.people.pfm,
        org.p1,
        name="P",
        picks={"PR-1": None, "PR-3": None},
        budgets=[{"year": 0, "total": "100000"}],
    )
    seen = []
    services.price_scenario(org.people.pfm, scenario, progress=lambda pct, msg="": seen.append(msg))
    scenario.refresh_from_db()
    # values 1000, 800, 600, 1000: the optimum PR-1 + PR-3 is 1600
    assert scenario.solver["marginal_optimum"] == 1600.0
    assert scenario.solver["marginal"] == {
        "PR-1": 200.0,  # without it the best is PR-2 + PR-3 = 1400
        "PR-2": -200.0,  # forced in: PR-2 + PR-3 = 1400
        "PR-3": 600.0,  # without it the best is PR-1 alone = 1000
        "PR-4": None,  # 150,000 never fits 100,000
    }
    assert seen[-1] == "Pricing PR-4"


def test_prerequisites_count_once_approved_and_block_while_not_screened(intake):
    org = intake.org
    base = intake.proposal("PRE", capex=[1_000], score=3, state="submitted")
    intake.proposal("NEEDS", capex=[1_000], score=5, requires=[base])
    figures = selectors.portfolio_figures(org.p1)
    assert figures.by_code["NEEDS"].blocked_by == ["requires PRE, which is submitted"]
    assert not figures.by_code["NEEDS"].selectable
    with pytest.raises(ValidationError) as err:
        services.do_save_scenario(org.people.pfm, org.p1, name="x", picks={"NEEDS": None})
    assert err.value.message_dict == {
        "picks": ["NEEDS cannot be selected: requires PRE, which is submitted."]
    }
    services.do_transition(org.people.pfm, base, "screened", "")
    services.do_transition(org.people.pfm, base, "approved", "")
    scenario = services.do_save_scenario(org.people.pfm, org.p1, name="y", picks={"NEEDS": None})
    assert selectors.live_scenario(scenario).evaluation.problems == []


def test_capacity_per_role_and_month_limits_the_choice(intake):
    need = [{"role": "Developer", "from_month": 0, "months": 3, "hours_per_month": 120}]
    intake.proposal("CAP-1", capex=[1_000], score=5, demands=need)
    intake.proposal("CAP-2", capex=[1_000], score=4, demands=need)
    intake.proposal("CAP-3", capex=[1_000], score=3, demands=need, window=3)
    result = services.optimise(intake.org.people.pfm, intake.org.p1, allow_shift=True, save=False)
    # 160 h of developers a month: two of them never overlap; CAP-3 waits three months
    assert result["selection"] == {"CAP-1": 0, "CAP-3": 3}
    without_shift = services.optimise(
        intake.org.people.pfm, intake.org.p1, allow_shift=False, save=False
    )
    assert without_shift["selection"] == {"CAP-1": 0}
    ignoring = services.optimise(
        intake.org.people.pfm, intake.org.p1, use_capacity=False, save=False
    )
    assert ignoring["selection"] == {"CAP-1": 0, "CAP-2": 0, "CAP-3": 0}


def test_capex_and_opex_budgets_apply_separately(intake):
    intake.proposal("CX", capex=[80_000], score=5)
    intake.proposal("OX", opex=[80_000], score=4)
    result = services.optimise(
        intake.org.people.pfm,
        intake.org.p1,
        budgets=[{"year": 0, "capex": "50000", "opex": "100000"}],
        save=False,
    )
    assert result["selection"] == {"OX": 0}
    binding = [c["label"] for c in result["solver"]["binding"]]
    assert binding == ["capex budget 2027"]


def test_a_budget_beyond_the_horizon_is_named(intake):
    intake.proposal("HZ", capex=[1_000], score=3)
    with pytest.raises(ValidationError) as err:
        services.optimise(
            intake.org.people.pfm,
            intake.org.p1,
            budgets=[{"year": 0, "total": "10"}, {"year": 3, "total": "10"}],
            save=False,
        )
    assert err.value.message_dict == {
        "budgets": ["Row 2: year 3 is beyond the 3-year horizon (years 0 to 2)."]
    }


def test_a_project_dependency_delays_the_start_until_it_finishes(intake):
    org = intake.org
    a = org.a  # PRJ-A finishes 30 Jun 2026, before the horizon: no delay
    org.d.planned_start, org.d.planned_finish = dt.date(2026, 9, 1), dt.date(2027, 4, 15)
    org.d.save()
    intake.proposal("AFTER-A", capex=[1_000], depends_on_projects=[a])
    intake.proposal(
        "AFTER-D", capex=[1_000], start=dt.date(2027, 2, 1), window=4, depends_on_projects=[org.d]
    )
    intake.proposal("TOO-SOON", capex=[1_000], window=2, depends_on_projects=[org.d])
    figures = selectors.portfolio_figures(org.p1)
    assert (figures.by_code["AFTER-A"].earliest, figures.by_code["AFTER-A"].window) == (0, 0)
    # D ends in April 2027: May 2027 (month 4) is the first start, June the last
    after_d = figures.by_code["AFTER-D"]
    assert (after_d.earliest, after_d.window, after_d.selectable) == (4, 1, True)
    assert figures.by_code["TOO-SOON"].blocked_by == [
        "depends on project PRJ-D, which finishes Apr 2027, after its latest start"
    ]


def test_what_needs_a_blocked_proposal_is_blocked_too(intake):
    org = intake.org
    org.d.status = "cancelled"
    org.d.save()
    base = intake.proposal("ROOT", capex=[1_000], depends_on_projects=[org.d])
    middle = intake.proposal("MID", capex=[1_000], requires=[base])
    intake.proposal("LEAF", capex=[1_000], requires=[middle])
    figures = selectors.portfolio_figures(org.p1)
    assert [figures.by_code[c].blocked_by for c in ("ROOT", "MID", "LEAF")] == [
        ["depends on project PRJ-D, which is cancelled"],
        ["requires ROOT, which cannot be selected"],
        ["requires MID, which cannot be selected"],
    ]
