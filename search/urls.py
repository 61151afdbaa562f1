from django.urls import path

app_name = "search"
urlpatterns: list = []  # search pages and API: issue #3
