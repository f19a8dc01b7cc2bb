from rest_framework import serializers

from pmo.portfolios.models import Portfolio, Project, StrategicObjective

from ..choices import ProposalState
from ..models import Assessment, CashFlow, Criterion, Proposal, ResourceDemand, Scenario


class CashFlowSerializer(serializers.ModelSerializer):
    class Meta:
        model = CashFlow
        fields = ["year", "capex", "opex", "benefit"]


class DemandSerializer(serializers.ModelSerializer):
    role = serializers.CharField(source="role.name", help_text="Name of a capacity role.")

    class Meta:
        model = ResourceDemand
        fields = ["role", "from_month", "months", "hours_per_month"]


class FiguresSerializer(serializers.Serializer):
    score = serializers.FloatField(help_text="Weighted score, 0-100.")
    assessors = serializers.IntegerField()
    value = serializers.FloatField(help_text="Value points: score and NPV blended.")
    npv = serializers.DecimalField(max_digits=16, decimal_places=2)
    irr = serializers.FloatField(allow_null=True)
    payback_years = serializers.FloatField(allow_null=True)
    discounted_payback_years = serializers.FloatField(allow_null=True)
    roi = serializers.FloatField(allow_null=True)
    cost = serializers.DecimalField(max_digits=16, decimal_places=2)


class ProposalSerializer(serializers.ModelSerializer):
    portfolio = serializers.PrimaryKeyRelatedField(queryset=Portfolio.objects.all())
    objectives = serializers.PrimaryKeyRelatedField(
        queryset=StrategicObjective.objects.all(), many=True, required=False
    )
    requires = serializers.PrimaryKeyRelatedField(
        queryset=Proposal.objects.all(), many=True, required=False
    )
    depends_on_projects = serializers.PrimaryKeyRelatedField(
        queryset=Project.objects.all(), many=True, required=False
    )
    cash_flows = CashFlowSerializer(many=True, required=False)
    demands = DemandSerializer(many=True, required=False)
    figures = serializers.SerializerMethodField()

    class Meta:
        model = Proposal
        fields = [
            "id",
            "portfolio",
            "code",
            "title",
            "description",
            "sponsor",
            "state",
            "risk_level",
            "earliest_start",
            "start_window_months",
            "duration_months",
            "mandatory",
            "exclusive_group",
            "objectives",
            "requires",
            "depends_on_projects",
            "cash_flows",
            "demands",
            "project",
            "decided_by",
            "decided_at",
            "figures",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["state", "project", "decided_by", "decided_at"]

    def get_figures(self, proposal) -> FiguresSerializer:
        figures = self.context.get("figures")
        me = None if figures is None else figures[proposal.portfolio_id].by_code.get(proposal.code)
        if me is None:
            return None
        return FiguresSerializer(
            {
                "score": round(me.score, 4),
                "assessors": me.scored,
                "value": round(me.value, 4),
                "npv": me.fin.npv,
                "irr": me.fin.irr,
                "payback_years": me.fin.payback_years,
                "discounted_payback_years": me.fin.discounted_payback_years,
                "roi": me.fin.roi,
                "cost": me.cost,
            }
        ).data

    def validate_portfolio(self, value):
        if self.instance is not None and value.pk != self.instance.portfolio_id:
            raise serializers.ValidationError("A proposal cannot move to another portfolio.")
        return value


class TransitionSerializer(serializers.Serializer):
    to_state = serializers.ChoiceField(choices=ProposalState.choices)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class CommentSerializer(serializers.Serializer):
    text = serializers.CharField()


class LevelSerializer(serializers.Serializer):
    value = serializers.IntegerField(min_value=0, max_value=10)
    definition = serializers.CharField(max_length=300)


class CriterionSerializer(serializers.ModelSerializer):
    portfolio = serializers.PrimaryKeyRelatedField(
        source="model.portfolio", queryset=Portfolio.objects.all()
    )
    levels = LevelSerializer(many=True, required=False)

    class Meta:
        model = Criterion
        fields = [
            "id",
            "portfolio",
            "objective",
            "code",
            "name",
            "description",
            "weight",
            "position",
            "levels",
        ]


class AssessmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Assessment
        fields = ["id", "proposal", "criterion", "assessor", "score", "note", "updated_at"]
        read_only_fields = ["assessor", "updated_at"]


class BudgetSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=0, help_text="0 is the horizon's first year.")
    total = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    capex = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )
    opex = serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )


