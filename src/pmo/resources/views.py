"""Resource pages: capacity heatmap, pool, find a person, team tab, leveling, timesheets
and metrics. Views parse input, check permission and call selectors or services.
"""

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import DetailView, TemplateView
from django_filters.views import FilterView

from pmo.core.choices import Action
from pmo.core.permissions import can
from pmo.core.text import counted
from pmo.core.views import ServiceFormView
from pmo.portfolios.selectors import visible_portfolios, visible_programs, visible_projects
from pmo.schedules.services import ensure_schedule

from . import selectors, services
from .choices import ResourceKind
from .filtersets import ResourceFilterSet
from .forms import (
    AssignmentForm,
    CapacityChangeForm,
    DecisionForm,
    FindPersonForm,
    HeatmapForm,
    LevelForm,
    RateForm,
    ReplaceRoleForm,
    ResourceForm,
    SkillForm,
)
from .models import Assignment, Resource, ResourceSkill, Timesheet
from .workload import week_start


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# --- capacity heatmap -----------------------------------------------------------------


def _heatmap_scopes(user) -> dict:
    """What the heatmap's "Work in" and "People in" filters offer: the user's portfolios
    and programs (the page and its Excel export must offer the same)."""
    return {"portfolios": visible_portfolios(user), "programs": visible_programs(user)}


