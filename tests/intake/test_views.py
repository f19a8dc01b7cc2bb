"""Intake pages: who sees what, the optimiser run through a background job, and form
errors next to their fields.
"""

import pytest
from django.urls import reverse

from pmo.intake.models import Scenario
from pmo.jobs.models import Job

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(intake):
    intake.proposal("V-1", capex=[60_000], score=5, title="Portal")
    intake.proposal("V-2", capex=[50_000], score=4, title="Billing")
    intake.proposal("V-3", capex=[40_000], score=3, title="Chatbot", state="submitted")
    return intake


def test_portfolio_intake_pages_render(client, demo):
    client.force_login(demo.org.people.pfm)
    pk = demo.org.p1.pk
    for name in ("pipeline", "scoring", "ranking", "selection", "handpick"):
        response = client.get(reverse(f"intake:{name}", args=[pk]))
        assert response.status_code == 200, name
    board = client.get(reverse("intake:pipeline", args=[pk])).content.decode()
    assert "Portal" in board and 'aria-label="Screened"' in board
    assert client.get(reverse("intake:proposal-list")).status_code == 200


def test_outsiders_get_404_and_executives_no_buttons(client, demo):
    pk = demo.org.p1.pk
    client.force_login(demo.org.people.outsider)
    assert client.get(reverse("intake:pipeline", args=[pk])).status_code == 404
    client.force_login(demo.org.people.executive)
    page = client.get(reverse("intake:pipeline", args=[pk])).content.decode()
    assert "New proposal" not in page and "Optimise" not in page
    response = client.post(reverse("intake:selection", args=[pk]), {"time_limit": 5})
    assert response.status_code == 403


def test_pipeline_query_count_does_not_grow_with_proposals(
    client, demo, django_assert_max_num_queries
):
    client.force_login(demo.org.people.pfm)
    for k in range(10):
        demo.proposal(f"Q-{k}", capex=[1_000], score=3)
    with django_assert_max_num_queries(30):
        client.get(reverse("intake:pipeline", args=[demo.org.p1.pk]))


