from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView, View

from pmo.core.htmx import HtmxPartialMixin

from .selectors import jobs_of
from .storage import result_path


class JobListView(LoginRequiredMixin, ListView):
    template_name = "jobs/job_list.html"
    paginate_by = 25

    def get_queryset(self):
        return jobs_of(self.request.user)


class JobDetailView(LoginRequiredMixin, HtmxPartialMixin, DetailView):
    template_name = "jobs/job_detail.html"
    partial_template_name = "jobs/partials/progress.html"
    context_object_name = "job"

    def get_queryset(self):
        return jobs_of(self.request.user)


class JobDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk):
        job = get_object_or_404(jobs_of(request.user), pk=pk)
        path = result_path(job)
        if path is None or not path.exists():
            raise Http404("This job produced no file, or the file has been removed.")
        return FileResponse(
            path.open("rb"),
            as_attachment=True,
            filename=path.name,
            content_type=job.result.get("content_type"),
        )
