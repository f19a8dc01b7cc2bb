from .views import JobViewSet


def register(router) -> None:
    router.register("jobs", JobViewSet, basename="job")
