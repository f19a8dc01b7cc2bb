from django.contrib import admin

from .models import (
    Assignment,
    Booking,
    CapacityChange,
    CostRate,
    JobRole,
    LevelingRun,
    OrgUnit,
    Resource,
    ResourceSkill,
    Skill,
    Timesheet,
    TimesheetEntry,
)


class ResourceSkillInline(admin.TabularInline):
    model = ResourceSkill
    extra = 0


class CapacityChangeInline(admin.TabularInline):
    model = CapacityChange
    extra = 0


class CostRateInline(admin.TabularInline):
    model = CostRate
    extra = 0


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "role", "org_unit", "availability_pct", "is_active"]
    list_filter = ["kind", "role", "org_unit", "is_active"]
    search_fields = ["name"]
    inlines = [ResourceSkillInline, CapacityChangeInline, CostRateInline]


@admin.register(OrgUnit)
class OrgUnitAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "manager"]


admin.site.register(Skill)
admin.site.register(JobRole)


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["task", "resource", "units_pct", "work_minutes", "actual_minutes"]
    list_filter = ["resource__kind"]
    raw_id_fields = ["task", "resource"]


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["project", "resource", "month", "hours", "kind"]
    list_filter = ["kind", "month"]


class EntryInline(admin.TabularInline):
    model = TimesheetEntry
    extra = 0
    raw_id_fields = ["assignment"]


@admin.register(Timesheet)
class TimesheetAdmin(admin.ModelAdmin):
    list_display = ["resource", "week_start", "status", "decided_by"]
    list_filter = ["status", "week_start"]
    inlines = [EntryInline]


@admin.register(LevelingRun)
class LevelingRunAdmin(admin.ModelAdmin):
    list_display = ["__str__", "mode", "status", "created_by", "created_at"]
    list_filter = ["status", "mode"]
