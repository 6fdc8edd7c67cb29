"""Who may do what, on every URL of the project.

Every URL pattern the resolver knows (admin aside) is classified in exactly one table
below, by who may use it. Each is then requested with GET and POST by five actors: alice
(the client who owns the data), carol (her coach), charlie (another client), dave (another
coach) and an anonymous visitor. Each request is checked three ways: the status, that the
page shows nothing the actor may not read, and that alice's world is unchanged unless the
actor may write it (alice herself; carol commenting on or marking reviewed a shared saved
debrief, and managing her own invitations). The POSTs send the owner's valid form, and
test_the_owners_post_writes shows that it does write when the owner sends it.

Then the coach pages over every state that changes what a coach sees (shared, private,
draft, coaching link ended, another coach's client), and the ids a client sends in query
strings and form fields, which must never reach another user's object.
"""

import copy
import datetime
import io
import zipfile
from unittest.mock import ANY

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from accounts.models import Invitation, User
from contacts.models import Contact
from debriefs.models import (
    Comment,
    CompetencyCited,
    CoreCompetency,
    Debrief,
    DismissedSuggestion,
    FollowUp,
    Meeting,
    Package,
    StumpSpeechVersion,
)
from tests.factories import (
    PASSWORD,
    CoachFactory,
    CommentFactory,
    CompetencyCitedFactory,
    ContactFactory,
    CoreCompetencyFactory,
    DebriefFactory,
    FollowUpFactory,
    InvitationFactory,
    MeetingFactory,
    PackageFactory,
    UserFactory,
)

# ---------------------------------------------------------------------------------------
# Every URL, classified. Each table maps a URL name to the world object its URL arguments
# name (see `url_of`), or None for a URL without arguments.

# Open without signing in, on purpose (LoginRequiredMiddleware lets them through).
PUBLIC = {
    "accounts:login": None,
    "accounts:signup": None,
    "accounts:logout": None,  # POST only; without a session it simply says goodbye
    "accounts:password_reset": None,  # says the same whether or not the address exists
    "accounts:password_reset_done": None,
    # The emailed link: uid and token. A wrong token is what anyone else can send.
    "accounts:password_reset_confirm": "password reset link with a wrong token",
    "accounts:password_reset_complete": None,
    # The token in the link is the key; accepting also needs a signed-in client. The
    # matrix uses a spent link (alice accepted it): nobody can use it again.
    "accounts:invitation": "spent invitation link",
    # The token stands in for a login (calendar apps cannot log in): whoever holds it
    # reads the feed, so it is exempt from the "shows nothing" check below.
    "debriefs:calendar_feed": "alice's calendar link",
    # The method in plain words: the same page for everyone, no user data.
    "debriefs:method": None,
    # The load balancer's health check: the app's and the database's state, no user data.
    "healthz": None,
}
# Any signed-in user, on their own account.
SIGNED_IN = {
    "home": None,  # a coach is sent on to the coach's home
    "accounts:account": None,
    "accounts:password_change": None,
    "accounts:password_change_done": None,
    "debriefs:account_data": None,  # the download of all of one's own data
    "debriefs:account_delete": None,  # deleting one's own account
}
# A client, on their own data: no id in the URL (ids in the form are the last section).
CLIENT_OWN = {
    "accounts:end_coaching": None,
    "contacts:list": None,
    "contacts:create": None,
    "contacts:validate": None,
    "contacts:picker": "contacts picker",  # the kind of picker, not an object
    "contacts:tiers": None,
    "contacts:import": None,
    "contacts:import_confirm": None,
    "contacts:export_csv": None,
    "contacts:export_vcard": None,
    "contacts:export_google_csv": None,
    "debriefs:meeting_list": None,
    "debriefs:meeting_create": None,
    "debriefs:network_suggestion_accept": None,
    "debriefs:network_suggestion_dismiss": None,
    "debriefs:package": None,
    "debriefs:follow_up_list": None,
    "debriefs:follow_up_create": None,
    "debriefs:calendar_reset": None,
    "coach:conversations": None,  # the client's side of the coach threads
}
# A coach, on their own work: no id in the URL.
COACH_OWN = {
    "coach:home": None,
    "accounts:invitation_list": None,
}
# One of alice's objects by id: alice only. Coaches read, never write: 403 on these.
CLIENT_OBJECT = {
    "contacts:detail": "omar",
    "contacts:edit": "lena",
    "contacts:status": "omar",
    "contacts:delete": "omar",
    "debriefs:meeting_detail": "meeting",
    "debriefs:meeting_prep": "meeting",
    "debriefs:meeting_edit": "meeting",
    "debriefs:meeting_mark_held": "meeting",
    "debriefs:debrief_edit": "meeting",
    "debriefs:debrief_autosave": "meeting",
    "debriefs:debrief_suggestions": "meeting",
    "debriefs:suggestion_accept": "meeting",
    "debriefs:suggestion_dismiss": "meeting",
    "debriefs:referral_add": "meeting",
    "debriefs:follow_up_toggle": "follow_up",
    "debriefs:meeting_note": "meeting thank-you note",
    "debriefs:follow_up_note": "follow_up",
    "debriefs:speech_version_restore": "alices_speech",
}
# Alice, her debrief, or her coach's invitation, by id: carol only.
COACH_OBJECT = {
    "coach:client_detail": "alice",
    "coach:client_tiers": "alice",
    "coach:review": "debrief",
    "coach:mark_reviewed": "debrief",
    "accounts:invitation_resend": "invitation",
    "accounts:invitation_cancel": "invitation",
}
# The comment thread on alice's shared debrief: alice and carol both write there.
THREAD = {
    "coach:comment": "debrief",
}

