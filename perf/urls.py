from django.urls import path

app_name = "perf"

urlpatterns: list = []
