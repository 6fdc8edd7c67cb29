"""Who may do what: every coach, debrief and contact URL, every method, five actors.

Actors: alice (the client who owns the data), carol (her coach), charlie (another client),
dave (another coach) and an anonymous visitor. For each URL and method the test checks the
status AND that alice's data is unchanged, unless the actor may legitimately write it
(alice herself; carol's comment and "mark reviewed", checked precisely).
"""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from accounts.models import User
from contacts.models import Contact
from debriefs.models import (
    Comment,
    CompetencyCited,
    Debrief,
    DismissedSuggestion,
    FollowUp,
    Meeting,
    Package,
)
from tests.factories import (
    CommentFactory,
    ContactFactory,
    CoreCompetencyFactory,
    DebriefFactory,
    FollowUpFactory,
    PackageFactory,
)

# What the <pk> of each URL names among alice's objects.
TARGET = {
    "debriefs:meeting_detail": "meeting",
    "debriefs:meeting_edit": "meeting",
    "debriefs:meeting_prep": "meeting",
    "debriefs:debrief_edit": "meeting",
    "debriefs:debrief_autosave": "meeting",
    "debriefs:debrief_suggestions": "meeting",
    "debriefs:suggestion_accept": "meeting",
    "debriefs:suggestion_dismiss": "meeting",
    "debriefs:referral_add": "meeting",
    "debriefs:follow_up_toggle": "follow_up",
    "contacts:detail": "contact",
    "contacts:edit": "contact",
    "contacts:status": "contact",
    "contacts:delete": "contact",
    "coach:client_detail": "client",
    "coach:client_tiers": "client",
    "coach:review": "debrief",
    "coach:mark_reviewed": "debrief",
    "coach:comment": "debrief",
}
# URLs without an id: they act on the signed-in user's own data.
OWN = {
    "debriefs:meeting_list",
    "debriefs:meeting_create",
    "debriefs:network_suggestion_accept",
    "debriefs:follow_up_list",
    "debriefs:follow_up_create",
    "debriefs:calendar_reset",
    "debriefs:package",
    "coach:home",
    "coach:conversations",
    "contacts:list",
    "contacts:create",
    "contacts:validate",
    "contacts:referrer_options",
    "contacts:tiers",
    "contacts:import",
    "contacts:import_confirm",
    "contacts:export_csv",
    "contacts:export_vcard",
    "accounts:end_coaching",
}
# Public by a secret token instead of a session; covered by its own tests.
SKIPPED = {"debriefs:calendar_feed"}

# Everything a form on these pages might take, with values that would change alice's data.
PAYLOAD = {
    "notes": "Changed by someone else",
    "body": "A comment",
    "title": "Changed",
    "name": "Changed Name",
    "status": "cancelled",
    "is_private": "on",
    "stump_speech_delivered": "no",
    "code": "send-thank-you",
    "due_on": "2030-01-01",
    "starts_at": "2030-01-01T10:00",
    "kind": "networking",
    "medium": "video",
    "version": "1",
    "_field": "name",
}

ACTORS = ["alice", "carol", "charlie", "dave", "anonymous"]


def names_in(namespace):
    for resolver in get_resolver().url_patterns:
        if isinstance(resolver, URLResolver) and resolver.namespace == namespace:
            for pattern in resolver.url_patterns:
                yield f"{namespace}:{pattern.name}"


ALL_NAMES = sorted(
    set(names_in("debriefs"))
    | set(names_in("coach"))
    | set(names_in("contacts"))
    | {"accounts:end_coaching"}
)
CASES = [
    (actor, name, method)
    for name in ALL_NAMES
    if name not in SKIPPED
    for actor in ACTORS
    for method in ("get", "post")
]


def test_every_coach_debrief_and_contact_url_is_in_the_matrix():
    assert set(ALL_NAMES) <= set(TARGET) | OWN | SKIPPED, (
        "A new URL needs a row in TARGET or OWN so the access matrix covers it."
    )


