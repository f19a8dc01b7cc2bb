"""Risk API: registers, escalation, RAID items, estimates and Monte Carlo runs."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from pmo.core.api import ScopedObjectPermission
from pmo.portfolios.selectors import visible_portfolios, visible_projects

from .. import selectors, services
from ..filtersets import RaidFilterSet, RiskFilterSet
from ..models import RiskAction, SimulationRun, TaskCorrelation, TaskEstimate
from .serializers import (
    EscalateSerializer,
    EscalationSerializer,
    EstimatesSerializer,
    RaidItemSerializer,
    RiskActionSerializer,
    RiskMatrixSerializer,
    RiskSerializer,
    SimulationRunSerializer,
    SimulationStartSerializer,
    TaskCorrelationSerializer,
)


class WriteThroughServices(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Reads filtered to what the caller may see; writes decided by the services."""

    permission_classes = [ScopedObjectPermission]

    def get_object_for_write(self):
        return get_object_or_404(self.get_queryset(), pk=self.kwargs["pk"])

    def update(self, request, *args, **kwargs):
        instance = self.get_object_for_write()
        serializer = self.get_serializer(instance, data=request.data, partial=kwargs.get("partial"))
        serializer.is_valid(raise_exception=True)
        instance = self.perform_service_update(instance, dict(serializer.validated_data))
        # Read it back: prefetched history and actions predate the change.
        return Response(self.get_serializer(self.get_queryset().get(pk=instance.pk)).data)


