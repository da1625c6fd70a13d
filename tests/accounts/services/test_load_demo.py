"""`manage.py load_demo` and `manage.py demo_logins`: territory, demo users, assignments, determinism."""

import hashlib
from io import StringIO

import pytest
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import connection
from django.test import override_settings

from accounts.demo import DEMO_DISTRICT_CODE, DEMO_REGION_CODE, MAIN_USERS
from accounts.models import Assignment, Role, User
from mahallas.demo import demo_territory_build
from mahallas.demo_names import DISTRICTS, REGIONS
from mahallas.models import District, Mahalla, Region
from mahallas.scope import ScopeLevel
from tests.shared_rows import SHARED

N = 60
FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@SHARED.layer("demo")
def _demo_loaded() -> str:
    out = StringIO()
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("load_demo", "--mahallas", str(N), stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(db, request) -> str:
    """One demo load shared by the module's tests, never committed (tests/shared_rows.py)."""
    return SHARED.get(request, "demo")


def _snapshot() -> dict:
    """Every demo row with its updated_at and a digest of its geometry; any write changes it."""
    snap = {}
    for model in (Region, District, Mahalla):
        for code, updated_at, boundary in model.objects.values_list("code", "updated_at", "boundary"):
            snap[(model.__name__, code)] = (updated_at, hashlib.sha256(bytes(boundary.ewkb)).hexdigest())
    for row in User.objects.filter(username__startswith="demo_").values():
        snap[("User", row["username"])] = tuple(sorted(row.items()))
    for row in Assignment.objects.values("id", "user_id", "mahalla_id", "role", "is_primary", "starts_on",
                                         "ends_on"):
        snap[("Assignment", row["id"])] = tuple(sorted(row.items()))
    return snap


def _scalar(sql: str, params=()) -> object:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]


def test_load_demo_creates_the_fourteen_first_level_units(demo, db):
    assert Region.objects.count() == 14
    assert set(Region.objects.values_list("code", flat=True)) == {code for code, *_ in REGIONS}
    tashkent = Region.objects.get(code=DEMO_REGION_CODE)
    assert (tashkent.name_uz, tashkent.name_uz_cyrl, tashkent.name_ru, tashkent.name_en) == (
        "Toshkent shahri", "Тошкент шаҳри", "город Ташкент", "Tashkent City")
    assert Region.objects.get(code="1735").name_en == "Republic of Karakalpakstan"


def test_every_region_has_its_real_districts(demo, db):
    expected: dict[str, set[str]] = {}
    for code, *_ in DISTRICTS:
        expected.setdefault(code[:4], set()).add(code)
    for region in Region.objects.prefetch_related("districts"):
        assert {d.code for d in region.districts.all()} == expected[region.code], region.name_uz
    assert District.objects.count() == len(DISTRICTS) > 190

    chilonzor = District.objects.get(code=DEMO_DISTRICT_CODE)
    assert (chilonzor.name_uz, chilonzor.name_uz_cyrl, chilonzor.name_ru, chilonzor.name_en) == (
        "Chilonzor tumani", "Чилонзор тумани", "Чиланзарский район", "Chilonzor District")
    assert chilonzor.region.code == DEMO_REGION_CODE and chilonzor.kind == District.Kind.DISTRICT
    nukus = District.objects.get(code="1735401")
    assert (nukus.name_uz, nukus.name_ru, nukus.kind) == ("Nukus shahri", "город Нукус", District.Kind.CITY)
    assert nukus.region.name_uz == "Qoraqalpog'iston Respublikasi"


def test_districts_tile_their_region(demo, db):
    # Every district lies in its region, and together they cover it: the map has no gaps and no overlaps.
    assert _scalar("""
        SELECT count(*) FROM mahallas_district d JOIN mahallas_region r ON r.id = d.region_id
        WHERE NOT ST_Within(ST_PointOnSurface(d.boundary), r.boundary)
           OR ST_Area(ST_Difference(d.boundary, r.boundary)) > 1e-8""") == 0
    assert _scalar("""
        SELECT max(abs(ST_Area(r.boundary) - s.area) / ST_Area(r.boundary)) FROM mahallas_region r
        JOIN (SELECT region_id, sum(ST_Area(boundary)) AS area FROM mahallas_district GROUP BY region_id) s
          ON s.region_id = r.id""") < 1e-4


def test_every_mahalla_lies_inside_its_district(demo, db):
    assert Mahalla.objects.count() == N
    assert _scalar("""
        SELECT count(*) FROM mahallas_mahalla m JOIN mahallas_district d ON d.id = m.district_id
        WHERE ST_IsEmpty(m.boundary) OR NOT ST_IsValid(m.boundary)
           OR NOT ST_Within(ST_PointOnSurface(m.boundary), d.boundary)
           OR ST_Area(ST_Difference(m.boundary, d.boundary)) > 1e-9""") == 0
    # Mahallas of one district do not overlap.
    assert _scalar("""
        SELECT coalesce(sum(ST_Area(ST_Intersection(a.boundary, b.boundary))), 0)
        FROM mahallas_mahalla a JOIN mahallas_mahalla b
          ON a.district_id = b.district_id AND a.id < b.id AND a.boundary && b.boundary""") < 1e-9


