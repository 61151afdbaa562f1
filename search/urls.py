from django.urls import path

from search import views

app_name = "search"
urlpatterns = [
    path("tim-kiem/", views.search_page, name="search"),
    path("tim-kiem/feed/", views.search_feed, name="feed"),
    path("tim-kiem/ket-qua/", views.search_result, name="result"),
    path("search/", views.search_redirect, name="search_en"),
    path("search/feed/", views.search_feed, name="feed_en"),
    path("api/search/", views.api_search, name="api"),
    path("api/search/trend/", views.api_trend, name="trend"),
    path("opensearch.xml", views.opensearch, name="opensearch"),
]
