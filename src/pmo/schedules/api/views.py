"""Plan API. Every write answers with what the re-schedule changed, so a client (the
Gantt) can move successors without reloading the plan.
"""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from pmo.core.api import ScopedObjectPermission
from pmo.core.choices import Action
from pmo.core.permissions import can
from pmo.portfolios.selectors import visible_projects

from .. import calendar_services as services_calendars
from .. import selectors, services
from ..models import Baseline
from .serializers import (
    BaselineSerializer,
    CalendarSerializer,
    DependencySerializer,
    ProjectScheduleSerializer,
    TaskSerializer,
)

PROGRESS_FIELDS = {
    "percent_complete",
    "actual_start",
    "actual_finish",
    "remaining_minutes",
    "board_status",
}

ChangeSerializer = inline_serializer(
    "ScheduleChange",
    {
        "changed": serializers.ListField(child=serializers.DictField()),
        "links": serializers.ListField(child=serializers.DictField(), required=False),
        "finish": serializers.DateTimeField(allow_null=True),
        "took_ms": serializers.FloatField(),
    },
)


def change_body(result: services.Rescheduled, project, links_changed: bool = False) -> dict:
    body = {
        "changed": result.changed_tasks,
        "finish": selectors.iso_utc(result.finish),
        "took_ms": round(result.took_ms, 1),
    }
    if links_changed:
        body["links"] = selectors.links_payload(project)
    return body


