"""Risk pages: registers with heat maps and the RAID log, risk pages, Monte Carlo."""

import json
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views import View
from django.views.generic import TemplateView

from pmo.core.choices import Action
from pmo.core.forms import add_service_errors
from pmo.core.permissions import can, require
from pmo.core.views import ServiceFormView
from pmo.portfolios.selectors import visible_portfolios, visible_programs, visible_projects
from pmo.schedules.models import ProjectSchedule, Task

from . import selectors, services
from .choices import ActionStatus, DistributionChoice, RaidKind, RunStatus
from .filtersets import RiskFilterSet
from .forms import ActionForm, EscalateForm, MatrixForm, RaidForm, RiskForm, SimulationForm
from .models import RiskAction, SimulationRun, TaskCorrelation, TaskEstimate

SCOPES = {"project": visible_projects, "program": visible_programs, "portfolio": visible_portfolios}


def get_scope(user, level: str, pk: int):
    if level not in SCOPES:
        raise Http404("No such register.")
    return get_object_or_404(SCOPES[level](user), pk=pk)


def scope_url(level: str, pk: int) -> str:
    return reverse(f"risks:{level}-risks", args=[pk])


class RegisterView(LoginRequiredMixin, TemplateView):
    """A project's, program's or portfolio's risks, heat maps and RAID log."""

    level = "project"
    template_name = "risks/register.html"

    def get(self, request, pk):
        scope = get_scope(request.user, self.level, pk)
        below = self.level != "project" and request.GET.get("below", "1") == "1"
        risks = selectors.risks_in(request.user, scope, below)
        filterset = RiskFilterSet(request.GET, queryset=risks, request=request)
        table = selectors.with_ratings(filterset.qs.select_related("owner"))
        context = {"risks": table, "level": self.level, "scope": scope, "below": below}
        if request.htmx and request.htmx.target == "risk-table":
            return render(request, "risks/partials/risk_table.html", context)
        matrix = selectors.matrix_for(scope.portfolio_id if self.level != "portfolio" else scope.pk)
        raid = selectors.raid_in(request.user, scope, below).select_related("source_risk")
        context.update(
            {
                "matrix": matrix,
                "inherent": (inherent := selectors.heat_map(risks, matrix)),
                "inherent_red": selectors.red_count(inherent),
                "residual": selectors.heat_map(risks, matrix, residual=True),
                "selected": {k: request.GET.get(k, "") for k in _CELL_KEYS},
                "filter": filterset,
                "raid": {kind: [i for i in raid if i.kind == kind] for kind in RaidKind.values},
                "raid_kinds": [
                    ("issue", "Issues"),
                    ("assumption", "Assumptions"),
                    ("dependency", "Dependencies"),
                ],
                "can_contribute": can(request.user, Action.CONTRIBUTE, scope),
                "can_change": can(request.user, Action.CHANGE, scope),
                "open_count": sum(1 for r in table if r.status == "open"),
                "tab": "risks",
                self.level: scope,
            }
        )
        if self.level == "project":
            context["settings"] = ProjectSchedule.objects.filter(project=scope).first()
            context["expected_delay"] = selectors.expected_delay_days(scope)
            context["simulation"] = selectors.latest_simulation(scope)
        return render(request, self.template_name, context)


_CELL_KEYS = ("probability", "impact", "residual_probability", "residual_impact")


class RiskListView(LoginRequiredMixin, TemplateView):
    """Every risk the user may see, across the portfolios, with filters."""

    template_name = "risks/risk_list.html"

    def get(self, request):
        filterset = RiskFilterSet(
            request.GET,
            queryset=selectors.visible_risks(request.user).select_related("owner"),
            request=request,
        )
        page = Paginator(filterset.qs, 50).get_page(request.GET.get("page"))
        risks = selectors.with_ratings(page.object_list)
        context = {"filter": filterset, "risks": risks, "page_obj": page}
        query = request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        if request.htmx and not request.htmx.boosted:
            return render(request, "risks/partials/risk_table.html", context)
        return render(request, self.template_name, context)


