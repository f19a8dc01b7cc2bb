from rest_framework import serializers

from pmo.schedules.models import Task

from ..models import (
    Assignment,
    Booking,
    CapacityChange,
    CostRate,
    JobRole,
    LevelingRun,
    OrgUnit,
    Resource,
    ResourceSkill,
    Skill,
    Timesheet,
    TimesheetEntry,
)


class SkillSerializer(serializers.ModelSerializer):
    class Meta:
        model = Skill
        fields = ["id", "name", "category"]


class JobRoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = JobRole
        fields = ["id", "name", "description"]


class OrgUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = OrgUnit
        fields = ["id", "name", "parent", "manager"]


class ResourceSkillSerializer(serializers.ModelSerializer):
    skill_name = serializers.CharField(source="skill.name", read_only=True)

    class Meta:
        model = ResourceSkill
        fields = ["id", "resource", "skill", "skill_name", "level"]


class ResourceSerializer(serializers.ModelSerializer):
    skills = ResourceSkillSerializer(many=True, read_only=True)

    class Meta:
        model = Resource
        fields = [
            "id",
            "kind",
            "name",
            "user",
            "role",
            "org_unit",
            "manager",
            "calendar",
            "units",
            "availability_pct",
            "material_unit",
            "is_active",
            "skills",
        ]


class CapacityChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = CapacityChange
        fields = ["id", "resource", "start", "end", "percent", "reason", "note"]


class CostRateSerializer(serializers.ModelSerializer):
    overtime = serializers.DecimalField(
        max_digits=10, decimal_places=2, required=False, help_text="Default: the standard rate."
    )

    class Meta:
        model = CostRate
        fields = ["id", "resource", "effective_from", "standard", "overtime"]


class AssignmentSerializer(serializers.ModelSerializer):
    task = serializers.PrimaryKeyRelatedField(queryset=Task.objects.all())
    work_minutes = serializers.IntegerField(
        required=False, min_value=0, help_text="Default: units × the task's duration."
    )

    class Meta:
        model = Assignment
        fields = [
            "id",
            "task",
            "resource",
            "units_pct",
            "work_minutes",
            "contour",
            "actual_minutes",
            "actual_cost",
        ]
        read_only_fields = ["actual_minutes", "actual_cost"]
        # The service says which pair is taken, in words.
        validators = []


class BookingSerializer(serializers.ModelSerializer):
    class Meta:
        model = Booking
        fields = ["id", "project", "resource", "month", "hours", "kind", "note"]
        # Booking the same month again updates it (the service upserts).
        validators = []


class TimesheetEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = TimesheetEntry
        fields = ["id", "assignment", "day", "minutes", "cost"]


class TimesheetSerializer(serializers.ModelSerializer):
    entries = TimesheetEntrySerializer(many=True, read_only=True)

    class Meta:
        model = Timesheet
        fields = [
            "id",
            "resource",
            "week_start",
            "status",
            "submitted_at",
            "decided_by",
            "decided_at",
            "comment",
            "entries",
        ]
        read_only_fields = fields


class TimesheetSaveSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday of the week.")
    rows = serializers.DictField(
        child=serializers.ListField(
            child=serializers.IntegerField(min_value=0), min_length=7, max_length=7
        ),
        help_text="Assignment id -> minutes Monday to Sunday.",
    )


class WeekSerializer(serializers.Serializer):
    week = serializers.DateField(help_text="The Monday of the week.")


class DecisionSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class BulkDecisionSerializer(DecisionSerializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(), min_length=1, help_text="Timesheets to approve."
    )


class LevelingRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = LevelingRun
        fields = [
            "id",
            "project",
            "program",
            "mode",
            "status",
            "job",
            "created_by",
            "created_at",
            "preview",
            "applied_at",
            "undone_at",
            "error",
        ]
        read_only_fields = [
            "status",
            "job",
            "created_by",
            "created_at",
            "preview",
            "applied_at",
            "undone_at",
            "error",
        ]
