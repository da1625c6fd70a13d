"""Who may do what: the one table of every capability (accounts.capabilities) for every role.

Read a row as: capability, the object it is asked about, then one cell per role. A cell is two marks, the
answer in the persona's OWN territory and in the OTHER one ("Y" may, "-" may not):
    own   = region A, district A1, mahalla A1a (the personas of tests/conftest.py work there);
    other = region B, district B1, mahalla B1a.
Objects marked "(anywhere)" are asked without an object (menus, buttons): both marks are the same answer.
Personas: national analyst, regional staff of A, the crime registrar of A, district official of A1, inspector
and social worker assigned to A1a, operator of A1, administrator, a user with no role, an anonymous visitor,
and an inactive district official of A1.

A new capability needs a row here, and a new role a column (COLUMNS): the completeness tests fail until then.
"""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import timezone

from accounts import capabilities
from accounts.capabilities import can, capability_names, role_of
from accounts.models import ROLE_SCOPE_FIELD, Role, User
from incidents.models import Incident, IncidentCategory, IncidentChangeRequest, SupportCase
from roadmaps.models import Roadmap, RoadmapStatus
from surveillance.models import Alert, Camera, Integration, PullDevice

from .factories import UserFactory

COLUMNS = ("national", "regional", "registrar", "district", "inspector", "social_worker", "operator", "admin",
           "no_role", "anonymous", "inactive")

