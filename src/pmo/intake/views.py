"""Intake pages. Views parse input, check permission and call selectors or services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView
from django_filters.views import FilterView

from pmo.core.choices import Action
from pmo.core.forms import add_service_errors
from pmo.core.permissions import can, require
from pmo.core.text import counted
from pmo.jobs.services import do_start_job
from pmo.portfolios.selectors import visible_portfolios, visible_projects

from . import selectors, services
from .choices import TRANSITIONS, ProposalState
from .filtersets import ProposalFilterSet
from .forms import (
    CashFlowFormSet,
    CommentForm,
    ComparisonForm,
    CriterionForm,
    DemandFormSet,
    OptimiseForm,
    ProposalForm,
    RoleForm,
    ScoreForm,
    ScoringModelForm,
    TransitionForm,
    formset_rows,
)
from .models import CapacityRole, Criterion


def _weight(raw, default):
    """The NPV share asked for in the query string, or the model's when absent or bad."""
    from decimal import Decimal, InvalidOperation

    try:
        value = Decimal(raw)
    except (InvalidOperation, TypeError):
        return default
    return value if 0 <= value <= 1 else default


class PortfolioMixin(LoginRequiredMixin):
    """Loads the portfolio of the URL (``pk``) the user may see; 404 otherwise."""

    subnav = ""

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.portfolio = get_object_or_404(
                selectors.intake_portfolios(request.user), pk=kwargs["pk"]
            )
            if not can(request.user, Action.VIEW, self.portfolio):
                raise PermissionDenied(f"You may not view {self.portfolio}.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            portfolio=self.portfolio,
            subnav=self.subnav,
            can_change=can(user, Action.CHANGE, self.portfolio),
            can_contribute=can(user, Action.CONTRIBUTE, self.portfolio),
        )
        return context


class ProposalListView(LoginRequiredMixin, FilterView):
    filterset_class = ProposalFilterSet
    template_name = "intake/proposal_list.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.visible_proposals(self.request.user).order_by("portfolio", "code")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["portfolios"] = selectors.intake_portfolios(self.request.user)
        return context


class PipelineView(PortfolioMixin, TemplateView):
    template_name = "intake/pipeline.html"
    subnav = "pipeline"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        figures = selectors.portfolio_figures(self.portfolio)
        context.update(
            figures=figures,
            columns=selectors.pipeline(figures),
            kpis=selectors.pipeline_kpis(figures),
            model=selectors.scoring_model(self.portfolio),
            awaiting=selectors.awaiting_scores(self.request.user, figures)
            if can(self.request.user, Action.CONTRIBUTE, self.portfolio)
            else [],
        )
        return context


