"""Every URL of the project × every role × GET and POST, with the status each must get.

A URL added to the project without a row here fails test_every_url_is_in_the_matrix.
"""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from campaigns.models import OperatorScope
from residents.models import ImportJob
from tests.factories import (
    BacklogEntryFactory,
    CampaignFactory,
    KecamatanFactory,
    ResidentFactory,
    UserFactory,
    VisitFactory,
)

pytestmark = pytest.mark.django_db
ROLES = ["anonymous", "operator", "scoped_operator", "koordinator", "admin"]
LOGIN = "login"  # a redirect to the login page
ADMIN_LOGIN = "admin_login"
VALID_REPORT = {"recorded_count": "70", "first_time_voters": "5", "failed_count": "0"}

# name: (args, POST data, {role: (GET status, POST status)})
# The visit is in a kecamatan outside the scoped operator's area.
MATRIX = {
    "home": (
        [],
        {},
        {role: (302, 302) for role in ROLES} | {"anonymous": (LOGIN, LOGIN)},
    ),
    "login": ([], {}, {role: (200, 200) for role in ROLES}),
    "logout": ([], {}, {role: (405, 302) for role in ROLES} | {"anonymous": (LOGIN, 302)}),
    "password_change": (
        [],
        {},
        {role: (200, 200) for role in ROLES} | {"anonymous": (LOGIN, LOGIN)},
    ),
    "password_change_done": (
        [],
        {},
        {role: (200, 405) for role in ROLES} | {"anonymous": (LOGIN, LOGIN)},
    ),
    "set_language": ([], {"language": "en"}, {role: (302, 302) for role in ROLES}),
    "healthz": ([], {}, {role: (200, 405) for role in ROLES}),
    # The installable app: open to all, as a browser fetches them without a session.
    "service_worker": ([], {}, {role: (200, 405) for role in ROLES}),
    "manifest": ([], {}, {role: (200, 405) for role in ROLES}),
    "offline": ([], {}, {role: (200, 405) for role in ROLES}),
    "campaigns:list": (
        [],
        {},
        {role: (200, 405) for role in ROLES} | {"anonymous": (LOGIN, LOGIN)},
    ),
    "campaigns:dashboard": (
        ["ttu"],
        {},
        {role: (200, 405) for role in ROLES} | {"anonymous": (LOGIN, LOGIN)},
    ),
    "campaigns:progress_json": (
        ["ttu"],
        {},
        {role: (200, 405) for role in ROLES} | {"anonymous": (LOGIN, LOGIN)},
    ),
    "campaigns:briefing": (
        ["ttu"],
        {},
        {role: (200, 405) for role in ROLES} | {"anonymous": (LOGIN, LOGIN)},
    ),
    "backlog:list": (
        ["ttu"],
        {},
        {
            "anonymous": (LOGIN, LOGIN),
            "operator": (200, 200),
            "scoped_operator": (200, 200),
            "koordinator": (200, 403),
            "admin": (200, 200),
        },
    ),
    **{
        name: (
            ["ttu"],
            {},
            {role: (200, 405) for role in ROLES} | {"anonymous": (LOGIN, LOGIN)},
        )
        for name in ["campaigns:kecamatan", "campaigns:plan", "campaigns:schedule"]
    },
    # Admins and operators who see the whole kabupaten; only admins accept (POST: back to it).
    "campaigns:propose": (
        ["ttu"],
        {},
        {
            "anonymous": (LOGIN, LOGIN),
            "operator": (200, 403),
            "scoped_operator": (403, 403),
            "koordinator": (403, 403),
            "admin": (200, 302),
        },
    ),
    "provinces:rollup": (
        ["53"],
        {},
        {role: (200, 405) for role in ROLES} | {"anonymous": (LOGIN, LOGIN)},
    ),
    "visits:today": (
        [],
        {},
        {role: (200, 405) for role in ROLES} | {"anonymous": (LOGIN, LOGIN)},
    ),
    "visits:late": (
        [],
        {},
        {role: (200, 405) for role in ROLES} | {"anonymous": (LOGIN, LOGIN)},
    ),
    "visits:report": (
        ["VISIT"],
        VALID_REPORT,
        {
            "anonymous": (LOGIN, LOGIN),
            "operator": (200, 302),
            "scoped_operator": (404, 404),
            "koordinator": (200, 403),
            "admin": (200, 302),
        },
    ),
    "import_residents": (
        ["ttu"],
        {},
        {
            "anonymous": (LOGIN, LOGIN),
            "operator": (200, 200),
            "scoped_operator": (403, 403),  # the list covers the whole kabupaten
            "koordinator": (403, 403),
            "admin": (200, 200),
        },
    ),
    # Another operator's finished check: an admin sees every job, an operator only their own.
    "import_job": (
        ["ttu", "JOB"],
        {},
        {
            "anonymous": (LOGIN, LOGIN),
            "operator": (404, 404),
            "scoped_operator": (403, 403),
            "koordinator": (403, 403),
            "admin": (200, 302),
        },
    ),
    "import_refused_csv": (
        ["ttu", "JOB"],
        {},
        {
            "anonymous": (LOGIN, LOGIN),
            "operator": (404, 405),
            "scoped_operator": (403, 405),
            "koordinator": (403, 405),
            "admin": (200, 405),
        },
    ),
    # The resident is in the kecamatan outside the scoped operator's area, as is the visit.
    "residents:home": (
        [],
        {},
        {role: (302, 405) for role in ROLES} | {"anonymous": (LOGIN, LOGIN)},
    ),
    # The search box posts (a whole NIK never travels in an address): see LOOKUPS below.
    "residents:list": (
        ["ttu"],
        {"q": "RESIDENT_NIK"},
        {role: (200, 302) for role in ROLES} | {"anonymous": (LOGIN, LOGIN)},
    ),
    "residents:detail": (
        ["RESIDENT"],
        {"status": "deceased", "note": "Akta kematian"},
        {
            "anonymous": (LOGIN, LOGIN),
            "operator": (200, 302),
            "scoped_operator": (404, 404),
            "koordinator": (200, 403),
            "admin": (200, 302),
        },
    ),
    "residents:bulk_record": (
        ["VISIT"],
        {"niks": "RESIDENT_NIK"},
        {
            "anonymous": (LOGIN, LOGIN),
            "operator": (200, 302),
            "scoped_operator": (404, 404),
            "koordinator": (403, 403),
            "admin": (200, 302),
        },
    ),
    "residents:invitations": (
        ["VISIT"],
        {},
        {
            "anonymous": (LOGIN, LOGIN),
            "operator": (200, 405),
            "scoped_operator": (404, 405),
            "koordinator": (200, 405),
            "admin": (200, 405),
        },
    ),
    # Full NIKs: operators and admins only.
    "residents:invitations_csv": (
        ["VISIT"],
        {},
        {
            "anonymous": (LOGIN, LOGIN),
            "operator": (200, 405),
            "scoped_operator": (404, 405),
            "koordinator": (403, 405),
            "admin": (200, 405),
        },
    ),
    "admin:index": (
        [],
        {},
        {
            "anonymous": (ADMIN_LOGIN, ADMIN_LOGIN),
            "operator": (ADMIN_LOGIN, ADMIN_LOGIN),
            "scoped_operator": (ADMIN_LOGIN, ADMIN_LOGIN),
            "koordinator": (ADMIN_LOGIN, ADMIN_LOGIN),
            "admin": (200, 200),
        },
    ),
}