class RiskCreateView(ServiceFormView):
    form_class = RiskForm
    template_name = "risks/form.html"
    success_message = "Risk {obj.reference} raised."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.scope = get_scope(request.user, kwargs["level"], kwargs["pk"])
            require(request.user, Action.CONTRIBUTE, self.scope)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        level = self.kwargs["level"]
        portfolio_id = self.scope.pk if level == "portfolio" else self.scope.portfolio_id
        kwargs["matrix"] = selectors.matrix_for(portfolio_id)
        kwargs["project"] = self.scope if level == "project" else None
        return kwargs

    def perform(self, form):
        data = dict(form.cleaned_data)
        tasks = data.pop("tasks", None)
        return services.do_raise_risk(self.request.user, scope=self.scope, tasks=tasks, **data)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"Raise a risk on {self.scope}", **kwargs)


def _risk(request, pk):
    return get_object_or_404(selectors.visible_risks(request.user), pk=pk)


class RiskDetailView(LoginRequiredMixin, TemplateView):
    template_name = "risks/risk_detail.html"

    def get_context_data(self, **kwargs):
        risk = _risk(self.request, kwargs["pk"])
        matrix = selectors.matrix_for(risk.portfolio_id)
        history = list(risk.assessments.select_related("assessed_by"))
        return {
            "risk": risk,
            "matrix": matrix,
            "rating": matrix.rating(risk.score),
            "chance": matrix.chance(risk.probability),
            "expected_days": matrix.chance(risk.probability) * float(risk.days_likely),
            "residual_rating": matrix.rating(risk.residual_score),
            "history": history,
            "history_chart": json.dumps(
                {
                    "labels": [h.assessed_at.strftime("%d %b %Y") for h in reversed(history)],
                    "score": [h.score for h in reversed(history)],
                    "residual": [h.residual_score for h in reversed(history)],
                }
            ),
            "actions": risk.actions.select_related("owner"),
            "action_form": kwargs.get("action_form") or ActionForm(),
            "escalate_form": kwargs.get("escalate_form") or EscalateForm(),
            "escalations": risk.escalations.select_related("escalated_by"),
            "issues": risk.issues.all(),
            "tasks": risk.tasks.all(),
            "can_change": services.can_change_risk(self.request.user, risk),
            "can_escalate": can(self.request.user, Action.CHANGE, risk)
            and risk.level != "portfolio",
            "register_url": _register_url(risk),
        }


def _register_url(item) -> str:
    pk = {"project": item.project_id, "program": item.program_id}.get(item.level, item.portfolio_id)
    return scope_url(item.level, pk)


class RiskUpdateView(ServiceFormView):
    form_class = RiskForm
    template_name = "risks/form.html"
    success_message = "Risk {obj.reference} saved."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.instance = _risk(request, kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["matrix"] = selectors.matrix_for(self.instance.portfolio_id)
        kwargs["project"] = self.instance.project
        return kwargs

    def perform(self, form):
        data = dict(form.cleaned_data)
        tasks = data.pop("tasks", None)
        note = data.pop("note", "")
        # The form has already written into its instance: the service gets the stored
        # risk so that it sees which scores changed.
        stored = selectors.visible_risks(self.request.user).get(pk=self.instance.pk)
        return services.do_update_risk(self.request.user, stored, note=note, tasks=tasks, **data)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"Edit {self.instance}", **kwargs)


