"""Account API: who am I, API tokens, and the mahalla detail with the people assigned to it.

The mahalla detail is here, not in `mahallas.api`, because `mahallas` sits below `accounts` and must
not know about people; this layer composes the territory selector with the assignments.
"""

from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response
from rest_framework.views import APIView

from mahallas import selectors as territory_selectors
from mahallas.models import District, Mahalla, Region
from mahallas.scope import ScopeLevel
from mahallas.serializers import MahallaDetailSerializer

from .models import Assignment, Role
from .two_factor import token_valid_for


class PersonSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    full_name = serializers.CharField(source="get_full_name")
    phone = serializers.CharField()


class MahallaWithPeopleSerializer(MahallaDetailSerializer):
    inspector = PersonSerializer(read_only=True, allow_null=True,
                                 help_text="The current primary prevention inspector, if any.")
    social_worker = PersonSerializer(read_only=True, allow_null=True,
                                     help_text="The current primary social worker, if any.")

    class Meta(MahallaDetailSerializer.Meta):
        fields = (*MahallaDetailSerializer.Meta.fields, "inspector", "social_worker")


class MahallaDetailApi(APIView):
    """A mahalla with its population and its current primary inspector and social worker."""

    @extend_schema(responses=MahallaWithPeopleSerializer)
    def get(self, request, pk: int):
        mahalla = territory_selectors.mahalla_get(user=request.user, mahalla_id=pk)
        if mahalla is None:
            raise Http404
        people = {
            a.role: a.user
            for a in Assignment.objects.visible_to(request.user).active()
            .filter(mahalla_id=mahalla.pk, is_primary=True, user__is_active=True).select_related("user")
        }
        mahalla.inspector = people.get(Role.INSPECTOR)
        mahalla.social_worker = people.get(Role.SOCIAL_WORKER)
        return Response(MahallaWithPeopleSerializer(mahalla).data)


# --- Me ------------------------------------------------------------------------------------------------


class UnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class ScopeDistrictSerializer(UnitSerializer):
    region = serializers.IntegerField(source="region_id")


class ScopeMahallaSerializer(UnitSerializer):
    district = serializers.IntegerField(source="district_id")


class ScopeSerializer(serializers.Serializer):
    level = serializers.ChoiceField(choices=[level.value for level in ScopeLevel])
    region = UnitSerializer(allow_null=True, help_text="Region of a regional, district or operator scope.")
    district = ScopeDistrictSerializer(allow_null=True, help_text="District of a district or operator scope.")
    mahallas = ScopeMahallaSerializer(many=True, help_text="Mahallas of an inspector or social worker.")


class MeSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    username = serializers.CharField()
    full_name = serializers.CharField(source="get_full_name")
    role = serializers.CharField(help_text="One of: " + ", ".join(Role.values) + "; empty without a role.")
    role_label = serializers.CharField()
    scope = ScopeSerializer()


def _scope_of_me(user) -> dict:
    scope = user.scope
    region = district = None
    mahallas = Mahalla.objects.none()
    if scope.level == ScopeLevel.REGION:
        region = Region.objects.visible_to(user).filter(pk=scope.region_id).defer("boundary").first()
    elif scope.level == ScopeLevel.DISTRICT:
        district = (District.objects.visible_to(user).filter(pk=scope.district_id)
                    .select_related("region").defer("boundary", "region__boundary").first())
        region = district.region if district else None
    elif scope.level == ScopeLevel.MAHALLAS:
        mahallas = Mahalla.objects.visible_to(user).defer("boundary").order_by("name_uz", "id")
    return {"level": scope.level.value, "region": region, "district": district, "mahallas": list(mahallas)}


class MeApi(APIView):
    """The signed-in user: role and the part of the territory they may see."""

    @extend_schema(responses=MeSerializer)
    def get(self, request):
        user = request.user
        data = {"id": user.pk, "username": user.username, "get_full_name": user.get_full_name(),
                "role": user.role, "role_label": user.role_label, "scope": _scope_of_me(user)}
        return Response(MeSerializer(data).data)


# --- Tokens --------------------------------------------------------------------------------------------


class TokenRequestSerializer(AuthTokenSerializer):
    otp = serializers.CharField(
        required=False, allow_blank=True, write_only=True, max_length=32, trim_whitespace=True,
        help_text="A code from the authenticator app, or a recovery code; required for the national, "
                  "regional and administrator roles.")

    def validate(self, attrs):
        attrs = super().validate(attrs)
        user = attrs["user"]
        # A token skips the session's second-factor check, so a two-factor role proves it here instead.
        # No code at all is not tried against the device: a failed try would make it wait before the next.
        otp = attrs.get("otp", "")
        if user.requires_two_factor and not (otp and token_valid_for(user, otp)):
            raise serializers.ValidationError(
                {"otp": [_("A valid code from your authenticator app is required for this account.")]})
        return attrs


class AuthTokenCreateApi(ObtainAuthToken):
    """Exchange a username and password (and, for two-factor roles, a code) for an API token.

    Send the token as `Authorization: Token <token>`.
    """

    serializer_class = TokenRequestSerializer
    # ObtainAuthToken turns throttling off; a password endpoint needs it most.
    throttle_classes = APIView.throttle_classes
    # ObtainAuthToken names DRF's own JSONParser, which recurses on deep JSON; the project's is bounded.
    parser_classes = APIView.parser_classes

    @extend_schema(
        request=TokenRequestSerializer,
        responses=inline_serializer("AuthTokenResponse", {"token": serializers.CharField()}),
    )
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs)
