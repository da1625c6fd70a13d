from django.urls import path

from . import api, change_api

app_name = "incidents"

urlpatterns = [
    path("incident-categories/", api.IncidentCategoryListApi.as_view(), name="category-list"),
    path("incidents/", api.IncidentListCreateApi.as_view(), name="incident-list"),
    path("incidents/export/<str:fmt>/", api.IncidentExportApi.as_view(), name="incident-export"),
    path("incidents/<int:pk>/", api.IncidentDetailApi.as_view(), name="incident-detail"),
    path("incidents/<int:pk>/transition/", api.IncidentTransitionApi.as_view(), name="incident-transition"),
    path("incidents/<int:pk>/change-requests/", change_api.IncidentChangeRequestCreateApi.as_view(),
         name="incident-change-request"),
    path("change-requests/", change_api.ChangeRequestListApi.as_view(), name="change-request-list"),
    path("change-requests/<int:pk>/", change_api.ChangeRequestDetailApi.as_view(), name="change-request-detail"),
    path("change-requests/<int:pk>/decision/", change_api.ChangeRequestDecisionApi.as_view(),
         name="change-request-decision"),
    path("change-requests/<int:pk>/withdraw/", change_api.ChangeRequestWithdrawApi.as_view(),
         name="change-request-withdraw"),
    path("visits/", api.FieldVisitListCreateApi.as_view(), name="visit-list"),
    path("visits/export/<str:fmt>/", api.FieldVisitExportApi.as_view(), name="visit-export"),
    path("visits/<int:pk>/", api.FieldVisitDetailApi.as_view(), name="visit-detail"),
    path("support-cases/", api.SupportCaseListCreateApi.as_view(), name="case-list"),
    path("support-cases/export/<str:fmt>/", api.SupportCaseExportApi.as_view(), name="case-export"),
    path("support-cases/<int:pk>/", api.SupportCaseDetailApi.as_view(), name="case-detail"),
    path("support-cases/<int:pk>/review/", api.SupportCaseReviewApi.as_view(), name="case-review"),
    path("assignments/", api.AssignmentListCreateApi.as_view(), name="assignment-list"),
    path("assignments/<int:pk>/end/", api.AssignmentEndApi.as_view(), name="assignment-end"),
    path("coverage/", api.CoverageApi.as_view(), name="coverage"),
]
