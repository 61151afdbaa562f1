from django.urls import path

from archive import views, views_capture

app_name = "archive"
urlpatterns = [
    path("", views.home, name="home"),
    path("tinh/", views.province_list, name="province_list"),
    path("tinh/khong-ro/", views.province_unknown, name="province_unknown"),
    path("tinh/<slug:ref>/", views.province_detail, name="province_detail"),
    path("nam/", views.year_list, name="year_list"),
    path("nam/khong-ro/", views.undated_list, name="undated_list"),
    path("nam/<int:year>/", views.year_detail, name="year_detail"),
    path("nam/<int:year>/<int:month>/", views.month_detail, name="month_detail"),
    path("nam/<int:year>/<int:month>/<int:day>/", views.day_detail, name="day_detail"),
    path("bai-viet/<int:pk>/", views.article_detail, name="article_detail"),
    path("bai-viet/<int:pk>/bao-loi/", views.article_report, name="article_report"),
    path("bai-viet/<int:pk>/ban-luu-goc/", views_capture.article_capture, name="article_capture"),
    path(
        "bai-viet/<int:pk>/ban-luu-goc/tai-nguyen/<int:capture_id>/",
        views_capture.capture_resource,
        name="capture_resource",
    ),
    path("can-bo/", views.official_list, name="official_list"),
    path("can-bo/<int:pk>/", views.official_detail, name="official_redirect"),
    path("can-bo/<int:pk>-<slug:slug>/", views.official_detail, name="official_detail"),
    path("hoi-nghi/", views.meeting_list, name="meeting_list"),
    path("api/articles/", views.api_article_list, name="api_article_list"),
    path("api/articles/<int:pk>/", views.api_article_detail, name="api_article_detail"),
    path("api/provinces/", views.api_province_list, name="api_province_list"),
    path("api/officials/", views.api_official_list, name="api_official_list"),
    path("api/officials/<int:pk>/", views.api_official_detail, name="api_official_detail"),
]