def test_optimiser_runs_as_a_job_and_lands_on_the_scenario(
    client, demo, django_capture_on_commit_callbacks
):
    client.force_login(demo.org.people.pfm)
    pk = demo.org.p1.pk
    form = {
        "name": "Budget 100k",
        "npv_weight": "0",
        "use_capacity": "on",
        "allow_shift": "on",
        "time_limit": "5",
        "total_0": "100000",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:selection", args=[pk]), form)
    job = Job.objects.get()
    assert response.url == reverse("intake:run", args=[pk, job.pk])
    assert job.status == "succeeded" and job.percent == 100
    scenario = Scenario.objects.get(name="Budget 100k")
    # both do not fit 100,000; the higher score wins
    assert scenario.saved_selection == {"V-1": 0}
    landing = client.get(response.url)
    assert landing.url == scenario.get_absolute_url()
    page = client.get(landing.url).content.decode()
    assert 'id="frontier-chart"' in page and "Certified gap" in page


def test_an_infeasible_run_shows_the_conflict(client, demo, django_capture_on_commit_callbacks):
    demo.proposal("MUST", capex=[500_000], score=2, mandatory=True)
    client.force_login(demo.org.people.pfm)
    pk = demo.org.p1.pk
    form = {"npv_weight": "0", "time_limit": "5", "total_0": "100000"}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:selection", args=[pk]), form)
    page = client.get(response.url).content.decode()
    assert "No portfolio satisfies these limits." in page
    assert "mandatory projects MUST need 500,000.00 in 2027 but the budget is 100,000.00" in page


def test_rejecting_without_a_reason_shows_the_message(client, demo):
    client.force_login(demo.org.people.pfm)
    p = demo.org.p1.proposals.get(code="V-3")
    response = client.post(
        reverse("intake:proposal-detail", args=[p.pk]),
        {"action": "transition", "to_state": "rejected", "comment": ""},
        follow=True,
    )
    assert "Say why: a rejection or deferral needs a reason." in response.content.decode()
    p.refresh_from_db()
    assert p.state == "submitted"


def test_proposal_form_shows_a_bad_year_next_to_the_table(client, demo):
    client.force_login(demo.org.people.pfm)
    pk = demo.org.p1.pk
    data = {
        "code": "FORM-1",
        "title": "From the form",
        "risk_level": "3",
        "earliest_start": "2027-02",
        "start_window_months": "0",
        "duration_months": "6",
        "flows-TOTAL_FORMS": "2",
        "flows-INITIAL_FORMS": "0",
        "flows-0-year": "0",
        "flows-0-capex": "100.00",
        "flows-1-year": "0",
        "flows-1-benefit": "50.00",
        "demand-TOTAL_FORMS": "0",
        "demand-INITIAL_FORMS": "0",
    }
    response = client.post(reverse("intake:proposal-create", args=[pk]), data)
    assert response.status_code == 200
    assert "Row 2: year 0 is given twice." in response.content.decode()
    data["flows-1-year"] = "1"
    response = client.post(reverse("intake:proposal-create", args=[pk]), data)
    proposal = demo.org.p1.proposals.get(code="FORM-1")
    assert response.url == proposal.get_absolute_url()
    assert proposal.earliest_start.isoformat() == "2027-02-01"


def test_project_tab_shows_the_business_case_it_came_from(client, demo):
    from pmo.intake import services

    p = demo.org.p1.proposals.get(code="V-1")
    services.do_transition(demo.org.people.pfm, p, "approved", "Yes")
    p.refresh_from_db()
    client.force_login(demo.org.people.pfm)
    page = client.get(reverse("intake:project-case", args=[p.project_id])).content.decode()
    assert "From proposal" in page and "V-1" in page and 'id="npv"' in page


def test_run_page_polls_until_the_job_is_done(client, demo):
    pk = demo.org.p1.pk
    job = Job.objects.create(
        kind="pmo.intake.tasks.optimise_portfolio",
        label="Optimise ETP portfolio",
        created_by=demo.org.people.pfm,
        status="running",
        percent=45,
        message="Tracing the efficient frontier",
    )
    client.force_login(demo.org.people.pfm)
    url = reverse("intake:run", args=[pk, job.pk])
    partial = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 1s"' in partial
    assert '<progress value="45" max="100"' in partial
    assert "Tracing the efficient frontier" in partial
    scenario = Scenario.objects.create(portfolio=demo.org.p1, name="Done", method="optimised")
    Job.objects.filter(pk=job.pk).update(
        status="succeeded", percent=100, result={"scenario_id": scenario.pk}
    )
    done = client.get(url, headers={"HX-Request": "true"})
    assert (done.status_code, done["HX-Redirect"]) == (204, scenario.get_absolute_url())
    # someone else's run is not found
    client.force_login(demo.org.people.admin)
    assert client.get(url).status_code == 404


def test_hand_pick_evaluates_without_saving(client, demo):
    client.force_login(demo.org.people.pfm)
    url = reverse("intake:handpick", args=[demo.org.p1.pk])
    form = {
        "npv_weight": "0",
        "time_limit": "10",
        "total_0": "100000",
        "pick": ["V-1", "V-2"],
        "start_V-1": "0",
        "start_V-2": "0",
        "action": "evaluate",
    }
    page = client.post(url, form, headers={"HX-Request": "true"}).content.decode()
    assert "budget 2027: spends 110,000.00 of 100,000.00" in page
    assert not Scenario.objects.exists()
    form.update(action="save", name="By hand", pick=["V-1"])
    response = client.post(url, form)
    scenario = Scenario.objects.get(name="By hand")
    assert response.url == scenario.get_absolute_url()
    assert scenario.saved_selection == {"V-1": 0}
    assert scenario.saved_cost == 60_000


def test_pricing_runs_as_a_job_and_shows_the_worth(
    client, demo, django_capture_on_commit_callbacks
):
    from pmo.intake import services

    org = demo.org
    scenario = services.do_save_scenario(
        org.people.pfm,
        org.p1,
        name="Priced",
        picks={"V-1": None},
        budgets=[{"year": 0, "total": "100000"}],
    )
    client.force_login(org.people.pfm)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("intake:scenario-price", args=[scenario.pk]))
    job = Job.objects.get()
    assert job.status == "succeeded" and job.result == {"scenario_id": scenario.pk, "priced": 2}
    assert client.get(response.url).url == scenario.get_absolute_url()
    scenario.refresh_from_db()
    # V-1 (1000) alone fits; without it V-2 (800) does: worth 200; forcing V-2 in costs 200
    assert scenario.solver["marginal"] == {"V-1": 200.0, "V-2": -200.0}
    page = client.get(scenario.get_absolute_url()).content.decode()
    assert "Forcing it in costs" in page
    client.force_login(org.people.executive)
    assert client.post(reverse("intake:scenario-price", args=[scenario.pk])).status_code == 403


