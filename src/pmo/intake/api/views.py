"""Intake API: proposals with their business case and figures, criteria, scores,
scenarios, pairwise comparisons and the optimiser.
"""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from pmo.core.api import ScopedObjectPermission
from pmo.core.choices import Action
from pmo.core.permissions import require
from pmo.portfolios.selectors import visible_portfolios

from .. import selectors, services
from ..filtersets import ProposalFilterSet
from ..models import Criterion, Scenario
from .serializers import (
    AhpSerializer,
    AssessmentSerializer,
    CommentSerializer,
    CommitSerializer,
    ComparisonsSerializer,
    CriterionSerializer,
    InfeasibleSerializer,
    OptimiseResultSerializer,
    OptimiseSerializer,
    ProposalSerializer,
    ScenarioCreateSerializer,
    ScenarioSerializer,
    TransitionSerializer,
)

LINKS = ("objectives", "requires", "depends_on_projects")


def _split(data: dict) -> tuple[dict, dict]:
    data = dict(data)
    extra = {k: data.pop(k) for k in LINKS if k in data}
    if "cash_flows" in data:
        extra["cash_flows"] = [dict(row) for row in data.pop("cash_flows")]
    if "demands" in data:
        extra["demands"] = [
            {**{k: v for k, v in row.items() if k != "role"}, "role": row["role"]["name"]}
            for row in data.pop("demands")
        ]
    data.pop("portfolio", None)
    return data, extra


class FiguresByPortfolio(dict):
    """Live figures of each portfolio a response touches, computed once per request."""

    def __missing__(self, portfolio_id):
        from pmo.portfolios.models import Portfolio

        self[portfolio_id] = selectors.portfolio_figures(Portfolio.objects.get(pk=portfolio_id))
        return self[portfolio_id]


class ProposalViewSet(viewsets.ModelViewSet):
    """Proposals of the portfolios the caller holds a role on, with live figures (weighted
    score, NPV at the portfolio's discount rate, IRR, payback, ROI). Creating needs the
    right to contribute to the portfolio; state changes go through ``transition``.
    """

    serializer_class = ProposalSerializer
    permission_classes = [ScopedObjectPermission]
    filterset_class = ProposalFilterSet

    def get_queryset(self):
        return selectors.visible_proposals(self.request.user).prefetch_related(
            "cash_flows", "demands__role", "objectives", "requires", "depends_on_projects"
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["figures"] = FiguresByPortfolio()
        return context

    def perform_create(self, serializer):
        data, extra = _split(serializer.validated_data)
        portfolio = serializer.validated_data["portfolio"]
        serializer.instance = services.do_create_proposal(
            self.request.user, portfolio=portfolio, **extra, **data
        )

    def update(self, request, *args, **kwargs):
        proposal = get_object_or_404(self.get_queryset(), pk=kwargs["pk"])
        serializer = self.get_serializer(
            proposal, data=request.data, partial=kwargs.get("partial", False)
        )
        serializer.is_valid(raise_exception=True)
        data, extra = _split(serializer.validated_data)
        proposal = services.do_update_proposal(request.user, proposal, **extra, **data)
        return Response(self.get_serializer(proposal).data)

    def perform_destroy(self, instance):
        require(self.request.user, Action.CHANGE, instance.portfolio)
        if instance.state != "draft":
            raise ValidationError(
                f"{instance.code} is {instance.state}; only drafts are deleted (reject it)."
            )
        instance.delete()

    @extend_schema(request=TransitionSerializer, responses=ProposalSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request, pk=None):
        """Submit, screen, approve (creates the project), reject, defer or withdraw."""
        proposal = get_object_or_404(self.get_queryset(), pk=pk)
        body = TransitionSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        proposal = services.do_transition(request.user, proposal, **body.validated_data)
        return Response(self.get_serializer(proposal).data)

    @extend_schema(request=CommentSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["post"])
    def comments(self, request, pk=None):
        proposal = get_object_or_404(self.get_queryset(), pk=pk)
        body = CommentSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        event = services.do_comment(request.user, proposal, body.validated_data["text"])
        return Response({"text": event.text}, status=status.HTTP_201_CREATED)


class CriterionViewSet(viewsets.ModelViewSet):
    """Scoring criteria, grouped under strategic objectives, with their scales."""

    serializer_class = CriterionSerializer
    permission_classes = [ScopedObjectPermission]
    filterset_fields = ["objective"]

    def get_queryset(self):
        return selectors.visible_criteria(self.request.user)

    def _save(self, serializer, criterion=None):
        data = dict(serializer.validated_data)
        portfolio = data.pop("model", {}).get("portfolio") or criterion.model.portfolio
        levels = data.pop("levels", None)
        if levels is not None:
            levels = [(lv["value"], lv["definition"]) for lv in levels]
        serializer.instance = services.do_save_criterion(
            self.request.user, portfolio, criterion, levels=levels, **data
        )

    def perform_create(self, serializer):
        self._save(serializer)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)

    def perform_destroy(self, instance):
        services.do_delete_criterion(self.request.user, instance)


class AssessmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Assessors' scores. Posting records (or replaces) the caller's own score."""

    serializer_class = AssessmentSerializer
    filterset_fields = ["proposal", "criterion", "assessor"]

    def get_queryset(self):
        return selectors.visible_assessments(self.request.user)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        proposal = get_object_or_404(
            selectors.visible_proposals(request.user), pk=data["proposal"].pk
        )
        criterion = Criterion.objects.select_related("model").get(pk=data["criterion"].pk)
        (saved,) = services.do_score(
            request.user, proposal, {criterion: (data["score"], data.get("note", ""))}
        )
        return Response(self.get_serializer(saved).data, status=status.HTTP_201_CREATED)


class ScenarioViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Saved scenarios, re-evaluated on current data in ``live`` (with what changed)."""

    serializer_class = ScenarioSerializer
    filterset_fields = ["portfolio", "status", "method"]

    def get_queryset(self):
        return selectors.visible_scenarios(self.request.user)

    @extend_schema(request=ScenarioCreateSerializer, responses={201: ScenarioSerializer})
    def create(self, request, *args, **kwargs):
        body = ScenarioCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        portfolio = get_object_or_404(visible_portfolios(request.user), pk=data.pop("portfolio").pk)
        scenario = services.do_save_scenario(request.user, portfolio, **data)
        return Response(self.get_serializer(scenario).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=CommitSerializer, responses=ScenarioSerializer)
    @action(detail=True, methods=["post"])
    def commit(self, request, pk=None):
        """Approve the scenario's proposals as projects, with an audit record."""
        scenario = get_object_or_404(self.get_queryset(), pk=pk)
        body = CommitSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.do_commit_scenario(request.user, scenario, body.validated_data["note"])
        return Response(self.get_serializer(Scenario.objects.get(pk=scenario.pk)).data)


class OptimiseView(APIView):
    @extend_schema(
        request=OptimiseSerializer,
        responses={
            200: OptimiseResultSerializer,
            400: OpenApiResponse(
                InfeasibleSerializer, description="No portfolio fits: the conflicting limits."
            ),
        },
        description="Choose the screened proposals of greatest value within the budgets per "
        "year and the capacity per role and month. Answers the selection (code -> start "
        "month into the horizon), the certificate (value, bound, gap), the binding limits, "
        "each proposal's price and, when a budget is given, the efficient frontier with the "
        "greedy baseline. When not even the mandatory proposals fit, answers 400 with the "
        "conflicting constraints.",
    )
    def post(self, request, pk):
        portfolio = get_object_or_404(visible_portfolios(request.user), pk=pk)
        body = OptimiseSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = dict(body.validated_data)
        try:
            result = services.optimise(request.user, portfolio, **data)
        except services.SelectionConflict as conflict:
            return Response(
                {
                    "detail": "No portfolio satisfies these limits.",
                    "conflicts": conflict.conflicts,
                },
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(result)


class ComparisonsView(APIView):
    @extend_schema(request=ComparisonsSerializer, responses=AhpSerializer)
    def post(self, request, pk):
        """Set the pairwise comparisons of the portfolio's criteria; the AHP weights become
        the criteria's weights. ``consistent`` is false when the ratio exceeds 0.10.
        """
        portfolio = get_object_or_404(visible_portfolios(request.user), pk=pk)
        body = ComparisonsSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        judgments = [
            (j["first"], j["second"], j["value"]) for j in body.validated_data["judgments"]
        ]
        outcome = services.do_set_comparisons(request.user, portfolio, judgments)
        codes = [c.code for c in selectors.criteria_of(selectors.scoring_model(portfolio))]
        return Response(
            {
                "weights": dict(zip(codes, outcome.weights, strict=True)),
                "consistency_ratio": outcome.consistency_ratio,
                "consistency_index": outcome.consistency_index,
                "lambda_max": outcome.lambda_max,
                "consistent": outcome.consistent,
            }
        )