TABLES = {
    "public": PUBLIC,
    "signed in": SIGNED_IN,
    "client own": CLIENT_OWN,
    "coach own": COACH_OWN,
    "client object": CLIENT_OBJECT,
    "coach object": COACH_OBJECT,
    "thread": THREAD,
}
URL_ARGUMENT = {name: key for table in TABLES.values() for name, key in table.items()}


def url_names(patterns, namespace=""):
    """Every URL of the resolver as "namespace:name", recursing into every include."""
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                # Django's admin: staff only, behind its own permission checks, not ours.
                continue
            inner = ":".join(part for part in (namespace, pattern.namespace) if part)
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"  # unclassifiable: fails
            yield f"{namespace}:{name}" if namespace else name


ALL_URLS = sorted(set(url_names(get_resolver().url_patterns)))


@pytest.mark.parametrize("name", ALL_URLS)
def test_every_url_is_classified_in_exactly_one_table(name):
    tables = [title for title, table in TABLES.items() if name in table]
    assert len(tables) == 1, (
        f"{name} is in {tables or 'no table'}: add it to exactly one table of "
        "tests/test_access_matrix.py, so the matrix checks who may use it."
    )


def test_no_table_names_a_url_that_no_longer_exists():
    assert set(URL_ARGUMENT) - set(ALL_URLS) == set()


# ---------------------------------------------------------------------------------------
# Alice's world

# Words some actors must never read, on any page (NEVER_SHOWN_TO below).
SHARED_NOTES = "Omar asked about the sepsis pilot budget."
PRIVATE_NOTES = "Private: thinking of leaving medicine altogether."
DRAFT_NOTES = "Draft: half-formed thoughts on the Medwise call."
NAMED_PRIVATELY = "Pat Named-Privately"
ALICES_DATA = (
    "Omar Haddad", "Rosa Delgado", SHARED_NOTES, "Send Omar the audit summary",
    "Lead the questions next time.", "Triage under pressure", "Clinical safety",
    "emergency physician of ten years",
)
ALICES_PRIVATE_DATA = (PRIVATE_NOTES, DRAFT_NOTES, NAMED_PRIVATELY)
CHARLIES_DATA = ("Ingrid Voss",)

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # as tests/conftest.py

NEVER_SHOWN_TO = {
    "alice": CHARLIES_DATA,
    "carol": ALICES_PRIVATE_DATA + CHARLIES_DATA,
    "charlie": ALICES_DATA + ALICES_PRIVATE_DATA,
    "dave": ALICES_DATA + ALICES_PRIVATE_DATA + CHARLIES_DATA,
    "anonymous": ALICES_DATA + ALICES_PRIVATE_DATA + CHARLIES_DATA,
}


