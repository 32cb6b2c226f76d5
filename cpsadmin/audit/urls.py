from django.urls import path

from cpsadmin.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.review, name="review"),
    path("mine/", views.my_activity, name="my_activity"),
    path("users/<int:user_id>/", views.user_activity, name="user_activity"),
    path("export/", views.export_events, name="export"),
    path("verify/", views.verify, name="verify"),
    path(
        "reinstall/<int:reinstall_id>/",
        views.reinstall_story,
        name="reinstall_story",
    ),
]
