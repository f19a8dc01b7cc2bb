"""Generic view pieces: forms that save through a service, object pages scoped by user."""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.views.generic import FormView

from .forms import add_service_errors


class ServiceFormView(LoginRequiredMixin, FormView):
    """A form whose valid data is handed to a service (``perform``), never saved directly.

    A ``ValidationError`` from the service is shown on the form next to the field it
    names, so rules enforced in services reach the user just like form rules.
    """

    success_message = ""
    instance = None

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if self.instance is not None:
            kwargs["instance"] = self.instance
        return kwargs

    def perform(self, form):
        raise NotImplementedError

    def form_valid(self, form):
        try:
            obj = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        if self.success_message:
            messages.success(self.request, self.success_message.format(obj=obj))
        return HttpResponseRedirect(self.get_success_url(obj))

    def get_success_url(self, obj=None):
        return obj.get_absolute_url()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["instance"] = self.instance
        return context


class SortableListMixin:
    """Expose the current ordering to templates so column headers can toggle it."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["ordering"] = self.request.GET.get("ordering", "")
        query = self.request.GET.copy()
        query.pop("page", None)
        context["query_without_page"] = query.urlencode()
        query.pop("ordering", None)
        context["query_without_ordering"] = query.urlencode()
        return context
