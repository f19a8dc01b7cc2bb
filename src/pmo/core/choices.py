"""Choice enums shared across apps: the roles people hold and the actions they may take."""

from django.db import models


class Role(models.TextChoices):
    PMO_ADMIN = "pmo_admin", "PMO admin"
    PORTFOLIO_MANAGER = "portfolio_manager", "Portfolio manager"
    PROGRAM_MANAGER = "program_manager", "Program manager"
    PROJECT_MANAGER = "project_manager", "Project manager"
    TEAM_MEMBER = "team_member", "Team member"
    EXECUTIVE_VIEWER = "executive_viewer", "Executive viewer"


class Action(models.TextChoices):
    VIEW = "view", "View"
    CONTRIBUTE = "contribute", "Contribute (update own work)"
    CHANGE = "change", "Change"
    ADD_CHILD = "add_child", "Create items inside"
    DELETE = "delete", "Delete"
    MANAGE_MEMBERS = "manage_members", "Manage members"


# Roles that may hold an organisation-wide membership (no portfolio, program or project).
ORGANISATION_ROLES = frozenset({Role.PMO_ADMIN, Role.EXECUTIVE_VIEWER})
