"""Resource API: the pool, assignments, bookings, timesheets, leveling, and the capacity
views. Views parse input, check permission and call selectors or services.
"""

import datetime as dt

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from pmo.portfolios.selectors import visible_portfolios, visible_programs, visible_projects
from pmo.schedules.selectors import visible_tasks

from .. import selectors, services
from ..choices import Granularity, Grouping
from ..filtersets import ResourceFilterSet
from ..models import (
    Assignment,
    Booking,
    CapacityChange,
    CostRate,
    JobRole,
    OrgUnit,
    ResourceSkill,
    Skill,
    Timesheet,
)
from ..workload import week_start
from .serializers import (
    AssignmentSerializer,
    BookingSerializer,
    BulkDecisionSerializer,
    CapacityChangeSerializer,
    CostRateSerializer,
    DecisionSerializer,
    JobRoleSerializer,
    LevelingRunSerializer,
    OrgUnitSerializer,
    ResourceSerializer,
    ResourceSkillSerializer,
    SkillSerializer,
    TimesheetSaveSerializer,
    TimesheetSerializer,
    WeekSerializer,
)


def _date(request, name: str, default: dt.date | None = None) -> dt.date:
    value = request.query_params.get(name)
    if not value:
        if default is None:
            raise ValidationError({name: "This parameter is required (YYYY-MM-DD)."})
        return default
    try:
        return dt.date.fromisoformat(value)
    except ValueError as error:
        raise ValidationError({name: f"{value!r} is not a date (YYYY-MM-DD)."}) from error


def _int(request, name: str, default: int, low: int, high: int) -> int:
    value = request.query_params.get(name)
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError as error:
        raise ValidationError({name: f"{value!r} is not a whole number."}) from error
    if not low <= number <= high:
        raise ValidationError({name: f"Give a number from {low} to {high}."})
    return number


# --- the pool -----------------------------------------------------------------------