def test_role_capacity_is_changed_on_the_selection_page(client, demo):
    client.force_login(demo.org.people.pfm)
    url = reverse("intake:selection", args=[demo.org.p1.pk])
    client.post(url, {"role_id": demo.dev.pk, "monthly_hours": "320.5"})
    demo.dev.refresh_from_db()
    assert str(demo.dev.monthly_hours) == "320.5"
    page = client.post(url, {"role_id": demo.dev.pk, "monthly_hours": "-1"}, follow=True)
    assert "Developer: Ensure this value is greater than or equal to 0." in page.content.decode()
    demo.dev.refresh_from_db()
    assert str(demo.dev.monthly_hours) == "320.5"


def test_criteria_are_added_and_deleted_from_the_scoring_page(client, demo):
    client.force_login(demo.org.people.pfm)
    pk = demo.org.p1.pk
    bad = client.post(
        reverse("intake:criterion-create", args=[pk]),
        {
            "objective": demo.org.so1.pk,
            "code": "RISK",
            "name": "Delivery risk",
            "weight": "1",
            "position": "1",
            "levels": "1: low\nhigh",
        },
    )
    assert "Line 2: write &#x27;score: definition&#x27;" in bad.content.decode()
    client.post(
        reverse("intake:criterion-create", args=[pk]),
        {
            "objective": demo.org.so1.pk,
            "code": "RISK",
            "name": "Delivery risk",
            "weight": "1",
            "position": "1",
            "levels": "1: low\n3: high",
        },
    )
    criterion = demo.model.criteria.get(code="RISK")
    assert list(criterion.levels.values_list("value", "definition")) == [(1, "low"), (3, "high")]
    client.post(reverse("intake:criterion-update", args=[pk, criterion.pk]), {"delete": "1"})
    assert not demo.model.criteria.filter(code="RISK").exists()


