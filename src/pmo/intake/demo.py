"""Demo intake: a scoring model with AHP weights, capacity roles, 40 proposals with
business cases, demand and three assessors' scores, and two scenarios to compare.
"""

import datetime as dt
from decimal import Decimal

from pmo.accounts.choices import Role
from pmo.accounts.models import Membership

from . import services
from .choices import ProposalState
from .models import Assessment, Criterion

CRITERIA = [
    # objective, code, name, definitions of 1..5
    ("SO1", "REV", "Revenue growth", ["None", "< 0.5 M a year", "0.5-2 M", "2-5 M", "> 5 M"]),
    ("SO2", "COST", "Cost reduction", ["None", "< 2 %", "2-5 %", "5-10 %", "> 10 %"]),
    ("SO3", "NPS", "Customer experience", ["No effect", "One journey", "Several", "Most", "All"]),
    ("SO4", "REG", "Regulatory need", ["None", "Practice", "Finding", "Deadline", "Law"]),
    ("SO5", "DATA", "Data capability", ["None", "One team", "One domain", "Several", "Company"]),
    ("SO1", "FIT", "Strategic fit", ["Off strategy", "Weak", "Partial", "Strong", "Core"]),
]
# Saaty judgments between the criteria above, (i, j): how much more i matters than j.
JUDGMENTS = {
    ("REV", "COST"): 2,
    ("REV", "NPS"): 3,
    ("REV", "REG"): Decimal("0.5"),
    ("REV", "DATA"): 4,
    ("REV", "FIT"): 1,
    ("COST", "NPS"): 2,
    ("COST", "REG"): Decimal("0.3333"),
    ("COST", "DATA"): 3,
    ("COST", "FIT"): Decimal("0.5"),
    ("NPS", "REG"): Decimal("0.25"),
    ("NPS", "DATA"): 2,
    ("NPS", "FIT"): Decimal("0.3333"),
    ("REG", "DATA"): 5,
    ("REG", "FIT"): 2,
    ("DATA", "FIT"): Decimal("0.25"),
}
ROLES = [
    ("Business analyst", 640),
    ("Developer", 2400),
    ("Architect", 320),
    ("Tester", 960),
    ("Data engineer", 640),
    ("Change manager", 320),
]
TITLES = [
    "Digital wallet",
    "Branch network redesign",
    "Claims automation",
    "Open banking APIs",
    "Customer identity platform",
    "Marketing automation",
    "Call centre cloud migration",
    "Robotic process automation",
    "ESG reporting",
    "Credit scoring model",
    "Fraud detection AI",
    "E-signature everywhere",
    "Partner portal",
    "Subscription billing",
    "Product information system",
    "Mainframe exit phase 1",
    "Mainframe exit phase 2",
    "Data quality programme",
    "Sales CRM (vendor A)",
    "Sales CRM (vendor B)",
    "Treasury system upgrade",
    "Cyber security uplift",
    "Basel IV reporting",
    "DORA compliance",
    "Accessibility programme",
    "Employee app",
    "Knowledge base for agents",
    "Voice of the customer",
    "Carbon accounting",
    "Smart routing of requests",
    "Pricing optimisation",
    "Spend analytics",
    "Test automation",
    "DevOps platform",
    "API gateway",
    "Archive decommissioning",
    "Contact centre analytics",
    "Self-service reporting",
    "Supplier risk monitoring",
    "Field sales tablet app",
]
STATES = (
    [ProposalState.DRAFT] * 4
    + [ProposalState.SUBMITTED] * 6
    + [ProposalState.SCREENED] * 24
    + [ProposalState.APPROVED] * 2
    + [ProposalState.REJECTED] * 2
    + [ProposalState.DEFERRED] * 2
)
ROLE_MIX = {
    "Business analyst": (40, 160),
    "Developer": (160, 640),
    "Architect": (16, 80),
    "Tester": (60, 240),
    "Data engineer": (40, 240),
    "Change manager": (20, 80),
}


