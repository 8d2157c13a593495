from django.urls import path

from residents import views

app_name = "backlog"
urlpatterns = [
    path("", views.backlog, name="list"),
]
