"""Score three proposals, optimise the portfolio under a budget, see the chosen set and the
efficient frontier, and commit the scenario: its proposals become projects.
"""

import pytest
from playwright.sync_api import expect

from pmo.intake.models import Scenario, ScenarioCommit
from pmo.portfolios.models import Project

from ..intake.conftest import intake  # noqa: F401 (the intake fixture, shared)
from .conftest import log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.xdist_group("browser"),
    pytest.mark.django_db(transaction=True),
]


def test_score_optimise_and_commit(page, screenshot, intake):  # noqa: F811
    org = intake.org
    portal = intake.proposal("BR-1", capex=[60_000], benefit=[0, 90_000], title="Portal")
    billing = intake.proposal("BR-2", capex=[50_000], benefit=[0, 60_000], title="Billing")
    chatbot = intake.proposal("BR-3", capex=[40_000], benefit=[0, 50_000], title="Chatbot")

    log_in(page, "pfm", "secret-pass-1")
    for proposal, score in ((portal, "5"), (billing, "4"), (chatbot, "3")):
        page.goto(f"/intake/proposals/{proposal.pk}/")
        page.locator("#my-scores summary").click()
        page.select_option(f"select[name=score_{intake.value.pk}]", score)
        page.get_by_role("button", name="Save my scores").click()
        expect(page.locator(".alert-success")).to_have_text(
            f"Your scores of {proposal.code} are saved."
        )
        expect(page.locator("#weighted-score")).to_have_text(f"{int(score) * 20}.0")
    screenshot(page, "intake-proposal-scored")

    page.goto(f"/intake/portfolios/{org.p1.pk}/selection/")
    page.fill("#id_name", "Budget 2027")
    page.fill("#id_total_0", "100000")
    page.fill("#id_npv_weight", "0")
    page.get_by_role("button", name="Run optimiser").click()
    # the run page shows its progress, then lands on the saved scenario
    expect(page.locator("h2.scenario-name")).to_have_text("Budget 2027", timeout=30_000)
    chosen = page.locator("#chosen tbody tr")
    # 60k + 40k fit 100k: scores 5 + 3 beat 4 + 3 and 5 alone
    expect(chosen).to_have_count(2)
    expect(chosen.nth(0)).to_contain_text("BR-1 Portal")
    expect(chosen.nth(1)).to_contain_text("BR-3 Chatbot")
    expect(page.locator("#kpi-value")).to_have_text("1600")
    expect(page.locator("#kpi-gap")).to_have_text("0.00 %")
    expect(page.locator("#frontier-chart")).to_be_visible()
    page.wait_for_function(
        "() => Chart.getChart(document.getElementById('frontier-chart')) !== undefined"
    )
    screenshot(page, "intake-scenario")

    page.fill("#commit-note", "Investment board, 12 Dec")
    page.get_by_role("button", name="Commit scenario").click()
    expect(page.locator(".alert-success")).to_have_text(
        "Scenario committed: 2 proposals approved and created as projects."
    )
    expect(page.locator("#scenario-status")).to_have_text("Committed")
    expect(page.locator("#commit-record")).to_contain_text("Investment board, 12 Dec")
    screenshot(page, "intake-committed")

    scenario = Scenario.objects.get(name="Budget 2027")
    record = ScenarioCommit.objects.get(scenario=scenario)
    assert record.committed_by == org.people.pfm
    assert sorted(
        Project.objects.filter(code__startswith="BR-").values_list("code", flat=True)
    ) == [
        "BR-1",
        "BR-3",
    ]
