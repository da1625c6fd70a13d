from django.urls import path

from . import views

app_name = "risk"
urlpatterns = [
    path("", views.ranking, name="ranking"),
    path("export/", views.ranking_export, name="export"),
    path("this-week/", views.visit_plan, name="visit-plan"),
    path("mahallas/<int:mahalla_id>/measure/", views.add_measure, name="add-measure"),
]
