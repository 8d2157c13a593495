from django.urls import path

from campaigns import views
from reports import table_views
from reports import views as reports_views

app_name = "campaigns"
urlpatterns = [
    path("", views.CampaignListView.as_view(), name="list"),
    path("<slug:slug>/", reports_views.dashboard, name="dashboard"),
    path("<slug:slug>/progress.json", reports_views.progress_json, name="progress_json"),
    path("<slug:slug>/briefing/", reports_views.briefing, name="briefing"),
    path("<slug:slug>/kecamatan/", table_views.kecamatan_table, name="kecamatan"),
    path("<slug:slug>/plan/", table_views.plan, name="plan"),
    path("<slug:slug>/schedule/", table_views.schedule, name="schedule"),
]
