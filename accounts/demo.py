"""Demo data: accounts. Each app adds its own demo data for these users (see seed_demo)."""

import datetime

from django.utils import timezone

from .models import Invitation, User

DEMO_PASSWORD = "debrief-demo"


def _user(email: str, role: str, first_name: str, last_name: str, coach=None) -> User:
    user, created = User.objects.get_or_create(
        email=email,
        defaults={"role": role, "first_name": first_name, "last_name": last_name, "coach": coach},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def seed_users() -> dict[str, User]:
    coach = _user("coach@example.com", User.Role.COACH, "Carol", "Whitfield")
    client = _user("client@example.com", User.Role.CLIENT, "Priya", "Raman", coach=coach)
    other = _user("other@example.com", User.Role.CLIENT, "Tom", "Okafor")
    return {"coach": coach, "client": client, "other": other}


# Coaching (issue 5): a second client for the coach, comments, a private debrief and an
# open invitation, so the coach home has a queue, flags and replies to show.

SECOND_CLIENT = ("marcus@example.com", "Marcus", "Bell")

# contact name, organisation, role, referred by, days ago, meeting kind, debrief fields,
# reviewed?
MARCUS_MEETINGS = [
    ("Anita Rao", "Veritas Health", "Head of Quality", None, 12, "informational", dict(
        notes="Anita described how Veritas runs clinical audits across 40 sites. I asked "
              "how the industry measures quality outside hospitals.",
        stump_speech_delivered="yes", branch="about_us", questions_led_by="me",
        job_hinted=False, impression="positive", referral_names="David Kim",
        industry_questions="How do providers benchmark quality?\nWho buys audit software?",
        learnt="Quality roles sit between operations and clinical leadership.",
    ), True),
    ("Ben Howard", "Lumen Medtech", "Product Manager", None, 6, "networking", dict(
        notes="Ben said they need a clinician on the product team and asked when I could "
              "start. I don't want a sales-facing product role.",
        stump_speech_delivered="partly", branch="tell_me_more", questions_led_by="them",
        job_hinted=True, wants_job="no", impression="neutral", referral_names="",
    ), False),
    ("Chloe Martin", "Clinical Research Co", "Study Director", None, 3, "informational", dict(
        notes="Arrived late; we skipped introductions and she seemed rushed.",
        stump_speech_delivered="no", branch="other", questions_led_by="balanced",
        job_hinted=False, impression="negative", referral_names="",
    ), False),
    ("David Kim", "Veritas Health", "Regional Quality Lead", "Anita Rao", 1, "informational",
     dict(
        notes="David walked me through a day in regional quality; he offered to introduce "
              "me to two people in health-tech.",
        stump_speech_delivered="yes", branch="tell_me_more", questions_led_by="me",
        job_hinted=False, impression="positive", referral_names="Maya Singh\nTom Reyes",
    ), False),
]
PRIVATE_MEETING = ("Samira Patel", "Northwind Staffing", "Recruiter", 2)


def _demo_contact(owner, name, organisation, role, referrer=None):
    from contacts.models import Contact

    contact = Contact.objects.for_user(owner).filter(name=name).first()
    if contact is None:
        contact = Contact(owner=owner, name=name, organisation=organisation, role_title=role,
                          status=Contact.Status.MET)
        contact.set_referrer(referrer)
    return contact


def _demo_debrief(owner, contact, days_ago, kind, fields, **extra):
    from debriefs.models import Debrief, Meeting

    now = timezone.now()
    starts_at = (now - datetime.timedelta(days=days_ago)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    meeting = Meeting.objects.create(
        owner=owner, contact=contact, contact_tier=contact.tier, starts_at=starts_at, kind=kind,
        status=Meeting.Status.HELD,
    )
    return Debrief.objects.create(
        owner=owner, meeting=meeting, is_draft=False,
        thank_you_sent_on=timezone.localdate(starts_at), **fields, **extra,
    )


def seed_coaching(users: dict[str, User]) -> dict[str, User]:
    """The coach's second client with debriefs, comments and a private one; an invitation."""
    from debriefs.models import Comment, Debrief, DebriefView

    coach, priya = users["coach"], users["client"]
    email, first_name, last_name = SECOND_CLIENT
    marcus = _user(email, User.Role.CLIENT, first_name, last_name, coach=coach)
    if not Debrief.objects.for_user(marcus).exists():
        contacts = {}
        for name, org, role, referrer, days, kind, fields, reviewed in MARCUS_MEETINGS:
            contact = _demo_contact(marcus, name, org, role, referrer=contacts.get(referrer))
            extra = {"reviewed_at": timezone.now() - datetime.timedelta(days=days - 1),
                     "reviewed_by": coach} if reviewed else {}
            debrief = _demo_debrief(marcus, contact, days, kind, fields, **extra)
            contacts[name] = contact
            if name == "David Kim":
                contact.referred_in = Debrief.objects.get(
                    owner=marcus, meeting__contact__name="Anita Rao"
                ).meeting
                contact.save(update_fields=["referred_in"])
            if name == "Anita Rao":
                Comment.objects.create(
                    debrief=debrief, author=coach, read_by_recipient_at=timezone.now(),
                    body="Great use of “Let me tell you about us”: you came back with industry "
                         "questions. Write to David within two days and mention Anita.",
                )
                Comment.objects.create(
                    debrief=debrief, author=marcus, read_by_recipient_at=timezone.now(),
                    body="Thanks! I wrote to him the next morning.",
                )
            if name == "Ben Howard":
                Comment.objects.create(
                    debrief=debrief, author=marcus,
                    body="Should I tell Ben I'm not interested, or keep the door open?",
                )
        name, org, role, days = PRIVATE_MEETING
        _demo_debrief(
            marcus, _demo_contact(marcus, name, org, role), days, "networking",
            dict(notes="Salary and notice-period conversation: keeping this one to myself.",
                 stump_speech_delivered="yes", questions_led_by="them", job_hinted=True,
                 wants_job="unsure", impression="positive"),
            is_private=True,
        )

    # One unread comment for Priya, on her latest shared debrief, so her nav shows it.
    latest = Debrief.objects.shared_with_coach(coach).filter(owner=priya).first()
    if latest and not Comment.objects.filter(debrief__owner=priya, author=coach).exists():
        DebriefView.objects.create(debrief=latest, coach=coach)
        Comment.objects.create(
            debrief=latest, author=coach,
            body="Two names from one meeting: well done. If this is a job you want, treat the "
                 "next conversation as a job interview and prepare a short example for each "
                 "competency they named.",
        )

    if not coach.invitations.pending().filter(email="new.client@example.com").exists():
        Invitation.objects.create(coach=coach, email="new.client@example.com")
    return {"second": marcus}
