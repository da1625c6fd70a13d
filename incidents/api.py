"""The field-work API. Views parse input, call one service or selector, and render; every query starts from
`visible_to(user)`, so an id outside the caller's scope answers 404 exactly like a missing one."""

from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status
from rest_framework.exceptions import NotFound, PermissionDenied, ValidationError
from rest_framework.response import Response

from accounts.capabilities import can
from accounts.models import Assignment
from audit.models import AuditEvent
from audit.services import audit_record
from core.api import KeysetPagination, ServiceApi

from . import selectors
from .assignments import assignment_create, assignment_end
from .change_requests import incident_edit
from .errors import FieldWorkError
from .exports import XLSX_MAX_ROWS, csv_response, xlsx_response
from .filters import AssignmentFilter, FieldVisitFilter, IncidentFilter, SupportCaseFilter, filters_used
from .models import FieldVisit, Incident, IncidentCategory, SupportCase
from .serializers import (
    AssignmentEndSerializer,
    AssignmentSerializer,
    AssignmentWriteSerializer,
    CoverageSerializer,
    FieldVisitSerializer,
    FieldVisitWriteSerializer,
    IncidentCategorySerializer,
    IncidentDetailSerializer,
    IncidentEditSerializer,
    IncidentSerializer,
    IncidentTransitionWriteSerializer,
    IncidentWriteSerializer,
    SupportCaseDetailSerializer,
    SupportCaseReviewSerializer,
    SupportCaseReviewWriteSerializer,
    SupportCaseSerializer,
    SupportCaseUpdateSerializer,
    SupportCaseWriteSerializer,
)
from .services.cases import support_case_open, support_case_review, support_case_update
from .services.incidents import incident_create, incident_transition
from .services.visits import field_visit_create


class IncidentCursorPagination(KeysetPagination):
    ordering = ("-occurred_at", "-id")


class VisitCursorPagination(KeysetPagination):
    ordering = ("-visited_at", "-id")


class FieldWorkListApi(mixins.ListModelMixin, ServiceApi):
    pass


def _forbid(message) -> None:
    raise PermissionDenied(message)


# --- categories --------------------------------------------------------------------------------------

class IncidentCategoryListApi(FieldWorkListApi):
    serializer_class = IncidentCategorySerializer
    filter_backends: list = []

    def get_queryset(self):
        return IncidentCategory.objects.active().select_related("parent")

    def get(self, request):
        return self.list(request)


# --- incidents ---------------------------------------------------------------------------------------

class IncidentListCreateApi(FieldWorkListApi):
    serializer_class = IncidentSerializer
    filterset_class = IncidentFilter
    pagination_class = IncidentCursorPagination

    def get_queryset(self):
        return selectors.incident_list(user=self.request.user)

    def get(self, request):
        response = self.list(request)
        selectors.personal_read_record(request, object_type="incidents.incident",
                                       ids=[row["id"] for row in response.data["results"]],
                                       details={"filters": filters_used(request.GET)})
        return response

    @extend_schema(request=IncidentWriteSerializer, responses={201: IncidentDetailSerializer})
    def post(self, request):
        incident = incident_create(by=request.user, **self.valid(IncidentWriteSerializer))
        data = IncidentDetailSerializer(selectors.incident_get(user=request.user, pk=incident.pk)).data
        return Response(data, status=status.HTTP_201_CREATED)


class IncidentDetailApi(ServiceApi):
    serializer_class = IncidentDetailSerializer
    queryset = Incident.objects.none()  # for the schema; reads go through selectors

    def get(self, request, pk: int):
        incident = selectors.incident_get(user=request.user, pk=pk)
        selectors.personal_read_record(request, object_type="incidents.incident", obj=incident)
        return Response(IncidentDetailSerializer(incident).data)

    @extend_schema(request=IncidentEditSerializer, responses=IncidentDetailSerializer,
                   description="Changes that keep the counts are saved at once. A change that would take a "
                               "registered crime out of its mahalla's, month's or category group's count is filed "
                               "as a change request (see `pending_change_request`) and needs `reason`.")
    def patch(self, request, pk: int):
        incident = selectors.incident_get(user=request.user, pk=pk)
        if not can(request.user, "incidents.edit_incident", incident):
            _forbid(_("You may not edit this incident."))
        changes = self.valid(IncidentEditSerializer, partial=True, current_source=incident.source)
        incident_edit(by=request.user, incident=incident, **changes)
        return Response(IncidentDetailSerializer(selectors.incident_get(user=request.user, pk=pk)).data)