class HeatmapView(LoginRequiredMixin, TemplateView):
    template_name = "resources/heatmap.html"

    def get_template_names(self):
        if getattr(self.request, "htmx", None) and not self.request.htmx.boosted:
            return ["resources/partials/heatmap_table.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        scopes = _heatmap_scopes(self.request.user)
        form = HeatmapForm(self.request.GET or None, **scopes)
        params = form.params(timezone.localdate())
        # The controls show what is on screen, defaults included (which weeks, and so on).
        form = HeatmapForm(
            initial={**params, "bookings": "all" if params["soft"] else "hard"}, **scopes
        )
        heat = selectors.heatmap(**params)
        query = self.request.GET.copy()
        return super().get_context_data(
            form=form,
            heat=heat,
            params=params,
            section="capacity",
            soft_param="1" if params["soft"] else "",
            query=query.urlencode(),
            **kwargs,
        )


class HeatmapExportView(LoginRequiredMixin, View):
    def get(self, request):
        from django.http import HttpResponse

        from .exports import heatmap_workbook

        form = HeatmapForm(request.GET or None, **_heatmap_scopes(request.user))
        params = form.params(timezone.localdate())
        heat = selectors.heatmap(**params)
        response = HttpResponse(
            heatmap_workbook(heat),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"capacity-{params['group']}-{params['start']:%Y-%m-%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response


class HeatmapCellView(LoginRequiredMixin, TemplateView):
    template_name = "resources/partials/cell_detail.html"

    def get_context_data(self, **kwargs):
        get = self.request.GET
        try:
            group, raw_key = get["key"].split("-")
            start = dt.date.fromisoformat(get["start"])
            end = dt.date.fromisoformat(get["end"])
            key = int(raw_key)
        except (KeyError, ValueError) as error:
            raise Http404("This cell does not exist.") from error
        if (end - start).days > 366 or end < start:
            raise Http404("This cell does not exist.")
        detail = selectors.cell_detail(
            self.request.user,
            group=group,
            key=key,
            start=start,
            end=end,
            soft=get.get("soft", "1") == "1",
        )
        return super().get_context_data(detail=detail, label=get.get("label", ""), **kwargs)


# --- pool ---------------------------------------------------------------------------


class PoolView(LoginRequiredMixin, FilterView):
    template_name = "resources/pool.html"
    filterset_class = ResourceFilterSet

    def get_queryset(self):
        return selectors.pool().prefetch_related("skills__skill")

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            section="pool",
            kinds=ResourceKind.choices,
            can_manage=selectors.can_manage_pool(self.request.user),
            **kwargs,
        )


class ResourceDetailView(LoginRequiredMixin, DetailView):
    template_name = "resources/resource_detail.html"
    context_object_name = "resource"

    def get_queryset(self):
        return selectors.pool()

    def get_context_data(self, **kwargs):
        resource, user = self.object, self.request.user
        today = timezone.localdate()
        heat = selectors.heatmap(start=week_start(today), periods=12, q="")
        row = next((r for r in heat["rows"] if r.key == f"resource-{resource.pk}"), None)
        assignments = (
            Assignment.objects.filter(resource=resource, task__project__in=visible_projects(user))
            .exclude(task__percent_complete=100)
            .select_related("task", "task__project")
            .order_by("task__start")[:50]
        )
        weeks = selectors.resource_weeks(
            resource, start=week_start(today) - dt.timedelta(weeks=8), periods=20
        )
        return super().get_context_data(
            section="pool",
            weeks=weeks,
            heat=heat,
            row=row,
            assignments=assignments,
            skills=resource.skills.select_related("skill"),
            changes=resource.capacity_changes.all(),
            rates=resource.rates.all() if selectors.can_manage_pool(user) else None,
            can_manage=selectors.can_manage_resource(user, resource),
            can_manage_pool=selectors.can_manage_pool(user),
            skill_form=SkillForm(),
            change_form=CapacityChangeForm(),
            rate_form=RateForm(),
            **kwargs,
        )


class ResourceFormView(ServiceFormView):
    form_class = ResourceForm
    template_name = "resources/form.html"
    success_message = "{obj} saved."

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            if not selectors.can_manage_pool(request.user):
                raise PermissionDenied("Only PMO admins may change the resource pool.")
            if "pk" in kwargs:
                self.instance = get_object_or_404(Resource, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def perform(self, form):
        return services.do_save_resource(self.request.user, self.instance, **form.cleaned_data)

    def get_success_url(self, obj=None):
        return reverse("resources:resource-detail", args=[obj.pk])

    def get_context_data(self, **kwargs):
        title = f"Edit {self.instance}" if self.instance else "New resource"
        return super().get_context_data(title=title, section="pool", **kwargs)


class ResourceChangeView(LoginRequiredMixin, View):
    """The small forms on a resource page: a skill, a capacity change, a rate."""

    def post(self, request, pk, what):
        resource = get_object_or_404(Resource, pk=pk)
        forms = {"skill": SkillForm, "capacity": CapacityChangeForm, "rate": RateForm}
        if what == "remove-skill":
            held = get_object_or_404(ResourceSkill, pk=request.POST.get("id"), resource=resource)
            services.do_remove_skill(request.user, held)
            return redirect("resources:resource-detail", pk=pk)
        if what not in forms:
            raise Http404("Unknown change.")
        form = forms[what](request.POST)
        if not form.is_valid():
            for field, errors in form.errors.items():
                messages.error(request, f"{field}: {' '.join(errors)}")
            return redirect("resources:resource-detail", pk=pk)
        data = form.cleaned_data
        try:
            if what == "skill":
                services.do_set_skill(request.user, resource, data["skill"], data["level"])
            elif what == "capacity":
                services.do_add_capacity_change(request.user, resource, **data)
            else:
                services.do_add_rate(request.user, resource, **data)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, "Saved.")
        return redirect("resources:resource-detail", pk=pk)


class FindPersonView(LoginRequiredMixin, TemplateView):
    template_name = "resources/find.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        initial = {
            "start": today,
            "end": today + dt.timedelta(days=27),
            "min_level": 1,
            "hours": 0,
        }
        # A link may carry only some fields (?skill=3): the rest take their defaults.
        data = None
        if self.request.GET:
            data = {k: str(v) for k, v in initial.items()} | {
                k: v for k, v in self.request.GET.dict().items() if v != ""
            }
        form = FindPersonForm(data, initial=initial)
        results = None
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            results = selectors.find_people(
                skill=data["skill"],
                min_level=data["min_level"],
                role=data["role"],
                start=data["start"],
                end=data["end"],
                hours=float(data["hours"] or 0),
            )
        return super().get_context_data(form=form, results=results, section="find", **kwargs)


class MetricsView(LoginRequiredMixin, TemplateView):
    template_name = "resources/metrics.html"

    def get_context_data(self, **kwargs):
        granularity = "month" if self.request.GET.get("granularity") == "month" else "week"
        today = timezone.localdate()
        if granularity == "week":
            start, periods = week_start(today) - dt.timedelta(weeks=11), 12
        else:
            start, periods = (today.replace(day=1) - dt.timedelta(days=150)).replace(day=1), 6
        data = selectors.metrics(start=start, periods=periods, granularity=granularity)
        return super().get_context_data(
            data=data, granularity=granularity, section="metrics", **kwargs
        )


# --- project team and leveling --------------------------------------------------------


