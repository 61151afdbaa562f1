from django.contrib import admin
from django.urls import include, path

from config.health import healthz

admin.site.site_header = "Dân vận Archive — quản trị"
admin.site.site_title = "Dân vận Archive"
admin.site.index_title = "Quản trị lưu trữ"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the header's language switch
    path("", include("search.urls")),
    path("", include("archive.urls")),
]

handler404 = "archive.views.page_not_found"
handler500 = "archive.views.server_error"