class ScoringView(PortfolioMixin, TemplateView):
    template_name = "intake/scoring.html"
    subnav = "scoring"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model = selectors.scoring_model(self.portfolio)
        figures = selectors.portfolio_figures(self.portfolio)
        criteria = figures.criteria
        current = {}
        if model.pk:
            current = {
                (c.first.code, c.second.code): c.value
                for c in model.comparisons.select_related("first", "second")
            }
        ahp = selectors.ahp_of(model, criteria)
        by_objective: dict = {}
        for c, w in zip(criteria, figures.weights, strict=True):
            by_objective.setdefault(c.objective, []).append((c, w))
        groups = [(o, items, sum(w for _, w in items)) for o, items in by_objective.items()]
        rows = [
            p
            for p in sorted(figures.proposals, key=lambda p: -p.score)
            if p.state in ("submitted", "screened")
        ]
        context.update(
            model=model,
            model_form=kwargs.get("model_form") or ScoringModelForm(instance=model),
            criteria=criteria,
            groups=groups,
            weights=figures.weights,
            ahp=ahp,
            comparison_form=kwargs.get("comparison_form")
            or ComparisonForm(criteria=criteria, current=current),
            rows=rows,
            stat_rows=[(p, list(zip(p.stats, criteria, strict=True))) for p in rows],
        )
        return context

    def post(self, request, pk):
        require(request.user, Action.CHANGE, self.portfolio)
        model = selectors.scoring_model(self.portfolio)
        if "comparisons" in request.POST:
            criteria = selectors.criteria_of(model)
            form = ComparisonForm(request.POST, criteria=criteria)
            if form.is_valid():
                try:
                    outcome = services.do_set_comparisons(
                        request.user, self.portfolio, form.judgments()
                    )
                except ValidationError as error:
                    add_service_errors(form, error)
                else:
                    flag = "" if outcome.consistent else " The judgments are inconsistent."
                    messages.success(
                        request,
                        f"Weights derived by AHP; consistency ratio "
                        f"{outcome.consistency_ratio:.3f}.{flag}",
                    )
                    return redirect(reverse("intake:scoring", args=[pk]) + "#ahp")
            return self.render_to_response(self.get_context_data(comparison_form=form))
        form = ScoringModelForm(request.POST, instance=model)
        if form.is_valid():
            try:
                services.do_save_scoring_model(request.user, self.portfolio, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Scoring model saved.")
                return redirect("intake:scoring", pk=pk)
        return self.render_to_response(self.get_context_data(model_form=form))


class CriterionEditView(PortfolioMixin, TemplateView):
    template_name = "intake/form.html"
    subnav = "scoring"

    def criterion(self):
        cid = self.kwargs.get("criterion")
        if cid is None:
            return None
        return get_object_or_404(Criterion.objects.filter(model__portfolio=self.portfolio), pk=cid)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        criterion = self.criterion()
        context["form"] = kwargs.get("form") or CriterionForm(
            instance=criterion, portfolio=self.portfolio
        )
        context["title"] = f"Edit criterion {criterion}" if criterion else "New criterion"
        context["back"] = reverse("intake:scoring", args=[self.portfolio.pk])
        if criterion is not None:
            context["delete_label"] = f"Delete {criterion.code} and its scores"
        return context

    def get(self, request, *args, **kwargs):
        require(request.user, Action.CHANGE, self.portfolio)
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        criterion = self.criterion()
        if criterion is not None and "delete" in request.POST:
            services.do_delete_criterion(request.user, criterion)
            messages.success(request, f"Criterion {criterion.code} and its scores deleted.")
            return redirect("intake:scoring", pk=self.portfolio.pk)
        form = CriterionForm(request.POST, instance=criterion, portfolio=self.portfolio)
        if form.is_valid():
            data = dict(form.cleaned_data)
            levels = data.pop("levels")
            try:
                services.do_save_criterion(
                    request.user, self.portfolio, criterion, levels=levels, **data
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Criterion {data['code']} saved.")
                return redirect("intake:scoring", pk=self.portfolio.pk)
        return self.render_to_response(self.get_context_data(form=form))


class RankingView(PortfolioMixin, TemplateView):
    template_name = "intake/ranking.html"
    subnav = "ranking"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model = selectors.scoring_model(self.portfolio)
        weight = _weight(self.request.GET.get("npv_weight"), model.npv_weight)
        figures = selectors.portfolio_figures(self.portfolio, float(weight))
        states = ("submitted", "screened")
        context.update(
            npv_weight=weight,
            figures=figures,
            ranking=selectors.ranking(figures, states=states),
            bubbles=selectors.bubble_points(figures, states=states),
            model=selectors.scoring_model(self.portfolio),
        )
        return context


class RankingExportView(PortfolioMixin, View):
    def get(self, request, pk):
        from django.conf import settings

        from .exports import ranking_workbook

        figures = selectors.portfolio_figures(self.portfolio)
        ranking = selectors.ranking(figures, states=("submitted", "screened"))
        content = ranking_workbook(figures, ranking, settings.PMO_CURRENCY)
        response = HttpResponse(
            content,
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"{self.portfolio.code}-ranking.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class SelectionView(PortfolioMixin, TemplateView):
    template_name = "intake/selection.html"
    subnav = "selection"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        model = selectors.scoring_model(self.portfolio)
        figures = selectors.portfolio_figures(self.portfolio)
        form = kwargs.get("form") or OptimiseForm(
            years=figures.year_labels(), initial={"npv_weight": model.npv_weight}
        )
        context.update(
            model=model,
            form=form,
            scenarios=selectors.visible_scenarios(self.request.user).filter(
                portfolio=self.portfolio
            ),
            candidates=[p for p in figures.proposals if p.selectable],
            roles=selectors.roles_of(self.portfolio),
            role_form=kwargs.get("role_form") or RoleForm(prefix="role"),
            demand_by_year=selectors.candidate_spend(figures),
        )
        return context

    def post(self, request, pk):
        from .tasks import optimise_portfolio

        require(request.user, Action.CHANGE, self.portfolio)
        if "role_id" in request.POST:
            role = get_object_or_404(
                CapacityRole.objects.filter(portfolio=self.portfolio), pk=request.POST["role_id"]
            )
            try:
                services.do_save_role(
                    request.user,
                    self.portfolio,
                    role,
                    monthly_hours=request.POST.get("monthly_hours") or None,
                )
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, f"{role.name}: {message}")
            else:
                messages.success(request, f"{role.name} now has {role.monthly_hours} h a month.")
            return redirect(reverse("intake:selection", args=[pk]) + "#roles")
        if "role" in request.POST:
            role_form = RoleForm(request.POST, prefix="role")
            if role_form.is_valid():
                try:
                    services.do_save_role(request.user, self.portfolio, **role_form.cleaned_data)
                except ValidationError as error:
                    add_service_errors(role_form, error)
                else:
                    messages.success(request, f"Role {role_form.cleaned_data['name']} added.")
                    return redirect(reverse("intake:selection", args=[pk]) + "#roles")
            return self.render_to_response(self.get_context_data(role_form=role_form))
        figures_years = selectors.portfolio_figures(self.portfolio).year_labels()
        form = OptimiseForm(request.POST, years=figures_years)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form))
        job = do_start_job(
            request.user,
            optimise_portfolio,
            label=f"Optimise {self.portfolio.code} portfolio",
            kwargs={
                "user_id": request.user.pk,
                "portfolio_id": self.portfolio.pk,
                "options": form.options(),
            },
        )
        return redirect("intake:run", pk=pk, job=job.pk)


