from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.bounds import MAX_ID
from core.periods import Period, PeriodError, default_period

from .breakdown import counts_of
from .models import ColourChange, MahallaStatus, Policy
from .reasons import raised_flags, reason


class PeriodQuerySerializer(serializers.Serializer):
    period = serializers.CharField(required=False, default=lambda: default_period().key, max_length=12,
                                   help_text="H1-2025, Q3-2025, 2025 or current (the last 90 days); "
                                             "by default the current quarter (so far).")

    def validate_period(self, value):
        try:
            return Period.parse(value)
        except PeriodError:
            raise serializers.ValidationError("Give a period like H1-2025, Q3-2025, 2025 or current.") from None


class StatusListQuerySerializer(PeriodQuerySerializer):
    region = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    district = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    colour = serializers.ChoiceField(required=False, choices=["green", "yellow", "red"])


class CountsQuerySerializer(PeriodQuerySerializer):
    by = serializers.ChoiceField(required=False, default="region", choices=["region", "district"])
    region = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class ChangesQuerySerializer(serializers.Serializer):
    mahalla = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    period = serializers.CharField(required=False, max_length=12)


class _ReasonMixin(serializers.Serializer):
    reason = serializers.SerializerMethodField()

    def get_reason(self, obj) -> str:
        return reason(obj, self.context.get("category_names"))


class MahallaStatusSerializer(_ReasonMixin, serializers.ModelSerializer):
    mahalla_code = serializers.CharField(source="mahalla.code", read_only=True)
    policy_version = serializers.IntegerField(source="policy.version", read_only=True)
    flags = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField(
        help_text="Counted crimes by category code, read from the incidents; null for the moment between a "
                  "change to an incident and the recompute that brings the total up to date.")

    class Meta:
        model = MahallaStatus
        fields = ["mahalla", "mahalla_code", "period", "colour", "total", "counts", "population", "rate",
                  "rate_threshold", "policy_version", "reason", "flags", "flag_urgent_alerts",
                  "flag_overdue_roadmap", "flag_no_inspector", "flag_no_social_worker", "previous_colour",
                  "colour_since", "computed_at"]

    def get_flags(self, obj) -> list[str]:
        return raised_flags(obj)

    @extend_schema_field(serializers.DictField(child=serializers.IntegerField(), allow_null=True))
    def get_counts(self, obj) -> dict | None:
        return counts_of(obj)


class ColourChangeSerializer(_ReasonMixin, serializers.ModelSerializer):
    policy_version = serializers.IntegerField(source="policy.version", read_only=True)

    class Meta:
        model = ColourChange
        fields = ["id", "mahalla", "period", "from_colour", "to_colour", "at", "total", "counts", "population",
                  "rate", "rate_threshold", "policy_version", "reason"]


class TerritoryCountsSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    mahallas = serializers.IntegerField()
    green = serializers.IntegerField()
    yellow = serializers.IntegerField()
    red = serializers.IntegerField()
    computed = serializers.IntegerField()


class CrimeFreeRowSerializer(serializers.Serializer):
    region = serializers.IntegerField(source="id")
    region_code = serializers.CharField(source="code")
    region_name = serializers.CharField(source="name")
    mahallas = serializers.IntegerField()
    crime_free = serializers.IntegerField()
    share = serializers.FloatField(source="crime_free_share")
    computed = serializers.IntegerField(help_text="Mahallas with a stored status for the period.")


class PolicySerializer(serializers.ModelSerializer):
    author = serializers.CharField(source="author.username", read_only=True, default=None)

    class Meta:
        model = Policy
        fields = ["version", "green_max_crimes", "red_min_crimes", "red_rate_top_percent", "note", "author",
                  "created_at"]
        read_only_fields = ["version", "author", "created_at"]
        extra_kwargs = {"note": {"required": True, "allow_blank": False}}
