"""Plan pages: the task table (inline editing), the Gantt, the board, the roadmap."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from pmo.core.choices import Action
from pmo.core.forms import add_service_errors
from pmo.core.permissions import can
from pmo.core.text import counted
from pmo.portfolios.selectors import visible_programs, visible_projects

from . import calendar_services, selectors, services
from .choices import MAX_BASELINES, BoardStatus
from .durations import format_duration
from .forms import (
    CalendarExceptionFormSet,
    CalendarForm,
    ScheduleSettingsForm,
    TaskDetailForm,
    TaskForm,
)
from .models import Baseline, Calendar, Dependency, Task


def _baseline_number(request) -> int | None:
    value = request.GET.get("baseline")
    return int(value) if value and value.isdigit() else None


def plan_context(request, project, settings, **extra) -> dict:
    number = _baseline_number(request)
    baselines = list(Baseline.objects.filter(project=project))
    taken = {b.number: b for b in baselines}
    return {
        "project": project,
        "settings": settings,
        "rows": selectors.task_table(project, number),
        "baselines": baselines,
        # Every number, with the baseline it would replace; the first free one first.
        "baseline_slots": [{"number": n, "baseline": taken.get(n)} for n in range(MAX_BASELINES)],
        "next_baseline": min((n for n in range(MAX_BASELINES) if n not in taken), default=0),
        "baseline_number": number,
        "can_change": can(request.user, Action.CHANGE, project),
        "form": TaskForm(project=project, hours_per_day=settings.calendar.hours_per_day),
        "settings_form": ScheduleSettingsForm(
            instance=settings, calendars=selectors.visible_calendars(request.user, project)
        ),
        **extra,
    }


class ProjectPlanMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.project = get_object_or_404(visible_projects(request.user), pk=kwargs["pk"])
            self.settings = services.ensure_schedule(self.project)
        return super().dispatch(request, *args, **kwargs)

    def baseline_number(self) -> int | None:
        return _baseline_number(self.request)

    def plan_context(self, **extra) -> dict:
        return plan_context(self.request, self.project, self.settings, **extra)


class PlanView(ProjectPlanMixin, TemplateView):
    template_name = "schedules/plan.html"

    def get_context_data(self, **kwargs):
        return self.plan_context(tab="plan")

    def post(self, request, pk):
        """Re-schedule now (after a calendar or status-date change made elsewhere)."""
        result = services.do_reschedule(request.user, self.project)
        messages.success(
            request,
            f"Re-scheduled in {result.took_ms:.0f} ms; {len(result.changed_ids)} tasks moved.",
        )
        return redirect("schedules:plan", pk=pk)


class TaskTableView(ProjectPlanMixin, TemplateView):
    template_name = "schedules/partials/task_rows.html"

    def get_context_data(self, **kwargs):
        return self.plan_context()


def _save_task_form(request, project, form, task=None):
    data = dict(form.cleaned_data)
    predecessors = data.pop("predecessors", None)
    if task is None:
        task, _ = services.do_create_task(request.user, project=project, **data)
    else:
        task, _ = services.do_update_task(request.user, task, **data)
    if predecessors is not None:
        services.do_set_predecessors(request.user, task, predecessors)
    return task


class TaskCreateView(ProjectPlanMixin, View):
    def post(self, request, pk):
        if not can(request.user, Action.CHANGE, self.project):
            raise PermissionDenied(f"You may not change the plan of {self.project}.")
        form = TaskForm(
            request.POST, project=self.project, hours_per_day=self.settings.calendar.hours_per_day
        )
        if form.is_valid():
            try:
                with transaction.atomic():
                    _save_task_form(request, self.project, form)
            except ValidationError as error:
                add_service_errors(form, error)
        if form.errors:
            context = self.plan_context(form=form)
            response = render(request, "schedules/partials/add_task.html", context)
            response["HX-Retarget"] = "#add-task"
            response["HX-Reswap"] = "outerHTML"
            return response
        return render(request, "schedules/partials/plan_body.html", self.plan_context())


class TaskRowEditView(LoginRequiredMixin, View):
    """GET: the row as a small form. POST: save, re-schedule, redraw every row."""

    def setup_task(self, request, pk):
        self.task = get_object_or_404(
            Task.objects.filter(project__in=visible_projects(request.user)), pk=pk
        )
        self.project = self.task.project
        if not can(request.user, Action.CHANGE, self.project):
            raise PermissionDenied(f"You may not change the plan of {self.project}.")
        self.settings = services.ensure_schedule(self.project)

    def form(self, data=None):
        row = next(r for r in selectors.task_table(self.project) if r["task"].pk == self.task.pk)
        return TaskForm(
            data,
            instance=self.task,
            project=self.project,
            hours_per_day=self.settings.calendar.hours_per_day,
            initial={"predecessors": row["predecessors"]},
        ), row

    def get(self, request, pk):
        self.setup_task(request, pk)
        form, row = self.form()
        return render(request, "schedules/partials/task_edit_row.html", {"form": form, "row": row})

    def post(self, request, pk):
        self.setup_task(request, pk)
        form, row = self.form(request.POST)
        if form.is_valid():
            try:
                with transaction.atomic():
                    _save_task_form(request, self.project, form, self.task)
            except ValidationError as error:
                add_service_errors(form, error)
                self.task.refresh_from_db()
        if form.errors:
            response = render(
                request, "schedules/partials/task_edit_row.html", {"form": form, "row": row}
            )
            response["HX-Retarget"] = f"#task-{self.task.pk}"
            response["HX-Reswap"] = "outerHTML"
            return response
        context = plan_context(request, self.project, self.settings)
        return render(request, "schedules/partials/task_rows.html", context)


class GanttPageView(ProjectPlanMixin, TemplateView):
    template_name = "schedules/gantt.html"

    def get_context_data(self, **kwargs):
        return {
            "project": self.project,
            "settings": self.settings,
            "tab": "gantt",
            "baselines": Baseline.objects.filter(project=self.project),
            "baseline_number": self.baseline_number(),
            "can_change": can(self.request.user, Action.CHANGE, self.project),
        }


def board_context(request, project) -> dict:
    columns = selectors.board_columns(project)
    return {
        "project": project,
        "tab": "board",
        "columns": [(s, BoardStatus(s).label, columns[s]) for s in BoardStatus.values],
        "can_contribute": can(request.user, Action.CONTRIBUTE, project),
    }


class BoardView(ProjectPlanMixin, TemplateView):
    template_name = "schedules/board.html"

    def get_context_data(self, **kwargs):
        return board_context(self.request, self.project) | {"settings": self.settings}


class BoardMoveView(LoginRequiredMixin, View):
    """Drop a card in a column: its board status (and progress at the ends) follows."""

    def post(self, request, pk):
        task = get_object_or_404(
            Task.objects.filter(project__in=visible_projects(request.user)), pk=pk
        )
        try:
            services.do_move_on_board(request.user, task, request.POST.get("status", ""))
        except ValidationError as error:
            return render(
                request,
                "schedules/partials/board_error.html",
                {"message": " ".join(error.messages)},
                status=400,
            )
        return render(request, "schedules/board.html", board_context(request, task.project))


class BaselineCaptureView(ProjectPlanMixin, View):
    def post(self, request, pk):
        try:
            number = int(request.POST.get("number", "0"))
        except ValueError:
            number = -1
        try:
            baseline = services.do_capture_baseline(
                request.user, self.project, number=number, name=request.POST.get("name", "")
            )
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
            return redirect("schedules:plan", pk=pk)
        messages.success(
            request, f"{baseline} saved: {counted(baseline.tasks.count(), 'task')} as planned now."
        )
        return redirect(f"{request.path.replace('baselines/', 'plan/')}?baseline={number}")


class RoadmapView(LoginRequiredMixin, TemplateView):
    template_name = "schedules/roadmap.html"

    def get_context_data(self, **kwargs):
        program = get_object_or_404(visible_programs(self.request.user), pk=kwargs["pk"])
        return {
            "program": program,
            "roadmap": selectors.program_roadmap(self.request.user, program),
        }


class ScheduleSettingsView(ProjectPlanMixin, View):
    """Calendar, start or finish, status date and the critical threshold of a plan."""

    def post(self, request, pk):
        form = ScheduleSettingsForm(
            request.POST,
            instance=self.settings,
            calendars=selectors.visible_calendars(request.user, self.project),
        )
        if form.is_valid():
            try:
                services.do_update_schedule_settings(
                    request.user, self.project, **form.cleaned_data
                )
            except ValidationError as error:
                add_service_errors(form, error)
        if form.errors:
            self.settings.refresh_from_db()
            context = self.plan_context(tab="plan", settings_form=form, settings_open=True)
            return render(request, "schedules/plan.html", context, status=400)
        messages.success(request, "Schedule settings saved; the plan was re-scheduled.")
        return redirect("schedules:plan", pk=pk)


class CalendarListView(LoginRequiredMixin, TemplateView):
    template_name = "schedules/calendar_list.html"

    def get_context_data(self, **kwargs):
        return {
            "calendars": selectors.calendars_with_usage(
                selectors.visible_calendars(self.request.user)
            )
        }


class CalendarEditView(LoginRequiredMixin, TemplateView):
    """One form for the calendar and a formset for its exceptions, saved together."""

    template_name = "schedules/calendar_form.html"

    def dispatch(self, request, *args, **kwargs):
        self.calendar = None
        if request.user.is_authenticated and "pk" in kwargs:
            self.calendar = get_object_or_404(
                selectors.visible_calendars(request.user), pk=kwargs["pk"]
            )
        return super().dispatch(request, *args, **kwargs)

    def forms(self, data=None):
        from pmo.portfolios.selectors import visible_portfolios

        form = CalendarForm(
            data,
            instance=self.calendar or Calendar(),
            portfolios=visible_portfolios(self.request.user),
        )
        initial = [
            {
                "name": e.name,
                "start": e.start,
                "end": e.end,
                "working": e.working,
                "hours_text": ", ".join(e.hours),
            }
            for e in (self.calendar.exceptions.all() if self.calendar else [])
        ]
        formset = CalendarExceptionFormSet(data, initial=initial, prefix="exceptions")
        return form, formset

    def context(self, form, formset) -> dict:
        holidays = []
        if self.calendar is not None:
            holidays = selectors.public_holidays(self.calendar, timezone.localdate().year)
        return {"form": form, "formset": formset, "calendar": self.calendar, "holidays": holidays}

    def get(self, request, *args, **kwargs):
        form, formset = self.forms()
        return self.render_to_response(self.context(form, formset))

    def post(self, request, *args, **kwargs):
        form, formset = self.forms(request.POST)
        if form.is_valid() and formset.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in CalendarForm.DAYS}
            data["exceptions"] = [
                {k: v for k, v in row.items() if k != "hours_text" and k != "DELETE"}
                for row in formset.cleaned_data
                if row and not row.get("DELETE")
            ]
            try:
                calendar = calendar_services.do_save_calendar(request.user, data, self.calendar)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(
                    request, f"Calendar {calendar} saved; its plans were re-scheduled."
                )
                return redirect("schedules:calendar-list")
        return self.render_to_response(self.context(form, formset), status=400)


class TaskDetailView(LoginRequiredMixin, View):
    """A task's own page: notes, constraint, deadline, calendar, actuals, assignee."""

    template_name = "schedules/task_detail.html"

    def setup_task(self, request, pk):
        self.task = get_object_or_404(
            Task.objects.filter(project__in=visible_projects(request.user)).select_related(
                "project"
            ),
            pk=pk,
        )
        self.project = self.task.project
        self.settings = services.ensure_schedule(self.project)
        self.can_change = can(request.user, Action.CHANGE, self.project)

    def form(self, request, data=None):
        return TaskDetailForm(
            data,
            instance=self.task,
            project=self.project,
            hours_per_day=self.settings.calendar.hours_per_day,
            calendars=selectors.visible_calendars(request.user, self.project),
        )

    def render_page(self, request, form, status=200):
        predecessors = Dependency.objects.filter(successor=self.task).select_related(
            "predecessor", "predecessor__project"
        )
        successors = Dependency.objects.filter(predecessor=self.task).select_related(
            "successor", "successor__project"
        )
        context = {
            "task": self.task,
            "project": self.project,
            "settings": self.settings,
            "form": form,
            "can_change": self.can_change,
            "predecessors": predecessors,
            "successors": successors,
            "total_float": self._float(self.task.total_float_minutes),
            "free_float": self._float(self.task.free_float_minutes),
            "tab": "plan",
        }
        return render(request, self.template_name, context, status=status)

    def _float(self, minutes: int | None) -> str:
        # In days like the task table, not minutes.
        return format_duration(minutes or 0, self.settings.calendar.hours_per_day)

    def get(self, request, pk):
        self.setup_task(request, pk)
        return self.render_page(request, self.form(request))

    def post(self, request, pk):
        self.setup_task(request, pk)
        if not self.can_change:
            raise PermissionDenied(f"You may not change the plan of {self.project}.")
        form = self.form(request, request.POST)
        if form.is_valid():
            try:
                services.do_update_task(request.user, self.task, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
        if form.errors:
            self.task.refresh_from_db()
            return self.render_page(request, form, status=400)
        messages.success(request, f"Task {self.task.outline} saved; the plan was re-scheduled.")
        return redirect("schedules:plan", pk=self.project.pk)
