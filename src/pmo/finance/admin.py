from django.contrib import admin

from .models import BudgetLine, CostEntry, EvmRecord, Forecast


@admin.register(BudgetLine)
class BudgetLineAdmin(admin.ModelAdmin):
    list_display = ["project", "month", "expenditure", "category", "amount"]
    list_filter = ["expenditure", "category"]
    search_fields = ["project__code", "description"]


@admin.register(CostEntry)
class CostEntryAdmin(admin.ModelAdmin):
    list_display = ["project", "date", "source", "category", "amount", "reference", "supplier"]
    list_filter = ["source", "category"]
    search_fields = ["project__code", "reference", "supplier", "description"]
    raw_id_fields = ["task"]


@admin.register(Forecast)
class ForecastAdmin(admin.ModelAdmin):
    list_display = ["project", "month", "category", "amount"]


@admin.register(EvmRecord)
class EvmRecordAdmin(admin.ModelAdmin):
    """Read-only: figures of record are never changed after they were stored."""

    list_display = ["scope", "project", "program", "portfolio", "status_date", "formula_version"]
    list_filter = ["scope", "status_date"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