class RunView(PortfolioMixin, TemplateView):
    """The optimiser's progress; when it is done, the scenario it saved (or why not)."""

    template_name = "intake/run.html"
    subnav = "selection"

    def get(self, request, *args, **kwargs):
        job = selectors.job_of(request.user, kwargs["job"])
        if job is None:
            raise Http404("No such optimisation run.")
        scenario_id = (job.result or {}).get("scenario_id")
        if job.status == "succeeded" and scenario_id:
            url = reverse("intake:scenario-detail", args=[scenario_id])
            if request.htmx:
                response = HttpResponse(status=204)
                response["HX-Redirect"] = url
                return response
            return redirect(url)
        context = self.get_context_data(**{**kwargs, "job": job})
        if request.htmx:
            return render(request, "intake/partials/run_progress.html", context)
        return self.render_to_response(context)


class ScenarioMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.scenario = get_object_or_404(
                selectors.visible_scenarios(request.user), pk=kwargs["pk"]
            )
            self.portfolio = self.scenario.portfolio
        return super().dispatch(request, *args, **kwargs)


class ScenarioDetailView(ScenarioMixin, TemplateView):
    template_name = "intake/scenario_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        live = selectors.live_scenario(self.scenario)
        context.update(
            scenario=self.scenario,
            portfolio=self.portfolio,
            subnav="selection",
            live=live,
            charts=selectors.scenario_charts(live),
            roadmap=selectors.roadmap(live),
            **selectors.scenario_explanation(live),
            can_change=can(self.request.user, Action.CHANGE, self.portfolio),
            commit=getattr(self.scenario, "commit", None),
            others=selectors.visible_scenarios(self.request.user)
            .filter(portfolio=self.portfolio)
            .exclude(pk=self.scenario.pk),
        )
        return context


