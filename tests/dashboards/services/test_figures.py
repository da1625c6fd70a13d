"""Every tile and table of the dashboards against independent raw-SQL counts on the base tables."""

# The SQL here is assembled from this module's constant fragments; values always go in parameters.
# ruff: noqa: S608

import datetime

import pytest
from django.db import connection

from dashboards import maps, selectors
from dashboards.periods import period_parse

pytestmark = pytest.mark.django_db

Q2 = ("2025-04-01 00:00+05", "2025-07-01 00:00+05")
Q1 = ("2025-01-01 00:00+05", "2025-04-01 00:00+05")
# A custom range of whole months (March-May) from the monthly roll-up plus partial edge months (10-28 February,
# 1-20 June) from the daily rows; its comparison period, the 131 days before, has the same shape.
CUSTOM = "2025-02-10..2025-06-20"
CUSTOM_EDGES = ("2025-02-10 00:00+05", "2025-06-21 00:00+05")
CUSTOM_PREVIOUS = ("2024-10-02 00:00+05", "2025-02-10 00:00+05")
PERIODS = {
    "Q2-2025": (Q2, Q1, datetime.date(2025, 6, 30), datetime.date(2025, 3, 31)),
    CUSTOM: (CUSTOM_EDGES, CUSTOM_PREVIOUS, datetime.date(2025, 6, 20), datetime.date(2025, 2, 9)),
}
# Written out, not imported from incidents.querysets: the figures are checked against the rule as stated.
CRIME = "i.legal_kind = 'crime' AND i.registered_at IS NOT NULL"