class RiskViewSet(WriteThroughServices):
    """Risks in the registers the caller may see. Closing a risk is an update of its
    status; escalation moves it to the next register (``POST .../escalate/``).
    """

    serializer_class = RiskSerializer
    filterset_class = RiskFilterSet

    def get_queryset(self):
        return selectors.visible_risks(self.request.user).prefetch_related(
            "tasks", "actions", "escalations", "assessments"
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        scope = serializer.pop_scope(data)
        data.pop("note", None)
        serializer.instance = services.do_raise_risk(self.request.user, scope=scope, **data)

    def perform_service_update(self, risk, data):
        return services.do_update_risk(
            self.request.user,
            risk,
            note=data.pop("note", ""),
            tasks=data.pop("tasks", None),
            **data,
        )

    @extend_schema(request=EscalateSerializer, responses=EscalationSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        risk = self.get_object_for_write()
        body = EscalateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.do_escalate_risk(request.user, risk, reason=body.validated_data["reason"])
        return Response(EscalationSerializer(record).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RaidItemSerializer)
    @action(detail=True, methods=["post"], url_path="raise-issue")
    def raise_issue(self, request, pk=None):
        risk = self.get_object_for_write()
        issue = services.do_raise_issue_from_risk(request.user, risk)
        return Response(RaidItemSerializer(issue).data, status=status.HTTP_201_CREATED)


class RiskActionViewSet(WriteThroughServices):
    serializer_class = RiskActionSerializer
    filterset_fields = ["risk", "owner", "status"]

    def get_queryset(self):
        return RiskAction.objects.filter(risk__in=selectors.visible_risks(self.request.user))

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        risk = get_object_or_404(selectors.visible_risks(self.request.user), pk=data.pop("risk").pk)
        serializer.instance = services.do_add_action(self.request.user, risk, **data)

    def perform_service_update(self, instance, data):
        data.pop("risk", None)
        return services.do_update_action(self.request.user, instance, **data)


class RaidItemViewSet(WriteThroughServices):
    """Issues, assumptions and dependencies of the registers the caller may see."""

    serializer_class = RaidItemSerializer
    filterset_class = RaidFilterSet

    def get_queryset(self):
        return selectors.visible_raid_items(self.request.user).prefetch_related("escalations")

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        scope = serializer.pop_scope(data)
        kind = data.pop("kind")
        serializer.instance = services.do_create_raid_item(
            self.request.user, scope=scope, kind=kind, **data
        )

    def perform_service_update(self, item, data):
        if "kind" in data and data.pop("kind") != item.kind:
            from django.core.exceptions import ValidationError

            raise ValidationError({"kind": "The kind of a RAID item cannot change."})
        return services.do_update_raid_item(self.request.user, item, **data)

    @extend_schema(request=EscalateSerializer, responses=EscalationSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        item = self.get_object_for_write()
        body = EscalateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        record = services.do_escalate_raid_item(
            request.user, item, reason=body.validated_data["reason"]
        )
        return Response(EscalationSerializer(record).data, status=status.HTTP_201_CREATED)


class EstimatesView(APIView):
    """Three-point estimates (working minutes) of a project's tasks; PUT replaces the
    given rows all at once (rows with no durations remove the estimate).
    """

    @extend_schema(responses=EstimatesSerializer)
    def get(self, request, pk):
        project = get_object_or_404(visible_projects(request.user), pk=pk)
        rows = [
            {
                "task": e.task_id,
                "optimistic": e.optimistic_minutes,
                "most_likely": e.most_likely_minutes,
                "pessimistic": e.pessimistic_minutes,
                "distribution": e.distribution,
            }
            for e in TaskEstimate.objects.filter(task__project=project).order_by("task__sort_key")
        ]
        return Response({"estimates": rows})

    @extend_schema(request=EstimatesSerializer, responses=EstimatesSerializer)
    def put(self, request, pk):
        project = get_object_or_404(visible_projects(request.user), pk=pk)
        body = EstimatesSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        services.do_set_estimates(request.user, project, body.validated_data["estimates"])
        return self.get(request, pk)


class SimulationRunViewSet(viewsets.ReadOnlyModelViewSet):
    """Monte Carlo runs with their stored results (the plan version they simulated)."""

    serializer_class = SimulationRunSerializer
    filterset_fields = ["project", "status", "plan_version"]

    def get_queryset(self):
        return SimulationRun.objects.filter(project__in=visible_projects(self.request.user))


class StartSimulationView(APIView):
    """Start a Monte Carlo run of the project's current plan as a background job; poll
    ``/api/v1/jobs/{job}/`` for progress and ``/api/v1/risk-simulations/{id}/`` for results.
    """

    @extend_schema(request=SimulationStartSerializer, responses={202: SimulationRunSerializer})
    def post(self, request, pk):
        project = get_object_or_404(visible_projects(request.user), pk=pk)
        body = SimulationStartSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        run = services.do_start_simulation(request.user, project, **body.validated_data)
        run.refresh_from_db()
        return Response(SimulationRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class RiskMatrixView(APIView):
    """A portfolio's probability x impact scale (default 5 x 5) and rating thresholds."""

    @extend_schema(responses=RiskMatrixSerializer)
    def get(self, request, pk):
        portfolio = get_object_or_404(visible_portfolios(request.user), pk=pk)
        return Response(RiskMatrixSerializer(selectors.matrix_for(portfolio.pk)).data)

    @extend_schema(request=RiskMatrixSerializer, responses=RiskMatrixSerializer)
    def put(self, request, pk):
        portfolio = get_object_or_404(visible_portfolios(request.user), pk=pk)
        body = RiskMatrixSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        matrix = services.do_set_matrix(request.user, portfolio, **body.validated_data)
        return Response(RiskMatrixSerializer(matrix).data)


class TaskCorrelationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Rank correlations between task durations used by the Monte Carlo simulation.
    Filter with ``?project=``; creating one for an existing pair replaces it.
    """

    serializer_class = TaskCorrelationSerializer

    def get_queryset(self):
        queryset = TaskCorrelation.objects.filter(
            first__project__in=visible_projects(self.request.user)
        ).order_by("pk")
        project = self.request.query_params.get("project")
        if project and project.isdigit():
            queryset = queryset.filter(first__project_id=int(project))
        return queryset

    def perform_create(self, serializer):
        data = serializer.validated_data
        first, second = data["first"], data["second"]
        project = get_object_or_404(visible_projects(self.request.user), pk=first.project_id)
        serializer.instance = services.do_correlate(
            self.request.user, project, first=first, second=second,
            coefficient=data["coefficient"],
        )  # fmt: skip

    def perform_destroy(self, instance):
        services.do_uncorrelate(self.request.user, instance)