def project_url_names(patterns=None, namespace=""):
    """Every named URL of the project; Django admin's own pages count as one, admin:index."""
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin:index"
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from project_url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_is_in_the_matrix():
    assert set(project_url_names()) == set(MATRIX)


@pytest.fixture
def world():
    today = timezone.localdate()
    campaign = CampaignFactory(
        slug="ttu",
        start_date=today - datetime.timedelta(days=5),
        target_date=today + datetime.timedelta(days=15),
        extension_date=None,
        election_date=today + datetime.timedelta(days=20),
    )
    inside, outside = (KecamatanFactory(kabupaten=campaign.kabupaten) for _ in range(2))
    for kecamatan in (inside, outside):
        BacklogEntryFactory(campaign=campaign, kecamatan=kecamatan)
    visit = VisitFactory(campaign=campaign, date=today, kecamatan=outside)
    resident = ResidentFactory(campaign=campaign, desa__kecamatan=outside)
    refused = storages["imports"].save("refused.csv", ContentFile(b"NIK;Reason\n"))
    job = ImportJob.objects.create(
        campaign=campaign,
        user=UserFactory(username="someone"),
        filename="daftar.csv",
        dry_run=True,
        status=ImportJob.Status.DONE,
        refused=1,
        refused_file=refused,
    )
    return {"visit": visit, "inside": inside, "resident": resident, "job": job}