class ScenarioDeleteView(ScenarioMixin, View):
    def post(self, request, pk):
        services.do_delete_scenario(request.user, self.scenario)
        messages.success(request, f"Scenario {self.scenario} deleted.")
        return redirect("intake:selection", pk=self.portfolio.pk)


class ScenarioCommitView(ScenarioMixin, View):
    def post(self, request, pk):
        try:
            record = services.do_commit_scenario(
                request.user, self.scenario, request.POST.get("note", "")
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(
                request,
                f"Scenario committed: {counted(len(record.projects), 'proposal')} approved "
                "and created as projects.",
            )
        return redirect(self.scenario)


class ScenarioPriceView(ScenarioMixin, View):
    """Start the exact pricing of every proposal (one re-solve each) in the background."""

    def post(self, request, pk):
        from .tasks import price_scenario

        require(request.user, Action.CHANGE, self.portfolio)
        job = do_start_job(
            request.user,
            price_scenario,
            label=f"Price the proposals of {self.scenario}",
            kwargs={"user_id": request.user.pk, "scenario_id": self.scenario.pk},
        )
        return redirect("intake:run", pk=self.portfolio.pk, job=job.pk)


class CompareView(PortfolioMixin, TemplateView):
    template_name = "intake/compare.html"
    subnav = "selection"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        ids = [i for i in self.request.GET.getlist("s") if i.isdigit()]
        scenarios = list(
            selectors.visible_scenarios(self.request.user).filter(
                portfolio=self.portfolio, pk__in=ids
            )
        )
        context["comparison"] = selectors.compare(scenarios) if len(scenarios) >= 2 else None
        context["scenarios"] = scenarios
        return context


class HandPickView(PortfolioMixin, TemplateView):
    """Choose proposals by hand; "Evaluate" shows the live figures without saving."""

    template_name = "intake/handpick.html"
    subnav = "selection"

    def scenario(self):
        sid = self.request.GET.get("scenario") or self.request.POST.get("scenario")
        if not sid:
            return None
        return get_object_or_404(
            selectors.visible_scenarios(self.request.user).filter(portfolio=self.portfolio),
            pk=sid,
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        scenario = kwargs.get("scenario", self.scenario())
        weight = float(scenario.npv_weight) if scenario else None
        figures = selectors.portfolio_figures(self.portfolio, weight)
        picks = kwargs.get("picks")
        if picks is None:
            picks = (
                {i.proposal.code: i.start_month for i in scenario.items.select_related("proposal")}
                if scenario
                else {}
            )
        form = kwargs.get("form") or OptimiseForm(
            years=figures.year_labels(),
            initial={"npv_weight": selectors.scoring_model(self.portfolio).npv_weight},
        )
        context.update(
            scenario=scenario,
            form=form,
            rows=selectors.pick_rows(figures, picks, scenario.allow_shift if scenario else True),
            evaluation=kwargs.get("evaluation"),
            error=kwargs.get("error"),
        )
        return context

    def post(self, request, pk):
        require(request.user, Action.CHANGE, self.portfolio)
        scenario = self.scenario()
        picks = {
            code: int(request.POST.get(f"start_{code}") or 0)
            for code in request.POST.getlist("pick")
        }
        figures = selectors.portfolio_figures(self.portfolio)
        form = OptimiseForm(request.POST, years=figures.year_labels())
        if scenario is None and not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form, picks=picks))
        try:
            if request.POST.get("action") == "evaluate":
                evaluation = selectors.evaluate_picks(
                    self.portfolio, scenario, picks, form.options() if scenario is None else None
                )
                context = self.get_context_data(
                    form=form, picks=picks, evaluation=evaluation, scenario=scenario
                )
                if request.htmx:
                    return render(request, "intake/partials/evaluation.html", context)
                return self.render_to_response(context)
            if scenario is not None:
                saved = services.do_update_scenario(request.user, scenario, picks)
            else:
                options = form.options()
                saved = services.do_save_scenario(
                    request.user,
                    self.portfolio,
                    name=options["name"] or "Hand-picked scenario",
                    picks=picks,
                    budgets=options["budgets"],
                    npv_weight=options["npv_weight"],
                    use_capacity=options["use_capacity"],
                    allow_shift=options["allow_shift"],
                )
        except ValidationError as error:
            context = self.get_context_data(
                form=form, picks=picks, scenario=scenario, error=error.messages
            )
            if request.htmx:
                return render(request, "intake/partials/evaluation.html", context)
            return self.render_to_response(context)
        messages.success(request, f"Scenario {saved} saved.")
        return redirect(saved)


