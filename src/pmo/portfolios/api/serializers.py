from rest_framework import serializers

from ..models import Portfolio, Program, Project, StrategicObjective


class PortfolioSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:portfolio-detail")

    class Meta:
        model = Portfolio
        fields = [
            "id",
            "url",
            "code",
            "name",
            "description",
            "owner",
            "governance_model",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]


class StrategicObjectiveSerializer(serializers.ModelSerializer):
    class Meta:
        model = StrategicObjective
        fields = ["id", "portfolio", "code", "name", "description", "weight"]


class ProgramSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:program-detail")

    class Meta:
        model = Program
        fields = [
            "id",
            "url",
            "portfolio",
            "code",
            "name",
            "description",
            "manager",
            "status",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]

    def validate(self, attrs):
        moved = "portfolio" in attrs and self.instance is not None
        if moved and attrs["portfolio"].pk != self.instance.portfolio_id:
            raise serializers.ValidationError(
                {"portfolio": "A program cannot move to another portfolio."}
            )
        return attrs


class ProjectSerializer(serializers.ModelSerializer):
    url = serializers.HyperlinkedIdentityField(view_name="api:project-detail")
    portfolio = serializers.PrimaryKeyRelatedField(
        queryset=Portfolio.objects.all(),
        required=False,
        help_text="Optional when a program is given: the program's portfolio is used.",
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "url",
            "portfolio",
            "program",
            "code",
            "name",
            "description",
            "manager",
            "sponsor",
            "status",
            "phase",
            "priority",
            "health",
            "planned_start",
            "planned_finish",
            "objectives",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["created_at", "updated_at"]
        extra_kwargs = {"objectives": {"required": False}}

    def validate(self, attrs):
        start = attrs.get("planned_start", getattr(self.instance, "planned_start", None))
        finish = attrs.get("planned_finish", getattr(self.instance, "planned_finish", None))
        if start and finish and finish < start:
            raise serializers.ValidationError(
                {"planned_finish": f"The planned finish ({finish}) is before the start ({start})."}
            )
        if self.instance is None and not attrs.get("portfolio") and not attrs.get("program"):
            raise serializers.ValidationError(
                {"portfolio": "Give the portfolio, or a program (its portfolio is used)."}
            )
        return attrs
