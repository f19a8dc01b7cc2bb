from pmo.core.choices import ORGANISATION_ROLES, Role

__all__ = ["ORGANISATION_ROLES", "Role"]
