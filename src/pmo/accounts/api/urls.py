from .views import MembershipViewSet, UserViewSet


def register(router) -> None:
    router.register("users", UserViewSet, basename="user")
    router.register("memberships", MembershipViewSet, basename="membership")
