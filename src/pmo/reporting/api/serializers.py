from rest_framework import serializers

from ..models import RagRating, StatusReport


class RagRatingSerializer(serializers.ModelSerializer):
    value = serializers.CharField(read_only=True)

    class Meta:
        model = RagRating
        fields = ["dimension", "computed", "override", "value", "measure", "reason"]


class StatusReportSerializer(serializers.ModelSerializer):
    ratings = RagRatingSerializer(many=True, read_only=True)
    url = serializers.HyperlinkedIdentityField(view_name="api:status-report-detail")

    class Meta:
        model = StatusReport
        fields = [
            "id",
            "url",
            "project",
            "period",
            "status_date",
            "state",
            "ratings",
            "narrative",
            "accomplishments",
            "next_steps",
            "decisions_needed",
            "key_figures",
            "author",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_comment",
        ]


class HealthRowSerializer(serializers.Serializer):
    project = serializers.IntegerField(source="project.pk")
    code = serializers.CharField(source="project.code")
    name = serializers.CharField(source="project.name")
    program = serializers.IntegerField(source="project.program_id", allow_null=True)
    manager = serializers.IntegerField(source="project.manager_id", allow_null=True)
    phase = serializers.CharField(source="project.phase")
    ratings = serializers.SerializerMethodField()
    report = serializers.SerializerMethodField()
    status_date = serializers.SerializerMethodField()
    bac = serializers.SerializerMethodField()
    ac = serializers.SerializerMethodField()
    eac = serializers.SerializerMethodField()
    spi = serializers.SerializerMethodField()
    cpi = serializers.SerializerMethodField()
    spi_t = serializers.SerializerMethodField()
    forecast_finish = serializers.SerializerMethodField()

    def get_ratings(self, row) -> dict[str, str]:
        return {str(d): v[0] for d, v in row.ratings.items()}

    def get_report(self, row) -> int | None:
        return row.report.pk if row.report else None

    def get_status_date(self, row) -> str | None:
        return row.record.status_date.isoformat() if row.record else None

    def _money(self, row, key) -> str | None:
        value = row.figures.get(key)
        return None if value is None else f"{value / 100:.2f}"

    def get_bac(self, row) -> str | None:
        return self._money(row, "bac")

    def get_ac(self, row) -> str | None:
        return self._money(row, "ac")

    def get_eac(self, row) -> str | None:
        return self._money(row, "eac")

    def get_spi(self, row) -> float | None:
        return row.figures.get("spi")

    def get_cpi(self, row) -> float | None:
        return row.figures.get("cpi")

    def get_spi_t(self, row) -> float | None:
        return row.figures.get("spi_t")

    def get_forecast_finish(self, row) -> str | None:
        return row.figures.get("forecast_finish_date")


class NewReportSerializer(serializers.Serializer):
    project = serializers.IntegerField()
    period = serializers.DateField(help_text="Any day of the month reported on.")


class ReportTextSerializer(serializers.Serializer):
    narrative = serializers.CharField(required=False, allow_blank=True)
    accomplishments = serializers.CharField(required=False, allow_blank=True)
    next_steps = serializers.CharField(required=False, allow_blank=True)
    decisions_needed = serializers.CharField(required=False, allow_blank=True)


class OverrideSerializer(serializers.Serializer):
    dimension = serializers.ChoiceField(choices=RagRating._meta.get_field("dimension").choices)
    value = serializers.ChoiceField(
        choices=[("", "As computed"), ("green", "Green"), ("amber", "Amber"), ("red", "Red")],
        allow_blank=True,
    )
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.Serializer):
    accept = serializers.BooleanField()
    comment = serializers.CharField(required=False, allow_blank=True, default="")
