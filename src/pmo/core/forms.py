"""Form helpers shared by every app."""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ``ValidationError`` on ``form``: each message next to the field it
    names, the rest (or a plain message) above the form.
    """
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        named = field != NON_FIELD_ERRORS and field in form.fields
        form.add_error(field if named else None, errors)
