"""Pages for portfolios, programs and projects. Views parse input, check permission and
call selectors or services; nothing else.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.generic import DetailView, View
from django_filters.views import FilterView

from pmo.accounts.views import members_context
from pmo.core.choices import Action
from pmo.core.htmx import HtmxPartialMixin
from pmo.core.permissions import can, can_create_portfolio
from pmo.core.views import ServiceFormView, SortableListMixin
from pmo.risks.selectors import top_risks
from pmo.schedules.selectors import roadmap, schedule_summary

from . import selectors, services
from .filtersets import PortfolioFilterSet, ProgramFilterSet, ProjectFilterSet
from .forms import ObjectiveForm, PortfolioForm, ProgramForm, ProjectForm
from .models import Project


class HomeView(LoginRequiredMixin, View):
    def get(self, request):
        portfolios = list(selectors.visible_portfolios(request.user)[:2])
        if len(portfolios) == 1:
            return redirect(portfolios[0])
        return redirect("portfolios:portfolio-list")


# Portfolios


class PortfolioListView(LoginRequiredMixin, SortableListMixin, HtmxPartialMixin, FilterView):
    filterset_class = PortfolioFilterSet
    template_name = "portfolios/portfolio_list.html"
    partial_template_name = "portfolios/partials/portfolio_table.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.visible_portfolios(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = can_create_portfolio(self.request.user)
        context["summaries"] = {
            p.pk: selectors.portfolio_summary(self.request.user, p) for p in context["object_list"]
        }
        return context


class PortfolioDetailView(LoginRequiredMixin, DetailView):
    template_name = "portfolios/portfolio_detail.html"
    context_object_name = "portfolio"

    def get_queryset(self):
        return selectors.visible_portfolios(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, portfolio = self.request.user, self.object
        context.update(
            summary=selectors.portfolio_summary(user, portfolio),
            programs=selectors.programs_of(user, portfolio),
            direct_projects=selectors.visible_projects(user).filter(
                portfolio=portfolio, program__isnull=True
            ),
            objectives=selectors.objectives_with_projects(user, portfolio),
            top_risks=top_risks(user, selectors.visible_projects(user).filter(portfolio=portfolio)),
            roadmap=roadmap(
                selectors.visible_projects(user)
                .filter(portfolio=portfolio)
                .exclude(status__in=["cancelled"])
            ),
            can_change=can(user, Action.CHANGE, portfolio),
            can_add=can(user, Action.ADD_CHILD, portfolio),
            **members_context(self.request, portfolio),
        )
        return context


class PortfolioCreateView(ServiceFormView):
    form_class = PortfolioForm
    template_name = "portfolios/form.html"
    success_message = "Portfolio {obj} created."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_create_portfolio(request.user):
            raise PermissionDenied("Only PMO admins may create portfolios.")
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return services.do_create_portfolio(self.request.user, **form.cleaned_data)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="New portfolio", **kwargs)


class PortfolioUpdateView(ServiceFormView):
    form_class = PortfolioForm
    template_name = "portfolios/form.html"
    success_message = "Portfolio {obj} saved."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.instance = get_object_or_404(
                selectors.visible_portfolios(request.user), pk=kwargs["pk"]
            )
            if not can(request.user, Action.CHANGE, self.instance):
                raise PermissionDenied(f"You may not change {self.instance}.")
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return services.do_update_portfolio(self.request.user, self.instance, **form.cleaned_data)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"Edit {self.instance}", **kwargs)


class ObjectiveCreateView(ServiceFormView):
    form_class = ObjectiveForm
    template_name = "portfolios/form.html"
    success_message = "Objective {obj} added."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.portfolio = get_object_or_404(
                selectors.visible_portfolios(request.user), pk=kwargs["pk"]
            )
            if not can(request.user, Action.CHANGE, self.portfolio):
                raise PermissionDenied(f"You may not change {self.portfolio}.")
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.pop("user")
        return kwargs

    def perform(self, form):
        return services.do_create_objective(
            self.request.user, portfolio=self.portfolio, **form.cleaned_data
        )

    def get_success_url(self, obj=None):
        return self.portfolio.get_absolute_url() + "#objectives"

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"New objective in {self.portfolio}", **kwargs)


# Programs


class ProgramListView(LoginRequiredMixin, SortableListMixin, HtmxPartialMixin, FilterView):
    filterset_class = ProgramFilterSet
    template_name = "portfolios/program_list.html"
    partial_template_name = "portfolios/partials/program_table.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.visible_programs(self.request.user)


class ProgramDetailView(LoginRequiredMixin, DetailView):
    template_name = "portfolios/program_detail.html"
    context_object_name = "program"

    def get_queryset(self):
        return selectors.visible_programs(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, program = self.request.user, self.object
        from pmo.schedules.selectors import program_roadmap

        context.update(
            projects=selectors.visible_projects(user).filter(program=program),
            roadmap=program_roadmap(user, program),
            top_risks=top_risks(user, selectors.visible_projects(user).filter(program=program)),
            can_change=can(user, Action.CHANGE, program),
            can_add=can(user, Action.ADD_CHILD, program),
            **members_context(self.request, program),
        )
        return context


class ProgramCreateView(ServiceFormView):
    form_class = ProgramForm
    template_name = "portfolios/form.html"
    success_message = "Program {obj} created."

    def get_initial(self):
        return {"portfolio": self.request.GET.get("portfolio")}

    def perform(self, form):
        data = dict(form.cleaned_data)
        portfolio = data.pop("portfolio")
        return services.do_create_program(self.request.user, portfolio=portfolio, **data)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="New program", **kwargs)


class ProgramUpdateView(ServiceFormView):
    form_class = ProgramForm
    template_name = "portfolios/form.html"
    success_message = "Program {obj} saved."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.instance = get_object_or_404(
                selectors.visible_programs(request.user), pk=kwargs["pk"]
            )
            if not can(request.user, Action.CHANGE, self.instance):
                raise PermissionDenied(f"You may not change {self.instance}.")
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        data = dict(form.cleaned_data)
        data.pop("portfolio", None)
        return services.do_update_program(self.request.user, self.instance, **data)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"Edit {self.instance}", **kwargs)


# Projects


class ProjectListView(LoginRequiredMixin, SortableListMixin, HtmxPartialMixin, FilterView):
    filterset_class = ProjectFilterSet
    template_name = "portfolios/project_list.html"
    partial_template_name = "portfolios/partials/project_table.html"
    paginate_by = 25

    def get_queryset(self):
        return selectors.visible_projects(self.request.user)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        kwargs["user"] = self.request.user
        return kwargs


class ProjectDetailView(LoginRequiredMixin, DetailView):
    template_name = "portfolios/project_detail.html"
    context_object_name = "project"

    def get_queryset(self):
        return selectors.visible_projects(self.request.user).prefetch_related("objectives")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user, project = self.request.user, self.object
        context.update(
            can_change=can(user, Action.CHANGE, project),
            can_delete=can(user, Action.DELETE, project),
            schedule=schedule_summary(project),
            top_risks=top_risks(user, Project.objects.filter(pk=project.pk)),
            **members_context(self.request, project),
        )
        return context


class ProjectCreateView(ServiceFormView):
    form_class = ProjectForm
    template_name = "portfolios/form.html"
    success_message = "Project {obj} created."

    def get_initial(self):
        initial = {}
        program = self.request.GET.get("program")
        if program:
            found = selectors.visible_programs(self.request.user).filter(pk=program).first()
            if found:
                initial.update(program=found, portfolio=found.portfolio_id)
        portfolio = self.request.GET.get("portfolio")
        if portfolio and "portfolio" not in initial:
            initial["portfolio"] = portfolio
        return initial

    def perform(self, form):
        data = dict(form.cleaned_data)
        objectives = data.pop("objectives")
        return services.do_create_project(self.request.user, objectives=objectives, **data)

    def get_context_data(self, **kwargs):
        return super().get_context_data(title="New project", **kwargs)


class ProjectUpdateView(ServiceFormView):
    form_class = ProjectForm
    template_name = "portfolios/form.html"
    success_message = "Project {obj} saved."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.instance = get_object_or_404(
                selectors.visible_projects(request.user), pk=kwargs["pk"]
            )
            if not can(request.user, Action.CHANGE, self.instance):
                raise PermissionDenied(f"You may not change {self.instance}.")
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        data = dict(form.cleaned_data)
        objectives = data.pop("objectives")
        return services.do_update_project(
            self.request.user, self.instance, objectives=objectives, **data
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(title=f"Edit {self.instance}", **kwargs)


class ProjectDeleteView(LoginRequiredMixin, View):
    def post(self, request, pk):
        project = get_object_or_404(selectors.visible_projects(request.user), pk=pk)
        target = project.program or project.portfolio
        services.do_delete_project(request.user, project)
        messages.success(request, f"Project {project.code} deleted.")
        return redirect(target.get_absolute_url() if target else reverse("home"))


class PortfolioExportView(LoginRequiredMixin, View):
    """Start the CSV export of a portfolio's projects and show its progress page."""

    def post(self, request, pk):
        from pmo.jobs.services import do_start_job

        from .tasks import export_projects_csv

        portfolio = get_object_or_404(selectors.visible_portfolios(request.user), pk=pk)
        job = do_start_job(
            request.user,
            export_projects_csv,
            label=f"Export projects of {portfolio}",
            kwargs={"user_id": request.user.pk, "portfolio_id": portfolio.pk},
        )
        return redirect(job)