def days_ago(days):
    return timezone.now() - datetime.timedelta(days=days)


def build_world() -> dict:
    """Alice's work with carol as her coach, and a little of charlie's."""
    alice = UserFactory(email="alice@example.com", first_name="Alice")
    carol = CoachFactory(email="carol@example.com", first_name="Carol")
    alice.coach = carol
    alice.save(update_fields=["coach"])
    charlie = UserFactory(email="charlie@example.com", first_name="Charlie")
    dave = CoachFactory(email="dave@example.com", first_name="Dave")

    omar = ContactFactory(owner=alice, name="Omar Haddad")
    lena = ContactFactory(owner=alice, name="Lena Fischer")
    meeting = MeetingFactory(owner=alice, contact=omar, starts_at=days_ago(1))
    debrief = DebriefFactory(meeting=meeting, notes=SHARED_NOTES, stump_speech_delivered="no")
    rosa = ContactFactory(owner=alice, name="Rosa Delgado", referred_by=omar)
    Contact.objects.filter(pk=rosa.pk).update(referred_in=meeting)
    CompetencyCitedFactory(debrief=debrief, name="Triage under pressure")
    DismissedSuggestion.objects.create(owner=alice, debrief=debrief, code="keep-in-touch")
    CommentFactory(debrief=debrief, author=carol, body="Lead the questions next time.")
    CommentFactory(debrief=debrief, author=alice, body="I will, thank you.")
    follow_up = FollowUpFactory(
        owner=alice, meeting=meeting, contact=omar, title="Send Omar the audit summary"
    )

    private_meeting = MeetingFactory(owner=alice, contact=omar, starts_at=days_ago(2))
    DebriefFactory(meeting=private_meeting, notes=PRIVATE_NOTES, is_private=True)
    pat = ContactFactory(owner=alice, name=NAMED_PRIVATELY, referred_by=omar)
    Contact.objects.filter(pk=pat.pk).update(referred_in=private_meeting)
    draft_meeting = MeetingFactory(owner=alice, contact=lena, starts_at=days_ago(3))
    DebriefFactory(meeting=draft_meeting, notes=DRAFT_NOTES, is_draft=True)

    package = PackageFactory(owner=alice)
    core_competency = CoreCompetencyFactory(package=package, name="Clinical safety")
    alices_speech = StumpSpeechVersion.objects.create(
        owner=alice, **{**package.speech_parts, "who_i_am": "An earlier opening line."}
    )

    invitation = InvitationFactory(coach=carol, email="prospect@example.com")
    spent = InvitationFactory(coach=carol, email=alice.email)
    spent.accepted_at, spent.accepted_by = days_ago(30), alice
    spent.save()

    ingrid = ContactFactory(owner=charlie, name="Ingrid Voss")
    charlies_meeting = MeetingFactory(owner=charlie, contact=ingrid)
    charlies_speech = StumpSpeechVersion.objects.create(owner=charlie,
                                                        who_i_am="Charlie's opening line.")
    return {
        "alice": alice, "carol": carol, "charlie": charlie, "dave": dave,
        "omar": omar, "lena": lena, "rosa": rosa, "meeting": meeting, "debrief": debrief,
        "follow_up": follow_up, "core_competency": core_competency, "invitation": invitation,
        "ingrid": ingrid, "charlies_meeting": charlies_meeting,
        "alices_speech": alices_speech, "charlies_speech": charlies_speech,
        # URL arguments that are not ids.
        "contacts picker": ["contacts"],
        "meeting thank-you note": [meeting.pk, "send-thank-you"],
        "spent invitation link": [spent.token],
        "alice's calendar link": [alice.calendar_token],
        "password reset link with a wrong token": [
            urlsafe_base64_encode(force_bytes(alice.pk)), "wrong-token"
        ],
    }


@pytest.fixture(scope="module")
def saved_world(django_db_setup, django_db_blocker):
    """The world, built once for the module's ~700 tests, as TestCase.setUpTestData does:
    it stays in an open transaction, each test runs in a savepoint rolled back after it,
    and the whole is rolled back at the end."""
    with django_db_blocker.unblock(), transaction.atomic():
        with override_settings(PASSWORD_HASHERS=FAST_HASHERS):
            world = build_world()
        yield world
        transaction.set_rollback(True)


