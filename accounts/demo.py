"""Demo data: the territory (from `mahallas.demo`), a demo login for every role, and field assignments.

`demo_load` is deterministic for a given mahalla count and seed, and idempotent: rows that are already as
they should be are not written again, so a second run reports nothing created, updated or deleted.
Every demo account is named `demo_*` and signs in with `settings.DEMO_PASSWORD`.
"""

import base64
import hashlib
import random
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import connection, transaction
from django.db.models import ProtectedError
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from mahallas.demo import (
    DEFAULT_MAHALLAS,
    DEFAULT_SEED,
    SyncCounts,
    demo_mahallas_prune,
    demo_territory_build,
    demo_territory_sync,
)
from mahallas.models import District, Mahalla, Region

from .models import Assignment, Role, User

DEMO_PREFIX = "demo_"
DEMO_REGION_CODE = "1726"  # Toshkent shahri
DEMO_DISTRICT_CODE = "1726294"  # Chilonzor tumani
# The demo district always gets at least this many mahallas, so even a tiny demo has field work to show.
DEMO_DISTRICT_MIN_MAHALLAS = 6
# A fixed start date keeps the assignment rows identical from one run to the next.
ASSIGNMENT_START = date(2025, 1, 6)
MAHALLAS_PER_FIELD_WORKER = 3
# Leave every n-th mahalla of the demo district without an inspector (resp. a social worker): real coverage
# has gaps, and the pages that show them need something to show.
INSPECTOR_GAP_EVERY = 5
SOCIAL_GAP_EVERY = 4

MALE_FIRST = ["Akmal", "Bekzod", "Dilshod", "Jasur", "Otabek", "Sardor", "Sherzod", "Rustam", "Jamshid",
              "Farrux", "Ulug'bek", "Aziz", "Bobur", "Shohruh", "Javlon", "Nodir", "Anvar", "Ravshan",
              "Ilhom", "Sanjar", "Botir", "Alisher", "Temur", "Doniyor"]
FEMALE_FIRST = ["Dilnoza", "Gulnora", "Malika", "Nigora", "Madina", "Sevara", "Zarina", "Shahnoza", "Feruza",
                "Kamola", "Mohira", "Nodira", "Dildora", "Munisa", "Gulchehra", "Lola", "Nargiza", "Umida"]
# Family names in the masculine form; the feminine adds "a" (Karimov -> Karimova).
LAST_NAMES = ["Karimov", "Rahimov", "Tursunov", "Yusupov", "Abdullayev", "Xolmatov", "Ergashev", "Qodirov",
              "Nazarov", "Saidov", "Mirzayev", "Usmonov", "Aliyev", "Ismoilov", "Sobirov", "Toshpo'latov",
              "Jo'rayev", "Hasanov", "Umarov", "Rasulov", "Normatov", "Sultonov", "Bozorov", "Ahmedov"]


class DemoError(Exception):
    pass


@dataclass
class DemoUser:
    username: str
    role: str
    region_code: str | None = None
    district_code: str | None = None
    is_staff: bool = False
    is_superuser: bool = False


@dataclass
class DemoLoadResult:
    counts: SyncCounts = field(default_factory=SyncCounts)
    mahallas: int = 0
    demo_district_mahallas: int = 0
    uncovered: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(sum(c.values()) for c in (self.counts.created, self.counts.updated, self.counts.deleted))


MAIN_USERS = [
    DemoUser("demo_national", Role.NATIONAL),
    DemoUser("demo_region", Role.REGIONAL, region_code=DEMO_REGION_CODE),
    DemoUser("demo_registrar", Role.REGISTRAR, region_code=DEMO_REGION_CODE),
    DemoUser("demo_district", Role.DISTRICT, district_code=DEMO_DISTRICT_CODE),
    DemoUser("demo_inspector", Role.INSPECTOR),
    DemoUser("demo_social", Role.SOCIAL_WORKER),
    DemoUser("demo_operator", Role.OPERATOR, district_code=DEMO_DISTRICT_CODE),
    DemoUser("demo_admin", Role.ADMIN, is_staff=True, is_superuser=True),
]
FIELD_USER_PREFIX = {Role.INSPECTOR: "demo_inspector", Role.SOCIAL_WORKER: "demo_social"}


