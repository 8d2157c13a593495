"""Working on the resident list. Mounted at the root: its pages live under /residents/,
/campaigns/<slug>/residents/ and /visits/<id>/."""

from django.urls import path

from residents import views

app_name = "residents"
urlpatterns = [
    path("residents/", views.resident_home, name="home"),
    path("residents/<int:pk>/", views.resident_detail, name="detail"),
    path("campaigns/<slug:slug>/residents/", views.ResidentListView.as_view(), name="list"),
    path("visits/<int:visit_id>/residents/", views.bulk_record, name="bulk_record"),
    path("visits/<int:visit_id>/invitations/", views.invitations, name="invitations"),
    path("visits/<int:visit_id>/invitations.csv", views.invitations_csv, name="invitations_csv"),
]