@pytest.fixture
def world(alice, carol, charlie, dave):
    contact = ContactFactory(owner=alice, name="Dr Omar Haddad")
    debrief = DebriefFactory(
        meeting__owner=alice, meeting__contact=contact, stump_speech_delivered="no"
    )
    CommentFactory(debrief=debrief, author=carol, body="Lead the questions next time.")
    follow_up = FollowUpFactory(owner=alice, meeting=debrief.meeting, contact=contact)
    CoreCompetencyFactory(package=PackageFactory(owner=alice), name="Clinical safety")
    return {
        "alice": alice,
        "carol": carol,
        "charlie": charlie,
        "dave": dave,
        "meeting": debrief.meeting,
        "debrief": debrief,
        "follow_up": follow_up,
        "client": alice,
        "contact": contact,
    }


def snapshot(alice):
    """Everything of alice's that another user must not be able to change."""
    return {
        "user": list(User.objects.filter(pk=alice.pk).values("email", "role", "coach_id")),
        "contacts": list(Contact.objects.filter(owner=alice).values().order_by("pk")),
        "meetings": list(Meeting.objects.filter(owner=alice).values().order_by("pk")),
        "debriefs": list(Debrief.objects.filter(owner=alice).values().order_by("pk")),
        "competencies": list(
            CompetencyCited.objects.filter(debrief__owner=alice).values().order_by("pk")
        ),
        "follow_ups": list(FollowUp.objects.filter(owner=alice).values().order_by("pk")),
        "package": list(Package.objects.filter(owner=alice).values(
            "who_i_am", "what_i_want_to_do", "industry_questions", "competencies__name")),
        "dismissed": list(
            DismissedSuggestion.objects.filter(debrief__owner=alice).values().order_by("pk")
        ),
        # Read receipts are the coach's reading, not a change to what alice wrote.
        "comments": list(
            Comment.objects.filter(debrief__owner=alice)
            .values("pk", "author_id", "body", "debrief_id")
            .order_by("pk")
        ),
    }


def expected_statuses(actor: str, name: str, method: str) -> set[int]:
    coach_area = name.startswith("coach:")
    own_url = name in OWN
    if actor == "anonymous":
        return {302}
    if actor == "alice":
        if coach_area and name not in {"coach:comment", "coach:conversations"}:
            return {403}
        return {200, 204, 302, 405, 422}  # 422: the payload fails the owner's form
    if actor in {"carol", "dave"}:
        if not coach_area or name == "coach:conversations":
            return {403}  # coaches never use client pages, let alone write through them
        if actor == "dave" and not own_url:
            return {404, 405}  # another coach's client does not exist for dave
        return {200, 302, 405}
    # charlie, another client
    if coach_area and name not in {"coach:comment", "coach:conversations"}:
        return {403}
    if own_url:
        return {200, 204, 302, 405, 422}
    return {404, 405}


@pytest.mark.parametrize(("actor", "name", "method"), CASES)
def test_access(client, world, actor, name, method):
    target = TARGET.get(name)
    url = reverse(name, args=[world[target].pk] if target else [])
    if actor != "anonymous":
        client.force_login(world[actor])
    before = snapshot(world["alice"])

    response = getattr(client, method)(url, PAYLOAD if method == "post" else None)

    assert response.status_code in expected_statuses(actor, name, method), (
        f"{actor} {method.upper()} {url} answered {response.status_code}"
    )
    if actor == "anonymous":
        assert response.url.startswith("/accounts/login/")
    after = snapshot(world["alice"])
    if actor == "alice":
        return
    if actor == "carol" and method == "post" and name == "coach:comment":
        assert after["comments"][-1]["body"] == "A comment"
        after["comments"] = after["comments"][:-1]
    if actor == "carol" and method == "post" and name == "coach:mark_reviewed":
        debrief = after["debriefs"][0]
        assert debrief["reviewed_by_id"] == world["carol"].pk
        debrief["reviewed_at"] = debrief["reviewed_by_id"] = None
    assert after == before, f"{actor} {method.upper()} {url} changed alice's data"


def test_the_matrix_covers_the_five_actors_on_every_url():
    assert len(CASES) == len([n for n in ALL_NAMES if n not in SKIPPED]) * 5 * 2
