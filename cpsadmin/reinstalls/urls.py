from django.urls import path

from cpsadmin.reinstalls import approval_views, views

app_name = "reinstalls"
urlpatterns = [
    # Requesters: servers, the reinstall form and its htmx pieces.
    path("servers/", views.list_servers, name="servers"),
    path(
        "servers/<str:region>/<str:instance_id>/reinstall/",
        views.request_reinstall,
        name="reinstall",
    ),
    path(
        "servers/<str:region>/<str:instance_id>/stop/",
        views.stop_server,
        name="stop",
    ),
    path("catalogue/software/", views.list_software_options, name="software_options"),
    path("catalogue/refresh/", views.refresh_catalogue, name="refresh_catalogue"),
    path("requests/", views.list_my_requests, name="my_requests"),
    path("requests/<int:pk>/", views.show_request, name="detail"),
    path("requests/<int:pk>/progress/", views.show_request_progress, name="progress"),
    # Approvers, and the requester's own cancel.
    path("approvals/", approval_views.list_approvals, name="approvals"),
    path("approvals/bulk/", approval_views.decide_many, name="decide_many"),
    path("requests/<int:pk>/approve/", approval_views.approve_request, name="approve"),
    path("requests/<int:pk>/reject/", approval_views.reject_request, name="reject"),
    path("requests/<int:pk>/cancel/", approval_views.cancel_request, name="cancel"),
]
