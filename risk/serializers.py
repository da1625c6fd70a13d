"""Shapes of the risk API: scores with their components and the words of why, hot spots, the backtest, the
visit plan; and the query parameters each read accepts."""

from __future__ import annotations

from rest_framework import serializers

from accounts.bounds import MAX_ID

from . import queries
from .models import Backtest, HotSpot, RankedBy, RiskScore, SpotKind


class WeekField(serializers.CharField):
    """A week as a date (its Monday is taken) or an ISO week, e.g. 2026-03-02 or 2026-W10."""

    def to_internal_value(self, data):
        week = queries.parse_week(super().to_internal_value(data))
        if week is None:
            raise serializers.ValidationError("Give a week as a date (2026-03-02) or an ISO week (2026-W10).")
        return week


class ScoresQuerySerializer(serializers.Serializer):
    week = WeekField(required=False, max_length=10, help_text="By default the newest week scored.")
    region = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    district = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class HotSpotsQuerySerializer(serializers.Serializer):
    week = WeekField(required=False, max_length=10, help_text="By default the newest week with hot spots.")
    group = serializers.CharField(required=False, default=queries.ALL_GROUPS, max_length=32,
                                  help_text='Category group ("all" by default).')
    significant = serializers.BooleanField(required=False, default=True,
                                           help_text="Only hot and cold spots that survive the false discovery "
                                                     "rate (default); false lists every mahalla tested.")


class GeoHotSpotsQuerySerializer(HotSpotsQuerySerializer):
    region = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    district = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    zoom = serializers.IntegerField(required=False, min_value=0, max_value=18,
                                    help_text="Outlines are simplified to this map zoom.")


class BacktestQuerySerializer(serializers.Serializer):
    week = WeekField(required=False, max_length=10, help_text="The backtest in force for this week's ranking.")


class RiskScoreSerializer(serializers.ModelSerializer):
    mahalla_code = serializers.CharField(source="mahalla.code", read_only=True)
    mahalla_name = serializers.CharField(source="mahalla.name", read_only=True)
    district = serializers.IntegerField(source="mahalla.district_id", read_only=True)
    words = serializers.SerializerMethodField(help_text="Why the mahalla ranks where it does, in sentences.")
    hot_spot = serializers.SerializerMethodField(help_text='"hot", "cold" or "" (not significant).')

    class Meta:
        model = RiskScore
        fields = ["mahalla", "mahalla_code", "mahalla_name", "district", "week", "score", "cyber_score",
                  "baseline_count", "rank_national", "rank_district", "components", "words", "hot_spot",
                  "computed_at"]

    def get_words(self, obj) -> list[str]:
        return queries.words(obj)

    def get_hot_spot(self, obj) -> str:
        return self.context.get("hot", {}).get(obj.mahalla_id, "")


class RankedScoreSerializer(RiskScoreSerializer):
    position = serializers.IntegerField(read_only=True, help_text="Place in the ranking used, in your territory.")
    ranked_by = serializers.ChoiceField(choices=RankedBy.choices, read_only=True)

    class Meta(RiskScoreSerializer.Meta):
        fields = ["position", "ranked_by", *RiskScoreSerializer.Meta.fields]


class HotSpotSerializer(serializers.ModelSerializer):
    mahalla_code = serializers.CharField(source="mahalla.code", read_only=True)
    mahalla_name = serializers.CharField(source="mahalla.name", read_only=True)
    kind = serializers.ChoiceField(choices=SpotKind.choices, read_only=True)

    class Meta:
        model = HotSpot
        fields = ["mahalla", "mahalla_code", "mahalla_name", "week", "category_group", "z_score", "p_value", "kind",
                  "computed_at"]


class StatSerializer(serializers.Serializer):
    mean = serializers.FloatField(allow_null=True)
    spread = serializers.FloatField(allow_null=True, help_text="Standard deviation across the weeks tested.")


class BacktestMethodSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    hit_rate_percent = serializers.DictField(child=StatSerializer(), help_text='Keyed by top share: "5", "10", "20".')
    pai = serializers.DictField(child=StatSerializer(), help_text="Predictive accuracy index, keyed like hit rates.")


class DifferenceSerializer(serializers.Serializer):
    top = serializers.CharField(help_text="The top share the rule is read at.")
    mean = serializers.FloatField(allow_null=True, help_text="Model minus count, percentage points, weekly mean.")
    low = serializers.FloatField(allow_null=True, help_text="95% interval of the weekly differences: low end.")
    high = serializers.FloatField(allow_null=True, help_text="95% interval: high end.")
    weeks = serializers.IntegerField(allow_null=True)


class BacktestSerializer(serializers.ModelSerializer):
    ranking_used = serializers.ChoiceField(choices=RankedBy.choices, read_only=True,
                                           help_text="The ranking the pages show: the count baseline unless the "
                                                     "model beats it.")
    methods = BacktestMethodSerializer(many=True, read_only=True)
    difference = DifferenceSerializer(read_only=True, allow_null=True)

    class Meta:
        model = Backtest
        fields = ["week", "weeks", "horizon_weeks", "beats_count_baseline", "ranked_by", "ranking_used", "methods",
                  "difference", "results", "computed_at", "seconds"]


class PlanItemSerializer(serializers.Serializer):
    mahalla = serializers.IntegerField(source="mahalla.pk")
    mahalla_code = serializers.CharField(source="mahalla.code")
    mahalla_name = serializers.CharField(source="mahalla.name")
    position = serializers.IntegerField(help_text="Place by risk among your mahallas.")
    value = serializers.FloatField(allow_null=True, help_text="The figure ranked on (risk score or 12-week count).")
    hot_spot = serializers.CharField(source="hot")
    last_visit = serializers.DateTimeField(allow_null=True, help_text="Your last visit there.")
    days_since = serializers.IntegerField(allow_null=True, help_text="Days since your last visit there.")
    follow_ups = serializers.IntegerField(help_text="Follow-ups of your visits due by Sunday.")
    reviews = serializers.IntegerField(help_text="Open support-case reviews due by Sunday.")
    visits_this_week = serializers.IntegerField()
    done = serializers.BooleanField(help_text="You logged a visit there this week.")
    words = serializers.ListField(child=serializers.CharField())


class DistrictRowSerializer(serializers.Serializer):
    mahalla = serializers.IntegerField(source="mahalla.pk")
    mahalla_code = serializers.CharField(source="mahalla.code")
    mahalla_name = serializers.CharField(source="mahalla.name")
    position = serializers.IntegerField()
    value = serializers.FloatField()
    hot_spot = serializers.CharField(source="hot")
    has_inspector = serializers.BooleanField()
    visits_30d = serializers.IntegerField()
    high_risk = serializers.BooleanField()
    highlighted = serializers.BooleanField(help_text="No inspector, or no visit in the last 30 days.")
    words = serializers.ListField(child=serializers.CharField())


class VisitPlanSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["field", "district"])
    start = serializers.DateField()
    end = serializers.DateField()
    week = serializers.DateField(allow_null=True, help_text="The scored week the plan is ranked by.")
    ranked_by = serializers.ChoiceField(choices=RankedBy.choices)
    items = PlanItemSerializer(many=True, required=False, help_text="A field worker's mahallas.")
    rows = DistrictRowSerializer(many=True, required=False, help_text="A district official's district.")


class MeasureSerializer(serializers.Serializer):
    item = serializers.IntegerField(source="pk")
    roadmap = serializers.IntegerField(source="roadmap_id")
    title = serializers.CharField()
    deadline = serializers.DateField()
