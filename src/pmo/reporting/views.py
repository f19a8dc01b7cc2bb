"""Dashboards, status reports and exports. Views parse input, check permission and call
selectors or services.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from pmo.core.choices import Action
from pmo.core.permissions import can, highest_rank_on
from pmo.finance.selectors import evm_history
from pmo.portfolios.selectors import visible_portfolios, visible_programs, visible_projects
from pmo.schedules.models import ProjectSchedule

from . import dashboards, exports, selectors, services
from .choices import Dimension, ReportState
from .forms import NewReportForm, OverrideForm, ReportTextForm, ReviewForm, ThresholdsForm
from .models import DigestSubscription, StatusReport


def _messages_of(error: ValidationError) -> str:
    return "; ".join(error.messages)


class DashboardView(LoginRequiredMixin, TemplateView):
    """The executive dashboard: every project the user may see, filterable."""

    template_name = "reporting/dashboard.html"
    scope = None

    def fixed_filters(self) -> dict:
        return {}

    def get_template_names(self):
        if getattr(self.request, "htmx", None) and not self.request.htmx.boosted:
            return ["reporting/partials/board.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        user = self.request.user
        filters = {**dashboards.parse_filters(self.request.GET), **self.fixed_filters()}
        board = dashboards.executive(user, filters)
        portfolio = self.portfolio_in_view(filters)
        return {
            "board": board,
            "options": dashboards.filter_options(user),
            "filters": filters,
            "scope": self.scope,
            "portfolio": portfolio,
            "can_snapshot": portfolio is not None and can(user, Action.CHANGE, portfolio),
            "subscribed": portfolio is not None
            and DigestSubscription.objects.filter(user=user, portfolio=portfolio).exists(),
            "base_query": self._without_only(),
            **kwargs,
        }

    def _without_only(self) -> str:
        params = self.request.GET.copy()
        params.pop("only", None)
        return params.urlencode()

    def portfolio_in_view(self, filters):
        if "portfolio" in filters:
            return visible_portfolios(self.request.user).filter(pk=filters["portfolio"]).first()
        portfolios = list(visible_portfolios(self.request.user)[:2])
        return portfolios[0] if len(portfolios) == 1 else None


class PortfolioDashboardView(DashboardView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.scope = get_object_or_404(visible_portfolios(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def fixed_filters(self):
        return {"portfolio": self.scope.pk}

    def get_context_data(self, **kwargs):
        return super().get_context_data(level="portfolio", **kwargs)


class ProgramDashboardView(DashboardView):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.scope = get_object_or_404(visible_programs(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def fixed_filters(self):
        return {"program": self.scope.pk}

    def portfolio_in_view(self, filters):
        return self.scope.portfolio

    def get_context_data(self, **kwargs):
        return super().get_context_data(level="program", **kwargs)


class ProjectStatusView(LoginRequiredMixin, TemplateView):
    """The project's dashboard: its reports, its earned value trend and milestones."""

    template_name = "reporting/project_status.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.project = get_object_or_404(visible_projects(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        project = self.project
        reports = list(selectors.reports_of(project))
        history = evm_history(project)
        record = history[-1] if history else None
        return {
            "project": project,
            "settings": ProjectSchedule.objects.filter(project=project).first(),
            "record": record,
            "evm": record.snapshot() if record else None,
            "reports": reports,
            "latest": reports[0] if reports else None,
            "dimensions": dashboards.DIMENSIONS,
            "history": history,
            "trend": {
                "labels": [r.status_date.isoformat() for r in history],
                "spi_t": [r.figures["spi_t"] for r in history],
                "cpi": [r.figures["cpi"] for r in history],
                "spi": [r.figures["spi"] for r in history],
            },
            "milestones": dashboards.milestones_of([project.pk], timezone.localdate()),
            "risks": dashboards.top_risks_of(self.request.user, [project.pk]),
            "can_change": can(self.request.user, Action.CHANGE, project),
            "form": form or NewReportForm(initial={"period": timezone.localdate()}),
        }

    def post(self, request, pk):
        form = NewReportForm(request.POST)
        if form.is_valid():
            try:
                report = services.do_create_report(
                    request.user, self.project, period=form.cleaned_data["period"]
                )
            except ValidationError as error:
                for field, errors in getattr(error, "error_dict", {None: [error]}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"Draft {report} created with today's figures.")
                return redirect(report)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class ReportMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            try:
                self.report = selectors.report_detail(kwargs["pk"], request.user)
            except StatusReport.DoesNotExist:
                raise Http404("No such status report.") from None
        return super().dispatch(request, *args, **kwargs)


class ReportDetailView(ReportMixin, TemplateView):
    template_name = "reporting/report_detail.html"

    def get_context_data(self, **kwargs):
        report, user = self.report, self.request.user
        editable = report.state == ReportState.DRAFT and can(user, Action.CHANGE, report.project)
        ratings = {r.dimension: r for r in report.ratings.all()}
        return {
            "report": report,
            "project": report.project,
            "settings": ProjectSchedule.objects.filter(project=report.project).first(),
            "ratings": [ratings[d] for d in dashboards.DIMENSIONS if d in ratings],
            "figures": report.key_figures.get("evm", {}),
            "editable": editable,
            "text_form": kwargs.get("text_form") or ReportTextForm(instance=report),
            "override_error": kwargs.get("override_error"),
            "override_forms": {
                d: OverrideForm(
                    initial={
                        "dimension": d,
                        "value": ratings[d].override,
                        "reason": ratings[d].reason,
                    }
                )
                for d in ratings
            }
            if editable
            else {},
            "can_review": report.state == ReportState.SUBMITTED
            and highest_rank_on(user, report.project) >= services.REVIEWER_RANK
            and report.author_id != user.pk,
            "review_form": ReviewForm(),
            "overall": Dimension.OVERALL,
        }


