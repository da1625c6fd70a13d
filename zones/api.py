"""Zone status API. Every query starts from `visible_to(user)`: a mahalla outside the caller's scope answers 404
exactly like one that does not exist."""

from django.http import Http404
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from accounts.capabilities import can
from core.api import PagePagination, ServiceApi
from core.periods import Period, PeriodError
from mahallas.models import Mahalla

from . import breakdown, selectors, services
from .reasons import category_names
from .recompute import policy_current
from .serializers import (
    ChangesQuerySerializer,
    ColourChangeSerializer,
    CountsQuerySerializer,
    CrimeFreeRowSerializer,
    MahallaStatusSerializer,
    PeriodQuerySerializer,
    PolicySerializer,
    StatusListQuerySerializer,
    TerritoryCountsSerializer,
)


class ZonePagination(PagePagination):
    max_page_size = 500  # a district's statuses on one page


class ZoneApi(ServiceApi):
    pagination_class = ZonePagination

    def query(self, serializer_class):
        serializer = serializer_class(data=self.request.query_params)
        serializer.is_valid(raise_exception=True)
        return serializer.validated_data

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "category_names": category_names()}


class StatusListApi(ZoneApi):
    """Mahalla statuses of one period, filtered by region, district or colour."""

    serializer_class = MahallaStatusSerializer

    @extend_schema(parameters=[StatusListQuerySerializer])
    def get(self, request):
        q = self.query(StatusListQuerySerializer)
        qs = selectors.statuses_for(request.user, q["period"])
        if q.get("region"):
            qs = qs.filter(mahalla__district__region_id=q["region"])
        if q.get("district"):
            qs = qs.filter(mahalla__district_id=q["district"])
        if q.get("colour"):
            qs = qs.filter(colour=q["colour"])
        page = breakdown.attach(self.paginate_queryset(qs.order_by("mahalla__code")))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class MahallaStatusApi(ZoneApi):
    """Every stored period of one mahalla (its trend)."""

    serializer_class = MahallaStatusSerializer
    pagination_class = None

    def get(self, request, pk: int):
        mahalla = get_object_or_404(Mahalla.objects.visible_to(request.user).only("id"), pk=pk)
        statuses = breakdown.attach(selectors.mahalla_statuses(request.user, mahalla))
        return Response({"mahalla": mahalla.pk, "statuses": self.get_serializer(statuses, many=True).data})


class ColourCountsApi(ZoneApi):
    """Mahallas by colour per region (or per district of a region) for a period."""

    serializer_class = TerritoryCountsSerializer
    pagination_class = None

    @extend_schema(parameters=[CountsQuerySerializer])
    def get(self, request):
        q = self.query(CountsQuerySerializer)
        rows = selectors.counts_by_territory(request.user, q["period"], by=q["by"], region=q.get("region"))
        return Response({"period": q["period"].key, "by": q["by"],
                         "rows": self.get_serializer(rows, many=True).data})


class CrimeFreeApi(ZoneApi):
    """How many mahallas had zero registered crimes in a period, by region."""

    serializer_class = CrimeFreeRowSerializer
    pagination_class = None

    @extend_schema(parameters=[PeriodQuerySerializer])
    def get(self, request):
        period = self.query(PeriodQuerySerializer)["period"]
        rows = selectors.counts_by_territory(request.user, period, by="region")
        total = selectors.totals(rows)
        computed = selectors.period_threshold(period)
        return Response({
            "period": period.key, "starts": period.starts, "ends": period.ends,
            "computed_at": computed.computed_at if computed else None,
            "rows": self.get_serializer(rows, many=True).data,
            "total": {"mahallas": total.mahallas, "crime_free": total.crime_free,
                      "share": total.crime_free_share, "computed": total.computed},
        })


class ColourChangeListApi(ZoneApi):
    """Colour changes (history), newest first."""

    serializer_class = ColourChangeSerializer

    @extend_schema(parameters=[ChangesQuerySerializer])
    def get(self, request):
        q = self.query(ChangesQuerySerializer)
        mahalla = None
        if q.get("mahalla"):
            mahalla = Mahalla.objects.visible_to(request.user).filter(pk=q["mahalla"]).only("id").first()
            if mahalla is None:
                raise Http404
        period = q.get("period")
        if period:
            try:
                period = Period.parse(period).key
            except PeriodError:
                raise ValidationError({"period": ["Give a period like H1-2025, Q3-2025, 2025 or current."]}) \
                    from None
        page = self.paginate_queryset(selectors.colour_changes(request.user, mahalla=mahalla, period=period))
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


class PolicyApi(ServiceApi):
    """The policy in force (GET) and a new version of it (POST, national administrators only)."""

    serializer_class = PolicySerializer

    def get(self, request):
        return Response(self.get_serializer(policy_current()).data)

    def post(self, request):
        if not can(request.user, "zones.edit_policy"):
            raise PermissionDenied("Only national administrators may change the zone status policy.")
        # A ZoneError is answered 400 naming the field (core.api_errors).
        policy = services.policy_create(by=request.user, **self.valid(PolicySerializer))
        return Response(self.get_serializer(policy).data, status=status.HTTP_201_CREATED)


class PolicyVersionListApi(GenericAPIView):
    serializer_class = PolicySerializer
    pagination_class = ZonePagination

    def get(self, request):
        page = self.paginate_queryset(selectors.policy_versions())
        return self.get_paginated_response(self.get_serializer(page, many=True).data)