class IncidentTransitionApi(ServiceApi):
    serializer_class = IncidentDetailSerializer
    queryset = Incident.objects.none()

    @extend_schema(request=IncidentTransitionWriteSerializer, responses=IncidentDetailSerializer)
    def post(self, request, pk: int):
        incident = selectors.incident_get(user=request.user, pk=pk)
        if not can(request.user, "incidents.edit_incident", incident):
            _forbid(_("You may not change this incident."))
        data = self.valid(IncidentTransitionWriteSerializer)
        incident_transition(by=request.user, incident=incident, **data)
        return Response(IncidentDetailSerializer(selectors.incident_get(user=request.user, pk=pk)).data)


# --- field visits ------------------------------------------------------------------------------------

class FieldVisitListCreateApi(FieldWorkListApi):
    serializer_class = FieldVisitSerializer
    filterset_class = FieldVisitFilter
    pagination_class = VisitCursorPagination

    def get_queryset(self):
        return selectors.field_visit_list(user=self.request.user)

    def get(self, request):
        response = self.list(request)
        selectors.personal_read_record(request, object_type="incidents.fieldvisit",
                                       ids=[row["id"] for row in response.data["results"]],
                                       details={"filters": filters_used(request.GET)})
        return response

    @extend_schema(request=FieldVisitWriteSerializer, responses={200: FieldVisitSerializer,
                                                                 201: FieldVisitSerializer})
    def post(self, request):
        """Idempotent by `client_uuid`: a draft sent twice answers 200 with the visit stored first."""
        visit, created = field_visit_create(by=request.user, **self.valid(FieldVisitWriteSerializer))
        visit = selectors.field_visit_list(user=request.user).filter(pk=visit.pk).first() or visit
        return Response(FieldVisitSerializer(visit, context={"request": request}).data,
                        status=status.HTTP_201_CREATED if created else status.HTTP_200_OK)


class FieldVisitDetailApi(ServiceApi):
    serializer_class = FieldVisitSerializer
    queryset = FieldVisit.objects.none()

    def get(self, request, pk: int):
        visit = selectors.field_visit_list(user=request.user).get(pk=pk)
        selectors.personal_read_record(request, object_type="incidents.fieldvisit", obj=visit)
        return Response(FieldVisitSerializer(visit, context={"request": request}).data)


# --- support cases -----------------------------------------------------------------------------------

class SupportCaseListCreateApi(FieldWorkListApi):
    serializer_class = SupportCaseSerializer
    filterset_class = SupportCaseFilter

    def get_queryset(self):
        return selectors.support_case_list(user=self.request.user)

    def get(self, request):
        response = self.list(request)
        ids = [row["id"] for row in response.data["results"]]
        if ids:
            # A list shows names and addresses of people at risk: it is a read of each of them.
            audit_record(action=AuditEvent.Action.VIEW, request=request, object_type="incidents.supportcase",
                         object_repr="list", details={"ids": ids, "filters": filters_used(request.GET)})
        return response

    @extend_schema(request=SupportCaseWriteSerializer, responses={201: SupportCaseDetailSerializer})
    def post(self, request):
        case = support_case_open(by=request.user, **self.valid(SupportCaseWriteSerializer))
        case = selectors.support_case_get(user=request.user, pk=case.pk)
        return Response(SupportCaseDetailSerializer(case).data, status=status.HTTP_201_CREATED)


class SupportCaseDetailApi(ServiceApi):
    serializer_class = SupportCaseDetailSerializer
    queryset = SupportCase.objects.none()

    def get(self, request, pk: int):
        case = selectors.support_case_get(user=request.user, pk=pk, request=request)
        return Response(SupportCaseDetailSerializer(case).data)

    @extend_schema(request=SupportCaseUpdateSerializer, responses=SupportCaseDetailSerializer)
    def patch(self, request, pk: int):
        case = selectors.support_case_get(user=request.user, pk=pk)
        if not can(request.user, "incidents.edit_case", case):
            _forbid(_("You may not edit this case."))
        changes = self.valid(SupportCaseUpdateSerializer, partial=True)
        support_case_update(by=request.user, case=case, **changes)
        case = selectors.support_case_get(user=request.user, pk=pk)
        return Response(SupportCaseDetailSerializer(case).data)


class SupportCaseReviewApi(ServiceApi):
    serializer_class = SupportCaseReviewSerializer
    queryset = SupportCase.objects.none()

    @extend_schema(request=SupportCaseReviewWriteSerializer, responses={201: SupportCaseReviewSerializer})
    def post(self, request, pk: int):
        case = selectors.support_case_get(user=request.user, pk=pk)
        if not can(request.user, "incidents.edit_case", case):
            _forbid(_("You may not review this case."))
        data = self.valid(SupportCaseReviewWriteSerializer)
        review = support_case_review(by=request.user, case=case, **data)
        return Response(SupportCaseReviewSerializer(review).data, status=status.HTTP_201_CREATED)


