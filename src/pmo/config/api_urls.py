"""/api/v1/: one router for every app's API."""

from django.urls import include, path
from rest_framework.routers import DefaultRouter

from pmo.accounts.api.views import MembershipViewSet, UserViewSet
from pmo.jobs.api.views import JobViewSet
from pmo.portfolios.api.views import (
    PortfolioViewSet,
    ProgramViewSet,
    ProjectViewSet,
    StrategicObjectiveViewSet,
)
from pmo.schedules.api.views import (
    BaselineViewSet,
    CalendarViewSet,
    DependencyViewSet,
    TaskViewSet,
)

router = DefaultRouter()
router.register("portfolios", PortfolioViewSet, basename="portfolio")
router.register("objectives", StrategicObjectiveViewSet, basename="objective")
router.register("programs", ProgramViewSet, basename="program")
router.register("projects", ProjectViewSet, basename="project")
router.register("users", UserViewSet, basename="user")
router.register("memberships", MembershipViewSet, basename="membership")
router.register("jobs", JobViewSet, basename="job")
router.register("tasks", TaskViewSet, basename="task")
router.register("dependencies", DependencyViewSet, basename="dependency")
router.register("calendars", CalendarViewSet, basename="calendar")
router.register("baselines", BaselineViewSet, basename="baseline")

app_name = "api"
urlpatterns = [path("", include("pmo.schedules.api.urls")), *router.urls]
