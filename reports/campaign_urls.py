"""The campaign list and every page of a campaign's progress, mounted at /campaigns/."""

from django.urls import path

from reports import progress_views, proposal_views, table_views

app_name = "campaigns"
urlpatterns = [
    path("", progress_views.CampaignListView.as_view(), name="list"),
    path("<slug:slug>/", progress_views.dashboard, name="dashboard"),
    path("<slug:slug>/progress.json", progress_views.progress_json, name="progress_json"),
    path("<slug:slug>/briefing/", progress_views.briefing, name="briefing"),
    path("<slug:slug>/kecamatan/", table_views.kecamatan_table, name="kecamatan"),
    path("<slug:slug>/plan/", table_views.plan, name="plan"),
    path("<slug:slug>/schedule/", table_views.schedule, name="schedule"),
    path("<slug:slug>/propose/", proposal_views.propose, name="propose"),
]