# Proposals


class ProposalDetailView(LoginRequiredMixin, TemplateView):
    template_name = "intake/proposal_detail.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.proposal = get_object_or_404(
                selectors.visible_proposals(request.user), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, proposal = self.request.user, self.proposal
        figures = selectors.portfolio_figures(proposal.portfolio)
        me = figures.by_code[proposal.code]
        criteria = figures.criteria
        current = selectors.my_scores(user, proposal)
        can_decide = can(user, Action.CHANGE, proposal.portfolio)
        allowed = [
            (s, ProposalState(s).label)
            for s in TRANSITIONS.get(proposal.state, ())
            if can_decide or (s in ("submitted", "draft") and proposal.created_by_id == user.pk)
        ]
        context.update(
            proposal=proposal,
            portfolio=proposal.portfolio,
            subnav="pipeline",
            me=me,
            figures=figures,
            stats=list(zip(me.stats, criteria, figures.weights, strict=True)),
            cash_flows=list(proposal.cash_flows.all()),
            demands=list(proposal.demands.select_related("role")),
            events=list(proposal.events.select_related("author")),
            transitions=allowed,
            transition_form=kwargs.get("transition_form") or TransitionForm(proposal=proposal),
            comment_form=CommentForm(),
            score_form=kwargs.get("score_form") or ScoreForm(criteria=criteria, current=current),
            can_score=can(user, Action.CONTRIBUTE, proposal.portfolio)
            and proposal.state in ("submitted", "screened")
            and bool(criteria),
            can_edit=services.can_edit(user, proposal),
            cash_chart=selectors.cash_chart(proposal, me),
            start_range=selectors.start_range(figures, me),
            model=selectors.scoring_model(proposal.portfolio),
        )
        return context

    def post(self, request, pk):
        proposal = self.proposal
        action = request.POST.get("action")
        try:
            if action == "transition":
                form = TransitionForm(request.POST, proposal=proposal)
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(transition_form=form))
                services.do_transition(
                    request.user,
                    proposal,
                    form.cleaned_data["to_state"],
                    form.cleaned_data["comment"],
                )
                proposal.refresh_from_db()
                done = ProposalState(proposal.state).label.lower()
                extra = f" Project {proposal.project.code} created." if proposal.project else ""
                messages.success(request, f"{proposal.code} is now {done}.{extra}")
            elif action == "comment":
                services.do_comment(request.user, proposal, request.POST.get("text", ""))
                messages.success(request, "Comment added.")
            elif action == "score":
                model = selectors.scoring_model(proposal.portfolio)
                form = ScoreForm(request.POST, criteria=selectors.criteria_of(model))
                if not form.is_valid():
                    return self.render_to_response(self.get_context_data(score_form=form))
                services.do_score(request.user, proposal, form.scores())
                messages.success(request, f"Your scores of {proposal.code} are saved.")
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        return redirect(proposal)


