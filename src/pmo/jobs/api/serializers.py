from rest_framework import serializers

from ..models import Job


class JobSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Job
        fields = [
            "id",
            "kind",
            "label",
            "status",
            "percent",
            "message",
            "result",
            "download_url",
            "created_at",
            "started_at",
            "finished_at",
        ]
        read_only_fields = fields

    def get_download_url(self, job) -> str | None:
        if not (job.result or {}).get("file"):
            return None
        request = self.context.get("request")
        from django.urls import reverse

        url = reverse("jobs:job-download", args=[job.pk])
        return request.build_absolute_uri(url) if request else url
