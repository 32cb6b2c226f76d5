from django.urls import path

from cpsadmin.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.review_events, name="review"),
    path("mine/", views.show_my_activity, name="my_activity"),
    path("users/<int:user_id>/", views.show_user_activity, name="user_activity"),
    path("export/", views.export_events, name="export"),
    path("verify/", views.verify_audit_chain, name="verify"),
    path(
        "reinstall/<int:reinstall_id>/",
        views.show_reinstall_story,
        name="reinstall_story",
    ),
]
