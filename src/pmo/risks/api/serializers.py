from rest_framework import serializers

from pmo.portfolios.models import Portfolio, Program, Project
from pmo.schedules.models import Task

from ..choices import DistributionChoice
from ..models import (
    Escalation,
    RaidItem,
    Risk,
    RiskAction,
    RiskAssessment,
    SimulationRun,
    TaskCorrelation,
)


class EscalationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Escalation
        fields = ["id", "from_level", "to_level", "reason", "escalated_by", "escalated_at"]


class RiskAssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskAssessment
        fields = [
            "probability", "impact", "score", "residual_probability", "residual_impact",
            "residual_score", "assessed_by", "assessed_at", "note",
        ]  # fmt: skip


class RiskActionSerializer(serializers.ModelSerializer):
    class Meta:
        model = RiskAction
        fields = ["id", "risk", "description", "owner", "due_date", "status", "completed_at"]
        read_only_fields = ["completed_at"]


SCOPE_HELP = "Give exactly one of project, program or portfolio: the register it goes in."


class ScopedSerializer(serializers.ModelSerializer):
    """Creation names the register; afterwards escalation moves it, never an update."""

    project = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.all(), required=False, allow_null=True, help_text=SCOPE_HELP
    )
    program = serializers.PrimaryKeyRelatedField(
        queryset=Program.objects.all(), required=False, allow_null=True, help_text=SCOPE_HELP
    )
    portfolio = serializers.PrimaryKeyRelatedField(
        queryset=Portfolio.objects.all(), required=False, allow_null=True, help_text=SCOPE_HELP
    )
    reference = serializers.CharField(read_only=True)

    def validate(self, attrs):
        if self.instance is not None:
            for name in ("project", "program", "portfolio"):
                attrs.pop(name, None)
            return attrs
        given = [n for n in ("project", "program", "portfolio") if attrs.get(n) is not None]
        if len(given) != 1:
            raise serializers.ValidationError({"project": SCOPE_HELP})
        return attrs

    @staticmethod
    def pop_scope(data: dict):
        scope = None
        for name in ("project", "program", "portfolio"):
            value = data.pop(name, None)
            scope = scope or value
        return scope


class RiskSerializer(ScopedSerializer):
    tasks = serializers.PrimaryKeyRelatedField(
        queryset=Task.objects.all(), many=True, required=False
    )
    actions = RiskActionSerializer(many=True, read_only=True)
    escalations = EscalationSerializer(many=True, read_only=True)
    history = RiskAssessmentSerializer(many=True, read_only=True, source="assessments")
    note = serializers.CharField(
        write_only=True, required=False, allow_blank=True, help_text="Why the score changed."
    )

    class Meta:
        model = Risk
        fields = [
            "id", "reference", "level", "project", "program", "portfolio", "title", "kind",
            "category", "cause", "event", "effect", "owner", "raised_by", "probability",
            "impact", "score", "residual_probability", "residual_impact", "residual_score",
            "cost_min", "cost_likely", "cost_max", "days_min", "days_likely", "days_max",
            "proximity", "trigger", "strategy", "response", "status", "closed_at", "tasks",
            "actions", "escalations", "history", "note", "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "level", "score", "residual_score", "raised_by", "closed_at", "created_at",
            "updated_at",
        ]  # fmt: skip


class RaidItemSerializer(ScopedSerializer):
    escalations = EscalationSerializer(many=True, read_only=True)

    class Meta:
        model = RaidItem
        fields = [
            "id", "reference", "kind", "level", "project", "program", "portfolio", "title",
            "description", "owner", "raised_by", "severity", "status", "due_date",
            "counterparty", "resolution", "resolved_at", "source_risk", "escalations",
            "created_at", "updated_at",
        ]  # fmt: skip
        read_only_fields = [
            "level", "raised_by", "resolved_at", "source_risk", "created_at", "updated_at",
        ]  # fmt: skip


class EscalateSerializer(serializers.Serializer):
    reason = serializers.CharField(help_text="Why the next level must deal with it.")


class EstimateRowSerializer(serializers.Serializer):
    task = serializers.IntegerField()
    optimistic = serializers.IntegerField(
        allow_null=True, required=False, help_text="Working minutes."
    )
    most_likely = serializers.IntegerField(allow_null=True, required=False)
    pessimistic = serializers.IntegerField(allow_null=True, required=False)
    distribution = serializers.ChoiceField(
        choices=DistributionChoice.choices, default=DistributionChoice.TRIANGULAR
    )


class EstimatesSerializer(serializers.Serializer):
    estimates = EstimateRowSerializer(many=True)


class SimulationStartSerializer(serializers.Serializer):
    iterations = serializers.IntegerField(default=5000)
    seed = serializers.IntegerField(required=False, allow_null=True)
    include_risks = serializers.BooleanField(default=True)


class SimulationRunSerializer(serializers.ModelSerializer):
    class Meta:
        model = SimulationRun
        fields = [
            "id", "project", "plan_version", "iterations", "seed", "include_risks", "status",
            "job", "results", "error", "took_seconds", "created_by", "created_at", "finished_at",
        ]  # fmt: skip
        read_only_fields = fields


class RiskMatrixSerializer(serializers.Serializer):
    size = serializers.IntegerField(min_value=3, max_value=10)
    probability_labels = serializers.ListField(child=serializers.CharField())
    impact_labels = serializers.ListField(child=serializers.CharField())
    probability_percent = serializers.ListField(child=serializers.IntegerField())
    amber_from = serializers.IntegerField(min_value=1)
    red_from = serializers.IntegerField(min_value=1)


class TaskCorrelationSerializer(serializers.ModelSerializer):
    class Meta:
        model = TaskCorrelation
        fields = ["id", "first", "second", "coefficient"]
        # The service orders the pair and replaces an existing one.
        validators = []
