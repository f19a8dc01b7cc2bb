"""/api/v1/: one router; every pmo app with an ``api.urls`` module registers its views."""

from importlib import import_module
from importlib.util import find_spec

from django.conf import settings
from rest_framework.routers import DefaultRouter

router = DefaultRouter()
extra = []
for app in settings.PMO_APPS:
    spec = find_spec(f"{app}.api")
    # A plain module (pmo.core.api holds shared API plumbing) is not an app's API package.
    if spec is None or spec.submodule_search_locations is None:
        continue
    if find_spec(f"{app}.api.urls") is None:
        continue
    module = import_module(f"{app}.api.urls")
    module.register(router)
    extra += getattr(module, "urlpatterns", [])

app_name = "api"
urlpatterns = [*extra, *router.urls]
