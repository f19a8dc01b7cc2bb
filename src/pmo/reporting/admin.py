from django.contrib import admin

from .models import DigestSubscription, RagRating, RagThresholds, ReportEvent, StatusReport


class RagRatingInline(admin.TabularInline):
    model = RagRating
    extra = 0
    raw_id_fields = ["overridden_by"]


class ReportEventInline(admin.TabularInline):
    model = ReportEvent
    extra = 0
    readonly_fields = ["at", "actor", "action", "note"]


@admin.register(StatusReport)
class StatusReportAdmin(admin.ModelAdmin):
    list_display = ["project", "period", "state", "author", "submitted_at", "reviewed_at"]
    list_filter = ["state", "period"]
    search_fields = ["project__code", "project__name"]
    inlines = [RagRatingInline, ReportEventInline]


admin.site.register(RagThresholds)
admin.site.register(DigestSubscription)
