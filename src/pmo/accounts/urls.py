from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("members/<str:level>/<int:pk>/", views.MembersView.as_view(), name="members"),
    path("members/<int:pk>/remove/", views.MemberRemoveView.as_view(), name="member-remove"),
]
