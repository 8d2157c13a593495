from django.urls import path

from reports import views

app_name = "visits"
urlpatterns = [
    path("today/", views.visits_today, name="today"),
    path("late/", views.late_reports, name="late"),
    path("<int:visit_id>/report/", views.visit_report, name="report"),
]
