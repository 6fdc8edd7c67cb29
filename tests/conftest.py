import importlib

import pytest
from django.core.cache import caches
from django.db import connection

from .factories import CoachFactory, ContactFactory, DebriefFactory, MeetingFactory, UserFactory


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Hashing every factory user's password with PBKDF2 would dominate the suite's time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings):
    """Tasks run as they are enqueued, so a test sees their emails in mail.outbox; the
    queue's own tests (tests/test_task_queue.py) put the database backend back."""
    settings.TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


# The kept counts and data versions whose triggers run at the commit (debriefs migration
# 0013, accounts migration 0004).
DEFERRED_TRIGGERS = (
    importlib.import_module("debriefs.migrations.0013_client_review_tally").DEFERRED_TRIGGERS
    + importlib.import_module("accounts.migrations.0004_data_version").DEFERRED_TRIGGERS
)


@pytest.fixture(autouse=True)
def kept_counts_at_once(request):
    """The triggers deferred to the commit run at once in a test that uses the database
    inside a transaction: that transaction is rolled back, never committed. (A test
    with `transactional_db` commits every statement: they run then.)"""
    marker = request.node.get_closest_marker("django_db")
    names = request.fixturenames
    if "db" not in names and marker is None:
        return
    if ("transactional_db" in names or "live_server" in names
            or (marker is not None and marker.kwargs.get("transaction"))):
        return
    request.getfixturevalue("db")
    with connection.cursor() as cursor:
        cursor.execute(f"SET CONSTRAINTS {', '.join(DEFERRED_TRIGGERS)} IMMEDIATE")


@pytest.fixture(autouse=True)
def pages_kept_per_test():
    """Each test starts with no kept page (config/page_cache.py) and no kept suggestion
    context (debriefs/suggestions/loading.py)."""
    caches["pages"].clear()
    caches["contexts"].clear()


# A test that counts a page's queries counts the work of building it, not of serving it
# from the page cache (tests/test_page_cache.py counts that).
@pytest.fixture
def django_assert_num_queries(django_assert_num_queries, settings):
    settings.PAGE_CACHE_SECONDS = 0
    return django_assert_num_queries


@pytest.fixture
def django_assert_max_num_queries(django_assert_max_num_queries, settings):
    settings.PAGE_CACHE_SECONDS = 0
    return django_assert_max_num_queries


@pytest.fixture
def alice(db):
    """A client: the owner of the data in most tests."""
    return UserFactory(email="alice@example.com", first_name="Alice")


@pytest.fixture
def carol(db, alice):
    """Alice's coach."""
    coach = CoachFactory(email="carol@example.com", first_name="Carol")
    alice.coach = coach
    alice.save(update_fields=["coach"])
    return coach


@pytest.fixture
def charlie(db):
    """An unrelated client who must never see Alice's data."""
    return UserFactory(email="charlie@example.com", first_name="Charlie")


@pytest.fixture
def dave(db):
    """A coach who is not Alice's coach."""
    return CoachFactory(email="dave@example.com", first_name="Dave")


@pytest.fixture
def lena(alice):
    """A tier-1 contact of Alice's."""
    return ContactFactory(owner=alice, name="Lena Fischer", organisation="Halden")


@pytest.fixture
def meeting(alice, lena):
    """A meeting Alice held yesterday with Lena."""
    return MeetingFactory(owner=alice, contact=lena)


@pytest.fixture
def debrief(meeting):
    """Alice's saved debrief of that meeting, with no thank-you recorded yet."""
    return DebriefFactory(meeting=meeting, thank_you_sent_on=None, version=1)