@pytest.fixture
def world(saved_world, db):
    """A copy for each test: its requests change rows (rolled back with the savepoint), and
    the test may change the objects themselves (alice ending the coaching link)."""
    return copy.deepcopy(saved_world)


@pytest.fixture(scope="module")
def module_client():
    return Client()


@pytest.fixture
def client(module_client):
    """One test client for the whole module, signed out before each test. A new client
    loads the middleware again on its first request, and WhiteNoise then indexes every
    static file: that took most of this module's time."""
    module_client.cookies.clear()
    return module_client


def url_of(name, world, query=""):
    key = URL_ARGUMENT[name]
    value = world[key] if key else None
    args = [] if value is None else value if isinstance(value, list) else [value.pk]
    return reverse(name, args=args) + query


def rows(queryset, *fields):
    return list(queryset.order_by("pk").values(*fields))


def snapshot(world) -> dict:
    """Alice's world as rows: her account and coaching link, everything she wrote, and her
    coach's invitations."""
    alice, carol = world["alice"], world["carol"]
    return {
        "alice": rows(
            User.objects.filter(pk=alice.pk), "email", "first_name", "last_name", "role",
            "coach_id", "password", "calendar_token", "is_active",
        ),
        "contacts": rows(Contact.objects.filter(owner=alice)),
        "meetings": rows(Meeting.objects.filter(owner=alice)),
        "debriefs": rows(Debrief.objects.filter(owner=alice)),
        "competencies cited": rows(CompetencyCited.objects.filter(debrief__owner=alice)),
        "dismissed suggestions": rows(DismissedSuggestion.objects.filter(owner=alice)),
        "follow-ups": rows(FollowUp.objects.filter(owner=alice)),
        "package": rows(Package.objects.filter(owner=alice)),
        "core competencies": rows(CoreCompetency.objects.filter(package__owner=alice)),
        "speech versions": rows(StumpSpeechVersion.objects.filter(owner=alice)),
        # Without the read receipts: the coach reading her comments does not change them.
        "comments": rows(
            Comment.objects.filter(debrief__owner=alice),
            "pk", "debrief_id", "author_id", "body", "created_at",
        ),
        "carol's invitations": rows(Invitation.objects.filter(coach=carol)),
    }


# What each actor owns in the world, and so may change at will.
OWNS = {
    "alice": {
        "alice", "contacts", "meetings", "debriefs", "competencies cited",
        "dismissed suggestions", "follow-ups", "package", "core competencies", "comments",
        "speech versions",
    },
    "carol": {"carol's invitations"},
}


# Deleting one's account also clears what other people's rows say of them (see
# debriefs/account_data.py): carol's record of the invitation alice accepted; and when carol
# leaves, alice's coach link, carol's comments and "reviewed by" on alice's debriefs.
ALSO_CHANGED_BY_DELETING = {
    "alice": {"carol's invitations"},
    "carol": {"alice", "comments", "debriefs"},
}


def expected_after(actor, before, after, deleting_account=False) -> dict:
    """The world as it must be after the actor's request: only what they own may change."""
    owned = OWNS.get(actor, set())
    if deleting_account:
        owned = owned | ALSO_CHANGED_BY_DELETING.get(actor, set())
    return {section: after[section] if section in owned else old
            for section, old in before.items()}


def with_coach_work(name, expected, coach, world) -> dict:
    """`expected` plus the one change a coach's POST makes to a debrief they may read."""
    debrief = world["debrief"]
    if name == "coach:comment":
        expected["comments"] = expected["comments"] + [{
            "pk": ANY, "debrief_id": debrief.pk, "author_id": coach.pk,
            "body": COMMENT_BODY, "created_at": ANY,
        }]
    if name == "coach:mark_reviewed":
        expected["debriefs"] = [
            row | {"reviewed_at": ANY, "reviewed_by_id": coach.pk} if row["id"] == debrief.pk
            else row
            for row in expected["debriefs"]
        ]
    return expected