@transaction.atomic
def demo_load(*, mahallas: int = DEFAULT_MAHALLAS, seed: int = DEFAULT_SEED) -> DemoLoadResult:
    """Create or bring up to date the whole demo: territory, demo users and their assignments."""
    with connection.cursor() as cursor:
        # Two loads at once would race on the same codes; the second waits and then finds nothing to do.
        cursor.execute("SELECT pg_advisory_xact_lock(hashtext('accounts.demo_load'))")
    result = DemoLoadResult()
    territory = demo_territory_build(mahallas=mahallas, seed=seed,
                                     guaranteed={DEMO_DISTRICT_CODE: DEMO_DISTRICT_MIN_MAHALLAS})
    demo_territory_sync(territory=territory, counts=result.counts)
    result.mahallas = len(territory.mahallas)

    district_codes = [r.code for r in territory.mahallas if r.parent_code == DEMO_DISTRICT_CODE]
    district_mahallas = list(Mahalla.objects.filter(code__in=district_codes).order_by("code"))
    result.demo_district_mahallas = len(district_mahallas)
    plan = _field_plan(district_mahallas)
    users = _demo_users_sync(plan=plan, seed=seed, counts=result.counts)
    result.uncovered = _demo_assignments_sync(plan=plan, users=users, mahallas=district_mahallas,
                                              counts=result.counts)
    demo_mahallas_prune(territory=territory, counts=result.counts)
    _demo_authenticators_sync(users=users.values(), seed=seed)
    return result


def demo_totp_key(username: str, seed: int = DEFAULT_SEED) -> str:
    """A fixed authenticator key per demo user (hex, 20 bytes), so `demo_logins` can print it."""
    return hashlib.sha1(f"mahalla-safety-demo-totp:{seed}:{username}".encode(), usedforsecurity=False).hexdigest()


def _demo_authenticators_sync(*, users, seed: int) -> None:
    """Demo users of two-factor roles get a confirmed authenticator whose key is printed, not a bypass:
    the second factor is asked for exactly as in production."""
    for user in users:
        if not user.requires_two_factor:
            continue
        key = demo_totp_key(user.username, seed)
        device = TOTPDevice.objects.filter(user=user, name="demo").first()
        if device is None:
            TOTPDevice.objects.create(user=user, name="demo", key=key, confirmed=True)
        elif device.key != key or not device.confirmed:
            TOTPDevice.objects.filter(pk=device.pk).update(key=key, confirmed=True)


def _field_plan(mahallas: list[Mahalla]) -> dict[str, list[Mahalla]]:
    """Which demo field worker covers which mahallas of the demo district, by username."""
    plan: dict[str, list[Mahalla]] = {}
    for role, gap in ((Role.INSPECTOR, INSPECTOR_GAP_EVERY), (Role.SOCIAL_WORKER, SOCIAL_GAP_EVERY)):
        # Offset the gaps per role, so a mahalla without an inspector usually still has a social worker.
        offset = 1 if role == Role.INSPECTOR else 2
        covered = [m for i, m in enumerate(mahallas) if (i + offset) % gap != 0]
        prefix = FIELD_USER_PREFIX[role]
        for n, start in enumerate(range(0, max(len(covered), 1), MAHALLAS_PER_FIELD_WORKER)):
            username = prefix if n == 0 else f"{prefix}_{n + 1}"
            plan[username] = covered[start:start + MAHALLAS_PER_FIELD_WORKER]
    return plan


def _person(username: str, seed: int) -> dict:
    rng = random.Random(f"demo-user:{seed}:{username}")
    female = rng.random() < 0.45
    last = rng.choice(LAST_NAMES)
    return {
        "first_name": rng.choice(FEMALE_FIRST if female else MALE_FIRST),
        "last_name": f"{last}a" if female else last,
        "email": f"{username}@example.org",
        "phone": f"+99890{rng.randrange(10**7):07d}",
    }


def _demo_users_sync(*, plan: dict[str, list[Mahalla]], seed: int, counts: SyncCounts) -> dict[str, User]:
    regions = dict(Region.objects.filter(code=DEMO_REGION_CODE).values_list("code", "id"))
    districts = dict(District.objects.filter(code=DEMO_DISTRICT_CODE).values_list("code", "id"))
    wanted = list(MAIN_USERS)
    main_names = {u.username for u in MAIN_USERS}
    for username in plan:
        if username not in main_names:
            inspector = username.startswith(FIELD_USER_PREFIX[Role.INSPECTOR])
            wanted.append(DemoUser(username, Role.INSPECTOR if inspector else Role.SOCIAL_WORKER))

    existing = {u.username: u for u in User.objects.filter(username__in=[w.username for w in wanted])}
    password_hash = _demo_password_hash(existing.values())
    to_create, to_update, changed_fields = [], [], set()
    for spec in wanted:
        values = {
            "role": spec.role,
            "region_id": regions[spec.region_code] if spec.region_code else None,
            "district_id": districts[spec.district_code] if spec.district_code else None,
            "is_staff": spec.is_staff, "is_superuser": spec.is_superuser,
            "is_active": True, "locked_at": None,
            **_person(spec.username, seed),
        }
        user = existing.get(spec.username)
        if user is None:
            to_create.append(User(username=spec.username, password=password_hash, **values))
            continue
        changed = [name for name, value in values.items() if getattr(user, name) != value]
        if user.password != password_hash:
            changed.append("password")
            values["password"] = password_hash
        if changed:
            for name in changed:
                setattr(user, name, values[name])
            changed_fields.update(changed)
            to_update.append(user)
    User.objects.bulk_create(to_create)
    if to_update:
        User.objects.bulk_update(to_update, sorted(changed_fields))
    counts.created["user"] += len(to_create)
    counts.updated["user"] += len(to_update)

    # Field workers from an earlier, larger demo: their assignments go in _demo_assignments_sync; the
    # accounts go too, unless other data (an incident they filed) still points at them.
    stale = (User.objects.filter(role__in=list(FIELD_USER_PREFIX), username__startswith=DEMO_PREFIX)
             .exclude(username__in=[w.username for w in wanted]))
    Assignment.objects.filter(user__in=stale).delete()
    for user in stale:
        try:
            with transaction.atomic():
                user.delete()
            counts.deleted["user"] += 1
        except ProtectedError:
            if user.is_active:
                user.is_active = False
                user.save(update_fields=["is_active"])
                counts.updated["user"] += 1
    return {u.username: u for u in User.objects.filter(username__in=[w.username for w in wanted])}


