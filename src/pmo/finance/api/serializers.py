from rest_framework import serializers

from pmo.portfolios.models import Project

from ..models import BudgetLine, CostEntry, EvmRecord


class _ProjectField(serializers.PrimaryKeyRelatedField):
    """A project the caller may see; others are "does not exist", as in the UI."""

    def get_queryset(self):
        from pmo.portfolios.selectors import visible_projects

        request = self.context.get("request")
        return visible_projects(request.user) if request else Project.objects.none()


class BudgetLineSerializer(serializers.ModelSerializer):
    project = _ProjectField()

    class Meta:
        model = BudgetLine
        fields = ["id", "project", "expenditure", "category", "month", "amount", "description"]


class CostEntrySerializer(serializers.ModelSerializer):
    project = _ProjectField()

    class Meta:
        model = CostEntry
        fields = [
            "id",
            "project",
            "task",
            "source",
            "expenditure",
            "category",
            "date",
            "amount",
            "reference",
            "supplier",
            "description",
            "import_key",
        ]
        read_only_fields = ["import_key"]


class EvmRecordSerializer(serializers.ModelSerializer):
    class Meta:
        model = EvmRecord
        fields = [
            "id",
            "scope",
            "portfolio",
            "program",
            "project",
            "status_date",
            "baseline_number",
            "formula_version",
            "figures",
            "pv_curve",
            "taken_at",
        ]


class EvmTaskRowSerializer(serializers.Serializer):
    task_id = serializers.IntegerField(allow_null=True)
    outline = serializers.CharField()
    name = serializers.CharField()
    bac = serializers.IntegerField(help_text="Cents.")
    pv = serializers.IntegerField()
    ev = serializers.IntegerField()
    ac = serializers.IntegerField()
    sv = serializers.IntegerField()
    cv = serializers.IntegerField()
    spi = serializers.FloatField(allow_null=True)
    cpi = serializers.FloatField(allow_null=True)
    spi_t = serializers.FloatField(allow_null=True)


class ProjectEvmSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    status_date = serializers.DateField()
    baseline_number = serializers.IntegerField(allow_null=True)
    currency = serializers.CharField()
    figures = serializers.DictField(help_text="EvmSnapshot.as_dict(): money in cents.")
    tasks = EvmTaskRowSerializer(many=True)


class GroupEvmSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=["program", "portfolio"])
    id = serializers.IntegerField()
    status_date = serializers.DateField()
    projects = serializers.ListField(child=serializers.IntegerField())
    currency = serializers.CharField()
    figures = serializers.DictField(help_text="EvmSnapshot.as_dict(): money in cents.")


class BudgetRowSerializer(serializers.Serializer):
    expenditure = serializers.ChoiceField(choices=BudgetLine._meta.get_field("expenditure").choices)
    category = serializers.ChoiceField(choices=BudgetLine._meta.get_field("category").choices)
    month = serializers.DateField(help_text="First day of the month.")
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)
    description = serializers.CharField(required=False, allow_blank=True, max_length=200)
