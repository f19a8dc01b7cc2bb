from django.contrib.auth import get_user_model
from django.db.models import Q
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from pmo.core.permissions import visibility

from .. import services
from ..models import Membership
from .serializers import MembershipSerializer, UserSerializer


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """People in the organisation (read-only; accounts are managed by PMO admins)."""

    serializer_class = UserSerializer
    filterset_fields = ["username", "is_active"]
    queryset = get_user_model().objects.filter(is_active=True)

    @action(detail=False)
    def me(self, request):
        return Response(self.get_serializer(request.user).data)


class MembershipViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Roles on portfolios, programs and projects; granting needs Manage members there."""

    serializer_class = MembershipSerializer
    filterset_fields = ["user", "role", "portfolio", "program", "project"]

    def get_queryset(self):
        queryset = Membership.objects.select_related("user")
        if getattr(self, "swagger_fake_view", False):
            return queryset.none()
        seen = visibility(self.request.user)
        if seen.everything:
            return queryset
        return queryset.filter(
            Q(user=self.request.user)
            | Q(portfolio_id__in=seen.portfolios_covered)
            | Q(program_id__in=seen.programs_covered)
            | Q(program__portfolio_id__in=seen.portfolios_covered)
            | Q(project_id__in=seen.projects_covered)
            | Q(project__program_id__in=seen.programs_covered)
            | Q(project__portfolio_id__in=seen.portfolios_covered)
        )

    def perform_create(self, serializer):
        data = serializer.validated_data
        scope = data.get("project") or data.get("program") or data.get("portfolio")
        serializer.instance = services.do_grant_role(
            self.request.user, user=data["user"], role=data["role"], scope=scope
        )

    def perform_destroy(self, instance):
        services.do_revoke_membership(self.request.user, instance)
