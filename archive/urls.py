from django.urls import path

from archive import views

app_name = "archive"
urlpatterns = [
    path("", views.home, name="home"),
    path("bai-viet/<int:pk>/", views.article_detail, name="article_detail"),
    path("api/articles/", views.api_article_list, name="api_article_list"),
    path("api/articles/<int:pk>/", views.api_article_detail, name="api_article_detail"),
]