class ReportEditView(ReportMixin, View):
    def post(self, request, pk):
        form = ReportTextForm(request.POST, instance=self.report)
        if form.is_valid():
            try:
                services.do_update_report(request.user, self.report, **form.cleaned_data)
            except ValidationError as error:
                messages.error(request, _messages_of(error))
            else:
                messages.success(request, "Report saved.")
            return redirect(self.report)
        view = ReportDetailView(request=request, kwargs={"pk": pk}, report=self.report)
        return render(
            request, view.template_name, view.get_context_data(text_form=form), status=400
        )


class RatingOverrideView(ReportMixin, View):
    def post(self, request, pk):
        form = OverrideForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose a rating.")
            return redirect(self.report)
        try:
            services.do_override_rating(request.user, self.report, **form.cleaned_data)
        except ValidationError as error:
            view = ReportDetailView(request=request, kwargs={"pk": pk}, report=self.report)
            context = view.get_context_data(
                override_error=(form.cleaned_data["dimension"], _messages_of(error))
            )
            return render(request, view.template_name, context, status=400)
        messages.success(request, "Rating saved.")
        return redirect(self.report)


class ReportRefreshView(ReportMixin, View):
    def post(self, request, pk):
        try:
            services.do_refresh_figures(request.user, self.report)
        except ValidationError as error:
            messages.error(request, _messages_of(error))
        else:
            messages.success(request, "Figures and computed ratings refreshed.")
        return redirect(self.report)


class ReportSubmitView(ReportMixin, View):
    def post(self, request, pk):
        try:
            services.do_submit_report(request.user, self.report)
        except ValidationError as error:
            messages.error(request, _messages_of(error))
        else:
            messages.success(request, f"{self.report} submitted for review.")
        return redirect(self.report)


class ReportReviewView(ReportMixin, View):
    def post(self, request, pk):
        form = ReviewForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Choose whether to accept or return the report.")
            return redirect(self.report)
        try:
            services.do_review_report(
                request.user,
                self.report,
                accept=form.cleaned_data["decision"] == "accept",
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as error:
            messages.error(request, _messages_of(error))
        else:
            messages.success(request, f"{self.report}: {self.report.get_state_display()}.")
        return redirect(self.report)


class ReportPdfView(ReportMixin, View):
    def get(self, request, pk):
        pdf = exports.status_report_pdf(self.report, base_url=request.build_absolute_uri("/"))
        response = HttpResponse(pdf, content_type="application/pdf")
        name = f"{self.report.project.code}-status-{self.report.period:%Y-%m}.pdf"
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


class PortfolioExportView(LoginRequiredMixin, View):
    """Start the portfolio report (PDF or Excel) as a job and show its progress page."""

    def post(self, request, pk, kind):
        from pmo.jobs.services import do_start_job

        from .tasks import export_portfolio_report

        if kind not in ("pdf", "xlsx"):
            raise Http404("Unknown report format.")
        portfolio = get_object_or_404(visible_portfolios(request.user), pk=pk)
        job = do_start_job(
            request.user,
            export_portfolio_report,
            label=f"Portfolio report of {portfolio} ({kind.upper()})",
            kwargs={"user_id": request.user.pk, "portfolio_id": portfolio.pk, "kind": kind},
        )
        return redirect(job)


class ThresholdsView(LoginRequiredMixin, TemplateView):
    template_name = "reporting/thresholds.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.portfolio = get_object_or_404(visible_portfolios(request.user), pk=kwargs["pk"])
            if not can(request.user, Action.CHANGE, self.portfolio):
                raise PermissionDenied(f"You may not change the thresholds of {self.portfolio}.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, form=None, **kwargs):
        return {
            "portfolio": self.portfolio,
            "form": form or ThresholdsForm(instance=selectors.thresholds_for(self.portfolio)),
        }

    def post(self, request, pk):
        form = ThresholdsForm(request.POST, instance=selectors.thresholds_for(self.portfolio))
        if form.is_valid():
            try:
                services.do_set_thresholds(request.user, self.portfolio, **form.cleaned_data)
            except ValidationError as error:
                for field, errors in getattr(error, "error_dict", {None: [error]}).items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, f"RAG thresholds of {self.portfolio} saved.")
                return redirect("reporting:portfolio-dashboard", pk=pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DigestView(LoginRequiredMixin, View):
    def post(self, request, pk):
        portfolio = get_object_or_404(visible_portfolios(request.user), pk=pk)
        if request.POST.get("subscribe") == "1":
            try:
                services.do_subscribe(request.user, portfolio)
            except ValidationError as error:
                messages.error(request, _messages_of(error))
            else:
                messages.success(request, f"You will receive the weekly digest of {portfolio}.")
        else:
            services.do_unsubscribe(request.user, portfolio)
            messages.success(request, f"You no longer receive the digest of {portfolio}.")
        return redirect("reporting:portfolio-dashboard", pk=pk)