@extend_schema(
    methods=["POST", "PUT", "PATCH"],
    responses=inline_serializer(
        "TaskChange",
        {
            "task": TaskSerializer(),
            "changed": serializers.ListField(child=serializers.DictField()),
            "finish": serializers.DateTimeField(allow_null=True),
            "took_ms": serializers.FloatField(),
        },
    ),
)
class TaskViewSet(viewsets.ModelViewSet):
    """Tasks of the plans the caller may see. Writes re-schedule the project and answer
    with the task, every task whose dates changed, and the project's new finish.
    """

    serializer_class = TaskSerializer
    permission_classes = [ScopedObjectPermission]
    filterset_fields = ["project", "parent", "is_critical", "is_milestone", "board_status"]

    def get_queryset(self):
        return selectors.visible_tasks(self.request.user).order_by("project", "sort_key")

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("start", None)
        project = data.pop("project", None) or data["parent"].project
        task, result = services.do_create_task(request.user, project=project, **data)
        body = {"task": TaskSerializer(task).data, **change_body(result, project)}
        return Response(body, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        task = self.get_object_for_write()
        serializer = self.get_serializer(task, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("project", None)
        start = data.pop("start", None)
        if start is not None and not data:
            task, result = services.do_move_task(request.user, task, start)
        elif set(data) <= PROGRESS_FIELDS and not can(request.user, Action.CHANGE, task.project):
            task, result = services.do_report_progress(request.user, task, **data)
        else:
            task, result = services.do_update_task(request.user, task, **data)
        return Response({"task": TaskSerializer(task).data, **change_body(result, task.project)})

    def get_object_for_write(self):
        # Writing is decided by the services (change vs. progress), not by the HTTP verb.
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def destroy(self, request, *args, **kwargs):
        task = self.get_object_for_write()
        project = task.project
        result = services.do_delete_task(request.user, task)
        return Response(change_body(result, project), status=status.HTTP_200_OK)


class DependencyViewSet(viewsets.ModelViewSet):
    serializer_class = DependencySerializer
    permission_classes = [ScopedObjectPermission]
    filterset_fields = ["predecessor", "successor", "type"]

    def get_queryset(self):
        return selectors.visible_dependencies(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        predecessor, successor = data.pop("predecessor"), data.pop("successor")
        if not can(request.user, Action.VIEW, predecessor.project):
            return Response({"predecessor": ["No such task."]}, status=status.HTTP_400_BAD_REQUEST)
        link, result = services.do_link(
            request.user, predecessor=predecessor, successor=successor, **data
        )
        body = {
            "dependency": DependencySerializer(link).data,
            **change_body(result, successor.project, links_changed=True),
        }
        return Response(body, status=status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        link = self.get_object()
        serializer = self.get_serializer(link, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        data = {k: v for k, v in serializer.validated_data.items() if k in services.LINK_FIELDS}
        link, result = services.do_update_link(request.user, link, **data)
        body = {
            "dependency": DependencySerializer(link).data,
            **change_body(result, link.successor.project, links_changed=True),
        }
        return Response(body)

    def destroy(self, request, *args, **kwargs):
        link = self.get_object()
        project = link.successor.project
        result = services.do_unlink(request.user, link)
        return Response(change_body(result, project, links_changed=True))


class CalendarViewSet(viewsets.ModelViewSet):
    """Working calendars: organisation-wide ones, and those of the caller's portfolios."""

    serializer_class = CalendarSerializer
    filterset_fields = ["portfolio", "country"]

    def get_queryset(self):
        return selectors.visible_calendars(self.request.user).prefetch_related("exceptions")

    def perform_create(self, serializer):
        serializer.instance = services_calendars.do_save_calendar(
            self.request.user, serializer.validated_data
        )

    def perform_update(self, serializer):
        serializer.instance = services_calendars.do_save_calendar(
            self.request.user, serializer.validated_data, serializer.instance
        )

    def perform_destroy(self, instance):
        services_calendars.do_delete_calendar(self.request.user, instance)


class BaselineViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Baselines 0-10 per project; creating one with a used number replaces it."""

    serializer_class = BaselineSerializer
    permission_classes = [ScopedObjectPermission]
    filterset_fields = ["project", "number"]

    def get_queryset(self):
        return Baseline.objects.filter(project__in=visible_projects(self.request.user))

    def perform_create(self, serializer):
        data = serializer.validated_data
        serializer.instance = services.do_capture_baseline(
            self.request.user, data["project"], number=data["number"], name=data.get("name", "")
        )

    def perform_destroy(self, instance):
        services.do_delete_baseline(self.request.user, instance)


class ProjectScheduleView(APIView):
    """Re-schedule a project now, or read and change its schedule settings."""

    def get_project(self, request, pk):
        return get_object_or_404(visible_projects(request.user), pk=pk)

    @extend_schema(responses=ProjectScheduleSerializer)
    def get(self, request, pk):
        project = self.get_project(request, pk)
        return Response(ProjectScheduleSerializer(services.ensure_schedule(project)).data)

    @extend_schema(request=ProjectScheduleSerializer, responses=ChangeSerializer)
    def patch(self, request, pk):
        project = self.get_project(request, pk)
        settings = services.ensure_schedule(project)
        serializer = ProjectScheduleSerializer(settings, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        result = services.do_update_schedule_settings(
            request.user, project, **serializer.validated_data
        )
        return Response(change_body(result, project))

    @extend_schema(request=None, responses=ChangeSerializer)
    def post(self, request, pk):
        project = self.get_project(request, pk)
        result = services.do_reschedule(request.user, project)
        return Response(change_body(result, project))


class GanttView(APIView):
    """The project's plan as the Gantt chart draws it (tasks in WBS order, links)."""

    @extend_schema(
        parameters=[OpenApiParameter("baseline", int, description="Baseline number (0-10).")],
        responses=inline_serializer(
            "GanttPayload",
            {
                "project": serializers.DictField(),
                "tasks": serializers.ListField(child=serializers.DictField()),
                "links": serializers.ListField(child=serializers.DictField()),
            },
        ),
    )
    def get(self, request, pk):
        project = get_object_or_404(visible_projects(request.user), pk=pk)
        number = request.query_params.get("baseline")
        baseline = int(number) if number and number.isdigit() else None
        return Response(selectors.gantt_payload(project, baseline))
