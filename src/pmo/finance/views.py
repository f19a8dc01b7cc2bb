"""Money pages: a project's budget, actuals, forecast and earned value. Views parse input,
check permission and call selectors or services.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import TemplateView

from pmo.core.choices import Action
from pmo.core.forms import add_service_errors
from pmo.core.permissions import can
from pmo.portfolios.selectors import visible_portfolios, visible_projects
from pmo.schedules.models import Baseline, ProjectSchedule

from . import selectors, services
from .forms import BudgetLineForm, CostEntryForm, ForecastForm
from .periods import parse_day


def _chart(rows, *keys) -> dict:
    return {
        "labels": [r["month"].strftime("%b %Y") for r in rows],
        **{k: [float(r[k]) for r in rows] for k in keys},
    }


def money_context(request, project, **forms) -> dict:
    today = timezone.localdate()
    status_date = parse_day(request.GET.get("date"), today)
    number = request.GET.get("baseline")
    baseline = int(number) if number and number.isdigit() else None
    evm = selectors.project_evm(project, status_date, baseline)
    monthly = selectors.monthly_costs([project.pk])
    cumulative_forecast, running = [], None
    for row in monthly:
        if row["month"] <= status_date:
            running = row["cum_actual"]
            cumulative_forecast.append(None)
        else:
            running = (running or 0) + (row["forecast"] or 0)
            cumulative_forecast.append(float(running))
    chart = _chart(monthly, "budget", "actual", "forecast", "cum_budget", "cum_actual")
    chart["cum_forecast"] = cumulative_forecast
    history = selectors.evm_history(project)
    trend = {
        "labels": [r.status_date.isoformat() for r in history],
        "pv": [r.figures["pv"] / 100 for r in history],
        "ev": [r.figures["ev"] / 100 for r in history],
        "ac": [r.figures["ac"] / 100 for r in history],
        "spi": [r.figures["spi"] for r in history],
        "cpi": [r.figures["cpi"] for r in history],
        "curve": [
            {"x": m, "y": v / 100}
            for m, v in zip(evm.curve["months"], evm.curve["pv"], strict=True)
        ],
    }
    can_change = can(request.user, Action.CHANGE, project)
    return {
        "project": project,
        "settings": ProjectSchedule.objects.filter(project=project)
        .select_related("calendar")
        .first(),
        "tab": "money",
        "status_date": status_date,
        "baseline_number": evm.data.baseline_numbers.get(project.pk),
        "baselines": Baseline.objects.filter(project=project),
        "evm": evm.project,
        "tasks": evm.tasks,
        "position": selectors.cost_positions([project.pk], status_date)[project.pk],
        "by_category": selectors.category_positions([project.pk], status_date),
        "chart": chart,
        "trend": trend,
        "history": history,
        "budget_lines": project.budget_lines.order_by("month", "category"),
        "cost_entries": project.cost_entries.select_related("task").order_by("-date", "-id")[:100],
        "forecasts": project.cost_forecasts.order_by("month", "category"),
        "can_change": can_change,
        "budget_form": forms.get("budget_form") or BudgetLineForm(),
        "cost_form": forms.get("cost_form") or CostEntryForm(project=project),
        "forecast_form": forms.get("forecast_form") or ForecastForm(),
        "open_form": forms.get("open_form", ""),
    }


class ProjectMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.project = get_object_or_404(visible_projects(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class MoneyView(ProjectMixin, TemplateView):
    template_name = "finance/money.html"

    def get_context_data(self, **kwargs):
        return money_context(self.request, self.project)


class _AddView(ProjectMixin, View):
    form_class = None
    form_key = ""
    message = ""

    def make_form(self, request):
        return self.form_class(request.POST)

    def post(self, request, pk):
        form = self.make_form(request)
        if form.is_valid():
            try:
                obj = self.perform(request.user, form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, self.message.format(obj=obj))
                return redirect("finance:money", pk=pk)
        context = money_context(request, self.project, **{self.form_key: form})
        context["open_form"] = self.form_key
        return render(request, "finance/money.html", context, status=400)


class BudgetAddView(_AddView):
    form_class = BudgetLineForm
    form_key = "budget_form"
    message = "Budget line {obj} added."

    def perform(self, user, data):
        return services.do_add_budget_line(user, self.project, **data)


class CostAddView(_AddView):
    form_class = CostEntryForm
    form_key = "cost_form"
    message = "Cost of {obj.amount} on {obj.date:%d %b %Y} recorded."

    def make_form(self, request):
        return CostEntryForm(request.POST, project=self.project)

    def perform(self, user, data):
        return services.do_add_cost_entry(user, self.project, **data)


class ForecastSetView(_AddView):
    form_class = ForecastForm
    form_key = "forecast_form"
    message = "Forecast for {obj.month:%B %Y} saved."

    def perform(self, user, data):
        return services.do_set_forecast(user, self.project, **data)


class BudgetUploadView(ProjectMixin, View):
    """Replace the project's budget from an Excel sheet: all lines or none."""

    def post(self, request, pk):
        from .imports import read_budget_workbook

        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise ValidationError("Choose an Excel file (.xlsx) to upload.")
            rows = read_budget_workbook(upload)
            lines = services.do_import_budget(request.user, self.project, rows)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"Budget replaced: {len(lines)} lines from {upload.name}.")
        return redirect(f"{reverse('finance:money', args=[pk])}#budget")


class LabourImportView(ProjectMixin, View):
    def post(self, request, pk):
        count = services.do_import_labour_actuals(self.project, actor=request.user)
        messages.success(request, f"{count} labour cost entries imported from approved timesheets.")
        return redirect("finance:money", pk=pk)


class CostDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        entry = get_object_or_404(selectors.visible_cost_entries(request.user), pk=pk)
        services.do_delete_cost_entry(request.user, entry)
        messages.success(request, f"Cost entry of {entry.amount} deleted.")
        return redirect("finance:money", pk=entry.project_id)


class BudgetDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        line = get_object_or_404(selectors.visible_budget_lines(request.user), pk=pk)
        services.do_delete_budget_line(request.user, line)
        messages.success(request, f"Budget line {line} deleted.")
        return redirect("finance:money", pk=line.project_id)


class SnapshotTakeView(LoginRequiredMixin, View):
    """Store today's (or a given day's) EVM figures of every project of a portfolio, as a
    job with a progress bar: a portfolio of 200 projects takes several seconds.
    """

    def post(self, request, pk):
        portfolio = get_object_or_404(visible_portfolios(request.user), pk=pk)
        day = parse_day(request.POST.get("date"), timezone.localdate())
        try:
            services.check_take_snapshots(request.user, portfolio, day)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            target = request.POST.get("next", "")
            if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
                return redirect(target)
            return redirect("reporting:dashboard")
        from pmo.jobs.services import do_start_job

        from .tasks import take_portfolio_snapshots

        job = do_start_job(
            request.user,
            take_portfolio_snapshots,
            label=f"EVM snapshots of {portfolio} at {day:%d %b %Y}",
            kwargs={"user_id": request.user.pk, "portfolio_id": portfolio.pk, "day": str(day)},
        )
        return redirect(job)
