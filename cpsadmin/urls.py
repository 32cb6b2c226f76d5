from django.contrib import admin
from django.urls import include, path

from cpsadmin.accounts.views import send_to_landing_page

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("cpsadmin.accounts.urls")),
    path("audit/", include("cpsadmin.audit.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", send_to_landing_page, name="home"),
    path("", include("cpsadmin.reinstalls.urls")),
]