# ---------------------------------------------------------------------------------------
# What each URL's form sends: the owner's valid form, so that it would write if it got
# through (see test_the_owners_post_writes).

COMMENT_BODY = "Posted through the access matrix."
NEW_PASSWORD = "a-fresh-long-passphrase-42"


def form_for(name, world) -> dict:
    omar, debrief = world["omar"], world["debrief"]
    contact_form = {"name": "Nadia Newcomer", "status": "reached_out",
                    "responsiveness": "unknown", "notes": "Changed"}
    meeting_form = {"contact": omar.pk, "starts_at": "2030-01-07T10:00", "kind": "networking",
                    "medium": "video", "status": "planned", "location": "Changed"}
    debrief_form = {
        "notes": "Changed by the access matrix", "stump_speech_delivered": "yes",
        "version": debrief.version,
        "competency-TOTAL_FORMS": "1", "competency-INITIAL_FORMS": "0",
        "competency-0-name": "Changed competency",
    }
    forms = {
        "accounts:login": {"username": "alice@example.com", "password": "not-her-password"},
        "accounts:account": {"first_name": "Changed", "last_name": "Name"},
        "accounts:password_change": {
            "old_password": PASSWORD, "new_password1": NEW_PASSWORD,
            "new_password2": NEW_PASSWORD,
        },
        "accounts:password_reset": {"email": "alice@example.com"},
        "accounts:password_reset_confirm": {
            "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD,
        },
        "accounts:invitation_list": {"email": "new.client@example.com"},
        "debriefs:account_delete": {"password": PASSWORD},
        "contacts:create": contact_form,
        # Version 1: the form as opened on a contact nobody has edited yet.
        "contacts:edit": contact_form | {"name": "Lena Fischer-Changed", "version": 1},
        "contacts:validate": {"_field": "name", "name": "Nadia Newcomer"},
        "contacts:status": {"status": "dormant"},
        "contacts:delete": {"referrals": "hand_over"},
        "coach:comment": {"body": COMMENT_BODY},
        "debriefs:meeting_create": meeting_form,
        "debriefs:meeting_edit": meeting_form,
        "debriefs:debrief_edit": debrief_form,
        "debriefs:debrief_autosave": debrief_form,
        "debriefs:debrief_suggestions": debrief_form,
        "debriefs:suggestion_accept": {"code": "contact-referral", "contact": world["rosa"].pk},
        "debriefs:suggestion_dismiss": {"code": "refine-stump-speech"},
        "debriefs:referral_add": {"referral-name": "Rita Referred"},
        "debriefs:network_suggestion_accept": {
            "code": "contact-referral", "contact": world["rosa"].pk,
        },
        "debriefs:network_suggestion_dismiss": {
            "code": "contact-referral", "contact": world["rosa"].pk,
        },
        "debriefs:package": {
            "who_i_am": "Changed by the access matrix",
            "competency-TOTAL_FORMS": "1", "competency-INITIAL_FORMS": "1",
            "competency-0-id": world["core_competency"].pk,
            "competency-0-name": "Changed competency",
        },
        "debriefs:follow_up_create": {
            "title": "Changed", "due_on": "2030-01-07", "contact": omar.pk,
        },
    }
    return forms.get(name, {})


# The POSTs that write, and the actor whose POST it is. If the owner's POST did not change
# the world, "nothing changed" for everyone else would prove nothing.
WRITES = {
    "accounts:account": "alice",
    "accounts:password_change": "alice",
    "accounts:end_coaching": "alice",
    "accounts:invitation_list": "carol",
    "accounts:invitation_resend": "carol",
    "accounts:invitation_cancel": "carol",
    "contacts:create": "alice",
    "contacts:edit": "alice",
    "contacts:status": "alice",
    "contacts:delete": "alice",
    "coach:comment": "alice",
    "coach:mark_reviewed": "carol",
    "debriefs:meeting_create": "alice",
    "debriefs:meeting_edit": "alice",
    "debriefs:debrief_edit": "alice",
    "debriefs:debrief_autosave": "alice",
    "debriefs:suggestion_accept": "alice",
    "debriefs:suggestion_dismiss": "alice",
    "debriefs:referral_add": "alice",
    "debriefs:network_suggestion_accept": "alice",
    "debriefs:network_suggestion_dismiss": "alice",
    "debriefs:package": "alice",
    "debriefs:follow_up_create": "alice",
    "debriefs:follow_up_toggle": "alice",
    "debriefs:meeting_note": "alice",
    "debriefs:calendar_reset": "alice",
    "debriefs:account_delete": "alice",
    "debriefs:speech_version_restore": "alice",
}