# capability                    object asked about                    na  re  rg  di  in  so  op  ad  no  an  ia
# (columns: national, regional, registrar, district, inspector, social worker, operator, admin, no role, anonymous,
#  inactive)
TABLE = """
incidents.view_incidents         (anywhere)                            YY  YY  YY  YY  --  --  YY  --  --  --  --
incidents.decide_change_requests (anywhere)                            YY  YY  YY  YY  --  --  --  --  --  --  --
roadmaps.view_roadmaps           (anywhere)                            YY  YY  --  YY  YY  YY  --  --  --  --  --
accounts.use_admin               (anywhere)                            --  --  --  --  --  --  --  YY  --  --  --
accounts.manage_api_tokens       (anywhere)                            --  --  --  --  --  --  --  YY  --  --  --
accounts.unlock_accounts         (anywhere)                            --  --  --  --  --  --  --  YY  --  --  --
incidents.record_incident        mahalla                               --  Y-  --  Y-  Y-  Y-  --  --  --  --  --
incidents.record_incident        (anywhere)                            --  YY  --  YY  YY  YY  --  --  --  --  --
incidents.report_from_camera     alert                                 --  --  --  Y-  Y-  --  Y-  --  --  --  --
incidents.report_from_camera     (no alert: typed in by hand)          --  --  --  --  --  --  --  --  --  --  --
incidents.edit_incident          incident recorded by another          --  Y-  --  Y-  Y-  --  --  --  --  --  --
incidents.edit_incident          incident recorded by the user         --  Y-  --  Y-  Y-  Y-  --  --  --  --  --
incidents.log_visit              mahalla                               --  --  --  --  Y-  Y-  --  --  --  --  --
incidents.log_visit              (anywhere)                            --  --  --  --  YY  YY  --  --  --  --  --
incidents.view_field_work        (anywhere)                            YY  YY  --  YY  YY  YY  --  --  --  --  --
incidents.read_household_details (anywhere)                            --  YY  --  YY  YY  YY  --  --  --  --  --
incidents.open_case              mahalla                               --  Y-  --  Y-  --  Y-  --  --  --  --  --
incidents.open_case              (anywhere)                            --  YY  --  YY  --  YY  --  --  --  --  --
incidents.edit_case              case of the social worker             --  Y-  --  Y-  --  Y-  --  --  --  --  --
incidents.supervise_cases        mahalla                               --  Y-  --  Y-  --  --  --  --  --  --  --
incidents.supervise_cases        (anywhere)                            --  YY  --  YY  --  --  --  --  --  --  --
incidents.manage_assignments     mahalla                               --  Y-  --  Y-  --  --  --  --  --  --  --
incidents.manage_assignments     (anywhere)                            --  YY  --  YY  --  --  --  --  --  --  --
incidents.assign_person          worker of that territory to A1b       --  Y-  --  Y-  --  --  --  --  --  --  --
incidents.export                 (anywhere)                            YY  YY  --  YY  --  --  --  --  --  --  --
incidents.view_coverage          (anywhere)                            YY  YY  --  YY  --  --  --  --  --  --  --
roadmaps.write_territory         region                                --  Y-  --  --  --  --  --  --  --  --  --
roadmaps.write_territory         district                              --  --  --  Y-  --  --  --  --  --  --  --
roadmaps.write_territory         mahalla                               --  --  --  Y-  --  --  --  --  --  --  --
roadmaps.plan_mahallas           (anywhere)                            --  --  --  YY  --  --  --  --  --  --  --
roadmaps.edit_roadmap            draft district roadmap                --  --  --  Y-  --  --  --  --  --  --  --
roadmaps.report_progress         draft district roadmap                --  --  --  Y-  --  --  --  --  --  --  --
roadmaps.submit_roadmap          draft district roadmap                --  --  --  Y-  --  --  --  --  --  --  --
roadmaps.revise_roadmap          approved district roadmap             --  --  --  Y-  --  --  --  --  --  --  --
roadmaps.approve_roadmap         submitted district roadmap            --  Y-  --  --  --  --  --  --  --  --  --
roadmaps.approve_roadmap         submitted region roadmap              YY  --  --  --  --  --  --  --  --  --  --
surveillance.review_alert        alert                                 --  --  --  Y-  Y-  --  Y-  --  --  --  --
surveillance.review_alerts       (anywhere)                            --  --  --  YY  YY  --  YY  --  --  --  --
surveillance.manage_cameras      (anywhere)                            --  --  --  YY  --  --  YY  --  --  --  --
surveillance.edit_camera         camera of the district                --  --  --  Y-  --  --  Y-  --  --  --  --
surveillance.view_cameras        (anywhere)                            YY  YY  --  YY  YY  --  YY  --  --  --  --
surveillance.view_camera_health  (anywhere)                            YY  YY  --  YY  --  --  YY  --  --  --  --
surveillance.manage_pull_devices (anywhere)                            --  --  --  YY  --  --  YY  --  --  --  --
surveillance.edit_pull_device    pulled device of the district         --  --  --  Y-  --  --  Y-  --  --  --  --
zones.edit_policy                (anywhere)                            YY  --  --  --  --  --  --  YY  --  --  --
dashboards.view                  (anywhere)                            YY  YY  --  YY  --  --  --  YY  --  --  --
dashboards.view_territory        (anywhere: the whole country)         YY  --  --  --  --  --  --  YY  --  --  --
dashboards.view_territory        region                                YY  Y-  --  --  --  --  --  YY  --  --  --
dashboards.view_territory        district                              YY  Y-  --  Y-  --  --  --  YY  --  --  --
incidents.request_change         incident recorded by another          --  Y-  --  Y-  Y-  --  --  --  --  --  --
incidents.request_change         incident recorded by the user         --  Y-  --  Y-  Y-  Y-  --  --  --  --  --
incidents.decide_change_request  pending request of an inspector       --  --  Y-  --  --  --  --  --  --  --  --
incidents.decide_change_request  pending request of regional staff     YY  --  --  --  --  --  --  --  --  --  --
incidents.view_change_requests   (anywhere)                            YY  YY  YY  YY  YY  YY  --  --  --  --  --
dashboards.view_count_report     (anywhere)                            YY  YY  YY  YY  --  --  --  --  --  --  --
dashboards.publish_figures       (anywhere)                            YY  --  --  --  --  --  --  --  --  --  --
risk.view_ranking                (anywhere)                            YY  YY  --  YY  --  --  --  YY  --  --  --
risk.view_visit_plan             (anywhere)                            --  --  --  YY  YY  YY  --  --  --  --  --
risk.add_measure                 mahalla                               --  --  --  Y-  --  --  --  --  --  --  --
risk.add_measure                 (anywhere)                            --  --  --  YY  --  --  --  --  --  --  --
"""


def _rows() -> list[tuple[str, str, dict[str, str]]]:
    rows = []
    for line in TABLE.strip().splitlines():
        parts = line.split()
        name, cells = parts[0], parts[-len(COLUMNS):]
        rows.append((name, " ".join(parts[1:-len(COLUMNS)]), dict(zip(COLUMNS, cells, strict=True))))
    return rows


