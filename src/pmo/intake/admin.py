from django.contrib import admin

from .models import (
    Assessment,
    CapacityRole,
    CashFlow,
    Criterion,
    Proposal,
    ProposalEvent,
    ResourceDemand,
    Scenario,
    ScenarioCommit,
    ScoringModel,
)


class CashFlowInline(admin.TabularInline):
    model = CashFlow
    extra = 0


class DemandInline(admin.TabularInline):
    model = ResourceDemand
    extra = 0


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = ["code", "title", "portfolio", "state", "risk_level", "mandatory", "project"]
    list_filter = ["portfolio", "state", "risk_level", "mandatory"]
    search_fields = ["code", "title"]
    inlines = [CashFlowInline, DemandInline]
    # the workflow and the link to the project are kept by the services
    readonly_fields = ["state", "project", "decided_by", "decided_at", "created_by"]


@admin.register(ScoringModel)
class ScoringModelAdmin(admin.ModelAdmin):
    list_display = ["portfolio", "discount_rate", "npv_weight", "planning_start", "horizon_years"]


@admin.register(Criterion)
class CriterionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "objective", "weight", "model"]


@admin.register(CapacityRole)
class CapacityRoleAdmin(admin.ModelAdmin):
    list_display = ["name", "portfolio", "monthly_hours"]


@admin.register(Assessment)
class AssessmentAdmin(admin.ModelAdmin):
    list_display = ["proposal", "criterion", "assessor", "score"]
    list_filter = ["criterion"]


@admin.register(Scenario)
class ScenarioAdmin(admin.ModelAdmin):
    list_display = ["name", "portfolio", "method", "status", "saved_value", "created_at"]
    readonly_fields = ["solver", "frontier", "saved_selection", "saved_value", "saved_cost"]


@admin.register(ScenarioCommit)
class ScenarioCommitAdmin(admin.ModelAdmin):
    list_display = ["scenario", "committed_by", "committed_at", "value", "cost"]
    readonly_fields = [f.name for f in ScenarioCommit._meta.fields]

    def has_delete_permission(self, request, obj=None):
        # an audit record outlives opinions about it
        return False


@admin.register(ProposalEvent)
class ProposalEventAdmin(admin.ModelAdmin):
    list_display = ["proposal", "from_state", "to_state", "author", "created_at"]
    readonly_fields = [f.name for f in ProposalEvent._meta.fields]