# --- assignments and coverage ------------------------------------------------------------------------

class AssignmentListCreateApi(FieldWorkListApi):
    serializer_class = AssignmentSerializer
    filterset_class = AssignmentFilter

    def get_queryset(self):
        return selectors.assignment_list(user=self.request.user)

    def get(self, request):
        return self.list(request)

    @extend_schema(request=AssignmentWriteSerializer, responses={201: AssignmentSerializer})
    def post(self, request):
        assignment = assignment_create(by=request.user, **self.valid(AssignmentWriteSerializer))
        return Response(AssignmentSerializer(assignment).data, status=status.HTTP_201_CREATED)


class AssignmentEndApi(ServiceApi):
    serializer_class = AssignmentSerializer
    queryset = Assignment.objects.none()

    @extend_schema(request=AssignmentEndSerializer, responses=AssignmentSerializer)
    def post(self, request, pk: int):
        assignment = selectors.assignment_list(user=request.user).get(pk=pk)
        if not can(request.user, "incidents.manage_assignments", assignment.mahalla_id):
            _forbid(_("You may not change this assignment."))
        data = self.valid(AssignmentEndSerializer)
        assignment = assignment_end(by=request.user, assignment=assignment, **data)
        assignment = Assignment.objects.select_related("user", "mahalla").get(pk=assignment.pk)
        return Response(AssignmentSerializer(assignment).data)


class CoverageApi(FieldWorkListApi):
    """Mahallas with their active inspector / social worker and visits in the last 30 days.

    Query: `district`, `region`, `missing` = inspector | social_worker | any."""

    serializer_class = CoverageSerializer
    filter_backends: list = []

    def get(self, request):
        if not can(request.user, "incidents.view_coverage"):
            _forbid(_("Coverage is for district, regional and national supervisors."))
        try:
            district_id = int(request.GET.get("district") or 0) or None
            region_id = int(request.GET.get("region") or 0) or None
        except ValueError as exc:
            raise ValidationError({"district": [_("Enter a whole number.")]}) from exc
        missing = request.GET.get("missing") or None
        if missing is not None and missing not in selectors.GAPS:
            raise ValidationError({"missing": [_("Choose inspector, social_worker or any.")]})
        qs = selectors.coverage(user=request.user, district_id=district_id, region_id=region_id)
        page = self.paginate_queryset(selectors.coverage_gaps(qs, missing))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


# --- exports -----------------------------------------------------------------------------------------

class _ExportApi(ServiceApi):
    serializer_class = None
    filter_backends: list = []
    filterset_class = None
    name = ""

    def source(self, request):
        raise NotImplementedError

    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY,
                              (200, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"):
                                  OpenApiTypes.BINARY})
    def get(self, request, fmt: str):
        if fmt not in ("csv", "xlsx"):
            raise NotFound()
        if not can(request.user, "incidents.export"):
            _forbid(_("Exports are for district, regional and national supervisors."))
        filterset = self.filterset_class(request.GET, queryset=self.source(request), request=request)
        if not filterset.is_valid():
            raise ValidationError(filterset.errors)
        queryset = filterset.qs
        if fmt == "xlsx" and queryset.order_by()[:XLSX_MAX_ROWS + 1].count() > XLSX_MAX_ROWS:
            raise FieldWorkError("format", _("More than %(n)s rows: narrow the filters or export CSV.")
                                 % {"n": XLSX_MAX_ROWS})
        audit_record(action=AuditEvent.Action.EXPORT, request=request,
                     object_type=queryset.model._meta.label_lower, object_repr=f"{self.name}.{fmt}",
                     details={"format": fmt, "filters": filters_used(request.GET)})
        filename = f"{self.name}-{request.user.get_username()}"
        if fmt == "csv":
            return csv_response(queryset, filename, user=request.user)
        return xlsx_response(queryset, self.name, user=request.user)


class IncidentExportApi(_ExportApi):
    filterset_class = IncidentFilter
    name = "incidents"

    def source(self, request):
        return selectors.incident_list(user=request.user)


class FieldVisitExportApi(_ExportApi):
    filterset_class = FieldVisitFilter
    name = "visits"

    def source(self, request):
        return selectors.field_visit_list(user=request.user)


class SupportCaseExportApi(_ExportApi):
    filterset_class = SupportCaseFilter
    name = "support-cases"

    def source(self, request):
        return selectors.support_case_list(user=request.user)