ROWS = _rows()
# Role value -> column; the extra columns are not roles.
COLUMN_OF = {Role.NATIONAL: "national", Role.REGIONAL: "regional", Role.REGISTRAR: "registrar",
             Role.DISTRICT: "district",
             Role.INSPECTOR: "inspector", Role.SOCIAL_WORKER: "social_worker", Role.OPERATOR: "operator",
             Role.ADMIN: "admin"}
NOT_ROLES = ("no_role", "anonymous", "inactive")
PERSONA_OF = {"national": "national", "regional": "region_officer", "registrar": "registrar",
              "district": "district_official",
              "inspector": "inspector", "social_worker": "social_worker", "operator": "operator",
              "admin": "admin", "no_role": "nobody"}


# --- completeness: the table covers every capability and every role ----------------------------------

def test_every_registered_capability_has_a_row():
    assert sorted(set(capability_names()) - {name for name, _obj, _cells in ROWS}) == []


def test_every_row_names_a_registered_capability():
    assert sorted({name for name, _obj, _cells in ROWS} - set(capability_names())) == []


@pytest.mark.parametrize("role", Role.values)
def test_every_role_has_a_column(role):
    assert COLUMN_OF.get(role) in COLUMNS, f"role {role!r}: add a column (COLUMNS, COLUMN_OF, TABLE)"


def test_every_cell_is_two_marks():
    assert all(len(c) == 2 and set(c) <= {"Y", "-"} for _n, _o, cells in ROWS for c in cells.values())


# --- the table itself ---------------------------------------------------------------------------------

def _persona(column: str, personas, territory):
    if column == "anonymous":
        return AnonymousUser()
    if column == "inactive":
        return UserFactory(username="inactive", role=Role.DISTRICT, district=territory.district_a1,
                           is_active=False)
    if column in PERSONA_OF:
        return User.objects.get(pk=getattr(personas, PERSONA_OF[column]).pk)
    # A role without a persona yet: staff of the own territory at the level its scope field names.
    role = next(r for r, c in COLUMN_OF.items() if c == column)
    field = ROLE_SCOPE_FIELD.get(role)
    place = {"region": territory.region_a, "district": territory.district_a1}.get(field)
    return UserFactory(username=f"persona-{role}", role=role, **({field: place} if field else {}))


def _alert(mahalla) -> Alert:
    return Alert.objects.create(vendor="generic", natural_key=f"table-{mahalla.pk}", device_id="CAM",
                                event_type="fight", started_at=timezone.now(), mahalla=mahalla,
                                district=mahalla.district, status="routed")


def _worker(territory, own: bool) -> User:
    return UserFactory(username=f"worker-{own}", role=Role.INSPECTOR,
                       district=territory.district_a1 if own else territory.district_b1)


def _change_request(requester, mahalla) -> IncidentChangeRequest:
    incident = Incident.objects.create(mahalla=mahalla, category=IncidentCategory.objects.get(code="theft"),
                                       occurred_at=timezone.now(), reported_at=timezone.now(), status="registered",
                                       registered_at=timezone.now(), created_by=requester)
    return IncidentChangeRequest.objects.create(
        incident=incident, kind="reopen", reason="doubt", changes={}, before={}, incident_version=1,
        counted_mahalla=mahalla, counted_occurred_at=incident.occurred_at, requested_by=requester,
        requester_role=requester.role)


def _object(name: str, what: str, own: bool, user, personas, territory):
    """The object a row asks about, in the own (A) or other (B) territory."""
    region = territory.region_a if own else territory.region_b
    district = territory.district_a1 if own else territory.district_b1
    mahalla = territory.mahalla_a1a if own else territory.mahalla_b1a
    if what.startswith("(") and what != "(no alert: typed in by hand)":
        return None
    builders = {
        "(no alert: typed in by hand)": lambda: None,
        "mahalla": lambda: mahalla,
        "district": lambda: district,
        "region": lambda: region,
        "alert": lambda: _alert(mahalla),
        "incident recorded by another": lambda: Incident(
            mahalla=mahalla, created_by=personas.district_official if own else personas.outsider),
        "incident recorded by the user": lambda: Incident(mahalla=mahalla, created_by_id=getattr(user, "pk", None)),
        "case of the social worker": lambda: SupportCase(
            mahalla=mahalla, social_worker=personas.social_worker if own else UserFactory(
                username="south-social", role=Role.SOCIAL_WORKER)),
        "worker of that territory to A1b": lambda: (_worker(territory, own), territory.mahalla_a1b),
        "draft district roadmap": lambda: Roadmap(district=district, status=RoadmapStatus.DRAFT),
        "approved district roadmap": lambda: Roadmap(district=district, status=RoadmapStatus.APPROVED),
        "submitted district roadmap": lambda: Roadmap(district=district, status=RoadmapStatus.SUBMITTED,
                                                      submitted_by=personas.district_official),
        "submitted region roadmap": lambda: Roadmap(region=region, status=RoadmapStatus.SUBMITTED,
                                                    submitted_by=personas.region_officer),
        "camera of the district": lambda: Camera(district=district),
        "pulled device of the district": lambda: PullDevice(integration=Integration(district=district)),
        "pending request of an inspector": lambda: _change_request(
            personas.inspector if own else UserFactory(username="south-inspector", role=Role.INSPECTOR), mahalla),
        "pending request of regional staff": lambda: _change_request(
            personas.region_officer if own else UserFactory(username="south-region", role=Role.REGIONAL,
                                                            region=territory.region_b), mahalla),
    }
    return builders[what]()


