from django.contrib import admin

from .models import (
    Escalation,
    RaidItem,
    Risk,
    RiskAction,
    RiskAssessment,
    RiskMatrix,
    SimulationRun,
    TaskCorrelation,
    TaskEstimate,
)


class RiskActionInline(admin.TabularInline):
    model = RiskAction
    extra = 0


class RiskAssessmentInline(admin.TabularInline):
    model = RiskAssessment
    extra = 0
    readonly_fields = ["assessed_at"]


@admin.register(Risk)
class RiskAdmin(admin.ModelAdmin):
    list_display = ["reference", "title", "level", "project", "score", "residual_score", "status"]
    list_filter = ["level", "status", "kind", "category", "portfolio"]
    search_fields = ["title", "cause", "event", "effect"]
    readonly_fields = ["score", "residual_score"]
    raw_id_fields = ["tasks"]
    inlines = [RiskActionInline, RiskAssessmentInline]


@admin.register(RaidItem)
class RaidItemAdmin(admin.ModelAdmin):
    list_display = ["reference", "kind", "title", "level", "project", "severity", "status"]
    list_filter = ["kind", "level", "status", "severity"]
    search_fields = ["title", "description"]


@admin.register(Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ["risk", "raid_item", "from_level", "to_level", "escalated_by", "escalated_at"]


@admin.register(RiskMatrix)
class RiskMatrixAdmin(admin.ModelAdmin):
    list_display = ["portfolio", "size", "amber_from", "red_from"]


@admin.register(TaskEstimate)
class TaskEstimateAdmin(admin.ModelAdmin):
    list_display = [
        "task", "optimistic_minutes", "most_likely_minutes", "pessimistic_minutes",
        "distribution",
    ]  # fmt: skip
    raw_id_fields = ["task"]


@admin.register(TaskCorrelation)
class TaskCorrelationAdmin(admin.ModelAdmin):
    list_display = ["first", "second", "coefficient"]
    raw_id_fields = ["first", "second"]


@admin.register(SimulationRun)
class SimulationRunAdmin(admin.ModelAdmin):
    list_display = ["project", "plan_version", "iterations", "status", "created_at"]
    list_filter = ["status"]
    readonly_fields = ["results"]
