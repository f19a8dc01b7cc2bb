from django.contrib import admin

from .models import Portfolio, Program, Project, StrategicObjective


class ObjectiveInline(admin.TabularInline):
    model = StrategicObjective
    extra = 0


@admin.register(Portfolio)
class PortfolioAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "owner", "governance_model"]
    search_fields = ["code", "name"]
    inlines = [ObjectiveInline]


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "portfolio", "weight"]
    list_filter = ["portfolio"]
    search_fields = ["code", "name"]


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "portfolio", "manager", "status"]
    list_filter = ["portfolio", "status"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["manager"]


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "portfolio",
        "program",
        "status",
        "phase",
        "priority",
        "health",
        "planned_start",
        "planned_finish",
    ]
    list_filter = ["portfolio", "program", "status", "phase", "health", "priority"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["manager", "sponsor", "program"]
    filter_horizontal = ["objectives"]
    date_hierarchy = "planned_start"