class ScenarioSerializer(serializers.ModelSerializer):
    picks = serializers.SerializerMethodField()
    live = serializers.SerializerMethodField()

    class Meta:
        model = Scenario
        fields = [
            "id",
            "portfolio",
            "name",
            "description",
            "method",
            "status",
            "npv_weight",
            "use_capacity",
            "allow_shift",
            "picks",
            "saved_selection",
            "saved_value",
            "saved_cost",
            "solver",
            "frontier",
            "live",
            "created_by",
            "created_at",
        ]
        read_only_fields = fields

    def get_picks(self, scenario) -> dict[str, int]:
        return {i.proposal.code: i.start_month for i in scenario.items.select_related("proposal")}

    def get_live(self, scenario) -> dict:
        from ..selectors import live_scenario, portfolio_figures

        # one set of figures per portfolio and value blend serves a whole page of scenarios
        cache = self.context.setdefault("figures_by_weight", {})
        key = (scenario.portfolio_id, scenario.npv_weight)
        if key not in cache:
            cache[key] = portfolio_figures(scenario.portfolio, float(scenario.npv_weight))
        live = live_scenario(scenario, cache[key])
        ev = live.evaluation
        return {
            "value": round(ev.value, 4),
            "cost": str(ev.cost),
            "years": ev.years,
            "spend": [str(v) for v in ev.total],
            "capacity_shortfall_hours": round(ev.shortfall_hours, 1),
            "problems": ev.problems,
            "changed_since_saved": live.changed,
            "value_change": round(live.value_change, 4),
            "cost_change": str(live.cost_change),
            "no_longer_candidates": live.no_longer_candidates,
        }


class ScenarioCreateSerializer(serializers.Serializer):
    portfolio = serializers.PrimaryKeyRelatedField(queryset=Portfolio.objects.all())
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    picks = serializers.DictField(
        child=serializers.IntegerField(min_value=0, allow_null=True),
        help_text="Proposal code -> start month into the horizon (null: earliest).",
    )
    budgets = BudgetSerializer(many=True, required=False, default=list)
    npv_weight = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=0, max_value=1, required=False
    )
    use_capacity = serializers.BooleanField(default=True)
    allow_shift = serializers.BooleanField(default=True)


class CommitSerializer(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True, default="")


class OptimiseSerializer(serializers.Serializer):
    budgets = BudgetSerializer(many=True, required=False, default=list)
    npv_weight = serializers.DecimalField(
        max_digits=3, decimal_places=2, min_value=0, max_value=1, required=False
    )
    use_capacity = serializers.BooleanField(default=True)
    allow_shift = serializers.BooleanField(default=True)
    time_limit = serializers.FloatField(min_value=0.5, max_value=60, default=10)
    frontier_points = serializers.IntegerField(min_value=2, max_value=20, default=10)
    save = serializers.BooleanField(default=False, help_text="Save the result as a scenario.")
    name = serializers.CharField(required=False, allow_blank=True, default="")


class ConflictSerializer(serializers.Serializer):
    constraints = serializers.ListField(child=serializers.CharField())
    proposals = serializers.ListField(child=serializers.CharField())
    message = serializers.CharField()


class OptimiseResultSerializer(serializers.Serializer):
    selection = serializers.DictField(child=serializers.IntegerField())
    solver = serializers.DictField()
    frontier = serializers.ListField(child=serializers.DictField())
    scenario_id = serializers.IntegerField(required=False)


class InfeasibleSerializer(serializers.Serializer):
    detail = serializers.CharField()
    conflicts = ConflictSerializer(many=True)


class ComparisonSerializer(serializers.Serializer):
    first = serializers.CharField(help_text="Criterion code.")
    second = serializers.CharField(help_text="Criterion code.")
    value = serializers.DecimalField(max_digits=7, decimal_places=4)


class ComparisonsSerializer(serializers.Serializer):
    judgments = ComparisonSerializer(many=True)


class AhpSerializer(serializers.Serializer):
    weights = serializers.DictField(child=serializers.FloatField())
    consistency_ratio = serializers.FloatField()
    consistency_index = serializers.FloatField()
    lambda_max = serializers.FloatField()
    consistent = serializers.BooleanField()
