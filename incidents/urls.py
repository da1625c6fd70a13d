from django.urls import path

from .views import assignments, cases, change_requests, coverage, incidents, visits

app_name = "incidents"
urlpatterns = [
    path("incidents/", incidents.incident_list, name="list"),
    path("incidents/new/", incidents.incident_create_view, name="create"),
    path("incidents/<int:pk>/", incidents.incident_detail, name="detail"),
    path("incidents/<int:pk>/edit/", incidents.incident_edit_view, name="edit"),
    path("incidents/<int:pk>/status/", incidents.incident_transition_view, name="transition"),
    path("incidents/<int:pk>/change-requests/", change_requests.change_request_create_view,
         name="change_request_create"),
    path("change-requests/", change_requests.change_request_list_view, name="change_requests"),
    path("change-requests/<int:pk>/", change_requests.change_request_detail_view, name="change_request"),
    path("change-requests/<int:pk>/decision/", change_requests.change_request_decide_view,
         name="change_request_decide"),
    path("change-requests/<int:pk>/withdraw/", change_requests.change_request_withdraw_view,
         name="change_request_withdraw"),
    path("visits/", visits.visit_list, name="visit-list"),
    path("visits/new/", visits.visit_create_view, name="visit-create"),
    path("visits/week/", visits.visit_week, name="visit-week"),
    path("visits/<int:pk>/", visits.visit_detail, name="visit-detail"),
    path("support-cases/", cases.case_list, name="case-list"),
    path("support-cases/new/", cases.case_create_view, name="case-create"),
    path("support-cases/<int:pk>/", cases.case_detail, name="case-detail"),
    path("support-cases/<int:pk>/edit/", cases.case_edit_view, name="case-edit"),
    path("support-cases/<int:pk>/review/", cases.case_review_view, name="case-review"),
    path("coverage/", coverage.coverage_home, name="coverage"),
    path("coverage/regions/<int:pk>/", coverage.coverage_region, name="coverage-region"),
    path("coverage/districts/<int:pk>/", coverage.coverage_district, name="coverage-district"),
    path("assignments/new/", assignments.assignment_create_view, name="assignment-create"),
    path("assignments/<int:pk>/end/", assignments.assignment_end_view, name="assignment-end"),
]
