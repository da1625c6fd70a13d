from django.urls import path

from . import change_views, views

app_name = "incidents"
urlpatterns = [
    path("incidents/", views.incident_list, name="list"),
    path("incidents/new/", views.incident_create_view, name="create"),
    path("incidents/<int:pk>/", views.incident_detail, name="detail"),
    path("incidents/<int:pk>/edit/", views.incident_edit_view, name="edit"),
    path("incidents/<int:pk>/status/", views.incident_transition_view, name="transition"),
    path("incidents/<int:pk>/change-requests/", change_views.change_request_create_view,
         name="change_request_create"),
    path("change-requests/", change_views.change_request_list_view, name="change_requests"),
    path("change-requests/<int:pk>/", change_views.change_request_detail_view, name="change_request"),
    path("change-requests/<int:pk>/decision/", change_views.change_request_decide_view,
         name="change_request_decide"),
    path("change-requests/<int:pk>/withdraw/", change_views.change_request_withdraw_view,
         name="change_request_withdraw"),
    path("visits/", views.visit_list, name="visit-list"),
    path("visits/new/", views.visit_create_view, name="visit-create"),
    path("visits/week/", views.visit_week, name="visit-week"),
    path("visits/<int:pk>/", views.visit_detail, name="visit-detail"),
    path("support-cases/", views.case_list, name="case-list"),
    path("support-cases/new/", views.case_create_view, name="case-create"),
    path("support-cases/<int:pk>/", views.case_detail, name="case-detail"),
    path("support-cases/<int:pk>/edit/", views.case_edit_view, name="case-edit"),
    path("support-cases/<int:pk>/review/", views.case_review_view, name="case-review"),
    path("coverage/", views.coverage_home, name="coverage"),
    path("coverage/regions/<int:pk>/", views.coverage_region, name="coverage-region"),
    path("coverage/districts/<int:pk>/", views.coverage_district, name="coverage-district"),
    path("assignments/new/", views.assignment_create_view, name="assignment-create"),
    path("assignments/<int:pk>/end/", views.assignment_end_view, name="assignment-end"),
]