@pytest.mark.parametrize(("name", "actor"), WRITES.items(), ids=list(WRITES))
def test_the_owners_post_writes(client, world, name, actor):
    client.force_login(world[actor])
    before = snapshot(world)
    response = client.post(url_of(name, world), form_for(name, world))
    assert response.status_code in {200, 302}
    assert snapshot(world) != before, f"{actor}'s POST to {name} changed nothing"


# ---------------------------------------------------------------------------------------
# The matrix

ACTORS = ("alice", "carol", "charlie", "dave", "anonymous")

OPEN = {200, 302, 405}
SERVED = {200, 204, 302, 405, 409, 422}  # 405: the other method; 409/422: the form refused
REFUSED = {403}  # the wrong role for the page
HIDDEN = {404, 405}  # 405: a view taking one method only says so before any lookup
LOGIN = {302}  # to the login page

EXPECTED = {  # alice     carol    charlie  dave     anonymous
    "public": (OPEN, OPEN, OPEN, OPEN, OPEN),
    "signed in": (SERVED, SERVED, SERVED, SERVED, LOGIN),
    "client own": (SERVED, REFUSED, SERVED, REFUSED, LOGIN),
    "coach own": (REFUSED, SERVED, REFUSED, SERVED, LOGIN),
    "client object": (SERVED, REFUSED, HIDDEN, REFUSED, LOGIN),
    "coach object": (REFUSED, SERVED, REFUSED, HIDDEN, LOGIN),
    "thread": (SERVED, SERVED, HIDDEN, HIDDEN, LOGIN),
}


def text_of(response) -> str:
    """What a response shows: its text, or the text of every file of a ZIP (the export)."""
    if response.get("Content-Type") == "application/zip":
        with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
            return "\n".join(archive.read(name).decode() for name in archive.namelist())
    return response.content.decode()


def expected_statuses(actor, name):
    table = next(title for title, urls in TABLES.items() if name in urls)
    return EXPECTED[table][ACTORS.index(actor)]


MATRIX = [
    pytest.param(actor, name, method, id=f"{actor}-{method.upper()}-{name}")
    for name in ALL_URLS
    if name in URL_ARGUMENT
    for actor in ACTORS
    for method in ("get", "post")
]


@pytest.mark.parametrize(("actor", "name", "method"), MATRIX)
def test_each_actor_gets_only_what_they_may(client, world, actor, name, method):
    if actor != "anonymous":
        client.force_login(world[actor])
    url = url_of(name, world)
    before = snapshot(world)

    response = client.get(url) if method == "get" else client.post(url, form_for(name, world))

    request = f"{actor} {method.upper()} {url}"
    assert response.status_code in expected_statuses(actor, name), (
        f"{request} answered {response.status_code}"
    )
    if expected_statuses(actor, name) is LOGIN:
        assert response.url.startswith(reverse("accounts:login"))
    if name != "debriefs:calendar_feed":
        page = text_of(response)
        shown = [text for text in NEVER_SHOWN_TO[actor] if text in page]
        assert shown == [], f"{request} showed {shown}"
    after = snapshot(world)
    deleting_account = method == "post" and name == "debriefs:account_delete"
    expected = expected_after(actor, before, after, deleting_account)
    if actor == "carol" and method == "post":
        expected = with_coach_work(name, expected, world["carol"], world)
    assert after == expected, f"{request} changed what it may not"


# ---------------------------------------------------------------------------------------
# The coach pages in every state that changes what a coach may see

