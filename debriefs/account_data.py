"""A user's own data, across the three apps: all of it to take away, or all of it deleted.

The export (`export_zip(user)`):
1. Collect each kind of row the user owns, every query starting from the user (one query
   per kind, whatever the size of the network). A client gets their whole record; a coach,
   who owns no client data, gets their profile, the comments they wrote and their
   invitations.
2. Write each kind twice: `<kind>.json` (every stored field; the `id`s and `..._id`s link
   the files) and `<kind>.csv` (the same columns, for a spreadsheet), plus `profile.json`
   and a README saying what each file holds. Internal tokens (calendar feed, invitation
   links, form submissions) are left out: they are keys, not data.
3. Zip it in memory: a network of a few thousand people is a few megabytes.

Deleting an account (`delete_account(user)`) relies on the foreign keys: every row the user
owns goes with them (CASCADE from User), and the rows other people own that only point at
them stay with the link cleared (SET_NULL): a coach's clients, a coach's comments and
views in a client's thread, "reviewed by" on a client's debrief, and the coach's record of
an invitation the client accepted (its address is blanked too).
"""

import csv
import io
import json
import zipfile

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from accounts.models import Invitation
from accounts.throttling import forget_attempts_of
from contacts.models import Contact

from .models import (
    Comment,
    CompetencyCited,
    CoreCompetency,
    Debrief,
    DebriefView,
    DismissedSuggestion,
    FollowUp,
    Meeting,
    Package,
    QuestionAsked,
    StumpSpeechVersion,
)

# Keys, not data: a token in the download would let whoever reads it in.
LEFT_OUT = {"submission_token", "token", "calendar_token"}

README = """Your data from Debriefs, downloaded on {date}.

Each kind of record is here twice: as JSON (for another program) and as CSV (for a
spreadsheet). Every record has an "id"; a column ending in "_id" points to a record in
another file (contact_id to contacts, meeting_id to meetings, debrief_id to debriefs).

{files}
"""

CLIENT_FILES = {
    "profile": "your name, email address, role and coach",
    "contacts": "the people in your network, with their tier and who referred them",
    "meetings": "your meetings, planned and held",
    "debriefs": "what you wrote after each meeting",
    "competencies_cited": "the competencies you cited in each meeting",
    "follow_ups": "your follow-ups, open and done",
    "package": "your stump speech and question bank",
    "stump_speech_versions": "each version of your stump speech you saved",
    "questions_asked": "the questions from your bank you asked in each meeting",
    "core_competencies": "the core competencies of your Package, with their stories",
    "comments": "the comments in your debriefs' threads, yours and your coach's",
    "coach_views": "each time a coach opened one of your debriefs",
    "dismissed_suggestions": "the suggestions you dismissed",
}

COACH_FILES = {
    "profile": "your name, email address and role",
    "comments_written": "the comments you wrote on your clients' debriefs",
    "invitations": "the invitations you sent",
}


def _rows(queryset, **extra) -> list[dict]:
    """Every stored field of each row (ids as `..._id`), plus `extra` columns, by id."""
    names = [field.attname for field in queryset.model._meta.concrete_fields
             if field.attname not in LEFT_OUT]
    return list(queryset.order_by("pk").values(*names, **extra))


def client_data(user) -> dict[str, list[dict]]:
    """A client's records, one list of rows per kind (one query each)."""
    debriefs = Debrief.objects.for_user(user)
    return {
        "contacts": _rows(Contact.objects.for_user(user),
                          referred_by_name=F("referred_by__name")),
        "meetings": _rows(Meeting.objects.for_user(user), contact_name=F("contact__name")),
        "debriefs": _rows(debriefs, contact_name=F("meeting__contact__name")),
        "competencies_cited": _rows(CompetencyCited.objects.filter(debrief__in=debriefs)),
        "follow_ups": _rows(FollowUp.objects.for_user(user), contact_name=F("contact__name")),
        "package": _rows(Package.objects.for_user(user)),
        "stump_speech_versions": _rows(StumpSpeechVersion.objects.for_user(user)),
        "questions_asked": _rows(QuestionAsked.objects.filter(debrief__in=debriefs)),
        "core_competencies": _rows(CoreCompetency.objects.filter(package__owner=user)),
        "comments": _rows(Comment.objects.filter(debrief__in=debriefs),
                          author_email=F("author__email")),
        "coach_views": _rows(DebriefView.objects.filter(debrief__in=debriefs),
                             coach_email=F("coach__email")),
        "dismissed_suggestions": _rows(DismissedSuggestion.objects.for_user(user)),
    }


def coach_data(coach) -> dict[str, list[dict]]:
    """A coach's own records: what they wrote and whom they invited, nothing of a client's."""
    return {
        "comments_written": _rows(Comment.objects.filter(author=coach)),
        "invitations": _rows(Invitation.objects.filter(coach=coach)),
    }


def profile(user) -> dict:
    coach = user.coach
    return {
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "role": user.role,
        "date_joined": user.date_joined,
        "last_login": user.last_login,
        "coach": {"name": coach.display_name, "email": coach.email} if coach else None,
    }


def _csv(rows: list[dict]) -> str:
    stream = io.StringIO()
    stream.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    if rows:
        writer = csv.DictWriter(stream, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({key: _cell(value) for key, value in row.items()})
    return stream.getvalue()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(item) for item in value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def export_zip(user) -> bytes:
    """All of `user`'s data as a ZIP of JSON and CSV files (see the module docstring)."""
    data = coach_data(user) if user.is_coach else client_data(user)
    files = COACH_FILES if user.is_coach else CLIENT_FILES
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        listing = "\n".join(f"- {name}: {what}" for name, what in files.items())
        archive.writestr("README.txt", README.format(
            date=timezone.localdate().isoformat(), files=listing))
        archive.writestr("profile.json", _json(profile(user)))
        for name, rows in data.items():
            archive.writestr(f"{name}.json", _json(rows))
            archive.writestr(f"{name}.csv", _csv(rows))
    return buffer.getvalue()


def _json(value) -> str:
    return json.dumps(value, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)


def account_summary(user) -> dict[str, int]:
    """What deleting the account removes (a client) or unlinks (a coach), for the page."""
    if user.is_coach:
        return {"clients": user.clients.count(),
                "comments": Comment.objects.filter(author=user).count()}
    return {
        "contacts": Contact.objects.for_user(user).count(),
        "meetings": Meeting.objects.for_user(user).count(),
        "debriefs": Debrief.objects.for_user(user).count(),
        "follow_ups": FollowUp.objects.for_user(user).count(),
    }


@transaction.atomic
def delete_account(user) -> None:
    """Delete `user` and every row of theirs; what others own stays (module docstring)."""
    Invitation.objects.filter(accepted_by=user).update(email="")
    forget_attempts_of(user.email)
    user.delete()
