from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("cpsadmin.accounts.urls")),
    path("audit/", include("cpsadmin.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("cpsadmin.reinstalls.urls")),
]