class RiskEscalateView(LoginRequiredMixin, View):
    def post(self, request, pk):
        risk = _risk(request, pk)
        form = EscalateForm(request.POST)
        if form.is_valid():
            try:
                record = services.do_escalate_risk(
                    request.user, risk, reason=form.cleaned_data["reason"]
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(
                    request,
                    f"{risk.reference} escalated to the {record.get_to_level_display().lower()} "
                    "register.",
                )
                return redirect(risk)
        view = RiskDetailView(request=request, kwargs={"pk": pk})
        context = view.get_context_data(pk=pk, escalate_form=form)
        return render(request, RiskDetailView.template_name, context, status=400)


class RiskActionCreateView(LoginRequiredMixin, View):
    def post(self, request, pk):
        risk = _risk(request, pk)
        form = ActionForm(request.POST)
        if form.is_valid():
            try:
                services.do_add_action(request.user, risk, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Response action added.")
                return redirect(risk)
        view = RiskDetailView(request=request, kwargs={"pk": pk})
        context = view.get_context_data(pk=pk, action_form=form)
        return render(request, RiskDetailView.template_name, context, status=400)


class ActionStatusView(LoginRequiredMixin, View):
    def post(self, request, pk):
        action = get_object_or_404(
            RiskAction.objects.filter(risk__in=selectors.visible_risks(request.user)), pk=pk
        )
        status = request.POST.get("status", ActionStatus.DONE)
        services.do_update_action(request.user, action, status=status)
        return redirect(action.risk)


class RaiseIssueView(LoginRequiredMixin, View):
    def post(self, request, pk):
        risk = _risk(request, pk)
        try:
            issue = services.do_raise_issue_from_risk(request.user, risk)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(risk)
        messages.success(request, f"{risk.reference} marked as occurred; issue raised.")
        return redirect(issue)


class RaidCreateView(ServiceFormView):
    form_class = RaidForm
    template_name = "risks/form.html"
    success_message = "{obj.reference} added to the RAID log."

    def dispatch(self, request, *args, **kwargs):
        self.kind = request.GET.get("kind") or request.POST.get("kind") or RaidKind.ISSUE
        if self.kind not in RaidKind.values:
            raise Http404("Unknown RAID kind.")
        if request.user.is_authenticated:
            self.scope = get_scope(request.user, kwargs["level"], kwargs["pk"])
            require(request.user, Action.CONTRIBUTE, self.scope)
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "kind": self.kind}

    def perform(self, form):
        return services.do_create_raid_item(
            self.request.user, scope=self.scope, kind=self.kind, **form.cleaned_data
        )

    def get_context_data(self, **kwargs):
        label = RaidKind(self.kind).label.lower()
        return super().get_context_data(
            title=f"New {label} on {self.scope}", kind=self.kind, **kwargs
        )


class RaidDetailView(ServiceFormView):
    """A RAID item and its edit form on one page."""

    form_class = RaidForm
    template_name = "risks/raid_detail.html"
    success_message = "{obj.reference} saved."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.instance = get_object_or_404(
                selectors.visible_raid_items(request.user), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return services.do_update_raid_item(self.request.user, self.instance, **form.cleaned_data)

    def get_context_data(self, **kwargs):
        item = self.instance
        return super().get_context_data(
            item=item,
            can_change=can(self.request.user, Action.CHANGE, item)
            or item.owner_id == self.request.user.pk,
            can_escalate=can(self.request.user, Action.CHANGE, item) and item.level != "portfolio",
            escalate_form=EscalateForm(),
            escalations=item.escalations.select_related("escalated_by"),
            register_url=_register_url(item),
            **kwargs,
        )


class RaidEscalateView(LoginRequiredMixin, View):
    def post(self, request, pk):
        item = get_object_or_404(selectors.visible_raid_items(request.user), pk=pk)
        form = EscalateForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Say why it needs the next level's attention.")
            return redirect(item)
        record = services.do_escalate_raid_item(
            request.user, item, reason=form.cleaned_data["reason"]
        )
        messages.success(
            request, f"{item.reference} escalated to the {record.get_to_level_display().lower()}."
        )
        return redirect(item)


def _project(request, pk):
    return get_object_or_404(visible_projects(request.user), pk=pk)


class AnalysisView(LoginRequiredMixin, View):
    """Schedule risk analysis of a project: start a run, watch it, read its charts."""

    template_name = "risks/analysis.html"

    def context(self, request, project, form=None) -> dict:
        settings = ProjectSchedule.objects.filter(project=project).first()
        latest = selectors.latest_simulation(project)
        pending = selectors.latest_simulation(project, finished=False)
        if pending is not None and pending.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
            pending = None if pending.status == RunStatus.SUCCEEDED else pending
        return {
            "project": project,
            "settings": settings,
            "tab": "risks",
            "run": latest,
            "results": latest.results if latest else None,
            "charts": json.dumps(_chart_data(latest.results)) if latest else "null",
            "stale": bool(latest and settings and latest.plan_version != settings.version),
            "pending": pending,
            "form": form or SimulationForm(),
            "can_run": can(request.user, Action.CONTRIBUTE, project),
            "estimated": TaskEstimate.objects.filter(task__project=project).count(),
            "history": SimulationRun.objects.filter(project=project, status=RunStatus.SUCCEEDED)
            .select_related("created_by")
            .order_by("-created_at", "-pk")[:10],
        }

    def get(self, request, pk):
        project = _project(request, pk)
        return render(request, self.template_name, self.context(request, project))

    def post(self, request, pk):
        project = _project(request, pk)
        form = SimulationForm(request.POST)
        if form.is_valid():
            try:
                services.do_start_simulation(request.user, project, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                return redirect("risks:analysis", pk=pk)
        return render(request, self.template_name, self.context(request, project, form), status=400)


def _chart_data(results: dict) -> dict:
    """What the charts on the analysis page draw, from the stored results."""
    edges = results["histogram"]["edges"]
    return {
        "histogram": {
            "labels": [e[:10] for e in edges[:-1]],
            "edges": edges,
            "counts": results["histogram"]["counts"],
        },
        "scurve": results["scurve"],
        "p50": results["percentiles"]["P50"],
        "p80": results["percentiles"]["P80"],
        "tornado": results["tornado"],
        "by_day": results.get("by_day"),
        "cost": results.get("cost"),
    }


class RunProgressView(LoginRequiredMixin, View):
    """The progress bar of a run; once it has finished, htmx reloads the page."""

    def get(self, request, pk):
        run = get_object_or_404(
            SimulationRun.objects.filter(project__in=visible_projects(request.user)).select_related(
                "job"
            ),
            pk=pk,
        )
        if run.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            response = HttpResponse(status=204)
            response["HX-Refresh"] = "true"
            return response
        return render(request, "risks/partials/run_progress.html", {"pending": run})


class EstimatesView(LoginRequiredMixin, View):
    """Three-point estimates of a project's tasks, in days, saved all at once."""

    template_name = "risks/estimates.html"

    def rows(self, project, hours_per_day):
        estimates = {e.task_id: e for e in TaskEstimate.objects.filter(task__project=project)}
        out = []
        per_day = hours_per_day * 60
        for task in Task.objects.filter(project=project).order_by("sort_key"):
            e = estimates.get(task.pk)
            out.append(
                {
                    "task": task,
                    "planned": _days(task.duration_minutes, per_day),
                    "o": _days(e.optimistic_minutes, per_day) if e else "",
                    "m": _days(e.most_likely_minutes, per_day) if e else "",
                    "p": _days(e.pessimistic_minutes, per_day) if e else "",
                    "distribution": e.distribution if e else DistributionChoice.TRIANGULAR,
                }
            )
        return out

    def render_page(self, request, project, errors=None, status=200):
        settings = (
            ProjectSchedule.objects.select_related("calendar").filter(project=project).first()
        )
        hours = settings.calendar.hours_per_day if settings else 8
        return render(
            request,
            self.template_name,
            {
                "project": project,
                "settings": settings,
                "tab": "risks",
                "rows": self.rows(project, hours),
                "hours_per_day": hours,
                "distributions": DistributionChoice.choices,
                "errors": errors or [],
                "can_change": can(request.user, Action.CHANGE, project),
                "correlations": TaskCorrelation.objects.filter(first__project=project)
                .select_related("first", "second")
                .order_by("first__sort_key", "second__sort_key"),
                "leaves": Task.objects.filter(project=project, is_summary=False).order_by(
                    "sort_key"
                ),
            },
            status=status,
        )

    def get(self, request, pk):
        return self.render_page(request, _project(request, pk))

    def post(self, request, pk):
        project = _project(request, pk)
        settings = (
            ProjectSchedule.objects.select_related("calendar").filter(project=project).first()
        )
        per_day = (settings.calendar.hours_per_day if settings else 8) * 60
        rows, errors = [], []
        for number, task_id in enumerate(request.POST.getlist("task"), start=1):
            row = {"task": task_id, "distribution": request.POST.get(f"dist-{task_id}")}
            for key in ("optimistic", "most_likely", "pessimistic"):
                raw = request.POST.get(f"{key}-{task_id}", "").strip()
                try:
                    row[key] = round(Decimal(raw) * per_day) if raw else None
                except InvalidOperation:
                    errors.append(f"Row {number}: {raw!r} is not a number of days.")
            rows.append(row)
        if not errors:
            try:
                saved = services.do_set_estimates(request.user, project, rows)
            except ValidationError as error:
                errors = error.message_dict.get("estimates", error.messages)
            else:
                messages.success(request, f"Saved three-point estimates of {saved} tasks.")
                return redirect("risks:analysis", pk=pk)
        return self.render_page(request, project, errors, status=400)


def _days(minutes: int, per_day: int) -> str:
    value = (Decimal(minutes) / per_day).quantize(Decimal("0.01"))
    return f"{value.normalize():f}"


class MatrixView(ServiceFormView):
    """A portfolio's probability x impact scale and its rating thresholds."""

    form_class = MatrixForm
    template_name = "risks/form.html"
    success_message = "Risk matrix saved."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.portfolio = get_scope(request.user, "portfolio", kwargs["pk"])
            require(request.user, Action.CHANGE, self.portfolio)
            self.instance = selectors.matrix_for(self.portfolio.pk)
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return services.do_set_matrix(self.request.user, self.portfolio, **form.cleaned_data)

    def get_success_url(self, obj=None):
        return scope_url("portfolio", self.portfolio.pk)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(title=f"Risk matrix of {self.portfolio}", **kwargs)
        context["instance"] = None
        return context


class CorrelationView(LoginRequiredMixin, View):
    """Add (POST with tasks and coefficient) or remove (POST with ``delete``) a
    correlation between two tasks' durations.
    """

    def post(self, request, pk):
        project = _project(request, pk)
        if "delete" in request.POST:
            link = get_object_or_404(
                TaskCorrelation.objects.filter(first__project=project), pk=request.POST["delete"]
            )
            services.do_uncorrelate(request.user, link)
            messages.success(request, "Correlation removed.")
            return redirect("risks:estimates", pk=pk)
        tasks = Task.objects.filter(project=project).in_bulk(
            [
                v
                for v in (request.POST.get("first"), request.POST.get("second"))
                if v and v.isdigit()
            ]
        )
        first = tasks.get(int(request.POST.get("first") or 0))
        second = tasks.get(int(request.POST.get("second") or 0))
        try:
            if first is None or second is None:
                raise ValidationError("Choose two tasks of this project.")
            coefficient = Decimal(request.POST.get("coefficient", "").strip())
            services.do_correlate(
                request.user, project, first=first, second=second, coefficient=coefficient
            )
        except InvalidOperation:
            messages.error(request, "Give the correlation as a number between -1 and 1.")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{first.name} and {second.name} now move together.")
        return redirect("risks:estimates", pk=pk)


class RegisterExportView(LoginRequiredMixin, View):
    """The register (risks and RAID log) as an Excel workbook."""

    def get(self, request, level, pk):
        from .exports import register_workbook

        scope = get_scope(request.user, level, pk)
        below = level != "project" and request.GET.get("below", "1") == "1"
        risks = selectors.with_ratings(
            selectors.risks_in(request.user, scope, below).prefetch_related("actions__owner")
        )
        raid = selectors.raid_in(request.user, scope, below).select_related("source_risk")
        response = HttpResponse(
            register_workbook(risks, raid),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        code = getattr(scope, "code", scope.pk)
        response["Content-Disposition"] = f'attachment; filename="{code}-risk-register.xlsx"'
        return response
