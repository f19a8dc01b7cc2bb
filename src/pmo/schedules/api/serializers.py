from rest_framework import serializers

from ..choices import DATED_CONSTRAINTS
from ..models import Baseline, Calendar, CalendarException, Dependency, ProjectSchedule, Task


class CalendarExceptionSerializer(serializers.ModelSerializer):
    class Meta:
        model = CalendarException
        fields = ["id", "name", "start", "end", "working", "hours"]


class CalendarSerializer(serializers.ModelSerializer):
    exceptions = CalendarExceptionSerializer(many=True, required=False)

    class Meta:
        model = Calendar
        fields = [
            "id",
            "name",
            "portfolio",
            "timezone",
            "week",
            "country",
            "subdivision",
            "hours_per_day",
            "exceptions",
        ]


class ProjectScheduleSerializer(serializers.ModelSerializer):
    class Meta:
        model = ProjectSchedule
        fields = [
            "project",
            "calendar",
            "direction",
            "start",
            "finish_target",
            "status_date",
            "critical_float_minutes",
            "version",
            "scheduled_at",
            "computed_start",
            "computed_finish",
        ]
        read_only_fields = [
            "project",
            "version",
            "scheduled_at",
            "computed_start",
            "computed_finish",
        ]


class TaskSerializer(serializers.ModelSerializer):
    start = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text="Scheduled start. Writing it moves the task: it may start no earlier "
        "than this (a Start-no-earlier-than constraint), as dragging a bar does.",
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "project",
            "parent",
            "position",
            "outline",
            "name",
            "notes",
            "is_milestone",
            "is_summary",
            "duration_minutes",
            "work_minutes",
            "cost",
            "calendar",
            "constraint_type",
            "constraint_date",
            "deadline",
            "percent_complete",
            "actual_start",
            "actual_finish",
            "remaining_minutes",
            "board_status",
            "assignee",
            "start",
            "finish",
            "early_start",
            "early_finish",
            "late_start",
            "late_finish",
            "total_float_minutes",
            "free_float_minutes",
            "is_critical",
        ]
        read_only_fields = [
            "outline",
            "is_summary",
            "finish",
            "early_start",
            "early_finish",
            "late_start",
            "late_finish",
            "total_float_minutes",
            "free_float_minutes",
            "is_critical",
        ]
        extra_kwargs = {"project": {"required": False}}

    def validate(self, attrs):
        constraint = attrs.get("constraint_type", getattr(self.instance, "constraint_type", None))
        date = attrs.get("constraint_date", getattr(self.instance, "constraint_date", None))
        if constraint in DATED_CONSTRAINTS and not date:
            raise serializers.ValidationError(
                {"constraint_date": f"Constraint {constraint} needs a constraint date."}
            )
        if self.instance is None and not attrs.get("project") and not attrs.get("parent"):
            raise serializers.ValidationError({"project": "Give the project (or a parent task)."})
        return attrs


class DependencySerializer(serializers.ModelSerializer):
    external = serializers.BooleanField(source="is_external", read_only=True)

    class Meta:
        model = Dependency
        fields = ["id", "predecessor", "successor", "type", "lag", "lag_unit", "external"]


class BaselineSerializer(serializers.ModelSerializer):
    class Meta:
        model = Baseline
        fields = [
            "id",
            "project",
            "number",
            "name",
            "captured_at",
            "captured_by",
            "schedule_version",
        ]
        read_only_fields = ["captured_at", "captured_by", "schedule_version"]