def _demo_password_hash(users) -> str:
    """One hash of DEMO_PASSWORD shared by all demo accounts, reused while it still matches.

    Hashing is deliberately slow (about half a second), so it runs once per load rather than per account,
    and not at all when the accounts already carry a matching hash: that is what keeps a rerun write-free.
    """
    for encoded in sorted({u.password for u in users if u.password}):
        if check_password(settings.DEMO_PASSWORD, encoded):
            return encoded
    return make_password(settings.DEMO_PASSWORD)


def _demo_assignments_sync(*, plan: dict[str, list[Mahalla]], users: dict[str, User], mahallas: list[Mahalla],
                           counts: SyncCounts) -> dict[str, int]:
    """Give each demo field worker their planned primary assignments; return uncovered mahallas per role."""
    demo_user_ids = [u.id for u in users.values() if u.role in FIELD_USER_PREFIX]
    current = Assignment.objects.filter(user_id__in=demo_user_ids, ends_on__isnull=True)
    have = {(a.user_id, a.mahalla_id, a.role, a.is_primary, a.starts_on): a.id for a in current}
    # A mahalla that already has a primary of that role from outside the demo keeps it.
    taken = set(Assignment.objects.active(on=ASSIGNMENT_START).filter(is_primary=True, mahalla__in=mahallas)
                .exclude(user_id__in=demo_user_ids).values_list("mahalla_id", "role"))
    want = {}
    for username, planned in plan.items():
        user = users[username]
        for mahalla in planned:
            if (mahalla.id, user.role) not in taken:
                want[(user.id, mahalla.id, user.role, True, ASSIGNMENT_START)] = None
    stale_ids = [pk for key, pk in have.items() if key not in want]
    if stale_ids:
        Assignment.objects.filter(id__in=stale_ids).delete()
    new = [Assignment(user_id=uid, mahalla_id=mid, role=role, is_primary=primary, starts_on=start)
           for (uid, mid, role, primary, start) in want if (uid, mid, role, primary, start) not in have]
    Assignment.objects.bulk_create(new)
    counts.created["assignment"] += len(new)
    counts.deleted["assignment"] += len(stale_ids)

    covered = {(mid, role) for (_uid, mid, role, _p, _s) in want} | taken
    return {role: sum(1 for m in mahallas if (m.id, role) not in covered) for role in FIELD_USER_PREFIX}


def demo_logins() -> list[dict]:
    """Rows for the demo login table: username, role, scope and the password."""
    rows = []
    users = (User.objects.filter(username__startswith=DEMO_PREFIX, is_active=True)
             .select_related("region", "district").prefetch_related("assignments__mahalla"))
    main_order = {u.username: i for i, u in enumerate(MAIN_USERS)}
    users = sorted(users, key=lambda u: (main_order.get(u.username, len(main_order)), _natural(u.username)))
    for user in users:
        if user.role in (Role.NATIONAL, Role.ADMIN):
            scope = "Uzbekistan"
        elif user.region_id:
            scope = user.region.name_uz
        elif user.district_id:
            scope = f"{user.district.name_uz}, {user.district.region.name_uz}"
        else:
            names = sorted(a.mahalla.name_uz for a in user.assignments.all() if a.ends_on is None)
            scope = f"{len(names)} mahalla{'s' if len(names) > 1 else ''}: {', '.join(names)}" if names \
                else "no mahalla assigned"
        rows.append({"username": user.username, "role": user.role_label, "scope": scope,
                     "password": settings.DEMO_PASSWORD, "main": user.username in main_order,
                     "two_factor": user.requires_two_factor, "totp": _demo_totp(user)})
    return rows


def _demo_totp(user) -> dict | None:
    device = TOTPDevice.objects.filter(user=user, name="demo", confirmed=True).first() \
        if user.requires_two_factor else None
    if device is None:
        return None
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return {"secret": base64.b32encode(device.bin_key).decode().rstrip("="), "code": f"{code:0{device.digits}d}"}


def _natural(username: str) -> tuple:
    head, _, tail = username.rpartition("_")
    return (head, int(tail)) if tail.isdigit() else (username, 0)