class ResourceViewSet(viewsets.ModelViewSet):
    """The organisation's pool. Anyone signed in reads it; PMO admins change it."""

    serializer_class = ResourceSerializer
    filterset_class = ResourceFilterSet

    def get_queryset(self):
        return selectors.pool().prefetch_related("skills__skill")

    def perform_create(self, serializer):
        serializer.instance = services.do_save_resource(
            self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services.do_save_resource(
            self.request.user, serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance):
        # Resources carry history (assignments, timesheets): they are retired, not deleted.
        services.do_save_resource(self.request.user, instance, is_active=False)


class _CreateList(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    pass


class SkillViewSet(_CreateList):
    serializer_class = SkillSerializer
    queryset = Skill.objects.all()

    def perform_create(self, serializer):
        serializer.instance = services.do_create_skill(
            self.request.user, **serializer.validated_data
        )


class JobRoleViewSet(_CreateList):
    serializer_class = JobRoleSerializer
    queryset = JobRole.objects.all()

    def perform_create(self, serializer):
        serializer.instance = services.do_create_role(
            self.request.user, **serializer.validated_data
        )


class OrgUnitViewSet(_CreateList):
    serializer_class = OrgUnitSerializer
    queryset = OrgUnit.objects.all()

    def perform_create(self, serializer):
        serializer.instance = services.do_create_org_unit(
            self.request.user, **serializer.validated_data
        )


class ResourceSkillViewSet(_CreateList, mixins.DestroyModelMixin):
    serializer_class = ResourceSkillSerializer
    filterset_fields = ["resource", "skill", "level"]
    queryset = ResourceSkill.objects.select_related("skill")

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.do_set_skill(
            self.request.user, data["resource"], data["skill"], data["level"]
        )

    def perform_destroy(self, instance):
        services.do_remove_skill(self.request.user, instance)


class CapacityChangeViewSet(_CreateList, mixins.DestroyModelMixin):
    """Part-time, leave and other changes of a resource's availability."""

    serializer_class = CapacityChangeSerializer
    filterset_fields = ["resource", "reason"]
    queryset = CapacityChange.objects.all()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        resource = data.pop("resource")
        serializer.instance = services.do_add_capacity_change(self.request.user, resource, **data)

    def perform_destroy(self, instance):
        services.do_delete_capacity_change(self.request.user, instance)


class CostRateViewSet(_CreateList):
    """Effective-dated hourly rates; only PMO admins see and set them."""

    serializer_class = CostRateSerializer
    filterset_fields = ["resource"]

    def get_queryset(self):
        if not selectors.can_manage_pool(self.request.user):
            return CostRate.objects.none()
        return CostRate.objects.all()

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        resource = data.pop("resource")
        serializer.instance = services.do_add_rate(self.request.user, resource, **data)


# --- assignments and bookings -------------------------------------------------------


class AssignmentViewSet(viewsets.ModelViewSet):
    serializer_class = AssignmentSerializer
    filterset_fields = ["task", "resource", "task__project"]

    def get_queryset(self):
        return Assignment.objects.filter(
            task__project__in=visible_projects(self.request.user)
        ).select_related("task", "resource")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        task = get_object_or_404(visible_tasks(self.request.user), pk=data.pop("task").pk)
        serializer.instance = services.do_assign(self.request.user, task=task, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        data.pop("task", None)
        data.pop("resource", None)
        serializer.instance = services.do_update_assignment(
            self.request.user, serializer.instance, **data
        )

    def perform_destroy(self, instance):
        services.do_unassign(self.request.user, instance)


class BookingViewSet(viewsets.ModelViewSet):
    """Monthly bookings; saving 0 hours removes a booking."""

    serializer_class = BookingSerializer
    filterset_fields = ["project", "resource", "month", "kind"]

    def get_queryset(self):
        return Booking.objects.filter(project__in=visible_projects(self.request.user))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        project = get_object_or_404(visible_projects(self.request.user), pk=data.pop("project").pk)
        serializer.instance = services.do_book(self.request.user, project=project, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        booking = serializer.instance
        data.setdefault("resource", booking.resource)
        data.setdefault("month", booking.month)
        data.setdefault("hours", booking.hours)
        data.pop("project", None)
        serializer.instance = services.do_book(self.request.user, project=booking.project, **data)

    def perform_destroy(self, instance):
        services.do_book(
            self.request.user,
            project=instance.project,
            resource=instance.resource,
            month=instance.month,
            hours=0,
        )


# --- timesheets ---------------------------------------------------------------------


class TimesheetViewSet(viewsets.ReadOnlyModelViewSet):
    """Own weeks, and the weeks of the people one approves."""

    serializer_class = TimesheetSerializer
    filterset_fields = ["resource", "status", "week_start"]

    queryset = Timesheet.objects.none()  # for the schema; requests use get_queryset

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Timesheet.objects.none()
        return selectors.visible_timesheets(self.request.user).prefetch_related("entries")

    def _own_resource(self):
        resource = selectors.resource_of(self.request.user)
        if resource is None:
            raise PermissionDenied("You are not in the resource pool, so you have no timesheet.")
        return resource

    @extend_schema(request=TimesheetSaveSerializer, responses=TimesheetSerializer)
    @action(detail=False, methods=["post"])
    def save(self, request):
        """Replace the caller's hours for a week (minutes per day per assignment)."""
        body = TimesheetSaveSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sheet = services.do_save_timesheet(
            request.user,
            resource=self._own_resource(),
            week=body.validated_data["week"],
            rows={int(k): v for k, v in body.validated_data["rows"].items()},
        )
        return Response(TimesheetSerializer(sheet).data)

    @extend_schema(request=WeekSerializer, responses=TimesheetSerializer)
    @action(detail=False, methods=["post"], url_path="copy-last-week")
    def copy_last_week(self, request):
        body = WeekSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sheet = services.do_copy_last_week(
            request.user, resource=self._own_resource(), week=body.validated_data["week"]
        )
        return Response(TimesheetSerializer(sheet).data)

    @extend_schema(request=None, responses=TimesheetSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        sheet = services.do_submit_timesheet(request.user, self.get_object())
        return Response(TimesheetSerializer(sheet).data)

    @extend_schema(request=DecisionSerializer, responses=TimesheetSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sheet = services.do_approve_timesheet(
            request.user, self.get_object(), body.validated_data["comment"]
        )
        return Response(TimesheetSerializer(sheet).data)

    @extend_schema(
        operation_id="timesheets_approve_many",
        request=BulkDecisionSerializer,
        responses=TimesheetSerializer(many=True),
    )
    @action(detail=False, methods=["post"], url_path="approve")
    def approve_many(self, request):
        """Approve several submitted weeks in one transaction: all of them, or none."""
        body = BulkDecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sheets, missing = selectors.waiting_for(request.user, body.validated_data["ids"])
        if missing:
            raise ValidationError({"ids": f"Not waiting for your approval: {missing}."})
        approved = services.do_approve_timesheets(
            request.user, sheets, body.validated_data["comment"]
        )
        return Response(TimesheetSerializer(approved, many=True).data)

    @extend_schema(request=DecisionSerializer, responses=TimesheetSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        body = DecisionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        sheet = services.do_reject_timesheet(
            request.user, self.get_object(), body.validated_data["comment"]
        )
        return Response(TimesheetSerializer(sheet).data)


# --- leveling -----------------------------------------------------------------------


class LevelingRunViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Create a run to compute a preview in the background (poll the run or its job),
    then apply it, discard it, or undo an applied one.
    """

    serializer_class = LevelingRunSerializer
    filterset_fields = ["project", "program", "status"]

    def get_queryset(self):
        return selectors.leveling_runs(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        project = data.get("project")
        program = data.get("program")
        if project is not None:
            project = get_object_or_404(visible_projects(request.user), pk=project.pk)
        if program is not None:
            program = get_object_or_404(visible_programs(request.user), pk=program.pk)
        run = services.do_start_leveling(
            request.user, project=project, program=program, mode=data.get("mode", "finish")
        )
        run.refresh_from_db()
        return Response(self.get_serializer(run).data, status=status.HTTP_202_ACCEPTED)

    @extend_schema(request=None, responses=LevelingRunSerializer)
    @action(detail=True, methods=["post"])
    def apply(self, request, pk=None):
        run = self.get_object()
        services.do_apply_leveling(request.user, run)
        run.refresh_from_db()
        return Response(self.get_serializer(run).data)

    @extend_schema(request=None, responses=LevelingRunSerializer)
    @action(detail=True, methods=["post"])
    def undo(self, request, pk=None):
        run = self.get_object()
        services.do_undo_leveling(request.user, run)
        run.refresh_from_db()
        return Response(self.get_serializer(run).data)

    @extend_schema(request=None, responses=LevelingRunSerializer)
    @action(detail=True, methods=["post"])
    def discard(self, request, pk=None):
        run = self.get_object()
        services.do_discard_leveling(request.user, run)
        run.refresh_from_db()
        return Response(self.get_serializer(run).data)


# --- capacity views -----------------------------------------------------------------


def _heat_json(heat: dict) -> dict:
    return {
        "group": heat["group"],
        "granularity": heat["granularity"],
        "periods": [
            {"start": p["start"].isoformat(), "end": p["end"].isoformat(), "label": p["label"]}
            for p in heat["periods"]
        ],
        "rows": [
            {
                "key": row.key,
                "label": row.label,
                "sublabel": row.sublabel,
                "cells": [
                    {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in c.items()}
                    for c in row.cells
                ],
            }
            for row in heat["rows"]
        ],
        "over_cells": heat["over_cells"],
        "over_rows": heat["over_rows"],
    }


class HeatmapView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("group", str, enum=Grouping.values),
            OpenApiParameter("granularity", str, enum=Granularity.values),
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("periods", int),
            OpenApiParameter("portfolio", int),
            OpenApiParameter("soft", bool),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        """Capacity and demand in hours by resource, role, skill or org unit, per week or
        month, counting all of everyone's work; ``over`` marks over-allocated cells.
        """
        q = request.query_params
        group = q.get("group", "resource")
        if group not in Grouping.values:
            raise ValidationError({"group": f"Use one of {', '.join(Grouping.values)}."})
        granularity = q.get("granularity", "week")
        if granularity not in Granularity.values:
            raise ValidationError({"granularity": "Use week or month."})
        portfolio = None
        if q.get("portfolio"):
            portfolio = get_object_or_404(visible_portfolios(request.user), pk=q["portfolio"])
        heat = selectors.heatmap(
            group=group,
            granularity=granularity,
            start=_date(request, "start", week_start(timezone.localdate())),
            periods=_int(request, "periods", 12, 1, 53),
            portfolio=portfolio,
            soft=q.get("soft", "true").lower() not in ("0", "false", "no"),
        )
        return Response(_heat_json(heat))


class HeatmapCellView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("group", str, enum=Grouping.values, required=True),
            OpenApiParameter("id", int, required=True),
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        """The assignments and bookings behind one cell; work on projects the caller
        cannot see is summed per person as ``hidden``.
        """
        group = request.query_params.get("group", "")
        if group not in Grouping.values:
            raise ValidationError({"group": f"Use one of {', '.join(Grouping.values)}."})
        start, end = _date(request, "start"), _date(request, "end")
        if end < start:
            raise ValidationError({"end": "The end is before the start."})
        detail = selectors.cell_detail(
            request.user, group=group, key=_int(request, "id", 0, 0, 2**62), start=start, end=end
        )
        return Response(
            {
                "start": start,
                "end": end,
                "capacity": detail["capacity"],
                "demand": detail["demand"],
                "lines": [
                    {**line, "project": line["project"].code, "project_id": line["project"].pk}
                    for line in detail["lines"]
                ],
                "hidden": detail["hidden"],
            }
        )


class FindPeopleView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("skill", int),
            OpenApiParameter("min_level", int),
            OpenApiParameter("role", int),
            OpenApiParameter("start", OpenApiTypes.DATE, required=True),
            OpenApiParameter("end", OpenApiTypes.DATE, required=True),
            OpenApiParameter("hours", float),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        """People with a skill (at a level or better) and free hours in a period."""
        q = request.query_params
        skill = get_object_or_404(Skill, pk=q["skill"]) if q.get("skill") else None
        role = get_object_or_404(JobRole, pk=q["role"]) if q.get("role") else None
        start, end = _date(request, "start"), _date(request, "end")
        if end < start or (end - start).days > 366:
            raise ValidationError({"end": "Give an end after the start, at most a year later."})
        try:
            hours = float(q.get("hours") or 0)
        except ValueError as error:
            raise ValidationError({"hours": "Give a number of hours."}) from error
        found = selectors.find_people(
            skill=skill,
            min_level=_int(request, "min_level", 1, 1, 4),
            role=role,
            start=start,
            end=end,
            hours=hours,
        )
        return Response(
            [{**row, "resource": row["resource"].pk, "name": row["resource"].name} for row in found]
        )


class MetricsView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("granularity", str, enum=Granularity.values),
            OpenApiParameter("start", OpenApiTypes.DATE),
            OpenApiParameter("periods", int),
            OpenApiParameter("project", int),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        """Utilisation per person and team, velocity (approved hours per period) and
        burn rate (approved cost per period), for everyone or for one project's team.
        """
        granularity = request.query_params.get("granularity", "week")
        if granularity not in Granularity.values:
            raise ValidationError({"granularity": "Use week or month."})
        periods = _int(request, "periods", 12, 1, 53)
        default = week_start(timezone.localdate()) - dt.timedelta(weeks=periods - 1)
        resources, project_ids = None, None
        if request.query_params.get("project"):
            project = get_object_or_404(
                visible_projects(request.user), pk=request.query_params["project"]
            )
            project_ids = [project.pk]
            resources = list({a.resource for a in selectors.assignments_of_project(project)})
        data = selectors.metrics(
            start=_date(request, "start", default),
            periods=periods,
            granularity=granularity,
            resources=resources,
            project_ids=project_ids,
        )
        return Response(data)


class LabourActualsView(APIView):
    @extend_schema(
        parameters=[
            OpenApiParameter("project", int, many=True, required=True),
            OpenApiParameter("until", OpenApiTypes.DATE),
        ],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request):
        """Approved labour by project, task and month (minutes and cost)."""
        ids = [int(i) for i in request.query_params.getlist("project") if i.isdigit()]
        visible = list(
            visible_projects(request.user).filter(pk__in=ids).values_list("pk", flat=True)
        )
        until = _date(request, "until", dt.date.max) if request.query_params.get("until") else None
        rows = selectors.labour_actuals(visible, until)
        return Response(
            [
                {
                    "project": p,
                    "task": t,
                    "month": m.isoformat(),
                    "minutes": minutes,
                    "cost": str(cost),
                }
                for p, t, m, minutes, cost in rows
            ]
        )