def test_mahallas_have_plausible_codes_names_and_populations(demo, db):
    for mahalla in Mahalla.objects.select_related("district__region"):
        assert len(mahalla.code) == 8 and mahalla.code.startswith(mahalla.district.region.code)
        assert mahalla.name_uz.endswith(" MFY") and mahalla.name_uz_cyrl.endswith(" МФЙ")
        assert mahalla.name_ru.startswith("МСГ «") and mahalla.name_en.endswith(" mahalla")
        assert 800 <= mahalla.population <= 12000
        assert abs(mahalla.households - mahalla.population / 4.5) <= 1
    names = list(Mahalla.objects.values_list("district_id", "name_uz"))
    assert len(names) == len(set(names)), "a name repeated within a district must carry a suffix"


def test_load_demo_twice_changes_no_row(demo, db):
    # given
    before = _snapshot()
    out = StringIO()

    # when
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("load_demo", "--mahallas", str(N), stdout=out)

    # then
    assert "nothing changed" in out.getvalue()
    assert _snapshot() == before


def test_same_seed_builds_the_same_territory_and_another_seed_does_not(db):
    def digest(territory):
        return [(r.code, r.values["name_uz"], r.values["population"], bytes(r.values["boundary"].wkb))
                for r in territory.mahallas]

    first = digest(demo_territory_build(mahallas=30, seed=7))
    assert digest(demo_territory_build(mahallas=30, seed=7)) == first
    assert digest(demo_territory_build(mahallas=30, seed=8)) != first


def test_a_smaller_rerun_removes_the_extra_mahallas(demo, db):
    with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        call_command("load_demo", "--mahallas", "40", stdout=StringIO())

    assert Mahalla.objects.count() == 40
    assert not Assignment.objects.exclude(mahalla__district__code=DEMO_DISTRICT_CODE).exists()


def test_demo_users_have_their_roles_and_scopes(demo, db):
    users = {u.username: u for u in User.objects.filter(username__in=[u.username for u in MAIN_USERS])}
    assert set(users) == {u.username for u in MAIN_USERS}
    chilonzor = District.objects.get(code=DEMO_DISTRICT_CODE)

    assert users["demo_national"].role == Role.NATIONAL and users["demo_national"].scope.is_national
    assert users["demo_region"].role == Role.REGIONAL
    assert users["demo_region"].scope.level == ScopeLevel.REGION
    assert users["demo_region"].region.code == DEMO_REGION_CODE
    for username, role in (("demo_district", Role.DISTRICT), ("demo_operator", Role.OPERATOR)):
        assert users[username].role == role
        assert users[username].scope.level == ScopeLevel.DISTRICT
        assert users[username].scope.district_id == chilonzor.id
    admin = users["demo_admin"]
    assert (admin.role, admin.is_staff, admin.is_superuser) == (Role.ADMIN, True, True)
    for username in ("demo_inspector", "demo_social"):
        scope = users[username].scope
        assert scope.level == ScopeLevel.MAHALLAS
        assert Mahalla.objects.filter(id__in=scope.mahalla_ids, district=chilonzor).count() == len(
            scope.mahalla_ids) > 0
    assert all(u.first_name and u.last_name for u in users.values())


def test_demo_users_sign_in_with_the_demo_password(demo, db, client):
    for spec in MAIN_USERS:
        user = authenticate(username=spec.username, password=settings.DEMO_PASSWORD)
        assert user is not None and user.username == spec.username
    assert authenticate(username="demo_national", password="wrong-password") is None
    assert client.login(username="demo_district", password=settings.DEMO_PASSWORD)


def test_demo_assignments_cover_most_of_the_demo_district_but_not_all(demo, db):
    district_mahallas = set(
        Mahalla.objects.filter(district__code=DEMO_DISTRICT_CODE).values_list("id", flat=True))
    assignments = list(Assignment.objects.select_related("user"))
    assert assignments
    for assignment in assignments:
        assert assignment.mahalla_id in district_mahallas
        assert assignment.role == assignment.user.role and assignment.user.username.startswith("demo_")
        assert assignment.is_primary and assignment.ends_on is None
    for role in (Role.INSPECTOR, Role.SOCIAL_WORKER):
        covered = {a.mahalla_id for a in assignments if a.role == role}
        assert len(covered) == len([a for a in assignments if a.role == role]), "one primary per mahalla"
        assert len(district_mahallas) / 2 < len(covered) < len(district_mahallas)
    assert set(Assignment.objects.active().values_list("id", flat=True)) == {a.id for a in assignments}


def test_demo_logins_prints_every_demo_login_with_the_password(demo, db):
    out = StringIO()
    call_command("demo_logins", stdout=out)
    text = out.getvalue()
    for spec in MAIN_USERS:
        assert spec.username in text
    assert settings.DEMO_PASSWORD in text
    assert "Chilonzor tumani" in text