def one(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def rows(sql: str, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


def where(level: str, unit_id) -> tuple[str, list]:
    if level == "region":
        return " AND d.region_id = %s", [unit_id]
    if level == "district":
        return " AND m.district_id = %s", [unit_id]
    return "", []


def incidents(level, unit_id, edges, extra="true") -> int:
    scope, params = where(level, unit_id)
    return one(f"""SELECT count(*) FROM incidents_incident i JOIN incidents_incidentcategory c ON c.id = i.category_id
                   JOIN mahallas_mahalla m ON m.id = i.mahalla_id JOIN mahallas_district d ON d.id = m.district_id
                   WHERE {CRIME} AND i.occurred_at >= %s AND i.occurred_at < %s AND ({extra}) {scope}""",
               [*edges, *params])


def alerts(level, unit_id, edges, extra="true") -> int:
    scope, params = where(level, unit_id)
    return one(f"""SELECT count(*) FROM surveillance_alert a JOIN mahallas_mahalla m ON m.id = a.mahalla_id
                   JOIN mahallas_district d ON d.id = m.district_id
                   WHERE a.status <> 'filtered' AND a.started_at >= %s AND a.started_at < %s AND ({extra}) {scope}""",
               [*edges, *params])


def visits(level, unit_id, edges) -> int:
    scope, params = where(level, unit_id)
    return one(f"""SELECT count(*) FROM incidents_fieldvisit v JOIN mahallas_mahalla m ON m.id = v.mahalla_id
                   JOIN mahallas_district d ON d.id = m.district_id
                   WHERE v.visited_at >= %s AND v.visited_at < %s {scope}""", [*edges, *params])


def mahallas(level, unit_id) -> int:
    scope, params = where(level, unit_id)
    return one(f"""SELECT count(*) FROM mahallas_mahalla m JOIN mahallas_district d ON d.id = m.district_id
                   WHERE true {scope}""", params)


def covered(level, unit_id, role, day) -> int:
    scope, params = where(level, unit_id)
    return one(f"""SELECT count(DISTINCT m.id) FROM mahallas_mahalla m JOIN mahallas_district d ON d.id = m.district_id
                   JOIN accounts_assignment a ON a.mahalla_id = m.id
                   WHERE a.role = %s AND a.starts_on <= %s AND (a.ends_on IS NULL OR a.ends_on >= %s) {scope}""",
               [role, day, day, *params])


def colours(level, unit_id, period, colour) -> int:
    scope, params = where(level, unit_id)
    return one(f"""SELECT count(*) FROM zones_mahallastatus s JOIN mahallas_mahalla m ON m.id = s.mahalla_id
                   JOIN mahallas_district d ON d.id = m.district_id
                   WHERE s.period = %s AND s.colour = %s {scope}""", [period, colour, *params])


def pct(a, b):
    return a * 100.0 / b if b else None


def expected_tiles(level, unit_id, period_key="Q2-2025") -> dict:
    """(current, previous) of every tile, for the period against its comparison period, from the base tables.
    Zone colours are those of Q2 against Q1 2025 for both periods (the quarter of the period's last day)."""
    Q2, Q1, last_day, previous_last_day = PERIODS[period_key]  # noqa: N806 - the edges, as in the module
    result = {}
    for key, extra in (("crimes", "true"), ("drug", "c.is_drug"), ("minor", "i.minor_involved"),
                       ("youth", "i.youth_involved"), ("woman", "i.woman_victim")):
        result[key] = (incidents(level, unit_id, Q2, extra), incidents(level, unit_id, Q1, extra))
    cyber = [incidents(level, unit_id, e, "c.is_cyber") for e in (Q2, Q1)]
    card = [incidents(level, unit_id, e, "c.code = 'cyber-bank-card'") for e in (Q2, Q1)]
    result["cyber_share"] = (pct(cyber[0], result["crimes"][0]), pct(cyber[1], result["crimes"][1]))
    result["bank_card_share"] = (pct(card[0], cyber[0]), pct(card[1], cyber[1]))
    result["alerts"] = (alerts(level, unit_id, Q2), alerts(level, unit_id, Q1))
    rate = []
    for e in (Q2, Q1):
        confirmed = alerts(level, unit_id, e, "a.status = 'confirmed'")
        dismissed = alerts(level, unit_id, e, "a.status = 'dismissed'")
        rate.append(pct(confirmed, confirmed + dismissed))
    result["alert_confirmation"] = tuple(rate)
    n = mahallas(level, unit_id)
    for key, role in (("inspector_coverage", "inspector"), ("social_worker_coverage", "social_worker")):
        result[key] = (pct(covered(level, unit_id, role, last_day), n),
                       pct(covered(level, unit_id, role, previous_last_day), n))
    result["visits_per_mahalla"] = (visits(level, unit_id, Q2) / n, visits(level, unit_id, Q1) / n)
    for colour in ("green", "yellow", "red"):
        result[colour] = (colours(level, unit_id, "Q2-2025", colour), colours(level, unit_id, "Q1-2025", colour))
    result["green_share"] = (pct(result["green"][0], n), pct(result["green"][1], n))
    return result


def expected_roadmap(level, unit_id, today) -> tuple:
    if level == "national":
        scope, params = "", []
    elif level == "region":
        scope = (" AND (r.region_id = %s OR rd.region_id = %s OR md.region_id = %s)")
        params = [unit_id] * 3
    else:
        scope, params = " AND (r.district_id = %s OR m.district_id = %s)", [unit_id] * 2
    base = f"""FROM roadmaps_roadmapitem it JOIN roadmaps_roadmap r ON r.id = it.roadmap_id
               LEFT JOIN mahallas_district rd ON rd.id = r.district_id
               LEFT JOIN mahallas_mahalla m ON m.id = r.mahalla_id
               LEFT JOIN mahallas_district md ON md.id = m.district_id
               WHERE r.year = 2025 {scope}"""
    completion = one(f"SELECT avg(CASE WHEN it.status = 'done' THEN 100 ELSE it.progress END) {base} "
                     "AND it.status <> 'cancelled'", params)
    overdue = one(f"SELECT count(*) {base} AND it.deadline < %s AND it.status NOT IN ('done', 'cancelled')",
                  [*params, today])
    return (None if completion is None else float(completion)), overdue


@pytest.mark.parametrize("period_key", list(PERIODS))
@pytest.mark.parametrize("level", ["national", "region", "district"])
def test_every_tile_matches_raw_sql(seeded, personas, territory, level, period_key):
    # given
    user = {"national": personas.national, "region": personas.region_officer,
            "district": personas.district_official}[level]
    unit_id = {"national": None, "region": territory.region_a.pk, "district": territory.district_a1.pk}[level]
    scope = selectors.dashboard_scope(user, region_id=unit_id if level == "region" else None,
                                      district_id=unit_id if level == "district" else None)
    today = datetime.date(2026, 1, 15)
    # when
    tiles = {t.key: t for t in selectors.dashboard_tiles(user, scope, period_parse(period_key), today=today)}
    # then
    expected = expected_tiles(level, unit_id, period_key)
    assert expected["crimes"][0] > 0 and expected["alerts"][0] > 0  # the seed reaches every scope
    for key, (current, previous) in expected.items():
        assert tiles[key].value == pytest.approx(current), key
        assert tiles[key].previous == pytest.approx(previous), key
    completion, overdue = expected_roadmap(level, unit_id, today)
    assert tiles["roadmap_completion"].value == pytest.approx(completion)
    assert tiles["roadmap_overdue"].value == overdue
    assert set(tiles) == {*expected, "roadmap_completion", "roadmap_overdue"}


@pytest.mark.parametrize("period_key", list(PERIODS))
def test_national_table_matches_raw_sql_by_region(seeded, personas, territory, period_key):
    Q2, Q1, _last, _previous_last = PERIODS[period_key]  # noqa: N806
    scope = selectors.dashboard_scope(personas.national)
    table = {r.id: r for r in selectors.unit_rows(personas.national, scope, period_parse(period_key),
                                                  today=datetime.date(2026, 1, 15))}
    assert set(table) == {territory.region_a.pk, territory.region_b.pk}
    for region_id, row in table.items():
        assert row.crimes == incidents("region", region_id, Q2)
        assert row.previous_crimes == incidents("region", region_id, Q1)
        assert row.cyber == incidents("region", region_id, Q2, "c.is_cyber")
        assert row.drug == incidents("region", region_id, Q2, "c.is_drug")
        assert row.alerts == alerts("region", region_id, Q2)
        assert row.alerts_confirmed == alerts("region", region_id, Q2, "a.status = 'confirmed'")
        assert row.alerts_dismissed == alerts("region", region_id, Q2, "a.status = 'dismissed'")
        assert row.visits == visits("region", region_id, Q2)
        assert row.mahallas == mahallas("region", region_id)
        assert (row.green, row.yellow, row.red) == tuple(colours("region", region_id, "Q2-2025", c)
                                                         for c in ("green", "yellow", "red"))
        assert row.url == f"/dashboards/regions/{region_id}/?period={period_key}"


def test_region_table_lists_its_districts_with_drill_down(seeded, personas, territory):
    scope = selectors.dashboard_scope(personas.region_officer, region_id=territory.region_a.pk)
    table = selectors.unit_rows(personas.region_officer, scope, period_parse("Q2-2025"))
    assert [r.id for r in table] == [territory.district_a1.pk, territory.district_a2.pk]
    for row in table:
        assert row.crimes == incidents("district", row.id, Q2)
        assert row.visits == visits("district", row.id, Q2)
        assert row.url.startswith(f"/dashboards/districts/{row.id}/")


@pytest.mark.parametrize("period_key", list(PERIODS))
def test_district_table_lists_its_mahallas_with_colour_and_link(seeded, personas, territory, period_key):
    Q2, Q1, _last, _previous_last = PERIODS[period_key]  # noqa: N806
    scope = selectors.dashboard_scope(personas.district_official, district_id=territory.district_a1.pk)
    table = {r.id: r for r in selectors.unit_rows(personas.district_official, scope, period_parse(period_key))}
    assert set(table) == {territory.mahalla_a1a.pk, territory.mahalla_a1b.pk}
    for mahalla_id, row in table.items():
        assert row.crimes == one(f"SELECT count(*) FROM incidents_incident i WHERE {CRIME} AND i.mahalla_id = %s "
                                 "AND i.occurred_at >= %s AND i.occurred_at < %s", [mahalla_id, *Q2])
        assert row.previous_crimes == one(f"SELECT count(*) FROM incidents_incident i WHERE {CRIME} "
                                          "AND i.mahalla_id = %s AND i.occurred_at >= %s AND i.occurred_at < %s",
                                          [mahalla_id, *Q1])
        assert row.alerts == one("SELECT count(*) FROM surveillance_alert a WHERE a.status <> 'filtered' "
                                 "AND a.mahalla_id = %s AND a.started_at >= %s AND a.started_at < %s",
                                 [mahalla_id, *Q2])
        assert row.colour == one("SELECT colour FROM zones_mahallastatus WHERE mahalla_id = %s AND period = %s",
                                 [mahalla_id, "Q2-2025"])
        assert row.url == f"/territories/mahallas/{mahalla_id}/"


@pytest.mark.parametrize("period_key", list(PERIODS))
def test_category_breakdown_matches_raw_sql(seeded, personas, territory, period_key):
    Q2 = PERIODS[period_key][0]  # noqa: N806
    scope = selectors.dashboard_scope(personas.region_officer, region_id=territory.region_a.pk)
    got = {c["id"]: c["count"] for c in selectors.category_breakdown(scope, period_parse(period_key))}
    expected = dict(rows(f"""SELECT coalesce(c.parent_id, c.id), count(*) FROM incidents_incident i
                             JOIN incidents_incidentcategory c ON c.id = i.category_id
                             JOIN mahallas_mahalla m ON m.id = i.mahalla_id
                             JOIN mahallas_district d ON d.id = m.district_id
                             WHERE {CRIME} AND i.occurred_at >= %s AND i.occurred_at < %s AND d.region_id = %s
                             GROUP BY 1""", [*Q2, territory.region_a.pk]))
    assert got == expected


def test_monthly_trend_matches_raw_sql(seeded, personas):
    scope = selectors.dashboard_scope(personas.national)
    trend = selectors.monthly_trend(scope, period_parse("Q2-2025"), today=datetime.date(2026, 1, 15))
    assert trend.months[0] == datetime.date(2024, 7, 1) and trend.months[-1] == datetime.date(2025, 6, 1)
    expected = dict(rows(f"""SELECT to_char(i.occurred_at AT TIME ZONE 'Asia/Tashkent', 'YYYY-MM'), count(*)
                             FROM incidents_incident i WHERE {CRIME} AND i.occurred_at >= %s
                             AND i.occurred_at < %s GROUP BY 1""", ["2024-07-01 00:00+05", Q2[1]]))
    assert {m.strftime("%Y-%m"): n for m, n in zip(trend.months, trend.totals, strict=True) if n} == expected
    # every category is in a series or in "other"
    assert [sum(s["values"][i] for s in trend.series) for i in range(12)] == trend.totals


def test_monthly_trend_of_a_running_month_ends_today(seeded, personas):
    # given: 15 June 2025 is today, so June is read from the daily rows up to today, the months before from
    # the monthly roll-up
    scope = selectors.dashboard_scope(personas.national)
    # when
    trend = selectors.monthly_trend(scope, period_parse("2025-06"), today=datetime.date(2025, 6, 15))
    # then
    expected = dict(rows(f"""SELECT to_char(i.occurred_at AT TIME ZONE 'Asia/Tashkent', 'YYYY-MM'), count(*)
                             FROM incidents_incident i WHERE {CRIME} AND i.occurred_at >= %s
                             AND i.occurred_at < %s GROUP BY 1""", ["2024-07-01 00:00+05", "2025-06-16 00:00+05"]))
    assert expected["2025-06"] > 0
    assert {m.strftime("%Y-%m"): n for m, n in zip(trend.months, trend.totals, strict=True) if n} == expected


@pytest.mark.parametrize("period_key", list(PERIODS))
def test_map_counts_match_raw_sql(seeded, personas, territory, period_key):
    import gzip
    import json

    Q2 = PERIODS[period_key][0]  # noqa: N806
    scope = selectors.dashboard_scope(personas.region_officer, region_id=territory.region_a.pk)
    layer = json.loads(gzip.decompress(maps.map_geojson_gzip(
        personas.region_officer, scope, period_parse(period_key), zoom=8, today=datetime.date(2026, 1, 15))))
    features = {f["id"]: f for f in layer["features"]}
    assert set(features) == {territory.mahalla_a1a.pk, territory.mahalla_a1b.pk, territory.mahalla_a2a.pk}
    for mahalla_id, feature in features.items():
        props = feature["properties"]
        assert props["crimes"] == one(f"SELECT count(*) FROM incidents_incident i WHERE {CRIME} "
                                      "AND i.mahalla_id = %s AND i.occurred_at >= %s AND i.occurred_at < %s",
                                      [mahalla_id, *Q2])
        assert props["alerts"] == one("SELECT count(*) FROM surveillance_alert a WHERE a.status <> 'filtered' "
                                      "AND a.mahalla_id = %s AND a.started_at >= %s AND a.started_at < %s",
                                      [mahalla_id, *Q2])
        rate = one("SELECT CASE WHEN population > 0 THEN round(%s * 1000.0 / population, 2) END "
                   "FROM mahallas_mahalla WHERE id = %s", [props["crimes"], mahalla_id])
        assert props["rate"] == (None if rate is None else float(rate))
        assert feature["geometry"]["type"] == "MultiPolygon" and props["lon"] and props["lat"]
        assert props["id"] == mahalla_id and props["url"] == f"/territories/mahallas/{mahalla_id}/"


def test_split_days_takes_whole_months_and_edge_days():
    from dashboards.selectors.sums import split_days

    d = datetime.date

    def split(a, b):
        result = split_days(a, b)
        return result.days, result.months

    assert split(d(2025, 2, 10), d(2025, 6, 21)) == (
        ((d(2025, 2, 10), d(2025, 3, 1)), (d(2025, 6, 1), d(2025, 6, 21))), (d(2025, 3, 1), d(2025, 6, 1)))
    assert split(d(2025, 4, 1), d(2025, 7, 1)) == ((), (d(2025, 4, 1), d(2025, 7, 1)))
    assert split(d(2025, 4, 3), d(2025, 4, 20)) == (((d(2025, 4, 3), d(2025, 4, 20)),), None)
    assert split(d(2025, 4, 3), d(2025, 5, 20)) == (((d(2025, 4, 3), d(2025, 5, 20)),), None)
    assert split(d(2025, 12, 15), d(2026, 2, 1)) == (((d(2025, 12, 15), d(2026, 1, 1)),),
                                                     (d(2026, 1, 1), d(2026, 2, 1)))
    assert split(d(2025, 4, 1), d(2025, 4, 1)) == ((), None)


# --- The monthly roll-up follows every change --------------------------------------------------------

ROLLUPS = (
    ("dashboards_monthlymahallastats", "dashboards_dailymahallastats", "mahalla_id, district_id, region_id"),
    ("dashboards_monthlydistrictstats", "dashboards_dailydistrictstats", "district_id, region_id"),
    ("dashboards_monthlydistrictcategory", "dashboards_dailydistrictcategory", "district_id, region_id, category_id"),
)
COUNTER_COLUMNS = ("crimes, cyber, bank_card, drug, minor, youth, woman, alerts, alerts_confirmed, "
                   "alerts_dismissed, visits")


def rollup_mismatches() -> list:
    """Monthly rows that differ from the sums of their daily rows (either way round)."""
    found = []
    for monthly, daily, keys in ROLLUPS:
        columns = "crimes" if "category" in monthly else COUNTER_COLUMNS
        sums = ", ".join(f"sum({c.strip()})" for c in columns.split(","))
        summed = (f"SELECT {keys}, date_trunc('month', day)::date, {sums} FROM {daily} "
                  f"GROUP BY {keys}, date_trunc('month', day)")
        stored = f"SELECT {keys}, month, {columns} FROM {monthly}"
        found += rows(f"({summed} EXCEPT {stored}) UNION ALL ({stored} EXCEPT {summed})")
    return found


def month_row(mahalla_id, month: datetime.date) -> str:
    """(crimes, alerts, confirmed, dismissed) of one mahalla-month in the roll-up."""
    return one("""SELECT row(crimes, alerts, alerts_confirmed, alerts_dismissed)::text
                  FROM dashboards_monthlymahallastats WHERE mahalla_id = %s AND month = %s""", [mahalla_id, month])


def raw_month(mahalla_id, month: datetime.date) -> str:
    """The same from the base tables, the month's edges at Tashkent midnight."""
    following = (month + datetime.timedelta(days=32)).replace(day=1)
    edges = [f"{month} 00:00+05", f"{following} 00:00+05"]
    crimes = one(f"""SELECT count(*) FROM incidents_incident i WHERE {CRIME} AND i.mahalla_id = %s
                     AND i.occurred_at >= %s AND i.occurred_at < %s""", [mahalla_id, *edges])
    counts = rows("""SELECT count(*), count(*) FILTER (WHERE status = 'confirmed'),
                            count(*) FILTER (WHERE status = 'dismissed')
                     FROM surveillance_alert a WHERE a.status <> 'filtered' AND a.mahalla_id = %s
                     AND a.started_at >= %s AND a.started_at < %s""", [mahalla_id, *edges])[0]
    return f"({crimes},{counts[0]},{counts[1]},{counts[2]})"


def test_rollup_after_rebuild_equals_the_daily_rows(seeded):
    assert one("SELECT count(*) FROM dashboards_monthlymahallastats") > 0
    assert rollup_mismatches() == []


def test_incident_and_alert_changes_reach_the_month_rollup_after_refresh(seeded, personas, territory):
    from dashboards.stats import stats_refresh_dirty, stats_sweep
    from incidents.models import Incident, IncidentCategory
    from surveillance.models import Alert

    # given: a new registered crime on 5 May 2025 and an alert of May reviewed the other way
    mahalla = territory.mahalla_b1a
    Incident.objects.create(mahalla=mahalla, occurred_at=datetime.datetime(2025, 5, 5, 10, tzinfo=datetime.UTC),
                            reported_at=datetime.datetime(2025, 5, 5, 11, tzinfo=datetime.UTC),
                            category=IncidentCategory.objects.get(code="theft"), status="registered",
                            registered_at=datetime.datetime(2025, 5, 5, 11, tzinfo=datetime.UTC),
                            created_by=personas.inspector)
    alert = Alert.objects.create(vendor="generic", natural_key="rollup-1", device_id="cam", event_type="fight",
                                 started_at=datetime.datetime(2025, 5, 20, 3, tzinfo=datetime.UTC),
                                 mahalla=mahalla, district=mahalla.district, status="confirmed")
    may = datetime.date(2025, 5, 1)
    assert month_row(mahalla.pk, may) != raw_month(mahalla.pk, may)  # nothing told the dashboards yet
    # when: the sweep finds both (no signal was sent)
    stats_sweep()
    # then
    assert month_row(mahalla.pk, may) == raw_month(mahalla.pk, may)
    Alert.objects.filter(pk=alert.pk).update(status="dismissed", dismiss_reason="false positive")
    from dashboards.stats import mahallas_mark_dirty

    mahallas_mark_dirty([mahalla.pk])
    assert stats_refresh_dirty() == 1
    assert month_row(mahalla.pk, may) == raw_month(mahalla.pk, may)
    assert rollup_mismatches() == []
    # and the dashboard's whole-month path shows it: Q2 reads April-June from the roll-up only
    scope = selectors.dashboard_scope(personas.national)
    tiles = {t.key: t for t in selectors.dashboard_tiles(personas.national, scope, period_parse("Q2-2025"),
                                                           today=datetime.date(2026, 1, 15))}
    assert tiles["crimes"].value == incidents("national", None, Q2)
    assert tiles["alerts"].value == alerts("national", None, Q2)


def test_moving_a_mahalla_to_another_district_moves_its_months(seeded, territory):
    from dashboards.stats import stats_refresh

    # given
    mahalla = territory.mahalla_a2a
    mahalla.district = territory.district_a1
    mahalla.save(update_fields=["district"])
    # when
    stats_refresh([mahalla.pk])
    # then
    assert one("SELECT count(*) FROM dashboards_monthlymahallastats WHERE mahalla_id = %s AND district_id <> %s",
               [mahalla.pk, territory.district_a1.pk]) == 0
    assert one("SELECT count(*) FROM dashboards_monthlydistrictstats WHERE district_id = %s",
               [territory.district_a2.pk]) == 0
    assert rollup_mismatches() == []


def test_ranking_orders_districts_by_rate(seeded, personas, territory):
    scope = selectors.dashboard_scope(personas.national)
    ranked = selectors.ranking(personas.national, scope, period_parse("Q2-2025"))
    expected = []
    for district in (territory.district_a1, territory.district_a2, territory.district_b1):
        population = one("SELECT sum(population) FROM mahallas_mahalla WHERE district_id = %s", [district.pk])
        expected.append((incidents("district", district.pk, Q2) * 1000 / population, district.pk))
    expected.sort(key=lambda t: -t[0])
    assert [r.id for r in ranked] == [pk for _rate, pk in expected]
    assert [r.rate for r in ranked] == pytest.approx([rate for rate, _pk in expected])


def test_custom_period_and_edges_in_tashkent_time(seeded, personas, territory):
    scope = selectors.dashboard_scope(personas.district_official, district_id=territory.district_a1.pk)
    # 30 June (Tashkent) holds the 23:30 crime; 1 July holds the 00:10 one, which is 30 June in UTC.
    june30 = selectors.dashboard_tiles(personas.district_official, scope, period_parse("2025-06-30..2025-06-30"),
                                       today=datetime.date(2026, 1, 1))[0]
    july1 = selectors.dashboard_tiles(personas.district_official, scope, period_parse("2025-07-01..2025-07-01"),
                                      today=datetime.date(2026, 1, 1))[0]
    assert june30.value == incidents("district", territory.district_a1.pk,
                                     ("2025-06-30 00:00+05", "2025-07-01 00:00+05"))
    assert july1.value == incidents("district", territory.district_a1.pk,
                                    ("2025-07-01 00:00+05", "2025-07-02 00:00+05"))
    assert july1.value >= 1 and june30.value >= 1
    # the comparison period of a one-day range is the day before
    assert june30.previous == incidents("district", territory.district_a1.pk,
                                        ("2025-06-29 00:00+05", "2025-06-30 00:00+05"))


def test_month_of_a_running_period_compares_with_the_same_days_before():
    period = period_parse("2025-11")
    previous = period.comparison(datetime.date(2025, 11, 15))
    assert (previous.start, previous.end) == (datetime.date(2025, 10, 1), datetime.date(2025, 10, 16))
    assert period.effective_end(datetime.date(2025, 11, 15)) == datetime.date(2025, 11, 16)
    full = period_parse("Q1-2025").comparison(datetime.date(2025, 11, 15))
    assert (full.start, full.end, full.key) == (datetime.date(2024, 10, 1), datetime.date(2025, 1, 1), "Q4-2024")


def test_zone_tiles_say_not_available_when_statuses_were_never_computed(seeded, personas):
    scope = selectors.dashboard_scope(personas.national)
    tiles = {t.key: t for t in selectors.dashboard_tiles(personas.national, scope, period_parse("Q3-2024"),
                                                           today=datetime.date(2026, 1, 1))}
    assert tiles["green"].available is False and tiles["red"].available is False
    assert tiles["crimes"].available is True


def test_map_rate_rounds_half_up_like_sql():
    from dashboards.maps import _rate

    for crimes, population in [(1, 3), (2, 3), (1, 8), (5, 1600), (1, 400), (0, 50), (7, 123457), (999, 1)]:
        expected = one("SELECT round(%s * 1000.0 / %s, 2)::text", [crimes, population])
        assert _rate(crimes, population) == expected
    assert _rate(3, 0) == "null"
