from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path

from config.health import healthz
from config.site import SITEMAPS, api_index, api_openapi, favicon, robots_txt

admin.site.site_header = "Dân vận Archive — quản trị"
admin.site.site_title = "Dân vận Archive"
admin.site.index_title = "Quản trị lưu trữ"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("robots.txt", robots_txt, name="robots"),
    path("favicon.ico", favicon, name="favicon"),
    path("sitemap.xml", sitemap_views.index, {"sitemaps": SITEMAPS}, name="sitemap"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("api/", api_index, name="api_index"),
    path("api/openapi.json", api_openapi, name="api_openapi"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),  # set_language: the header's language switch
    path("", include("search.urls")),
    path("", include("archive.urls")),
]

handler404 = "archive.views.page_not_found"
handler500 = "archive.views.server_error"