# state: (the coach asking, may they read the debrief, may they see alice)
COACH_STATES = {
    "shared": ("carol", True, True),
    "private": ("carol", False, True),
    "draft": ("carol", False, True),
    "coach link ended": ("carol", False, False),
    "another coach's client": ("dave", False, False),
}
COACH_PAGES = [  # URL name, method, is it about the debrief (else about alice)
    ("coach:review", "get", True),
    ("coach:mark_reviewed", "post", True),
    ("coach:comment", "get", True),
    ("coach:comment", "post", True),
    ("coach:client_detail", "get", False),
    ("coach:client_tiers", "get", False),
]


def put_in_state(world, state):
    debrief = world["debrief"]
    if state == "private":
        Debrief.objects.filter(pk=debrief.pk).update(is_private=True)
    if state == "draft":
        Debrief.objects.filter(pk=debrief.pk).update(is_draft=True)
    if state == "coach link ended":
        world["alice"].end_coaching()


@pytest.mark.parametrize(
    ("state", "name", "method", "about_debrief"),
    [
        pytest.param(state, name, method, about_debrief,
                     id=f"{state}-{method.upper()}-{name}")
        for state in COACH_STATES
        for name, method, about_debrief in COACH_PAGES
    ],
)
def test_a_coach_reaches_a_page_only_in_the_states_that_let_them(
    client, world, state, name, method, about_debrief
):
    coach_name, reads_debrief, sees_alice = COACH_STATES[state]
    coach = world[coach_name]
    put_in_state(world, state)
    client.force_login(coach)
    url = url_of(name, world)
    before = snapshot(world)

    response = client.get(url) if method == "get" else client.post(url, form_for(name, world))

    allowed = reads_debrief if about_debrief else sees_alice
    assert response.status_code == ({"get": 200, "post": 302}[method] if allowed else 404)
    if not reads_debrief:
        assert SHARED_NOTES not in response.content.decode()
    expected = dict(before)
    if allowed and method == "post":
        expected = with_coach_work(name, expected, coach, world)
    assert snapshot(world) == expected


@pytest.mark.parametrize("state", ["shared", "private", "draft"])
def test_the_client_page_links_a_debrief_only_when_the_coach_may_read_it(
    client, world, state
):
    put_in_state(world, state)
    client.force_login(world["carol"])
    page = client.get(url_of("coach:client_detail", world)).content.decode()
    review_link = reverse("coach:review", args=[world["debrief"].pk])
    assert (review_link in page) is COACH_STATES[state][1]


# ---------------------------------------------------------------------------------------
# Ids in query strings and form fields: alice sends her own, or charlie's

# URL name, method, query parameter, alice's object, charlie's, the status for charlie's,
# and how the page shows that it used alice's.
QUERY_IDS = [
    ("contacts:create", "get", "referred_by", "lena", "ingrid", 200, 'value="{pk}" selected'),
    ("contacts:picker", "get", "selected", "lena", "ingrid", 200,
     'data-value="{pk}" aria-selected="true"'),
    ("debriefs:meeting_create", "get", "contact", "lena", "ingrid", 200,
     'value="{pk}" selected'),
    ("debriefs:follow_up_create", "get", "meeting", "meeting", "charlies_meeting", 404,
     'name="meeting" value="{pk}"'),
    ("contacts:validate", "post", "contact", "lena", "ingrid", 404, 'id="field-name"'),
]
QUERY_ID_CASES = [
    pytest.param(*case, id=f"{case[1].upper()}-{case[0]}?{case[2]}=") for case in QUERY_IDS
]


def request_with_query_id(client, world, name, method, parameter, target):
    url = url_of(name, world, query=f"?{parameter}={world[target].pk}")
    client.force_login(world["alice"])
    return getattr(client, method)(url, form_for(name, world) if method == "post" else None)


@pytest.mark.parametrize(
    ("name", "method", "parameter", "own", "foreign", "foreign_status", "used"), QUERY_ID_CASES
)
def test_an_id_in_the_query_string_picks_the_users_own_object(
    client, world, name, method, parameter, own, foreign, foreign_status, used
):
    response = request_with_query_id(client, world, name, method, parameter, own)
    assert response.status_code == 200
    assert used.format(pk=world[own].pk) in response.content.decode()


