"""Members of a portfolio, program or project: list, grant and revoke roles in place."""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, render
from django.views import View

from pmo.core.choices import Action
from pmo.core.permissions import can
from pmo.portfolios.selectors import visible_portfolios, visible_programs, visible_projects

from . import services
from .forms import MembershipForm
from .models import Membership
from .selectors import members_of

SCOPES = {
    "portfolio": visible_portfolios,
    "program": visible_programs,
    "project": visible_projects,
}


def members_context(request, scope, form=None) -> dict:
    level = scope.scope_level
    return {
        "scope": scope,
        "level": level,
        "members": members_of(scope),
        "can_manage": can(request.user, Action.MANAGE_MEMBERS, scope),
        "member_form": form or MembershipForm(level=level),
    }


class MembersView(LoginRequiredMixin, View):
    def get_scope(self, request, level, pk):
        if level not in SCOPES:
            raise ValidationError(f"Unknown level {level!r}.")
        return get_object_or_404(SCOPES[level](request.user), pk=pk)

    def get(self, request, level, pk):
        scope = self.get_scope(request, level, pk)
        return render(request, "accounts/partials/members.html", members_context(request, scope))

    def post(self, request, level, pk):
        scope = self.get_scope(request, level, pk)
        form = MembershipForm(request.POST, level=level)
        status = 200
        if form.is_valid():
            try:
                services.do_grant_role(
                    request.user,
                    user=form.cleaned_data["user"],
                    role=form.cleaned_data["role"],
                    scope=scope,
                )
                form = None
            except ValidationError as error:
                form.add_error("role", error.message_dict.get("role", error.messages))
                status = 400
        else:
            status = 400
        context = members_context(request, scope, form)
        return render(request, "accounts/partials/members.html", context, status=status)


class MemberRemoveView(LoginRequiredMixin, View):
    def post(self, request, pk):
        membership = get_object_or_404(Membership, pk=pk)
        scope = membership.scope
        if scope is None or not can(request.user, Action.VIEW, scope):
            return render(request, "404.html", status=404)
        services.do_revoke_membership(request.user, membership)
        return render(request, "accounts/partials/members.html", members_context(request, scope))