def _cash_flows(rng, duration: int) -> list[dict]:
    build_years = max(1, -(-duration // 12))
    capex_total = rng.randint(30, 400) * 5_000
    yearly_capex = [capex_total // build_years] * build_years
    run = Decimal(round(capex_total * rng.uniform(0.08, 0.2), -3))
    benefit_base = capex_total * rng.uniform(0.3, 0.9)
    rows = []
    for year in range(build_years + 4):
        capex = Decimal(yearly_capex[year]) if year < build_years else Decimal(0)
        opex = Decimal(round(capex_total * 0.05, -3)) if year < build_years else run
        benefit = Decimal(0)
        # benefits start in the last build year (quick wins), in full a year later
        if year >= max(1, build_years - 1):
            ramp = min(1.0, 0.5 + 0.25 * (year - build_years + 1))
            benefit = Decimal(round(benefit_base * ramp, -3))
        rows.append({"year": year, "capex": capex, "opex": opex, "benefit": benefit})
    return rows


def _demands(rng, duration: int) -> list[dict]:
    out = []
    for role in rng.sample(list(ROLE_MIX), rng.randint(2, 4)):
        low, high = ROLE_MIX[role]
        start = rng.randint(0, max(0, duration // 4))
        out.append(
            {
                "role": role,
                "from_month": start,
                "months": max(1, duration - start - rng.randint(0, duration // 4)),
                "hours_per_month": Decimal(rng.randint(low, high)),
            }
        )
    return out


def build(context) -> None:
    rng, portfolio = context.rng, context.portfolio
    admin = context.people["pmo_admin"][0]
    manager = context.people["portfolio_manager"][0]
    assessors = [manager, *context.people["team"][:2]]
    Membership.objects.bulk_create(
        Membership(user=person, role=Role.TEAM_MEMBER, portfolio=portfolio)
        for person in assessors[1:]
    )
    start = dt.date(context.as_of.year + 1, 1, 1)
    services.do_save_scoring_model(
        admin,
        portfolio,
        discount_rate=Decimal("0.08"),
        npv_weight=Decimal("0.30"),
        planning_start=start,
        horizon_years=3,
    )
    objectives = {o.code: o for o in context.objectives}
    criteria: list[Criterion] = []
    for position, (objective, code, name, levels) in enumerate(CRITERIA):
        criteria.append(
            services.do_save_criterion(
                admin,
                portfolio,
                objective=objectives[objective],
                code=code,
                name=name,
                position=position,
                levels=list(enumerate(levels, start=1)),
            )
        )
    outcome = services.do_set_comparisons(
        admin, portfolio, [(a, b, v) for (a, b), v in JUDGMENTS.items()]
    )
    for name, hours in ROLES:
        services.do_save_role(admin, portfolio, name=name, monthly_hours=Decimal(hours))

    forced = {"DORA compliance", "Basel IV reporting", "Mainframe exit phase 1"}
    forced |= {"Mainframe exit phase 2", "Data quality programme"}
    # the mandatory proposals and the prerequisites chains are screened: they are the
    # interesting part of the selection; the other states are dealt at random
    states = list(STATES)
    for _ in forced:
        states.remove(ProposalState.SCREENED)
    rng.shuffle(states)
    states = iter(states)
    states = [ProposalState.SCREENED if t in forced else next(states) for t in TITLES]
    proposals = []
    for number, (title, state) in enumerate(zip(TITLES, states, strict=True), start=1):
        duration = rng.choice([6, 9, 12, 12, 18, 24])
        group = "CRM" if title.startswith("Sales CRM") else ""
        proposal = services.do_create_proposal(
            rng.choice([admin, manager]),
            portfolio=portfolio,
            code=f"PRP-{number:03d}",
            title=title,
            description=f"{title}: business case prepared for the {start.year} intake round.",
            sponsor=rng.choice(context.people["executive"] + [manager]),
            risk_level=rng.choices([1, 2, 3, 4, 5], [1, 3, 4, 3, 1])[0],
            earliest_start=dt.date(start.year, rng.randint(1, 12), 1),
            start_window_months=rng.choice([0, 2, 3, 6]),
            duration_months=duration,
            mandatory=title in ("DORA compliance", "Basel IV reporting"),
            exclusive_group=group,
            objectives=rng.sample(context.objectives, rng.randint(1, 3)),
            cash_flows=_cash_flows(rng, duration),
            demands=_demands(rng, duration),
        )
        proposals.append((proposal, state))
    by_title = {p.title: p for p, _ in proposals}
    by_title["Mainframe exit phase 2"].requires.set([by_title["Mainframe exit phase 1"]])
    by_title["Fraud detection AI"].requires.set([by_title["Data quality programme"]])
    by_title["Self-service reporting"].requires.set([by_title["Data quality programme"]])

    for proposal, state in proposals:
        _walk(admin, proposal, state)
    assessments = []
    for proposal, _ in proposals:
        proposal.refresh_from_db()
        if proposal.state == ProposalState.DRAFT:
            continue
        quality = rng.uniform(0.2, 0.9)
        for criterion in criteria:
            centre = 1 + 4 * quality * rng.uniform(0.5, 1.3)
            if criterion.code == "REG":
                centre = 5 if proposal.mandatory else rng.choice([1, 1, 2, 3])
            for person in assessors:
                score = int(min(5, max(1, round(centre + rng.gauss(0, 0.7)))))
                assessments.append(
                    Assessment(proposal=proposal, criterion=criterion, assessor=person, score=score)
                )
    Assessment.objects.bulk_create(assessments)
    context.counts["proposals"] = len(proposals)
    context.say(
        f"  {len(proposals)} proposals, {len(assessments)} scores, "
        f"AHP consistency ratio {outcome.consistency_ratio:.3f}"
    )
    _scenarios(admin, portfolio, start)


def _walk(actor, proposal, target: str) -> None:
    """Take ``proposal`` through the workflow to ``target`` as a PMO would."""
    path = {
        ProposalState.DRAFT: [],
        ProposalState.SUBMITTED: [ProposalState.SUBMITTED],
        ProposalState.SCREENED: [ProposalState.SUBMITTED, ProposalState.SCREENED],
        ProposalState.APPROVED: [
            ProposalState.SUBMITTED,
            ProposalState.SCREENED,
            ProposalState.APPROVED,
        ],
        ProposalState.REJECTED: [ProposalState.SUBMITTED, ProposalState.REJECTED],
        ProposalState.DEFERRED: [ProposalState.SUBMITTED, ProposalState.DEFERRED],
    }[target]
    reasons = {
        ProposalState.SUBMITTED: "Business case complete; submitted for screening.",
        ProposalState.SCREENED: "Fits the strategy and the business case holds up.",
        ProposalState.APPROVED: "Approved by the investment board.",
        ProposalState.REJECTED: "Benefits too uncertain for the cost; not pursued.",
        ProposalState.DEFERRED: "Worth doing, but not before the platform work lands.",
    }
    for state in path:
        services.do_transition(actor, proposal, state, reasons[state])


def _scenarios(admin, portfolio, start: dt.date) -> None:
    from . import selectors

    figures = selectors.portfolio_figures(portfolio)
    candidates = [p for p in figures.proposals if p.selectable]
    demand_per_year = [0] * figures.years
    for p in candidates:
        for m, cents in enumerate(p.capex_m):
            year = (p.earliest + m) // 12
            if year < figures.years:
                demand_per_year[year] += cents + (p.opex_m[m] if m < len(p.opex_m) else 0)
    budgets = [
        {"year": y, "total": (Decimal(round(d * 0.5 / 100, -5)) or Decimal(100_000))}
        for y, d in enumerate(demand_per_year)
    ]
    services.optimise(
        admin,
        portfolio,
        budgets=budgets,
        use_capacity=True,
        allow_shift=True,
        time_limit=3.0,
        frontier_points=10,
        name=f"Investment plan {start.year} (optimised)",
    )
    top = sorted(candidates, key=lambda p: -p.score)[:10]
    picks = {p.code: None for p in top}
    for p in top:
        for code in p.requires:
            picks.setdefault(code, None)
    for p in candidates:
        if p.mandatory:
            picks.setdefault(p.code, None)
    services.do_save_scenario(
        admin,
        portfolio,
        name="Top ten by score (hand-picked)",
        picks=picks,
        budgets=budgets,
        description="The classic ranked list with a cut line, for comparison.",
    )
