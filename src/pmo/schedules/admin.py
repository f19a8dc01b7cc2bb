from django.contrib import admin

from .models import Baseline, Calendar, CalendarException, Dependency, ProjectSchedule, Task


class CalendarExceptionInline(admin.TabularInline):
    model = CalendarException
    extra = 0


@admin.register(Calendar)
class CalendarAdmin(admin.ModelAdmin):
    list_display = ["name", "portfolio", "timezone", "country", "hours_per_day"]
    inlines = [CalendarExceptionInline]


@admin.register(ProjectSchedule)
class ProjectScheduleAdmin(admin.ModelAdmin):
    list_display = ["project", "calendar", "direction", "start", "computed_finish", "version"]
    readonly_fields = ["version", "scheduled_at", "computed_start", "computed_finish"]


@admin.register(Task)
class TaskAdmin(admin.ModelAdmin):
    list_display = [
        "project",
        "outline",
        "name",
        "duration_minutes",
        "start",
        "finish",
        "is_critical",
    ]
    list_filter = ["project", "is_critical", "is_milestone"]
    search_fields = ["name"]
    raw_id_fields = ["parent", "project", "assignee"]
    readonly_fields = [
        "outline",
        "is_summary",
        "early_start",
        "early_finish",
        "late_start",
        "late_finish",
        "start",
        "finish",
        "total_float_minutes",
        "free_float_minutes",
        "is_critical",
    ]


@admin.register(Dependency)
class DependencyAdmin(admin.ModelAdmin):
    list_display = ["predecessor", "type", "lag", "lag_unit", "successor"]
    raw_id_fields = ["predecessor", "successor"]


@admin.register(Baseline)
class BaselineAdmin(admin.ModelAdmin):
    list_display = ["project", "number", "name", "captured_at", "captured_by"]