def url_args(args, world):
    """A MATRIX row's arguments, with its placeholders for the world's objects."""
    placeholders = {
        "VISIT": world["visit"].pk,
        "RESIDENT": world["resident"].pk,
        "JOB": world["job"].pk,
    }
    return [placeholders.get(arg, arg) for arg in args]


def post_data(data, world):
    return {
        key: world["resident"].nik if value == "RESIDENT_NIK" else value
        for key, value in data.items()
    }


def user_for(role, world):
    if role == "anonymous":
        return None
    group = {"scoped_operator": "Operator"}.get(role, role.capitalize())
    user = UserFactory(username=role, is_staff=role == "admin")
    user.groups.add(Group.objects.get(name=group))
    if role == "scoped_operator":
        OperatorScope.objects.create(user=user).kecamatan.add(world["inside"])
    return user


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", list(MATRIX))
def test_status(client, world, name, role, method):
    args, data, expected = MATRIX[name]
    user = user_for(role, world)
    if user:
        client.force_login(user)
    url = reverse(name, args=url_args(args, world))
    response = getattr(client, method)(url, post_data(data, world) if method == "post" else None)

    want = expected[role][0 if method == "get" else 1]
    if want == LOGIN:
        assert response.status_code == 302 and response.url.startswith(reverse("login")), (
            response.status_code
        )
    elif want == ADMIN_LOGIN:
        assert response.status_code == 302
        assert response.url.startswith(reverse("admin:login"))
    else:
        assert response.status_code == want


# What a whole-NIK lookup of the resident (in the kecamatan outside the scoped operator's
# area) tells each role: (found by the list's search, the lookup logged, what a NIK pasted
# for a visit in the operator's own area answers). A koordinator may confirm a NIK, a few
# times a day, logged; a scoped operator learns nothing of anyone outside their area, not
# even that the NIK exists.
LOOKUPS = {
    "operator": (True, False, "recorded"),
    "scoped_operator": (False, False, "unknown"),
    "koordinator": (True, True, None),
    "admin": (True, False, "recorded"),
}


@pytest.mark.parametrize("role", list(LOOKUPS))
def test_whole_nik_lookup(client, world, role):
    from residents.models import NikLookup

    found, logged, pasted = LOOKUPS[role]
    user = user_for(role, world)
    client.force_login(user)
    nik = world["resident"].nik
    response = client.post(reverse("residents:list", args=["ttu"]), {"q": nik}, follow=True)
    assert nik[4:12] not in response.redirect_chain[0][0]
    assert (list(response.context["object_list"]) == [world["resident"]]) is found
    assert NikLookup.objects.filter(user=user, refused=False).exists() is logged

    # A NIK pasted for a visit: the scoped operator pastes at a visit of their own area.
    own_visit = VisitFactory(campaign=world["visit"].campaign, kecamatan=world["inside"])
    bulk = reverse("residents:bulk_record", args=[own_visit.pk])
    client.post(bulk, {"niks": nik})
    page = client.get(bulk)
    if pasted is None:
        assert page.status_code == 403
    else:
        result = page.context["result"]
        codes = [p["code"] for p in result["problems"]] or ["recorded"] * len(result["saved"])
        assert codes == [pasted]
        assert (world["resident"].name in page.text) is (pasted == "recorded")
