"""A province's roll-up, mounted at /provinces/."""

from django.urls import path

from reports import province_views

app_name = "provinces"
urlpatterns = [
    path("<str:code>/", province_views.province_rollup, name="rollup"),
]
