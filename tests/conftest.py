"""Named users for every role, plus outsiders, for every test module.

"Outsiders" hold the same role somewhere else: a regional manager of another
region, a referrer of another organisation, a second coordinator.
"""

import pytest
from django.apps import apps
from django.db.models import FileField
from zeal import zeal_context

from coordinators.models import Coordinator
from ekc.models import Organization, OrganizationType, Region, User

PASSWORD = "correct-horse-battery-staple"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item):
    # Every test body runs under django-zeal: loading the same relation once per
    # row (a lazy load in a loop) raises NPlusOneError, in services and commands;
    # each request gets its own check from the middleware. Fixtures are left out:
    # setting up users and cases one by one is not a loop in the application.
    with zeal_context():
        return (yield)


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path, monkeypatch):
    # Fast hashing, and plain static storage (no collectstatic manifest in tests).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # No cache between requests, so query counts are those of the real work.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    # Destructions append to the register file: one per test, never ./var.
    settings.DESTRUCTION_REGISTER_FILE = tmp_path / "destruction-register.jsonl"
    # A FileField calls its storage callable once, when its model is loaded: ask it
    # again, or files of plans and reports land in ./private-media, not in tmp_path.
    for model in apps.get_models():
        for field in model._meta.get_fields():
            if isinstance(field, FileField) and hasattr(field, "_storage_callable"):
                monkeypatch.setattr(field, "storage", field._storage_callable())


@pytest.fixture(autouse=True)
def _second_factor_given_with_force_login(request, monkeypatch):
    """``client.force_login`` also gives the second factor (as the code page would),
    for users whose role needs one; they get an app first if they have none.
    The real flow stays on everywhere else: password logins ask for the code.
    A test marked ``real_second_factor`` keeps force_login as Django has it."""
    if request.node.get_closest_marker("real_second_factor"):
        return
    from django.test import Client

    from ekc import second_factor
    from tests.second_factor import give_device

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        if second_factor.required_for(user):
            if not second_factor.has_device(user):
                give_device(user)
            session = self.session
            second_factor.mark_verified(session, user)
            session.save()

    monkeypatch.setattr(Client, "force_login", force_login)


def make_user(email, *, regions=(), organization=None, **flags):
    user = User.objects.create_user(
        email=email,
        password=PASSWORD,
        first_name=email.split("@")[0].split(".")[0].capitalize(),
        last_name="Test",
        organization=organization,
        **flags,
    )
    User.regions.through.objects.bulk_create(
        User.regions.through(user=user, region=region) for region in regions
    )
    return user


@pytest.fixture
def region(db):
    return Region.objects.create(name="Overijssel")


@pytest.fixture
def other_region(db):
    return Region.objects.create(name="Amsterdam")


@pytest.fixture
def organization(region):
    return Organization.objects.create(
        name="Bureau Jeugdzorg Overijssel", type=OrganizationType.YOUTH_CARE, region=region
    )


@pytest.fixture
def other_organization(other_region):
    return Organization.objects.create(
        name="Jeugdbescherming Amsterdam",
        type=OrganizationType.CHILD_PROTECTION,
        region=other_region,
    )


@pytest.fixture
def admin_user(db):
    return make_user("admin@ekc.test", is_superuser=True, is_staff=True)


@pytest.fixture
def regional_manager(region):
    return make_user("manager@ekc.test", regions=[region], is_regional_manager=True)


@pytest.fixture
def other_regional_manager(other_region):
    return make_user("manager.other@ekc.test", regions=[other_region], is_regional_manager=True)


@pytest.fixture
def coordinator(region):
    user = make_user("coordinator@ekc.test", regions=[region], is_coordinator=True)
    Coordinator.objects.create(user=user, code="C001", languages=["nl", "tr"])
    return user


@pytest.fixture
def other_coordinator(region):
    user = make_user("coordinator.other@ekc.test", regions=[region], is_coordinator=True)
    Coordinator.objects.create(user=user, code="C002", languages=["nl"])
    return user


@pytest.fixture
def referrer(organization):
    return make_user("referrer@ekc.test", organization=organization, is_referrer=True)


@pytest.fixture
def other_referrer(other_organization):
    return make_user("referrer.other@ekc.test", organization=other_organization, is_referrer=True)


@pytest.fixture
def liaison(organization):
    return make_user("liaison@ekc.test", organization=organization, is_liaison=True)


@pytest.fixture
def researcher(db):
    return make_user("researcher@ekc.test", is_researcher=True)


@pytest.fixture
def no_role_user(db):
    return make_user("nobody@ekc.test")


ROLE_FIXTURES = [
    "admin_user",
    "regional_manager",
    "other_regional_manager",
    "coordinator",
    "other_coordinator",
    "referrer",
    "other_referrer",
    "liaison",
    "researcher",
    "no_role_user",
]


@pytest.fixture(params=ROLE_FIXTURES)
def any_user(request):
    """Each named user in turn."""
    return request.getfixturevalue(request.param)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Every role and a case in every state (tests/access.py), made once per module
    and rolled back after it."""
    from django.db import transaction

    from tests.access import build_world

    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)