@pytest.mark.parametrize(
    ("name", "method", "parameter", "own", "foreign", "foreign_status", "used"), QUERY_ID_CASES
)
def test_an_id_in_the_query_string_never_reveals_another_users_object(
    client, world, name, method, parameter, own, foreign, foreign_status, used
):
    response = request_with_query_id(client, world, name, method, parameter, foreign)
    page = response.content.decode()
    assert response.status_code == foreign_status
    assert "Ingrid Voss" not in page
    assert f'value="{world[foreign].pk}" selected' not in page


# URL name (its own id, if any, is alice's object of the tables above), form field, alice's
# object, charlie's object, and the rows that point through that field. The rest of the
# form is the owner's valid form (form_for).
POSTED_IDS = [
    ("contacts:create", "referred_by", "lena", "ingrid", Contact),
    ("contacts:create", "referred_in", "meeting", "charlies_meeting", Contact),
    ("contacts:edit", "referred_by", "omar", "ingrid", Contact),
    ("contacts:edit", "referred_in", "meeting", "charlies_meeting", Contact),
    ("debriefs:meeting_create", "contact", "lena", "ingrid", Meeting),
    ("debriefs:meeting_edit", "contact", "lena", "ingrid", Meeting),
    ("debriefs:follow_up_create", "contact", "lena", "ingrid", FollowUp),
    ("debriefs:follow_up_create", "meeting", "meeting", "charlies_meeting", FollowUp),
    ("debriefs:suggestion_accept", "contact", "rosa", "ingrid", FollowUp),
    ("debriefs:network_suggestion_accept", "contact", "rosa", "ingrid", FollowUp),
    ("debriefs:network_suggestion_dismiss", "contact", "rosa", "ingrid", DismissedSuggestion),
    ("debriefs:debrief_edit", "stump_speech_version", "alices_speech", "charlies_speech",
     Debrief),
]
POSTED_ID_CASES = [pytest.param(*case, id=f"{case[0]}-{case[1]}") for case in POSTED_IDS]


def post_with_id(client, world, name, field, target):
    data = form_for(name, world) | {field: world[target].pk}
    if field == "referred_in":
        # A name given at a meeting is referred by the person met there.
        data["referred_by"] = world["omar"].pk
    client.force_login(world["alice"])
    return client.post(url_of(name, world), data)


def alices_rows_pointing_at(model, field, target, world):
    return model.objects.filter(owner=world["alice"], **{field: target}).count()


def charlies_rows(world):
    charlie = world["charlie"]
    return [rows(model.objects.filter(owner=charlie)) for model in (Contact, Meeting, FollowUp)]


@pytest.mark.parametrize(("name", "field", "own", "foreign", "model"), POSTED_ID_CASES)
def test_a_posted_id_attaches_the_users_own_object(
    client, world, name, field, own, foreign, model
):
    before = alices_rows_pointing_at(model, field, world[own], world)
    response = post_with_id(client, world, name, field, own)
    assert response.status_code == 302
    assert alices_rows_pointing_at(model, field, world[own], world) == before + 1


@pytest.mark.parametrize(("name", "field", "own", "foreign", "model"), POSTED_ID_CASES)
def test_a_posted_id_never_attaches_or_reveals_another_users_object(
    client, world, name, field, own, foreign, model
):
    before, charlies_before = snapshot(world), charlies_rows(world)
    response = post_with_id(client, world, name, field, foreign)
    assert response.status_code in {200, 302, 404, 422}
    assert "Ingrid Voss" not in response.content.decode()
    assert alices_rows_pointing_at(model, field, world[foreign], world) == 0
    assert snapshot(world) == before
    assert charlies_rows(world) == charlies_before


@pytest.mark.parametrize(
    ("field", "foreign"),
    [("referred_by", "ingrid"), ("referred_in", "charlies_meeting")],
)
def test_live_validation_never_reveals_another_users_object(client, world, field, foreign):
    data = {"_field": field, field: world[foreign].pk}
    if field == "referred_in":
        data["referred_by"] = world["omar"].pk  # so only the meeting can be wrong
    client.force_login(world["alice"])
    response = client.post(url_of("contacts:validate", world), data)
    assert response.status_code == 200
    assert "Ingrid Voss" not in response.content.decode()