class ProjectTeamView(LoginRequiredMixin, TemplateView):
    template_name = "resources/team.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.project = get_object_or_404(visible_projects(request.user), pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        project, user = self.project, self.request.user
        assignments = list(selectors.assignments_of_project(project))
        today = timezone.localdate()
        data = selectors.metrics(
            start=week_start(today) - dt.timedelta(weeks=11),
            periods=12,
            resources=list({a.resource for a in assignments}),
            project_ids=[project.pk],
        )
        return super().get_context_data(
            project=project,
            settings=ensure_schedule(project) if can(user, Action.VIEW, project) else None,
            assignments=assignments,
            bookings=selectors.bookings_of_project(project),
            runs=selectors.leveling_runs(user, project=project)[:10],
            can_change=can(user, Action.CHANGE, project),
            assignment_form=AssignmentForm(project=project),
            booking_grid=selectors.booking_grid(project, timezone.localdate().replace(day=1)),
            bookable=Resource.objects.filter(
                is_active=True, kind__in=[ResourceKind.PERSON, ResourceKind.ROLE]
            ).order_by("kind", "name"),
            replace_form=ReplaceRoleForm(),
            staffing=selectors.staffing_suggestions(project)
            if can(user, Action.CHANGE, project)
            else [],
            level_form=LevelForm(),
            data=data,
            **kwargs,
        )

    def post(self, request, pk):
        """Add an assignment or a booking, remove an assignment, or replace a role."""
        project = self.project
        what = request.POST.get("what")
        try:
            if what == "assign":
                form = AssignmentForm(request.POST, project=project)
                if not form.is_valid():
                    raise ValidationError(_form_errors(form))
                data = form.cleaned_data
                hours = data.pop("work_hours")
                services.do_assign(
                    request.user,
                    work_minutes=round(hours * 60) if hours is not None else None,
                    **data,
                )
                messages.success(request, f"{data['resource']} assigned to {data['task'].name}.")
            elif what == "unassign":
                assignment = get_object_or_404(
                    Assignment, pk=request.POST.get("id"), task__project=project
                )
                services.do_unassign(request.user, assignment)
                messages.success(request, "Assignment removed.")
            elif what == "bookgrid":
                saved = services.do_save_bookings(
                    request.user, project=project, rows=_booking_rows(request.POST)
                )
                messages.success(request, f"Bookings saved ({counted(saved, 'month')}).")
            elif what == "replace":
                form = ReplaceRoleForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(_form_errors(form))
                done = services.do_replace_role(request.user, project=project, **form.cleaned_data)
                messages.success(
                    request,
                    f"{form.cleaned_data['person']} takes over "
                    f"{counted(done['assignments'], 'assignment')} and "
                    f"{counted(done['bookings'], 'booking')}.",
                )
            else:
                raise Http404("Unknown action.")
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect("resources:team", pk=pk)


def _booking_rows(post) -> list[dict]:
    """The booking grid's cells: ``bk-<resource>-<YYYY-MM>`` hours, ``kind-<resource>``,
    and a new row chosen in ``new-resource``.
    """
    rows: dict[str, dict] = {}
    new_resource = post.get("new-resource", "")
    for key, value in post.items():
        match = re.fullmatch(r"bk-(\w+)-(\d{4})-(\d{2})", key)
        if not match:
            continue
        ref = match.group(1)
        if ref == "new":
            if not new_resource or not value.strip():
                continue
            ref = new_resource
        month = dt.date(int(match.group(2)), int(match.group(3)), 1)
        try:
            hours = Decimal((value or "0").replace(",", ".").strip() or "0")
        except InvalidOperation as error:
            raise ValidationError(f"{month:%b %Y}: {value!r} is not a number of hours.") from error
        row = rows.setdefault(ref, {"hours": {}})
        row["hours"][month] = hours
    resources = Resource.objects.in_bulk([int(r) for r in rows if r.isdigit()])
    out = []
    for ref, row in rows.items():
        resource = resources.get(int(ref)) if ref.isdigit() else None
        if resource is None:
            raise ValidationError(f"Resource {ref} does not exist.")
        kind = post.get(f"kind-{ref}") or post.get("new-kind") or "soft"
        out.append({"resource": resource, "kind": kind, "hours": row["hours"]})
    return out


def _form_errors(form) -> str:
    return " ".join(
        f"{form.fields[f].label if f in form.fields else ''}: {' '.join(e)}".lstrip(": ")
        for f, e in form.errors.items()
    )


class ProgramLevelingView(LoginRequiredMixin, TemplateView):
    template_name = "resources/program_leveling.html"

    def get_context_data(self, **kwargs):
        program = get_object_or_404(visible_programs(self.request.user), pk=self.kwargs["pk"])
        # The program's people, all their work counted, for the next twelve weeks.
        heat = selectors.heatmap(start=week_start(timezone.localdate()), program=program)
        return super().get_context_data(
            program=program,
            heat=heat,
            soft_param="1",
            runs=selectors.leveling_runs(self.request.user, program=program)[:10],
            can_change=can(self.request.user, Action.CHANGE, program),
            level_form=LevelForm(),
            **kwargs,
        )