def test_ranking_downloads_as_excel_with_numbers(client, demo):
    from io import BytesIO

    from openpyxl import load_workbook

    client.force_login(demo.org.people.executive)
    response = client.get(reverse("intake:ranking-export", args=[demo.org.p1.pk]))
    assert response["Content-Disposition"] == 'attachment; filename="ETP-ranking.xlsx"'
    sheet = load_workbook(BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("Rank", "Code", "Proposal", "State", "Risk", "VAL (mean)")
    assert [r[1] for r in rows[1:]] == ["V-1", "V-2", "V-3"]
    npv = rows[0].index("NPV (EUR)")
    assert rows[1][npv] == -60000  # capex 60,000 in year 0, no benefit
    assert sheet.cell(row=2, column=npv + 1).number_format == "#,##0.00"


def test_open_scenarios_are_deleted_committed_ones_kept(client, demo):
    from pmo.intake import services

    org = demo.org
    scenario = services.do_save_scenario(org.people.pfm, org.p1, name="Gone", picks={})
    client.force_login(org.people.pfm)
    client.post(reverse("intake:scenario-delete", args=[scenario.pk]))
    assert not Scenario.objects.filter(pk=scenario.pk).exists()
    kept = services.do_save_scenario(org.people.pfm, org.p1, name="Kept", picks={"V-2": None})
    services.do_commit_scenario(org.people.pfm, kept)
    with pytest.raises(services.ValidationError) as err:
        services.do_delete_scenario(org.people.pfm, kept)
    assert err.value.messages == ["Scenario Kept is committed; it is kept as a record."]


def test_ranking_reorders_when_npv_weighs_more(client, demo):
    # V-3 scores lowest but has the least negative NPV: with NPV alone it ranks first
    client.force_login(demo.org.people.pfm)
    url = reverse("intake:ranking", args=[demo.org.p1.pk])
    by_score = client.get(url).context["ranking"]
    by_npv = client.get(url, {"npv_weight": "1"}).context["ranking"]
    assert [p.code for p in by_score] == ["V-1", "V-2", "V-3"]
    assert [p.code for p in by_npv] == ["V-3", "V-2", "V-1"]
    assert client.get(url, {"npv_weight": "7"}).context["npv_weight"] == demo.model.npv_weight


def test_editing_keeps_the_business_case_rows(client, demo):
    p = demo.proposal(
        "ED-1",
        capex=[1_000, 500],
        demands=[{"role": "Analyst", "from_month": 1, "months": 2, "hours_per_month": 20}],
        state="draft",
    )
    client.force_login(demo.org.people.pfm)
    url = reverse("intake:proposal-update", args=[p.pk])
    form = client.get(url).context["form"]
    flows = client.get(url).context["flows"]
    demands = client.get(url).context["demands"]
    data = {k: v for k, v in form.initial.items() if v is not None and k in form.fields}
    data.update(
        {
            "title": "Renamed",
            "earliest_start": "2027-01",
            "objectives": [],
            "requires": [],
            "depends_on_projects": [],
        }
    )
    for prefix, formset in (("flows", flows), ("demand", demands)):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(formset.forms))
        data[f"{prefix}-INITIAL_FORMS"] = str(formset.initial_form_count())
        # what the browser posts: every rendered row with its shown values
        for k, f in enumerate(formset.forms):
            for name, field in f.fields.items():
                value = (f.initial or {}).get(name, field.initial)
                if value is not None and name != "DELETE":
                    data[f"{prefix}-{k}-{name}"] = value
    data = {k: v for k, v in data.items() if v != []}
    response = client.post(url, data)
    assert response.status_code == 302, (
        response.context["form"].errors,
        response.context["flows"].errors,
        response.context["demands"].errors,
        response.context["flows"].non_form_errors(),
    )
    p.refresh_from_db()
    assert p.title == "Renamed"
    assert list(p.cash_flows.values_list("year", "capex")) == [(0, 1000), (1, 500)]
    assert list(p.demands.values_list("role__name", "from_month", "months")) == [("Analyst", 1, 2)]


def test_pipeline_lists_what_awaits_my_scores(client, demo):
    client.force_login(demo.org.people.admin)
    awaiting = client.get(reverse("intake:pipeline", args=[demo.org.p1.pk])).context["awaiting"]
    # the fixture's scores are the portfolio manager's, not the admin's
    assert [p.code for p in awaiting] == ["V-1", "V-2", "V-3"]
    client.force_login(demo.org.people.pfm)
    page = client.get(reverse("intake:pipeline", args=[demo.org.p1.pk]))
    assert page.context["awaiting"] == [] and 'id="awaiting"' not in page.content.decode()
    demo.proposal("V-4", capex=[1_000])
    page = client.get(reverse("intake:pipeline", args=[demo.org.p1.pk]))
    assert [p.code for p in page.context["awaiting"]] == ["V-4"]
    assert "1 proposal awaits your scores" in page.content.decode()
