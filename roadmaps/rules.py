"""Who may do what with roadmaps (registered in RoadmapsConfig.ready; see accounts.capabilities).

Who writes a roadmap's plan:
- a district official: their district's roadmap and the roadmaps of its mahallas;
- regional staff: their region's roadmap (and the region's templates);
- nobody else (inspectors and social workers read their mahallas' roadmaps).
Who approves a submitted roadmap:
- regional staff of the region: a district roadmap;
- a district official of the district: a mahalla roadmap;
- the ministry (national role): a region roadmap;
and never the person who submitted it (four eyes: a roadmap is checked by someone other than its author).
Reads go through `visible_to`.
"""

from accounts.capabilities import role_of, rule
from accounts.models import Role
from mahallas.models import District, Mahalla, Region

from .models import EDITABLE_STATUSES, Roadmap, RoadmapStatus


@rule("roadmaps.write_territory")
def write_territory(user, territory) -> bool:
    """Write roadmaps (plans) of this territory at all, whatever the status."""
    role = role_of(user)
    if isinstance(territory, Mahalla):
        return role == Role.DISTRICT and territory.district_id == user.district_id
    if isinstance(territory, District):
        return role == Role.DISTRICT and territory.pk == user.district_id
    if isinstance(territory, Region):
        return role == Role.REGIONAL and territory.pk == user.region_id
    return False


@rule("roadmaps.plan_mahallas")
def plan_mahallas(user, obj=None) -> bool:
    """Create roadmaps for many mahallas of one's district at once."""
    return role_of(user) == Role.DISTRICT and user.district_id is not None


def _district_id_of(roadmap: Roadmap) -> int | None:
    if roadmap.district_id:
        return roadmap.district_id
    if roadmap.mahalla_id:
        return roadmap.mahalla.district_id
    return None


def _owns(user, roadmap: Roadmap) -> bool:
    role = role_of(user)
    if roadmap.region_id:
        return role == Role.REGIONAL and roadmap.region_id == user.region_id
    return role == Role.DISTRICT and _district_id_of(roadmap) == user.district_id


@rule("roadmaps.edit_roadmap")
def edit_roadmap(user, roadmap: Roadmap) -> bool:
    """Change the plan: items, their texts and dates, KPIs. Only while draft or returned."""
    return roadmap.status in EDITABLE_STATUSES and _owns(user, roadmap)


@rule("roadmaps.report_progress")
def report_progress(user, roadmap: Roadmap) -> bool:
    """Record execution (item status and progress, KPI values, evidence, reviews) on a roadmap that is not
    history: the owners of the roadmap, whether it is a draft or approved and in force."""
    return roadmap.status != RoadmapStatus.SUPERSEDED and _owns(user, roadmap)


@rule("roadmaps.submit_roadmap")
def submit_roadmap(user, roadmap: Roadmap) -> bool:
    return roadmap.status in EDITABLE_STATUSES and _owns(user, roadmap)


@rule("roadmaps.revise_roadmap")
def revise_roadmap(user, roadmap: Roadmap) -> bool:
    return roadmap.status == RoadmapStatus.APPROVED and _owns(user, roadmap)


def _approver_role_for(roadmap: Roadmap) -> str:
    if roadmap.mahalla_id:
        return Role.DISTRICT
    if roadmap.district_id:
        return Role.REGIONAL
    return Role.NATIONAL


@rule("roadmaps.approve_roadmap")
def approve_roadmap(user, roadmap: Roadmap) -> bool:
    """Approve or return a submitted roadmap: the level above it, never its own submitter."""
    if roadmap.status != RoadmapStatus.SUBMITTED or roadmap.submitted_by_id == user.pk:
        return False
    if role_of(user) != _approver_role_for(roadmap):
        return False
    if roadmap.mahalla_id:
        return roadmap.mahalla.district_id == user.district_id
    if roadmap.district_id:
        return roadmap.district.region_id == user.region_id
    return True


@rule("roadmaps.view_roadmaps")
def view_roadmaps(user, obj=None) -> bool:
    """The roadmaps list (each roadmap still through `visible_to`)."""
    return role_of(user) in (Role.NATIONAL, Role.REGIONAL, Role.DISTRICT, Role.INSPECTOR, Role.SOCIAL_WORKER)