class StartLevelingView(LoginRequiredMixin, View):
    def post(self, request, level, pk):
        form = LevelForm(request.POST)
        mode = form.cleaned_data["mode"] if form.is_valid() else "finish"
        if level == "project":
            scope = get_object_or_404(visible_projects(request.user), pk=pk)
            run = services.do_start_leveling(request.user, project=scope, mode=mode)
        elif level != "program":
            raise Http404("Level a project or a program.")
        else:
            scope = get_object_or_404(visible_programs(request.user), pk=pk)
            run = services.do_start_leveling(request.user, program=scope, mode=mode)
        return redirect(run)


class LevelingRunView(LoginRequiredMixin, DetailView):
    template_name = "resources/leveling_run.html"
    context_object_name = "run"

    def get_queryset(self):
        return selectors.leveling_runs(self.request.user)

    def get_template_names(self):
        if getattr(self.request, "htmx", None) and not self.request.htmx.boosted:
            return ["resources/partials/leveling_body.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        run = self.object
        moves = run.preview.get("moves", [])
        for move in moves:
            move["old"] = dt.datetime.fromisoformat(move["old_start"])
            move["new"] = dt.datetime.fromisoformat(move["new_start"])
        for finish in run.preview.get("finishes", []):
            finish["old_dt"] = dt.datetime.fromisoformat(finish["old"]) if finish["old"] else None
            finish["new_dt"] = dt.datetime.fromisoformat(finish["new"])
        for conflict in run.preview.get("conflicts", []):
            conflict["from_d"] = dt.date.fromisoformat(conflict["from"])
            conflict["to_d"] = dt.date.fromisoformat(conflict["to"])
        load = run.preview.get("load", [])
        return super().get_context_data(
            moves=moves,
            load=load,
            load_before=sum(row["before"] for row in load),
            load_after=sum(row["after"] for row in load),
            load_height=80 + 28 * min(25, len(load)),
            can_change=can(self.request.user, Action.CHANGE, run.scope),
            **kwargs,
        )

    def post(self, request, pk):
        run = get_object_or_404(self.get_queryset(), pk=pk)
        action = request.POST.get("action")
        try:
            if action == "apply":
                count = services.do_apply_leveling(request.user, run)
                messages.success(request, f"Leveling applied: {counted(count, 'task')} delayed.")
            elif action == "undo":
                done = services.do_undo_leveling(request.user, run)
                text = f"Leveling undone: {counted(done['restored'], 'task')} restored."
                if done["kept"]:
                    text += " Changed by hand since, left as they are: " + ", ".join(done["kept"])
                messages.success(request, text)
            elif action == "discard":
                services.do_discard_leveling(request.user, run)
                messages.success(request, "Preview discarded.")
            else:
                raise Http404("Unknown action.")
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect(run)


# --- timesheets -----------------------------------------------------------------------

HOURS = re.compile(r"^\s*(\d{1,2})(?:[:h](\d{1,2}))?\s*$")


def parse_hours(text: str) -> int:
    """Minutes in "7.5", "7,5", "7:30" or "7h30"; empty is zero."""
    text = (text or "").strip()
    if not text:
        return 0
    match = HOURS.match(text)
    if match and match.group(2) is not None:
        minutes = int(match.group(1)) * 60 + int(match.group(2))
    else:
        try:
            minutes = round(Decimal(text.replace(",", ".")) * 60)
        except InvalidOperation as error:
            raise ValueError(f"{text!r} is not a number of hours (e.g. 7.5 or 7:30).") from error
    if minutes < 0 or minutes > 24 * 60:
        raise ValueError(f"{text!r}: a day holds 0 to 24 hours.")
    return minutes


class TimesheetView(LoginRequiredMixin, TemplateView):
    template_name = "resources/timesheet.html"

    def _week(self) -> dt.date:
        value = self.request.GET.get("week") or self.request.POST.get("week")
        try:
            day = dt.date.fromisoformat(value) if value else timezone.localdate()
        except ValueError:
            day = timezone.localdate()
        return week_start(day)

    def get_context_data(self, **kwargs):
        resource = selectors.resource_of(self.request.user)
        monday = self._week()
        grid = selectors.timesheet_grid(resource, monday) if resource else None
        recent = (
            Timesheet.objects.filter(resource=resource).order_by("-week_start")[:8]
            if resource
            else []
        )
        return super().get_context_data(
            resource=resource,
            grid=grid,
            monday=monday,
            today_col=(timezone.localdate() - monday).days
            if 0 <= (timezone.localdate() - monday).days < 7
            else 0,
            previous=monday - dt.timedelta(days=7),
            next=monday + dt.timedelta(days=7),
            recent=recent,
            section="timesheet",
            approvals=selectors.timesheets_to_approve(self.request.user).count(),
            **kwargs,
        )

    def post(self, request):
        resource = selectors.resource_of(request.user)
        if resource is None:
            raise PermissionDenied("You are not in the resource pool, so you have no timesheet.")
        monday = self._week()
        action = request.POST.get("action", "save")
        url = f"{reverse('resources:timesheet')}?week={monday.isoformat()}"
        try:
            if action == "copy":
                services.do_copy_last_week(request.user, resource=resource, week=monday)
                messages.success(request, "Last week's rows and hours copied.")
                return redirect(url)
            rows = {}
            labels = dict(
                Assignment.objects.filter(resource=resource).values_list("pk", "task__name")
            )
            for key, value in request.POST.items():
                match = re.fullmatch(r"h-(\d+)-([0-6])", key)
                if not match:
                    continue
                assignment_id, day = int(match.group(1)), int(match.group(2))
                try:
                    minutes = parse_hours(value)
                except ValueError as error:
                    when = monday + dt.timedelta(days=day)
                    row = labels.get(assignment_id, f"row {assignment_id}")
                    raise ValidationError(f"'{row}', {when:%a %d %b}: {error}") from error
                rows.setdefault(assignment_id, [0] * 7)[day] = minutes
            added = request.POST.get("add-assignment", "")
            if added.isdigit():
                # A task outside this week's plan that the person worked on anyway.
                values = rows.setdefault(int(added), [0] * 7)
                for day in range(7):
                    try:
                        values[day] += parse_hours(request.POST.get(f"h-add-{day}", ""))
                    except ValueError as error:
                        when = monday + dt.timedelta(days=day)
                        raise ValidationError(f"Added row, {when:%a %d %b}: {error}") from error
            sheet = services.do_save_timesheet(
                request.user, resource=resource, week=monday, rows=rows
            )
            if action == "submit":
                services.do_submit_timesheet(request.user, sheet)
                messages.success(request, f"Week of {monday:%d %b} submitted for approval.")
            else:
                messages.success(request, "Saved.")
        except ValidationError as error:
            messages.error(request, _error_text(error))
        return redirect(url)


class ApprovalsView(LoginRequiredMixin, TemplateView):
    template_name = "resources/approvals.html"

    def get_context_data(self, **kwargs):
        sheets = list(selectors.timesheets_to_approve(self.request.user))
        grids = selectors.entry_grids(sheets)
        planned = selectors.planned_in_week(sheets)
        for sheet, grid in grids:
            for row in grid["rows"]:
                row["planned"] = planned.get((sheet.pk, row["assignment"].pk), 0)
        return super().get_context_data(
            grids=grids, form=DecisionForm(), section="approvals", **kwargs
        )

    def post(self, request):
        form = DecisionForm(request.POST)
        comment = form.cleaned_data["comment"] if form.is_valid() else ""
        if request.POST.get("action") == "approve_selected":
            return self._approve_selected(request, comment)
        sheet = get_object_or_404(
            selectors.timesheets_to_approve(request.user), pk=request.POST.get("id")
        )
        try:
            if request.POST.get("action") == "approve":
                services.do_approve_timesheet(request.user, sheet, comment)
                messages.success(request, f"{sheet} approved.")
            else:
                services.do_reject_timesheet(request.user, sheet, comment)
                messages.success(request, f"{sheet} sent back to {sheet.resource}.")
        except ValidationError as error:
            messages.error(request, _error_text(error))
        except PermissionDenied as error:
            # Approval also moves task progress, which needs a right on the project.
            messages.error(request, str(error))
        return redirect("resources:approvals")

    def _approve_selected(self, request, comment: str):
        ids = [int(i) for i in request.POST.getlist("ids") if i.isdigit()]
        sheets, missing = selectors.waiting_for(request.user, ids)
        if missing:
            messages.error(request, "Some of the selected weeks no longer wait for you: reload.")
            return redirect("resources:approvals")
        try:
            approved = services.do_approve_timesheets(request.user, sheets, comment)
        except ValidationError as error:
            messages.error(request, f"{_error_text(error)} Nothing was approved.")
        except PermissionDenied as error:
            messages.error(request, f"{error} Nothing was approved.")
        else:
            n = len(approved)
            messages.success(request, f"{counted(n, 'week')} approved.")
        return redirect("resources:approvals")