def _case_id(row) -> str:
    name, what, _cells = row
    return f"{name}[{what}]"


@pytest.mark.django_db
@pytest.mark.parametrize("column", COLUMNS)
@pytest.mark.parametrize("row", ROWS, ids=[_case_id(r) for r in ROWS])
def test_capability_table(row, column, personas, territory):
    name, what, cells = row
    user = _persona(column, personas, territory)
    got = "".join("Y" if can(user, name, _object(name, what, own, user, personas, territory)) else "-"
                  for own in (True, False))
    assert got == cells[column], f"{name} [{what}] for {column}: table says {cells[column]}, rule says {got}"


# --- the registry itself ------------------------------------------------------------------------------

@pytest.fixture
def registry(monkeypatch):
    """A copy of the registry, so test rules do not leak into the table."""
    monkeypatch.setattr(capabilities, "_RULES", dict(capabilities._RULES))


def test_unknown_capability_raises(personas):
    with pytest.raises(KeyError, match="incidents.edit_incidnet"):
        can(personas.district_official, "incidents.edit_incidnet")
    with pytest.raises(KeyError):
        can(AnonymousUser(), "no.such_rule")


def test_duplicate_registration_raises(registry):
    @capabilities.rule("tests.once")
    def once(user, obj=None):
        return True

    with pytest.raises(ValueError, match="tests.once"):
        capabilities.rule("tests.once")(once)


def test_a_name_without_app_is_refused():
    with pytest.raises(ValueError):
        capabilities.rule("edit_incident")


def test_inactive_and_anonymous_users_never_run_the_rule(registry, territory):
    calls = []

    @capabilities.rule("tests.always")
    def always(user, obj=None):
        calls.append(user)
        return True

    inactive = UserFactory(username="gone", role=Role.NATIONAL, is_active=False)
    assert can(inactive, "tests.always") is False and can(AnonymousUser(), "tests.always") is False
    assert can(None, "tests.always") is False
    assert calls == []
    active = UserFactory(username="here", role=Role.NATIONAL)
    assert can(active, "tests.always") is True and calls == [active]


def test_role_of_is_empty_for_anonymous_and_inactive(territory):
    assert role_of(AnonymousUser()) == ""
    assert role_of(UserFactory(username="gone", role=Role.NATIONAL, is_active=False)) == ""
    assert role_of(UserFactory(username="here", role=Role.NATIONAL)) == Role.NATIONAL


def test_capability_names_are_sorted():
    names = capability_names()
    assert names == sorted(names) and "incidents.edit_incident" in names


@pytest.mark.django_db
def test_template_tag_asks_for_the_request_user(personas, territory):
    template = Template('{% load capabilities %}{% can "incidents.edit_incident" incident as may_edit %}'
                        '{% if may_edit %}edit{% else %}read{% endif %}')
    incident = Incident(mahalla=territory.mahalla_a1a, created_by=personas.district_official)
    request = RequestFactory().get("/")
    request.user = User.objects.get(pk=personas.district_official.pk)
    assert template.render(Context({"request": request, "incident": incident})) == "edit"
    request.user = User.objects.get(pk=personas.outsider.pk)
    assert template.render(Context({"request": request, "incident": incident})) == "read"
    # Without a request (e-mails, fragments rendered by hand) the context's `user` answers.
    user = User.objects.get(pk=personas.district_official.pk)
    assert template.render(Context({"user": user, "incident": incident})) == "edit"
