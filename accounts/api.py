"""Account API: who am I, API tokens, and the mahalla detail with the people assigned to it.

The mahalla detail is here, not in `mahallas.api`, because `mahallas` sits below `accounts` and must
not know about people; this layer composes the territory selector with the assignments.
"""

from django.contrib.auth import authenticate
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.net import client_ip
from mahallas import selectors as territory_selectors
from mahallas.models import District, Mahalla, Region
from mahallas.scope import ScopeLevel
from mahallas.serializers import MahallaDetailSerializer

from . import api_tokens
from .models import Assignment, Role
from .signin_throttle import signin_failure_count, signin_refused_as_throttled
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


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150, write_only=True)
    password = serializers.CharField(max_length=4096, trim_whitespace=False, write_only=True,
                                     style={"input_type": "password"})
    otp = serializers.CharField(
        required=False, allow_blank=True, write_only=True, max_length=32, trim_whitespace=True,
        help_text="A code from the authenticator app, or a recovery code; required for the national, "
                  "regional and administrator roles.")

    def validate(self, attrs):
        request = self.context.get("request")
        username = attrs.get("username", "")
        if signin_refused_as_throttled(request=request, username=username, step="api token"):
            raise exceptions.Throttled(detail=_("Too many failed sign-ins from this network or for this "
                                                "username. Wait a few minutes and try again."))
        # authenticate() refuses a locked or inactive account like a wrong password, and counts the failure.
        user = authenticate(request=request, username=username, password=attrs.get("password"))
        if user is None:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Unable to sign in with these credentials.")]}, code="authorization")
        attrs["user"] = user
        # A token skips the session's second-factor check, so a two-factor role proves it here instead.
        # No code at all is not tried against the device: a failed try would make it wait before the next.
        otp = attrs.get("otp", "")
        if user.requires_two_factor and not (otp and token_valid_for(user, otp)):
            if otp:
                signin_failure_count(ip=client_ip(request) if request else None, username=username)
            raise serializers.ValidationError(
                {"otp": [_("A valid code from your authenticator app is required for this account.")]})
        return attrs


class TokenIssuedSerializer(serializers.Serializer):
    token = serializers.CharField(help_text="Shown once; only a digest is stored. Send as `Authorization: "
                                            "Token <token>`.")
    prefix = serializers.CharField(help_text="The first characters of the token: its name in lists.")
    expiry = serializers.DateTimeField()


class AuthTokenCreateApi(APIView):
    """Exchange a username and password (and, for two-factor roles, a code) for an API token.

    Send the token as `Authorization: Token <token>`. It expires after API_TOKEN_DAYS days (30 unless
    configured) and ends earlier when its owner's password changes, or the account is locked or deactivated.
    """

    authentication_classes = ()
    permission_classes = ()
    # The project's parsers (settings): its JSON parser refuses deep nesting instead of recursing.
    parser_classes = APIView.parser_classes

    @extend_schema(request=TokenRequestSerializer, responses={200: TokenIssuedSerializer})
    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data, context={"request": request})
        serializer.is_valid(raise_exception=True)
        instance, token = api_tokens.api_token_issue(user=serializer.validated_data["user"], request=request)
        return Response(TokenIssuedSerializer(
            {"token": token, "prefix": api_tokens.shown_prefix(instance), "expiry": instance.expiry}).data)


class TokenSerializer(serializers.Serializer):
    prefix = serializers.SerializerMethodField(help_text="The first characters of the token.")
    created = serializers.DateTimeField()
    expiry = serializers.DateTimeField()
    current = serializers.SerializerMethodField(help_text="True for the token this request was sent with.")

    def get_prefix(self, obj) -> str:
        return api_tokens.shown_prefix(obj)

    def get_current(self, obj) -> bool:
        auth = getattr(self.context.get("request"), "auth", None)
        return getattr(auth, "digest", None) == obj.digest


class TokenListQuerySerializer(serializers.Serializer):
    user = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1,
                                    help_text="Another user's id (administrators only).")


def _api_token_error(exc: api_tokens.ApiTokenError):
    if str(exc) == "forbidden":
        raise exceptions.PermissionDenied(_("Only an administrator manages other users' API tokens."))
    raise exceptions.NotFound(_("No such API token."))


class TokenListApi(APIView):
    """The API tokens that still work: your own, or (administrators) another user's with `?user=<id>`."""

    @extend_schema(parameters=[TokenListQuerySerializer], responses=TokenSerializer(many=True))
    def get(self, request):
        query = TokenListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            tokens = api_tokens.api_tokens_for(actor=request.user, user_id=query.validated_data.get("user"))
        except api_tokens.ApiTokenError as exc:
            _api_token_error(exc)
        return Response(TokenSerializer(tokens, many=True, context={"request": request}).data)


class TokenRevokeApi(APIView):
    """Revoke a token named by its prefix: your own, or (administrators) another user's with `?user=<id>`."""

    @extend_schema(parameters=[TokenListQuerySerializer], responses={204: None})
    def delete(self, request, prefix: str):
        query = TokenListQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        try:
            api_tokens.api_token_revoke(actor=request.user, prefix=prefix,
                                        user_id=query.validated_data.get("user"), request=request)
        except api_tokens.ApiTokenError as exc:
            _api_token_error(exc)
        return Response(status=204)
