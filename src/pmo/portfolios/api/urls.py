from .views import PortfolioViewSet, ProgramViewSet, ProjectViewSet, StrategicObjectiveViewSet


def register(router) -> None:
    router.register("portfolios", PortfolioViewSet, basename="portfolio")
    router.register("objectives", StrategicObjectiveViewSet, basename="objective")
    router.register("programs", ProgramViewSet, basename="program")
    router.register("projects", ProjectViewSet, basename="project")