class ProposalEditView(LoginRequiredMixin, TemplateView):
    template_name = "intake/proposal_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if "proposal" in kwargs:
                self.proposal = get_object_or_404(
                    selectors.visible_proposals(request.user), pk=kwargs["proposal"]
                )
                self.portfolio = self.proposal.portfolio
                if not services.can_edit(request.user, self.proposal):
                    raise PermissionDenied(f"You may not change proposal {self.proposal.code}.")
            else:
                self.proposal = None
                self.portfolio = get_object_or_404(
                    visible_portfolios(request.user), pk=kwargs["pk"]
                )
                require(request.user, Action.CONTRIBUTE, self.portfolio)
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None):
        p = self.proposal
        form = ProposalForm(data, instance=p, portfolio=self.portfolio, user=self.request.user)
        flows_initial = [
            {"year": f.year, "capex": f.capex, "opex": f.opex, "benefit": f.benefit}
            for f in (p.cash_flows.all() if p else [])
        ] or [{"year": 0}, {"year": 1}, {"year": 2}]
        demand_initial = [
            {
                "role": d.role.name,
                "from_month": d.from_month,
                "months": d.months,
                "hours_per_month": d.hours_per_month,
            }
            for d in (p.demands.select_related("role") if p else [])
        ]
        flows = CashFlowFormSet(data, prefix="flows", initial=None if data else flows_initial)
        demands = DemandFormSet(
            data,
            prefix="demand",
            initial=None if data else demand_initial,
            form_kwargs={"portfolio": self.portfolio},
        )
        return form, flows, demands

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form, flows, demands = kwargs.get("forms") or self.forms()
        context.update(
            form=form,
            flows=flows,
            demands=demands,
            portfolio=self.portfolio,
            proposal=self.proposal,
            subnav="pipeline",
            title=f"Edit {self.proposal}" if self.proposal else f"New proposal in {self.portfolio}",
        )
        return context

    def post(self, request, *args, **kwargs):
        form, flows, demands = self.forms(request.POST)
        if form.is_valid() and flows.is_valid() and demands.is_valid():
            data = dict(form.cleaned_data)
            links = {k: data.pop(k) for k in ("objectives", "requires", "depends_on_projects")}
            try:
                if self.proposal:
                    proposal = services.do_update_proposal(
                        request.user,
                        self.proposal,
                        cash_flows=formset_rows(flows, ("capex", "opex", "benefit")),
                        demands=formset_rows(demands),
                        **links,
                        **data,
                    )
                else:
                    proposal = services.do_create_proposal(
                        request.user,
                        portfolio=self.portfolio,
                        cash_flows=formset_rows(flows, ("capex", "opex", "benefit")),
                        demands=formset_rows(demands),
                        **links,
                        **data,
                    )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Proposal {proposal.code} saved.")
                return redirect(proposal)
        return self.render_to_response(self.get_context_data(forms=(form, flows, demands)))


class ProjectCaseView(LoginRequiredMixin, TemplateView):
    """The business case a project came from, on the project's own tabs."""

    template_name = "intake/project_case.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        project = get_object_or_404(visible_projects(self.request.user), pk=kwargs["pk"])
        proposal = selectors.proposal_of_project(project)
        context.update(project=project, proposal=proposal, tab="business-case")
        if proposal is not None:
            figures = selectors.portfolio_figures(project.portfolio)
            me = figures.by_code.get(proposal.code)
            context.update(
                me=me,
                cash_flows=list(proposal.cash_flows.all()),
                demands=list(proposal.demands.select_related("role")),
                events=list(proposal.events.select_related("author")),
                model=selectors.scoring_model(project.portfolio),
                cash_chart=selectors.cash_chart(proposal, me) if me else None,
            )
        return context
