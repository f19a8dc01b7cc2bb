"""API plumbing shared by every app: object permissions from ``pmo.core.permissions`` and
service errors turned into 400 answers that name the field.
"""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .choices import Action

METHOD_ACTIONS = {
    "GET": Action.VIEW,
    "HEAD": Action.VIEW,
    "OPTIONS": Action.VIEW,
    "PUT": Action.CHANGE,
    "PATCH": Action.CHANGE,
    "DELETE": Action.DELETE,
}


class ScopedObjectPermission(permissions.IsAuthenticated):
    """Object access through the same ``can`` the web UI uses; deny what is not granted."""

    def has_object_permission(self, request, view, obj):
        from .permissions import can

        action = METHOD_ACTIONS.get(request.method)
        return action is not None and can(request.user, action, obj)


def _messages_by_field(exc: DjangoValidationError) -> dict[str, list[str]]:
    if not hasattr(exc, "error_dict"):
        return {"non_field_errors": exc.messages}
    return {
        ("non_field_errors" if field == NON_FIELD_ERRORS else field): [
            message for error in errors for message in error.messages
        ]
        for field, errors in exc.error_dict.items()
    }


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError) and hasattr(exc, "task_ids"):
        # Plan errors name the tasks at fault so the Gantt and forms can point at them.
        body = {"detail": exc.detail_message, "task_ids": list(exc.task_ids)}
        if getattr(exc, "cycle", ()):
            body["cycle"] = list(exc.cycle)
        if hasattr(exc, "error_dict"):
            body.update(_messages_by_field(exc))
        return Response(body, status=400)
    if isinstance(exc, DjangoValidationError):
        exc = serializers.ValidationError(_messages_by_field(exc))
    return drf_exception_handler(exc, context)
