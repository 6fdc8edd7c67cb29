"""Demo data: Priya's meetings, debriefs, follow-ups and Package, and the coach's work
with a second client, Marcus (the `seed_demo` command calls these in order).

Contacts are looked up by name, so the contacts seeded by `contacts/demo.py` are reused;
any that are missing are created through `Contact.set_referrer`, like the app does.
Idempotent: a client who already has meetings gets nothing new.
"""

import datetime

from django.utils import timezone

from contacts.models import Contact

from .models import (
    Comment,
    CompetencyCited,
    CoreCompetency,
    Debrief,
    DebriefView,
    FollowUp,
    Meeting,
    Package,
    QuestionAsked,
    StumpSpeechVersion,
)

# name, organisation, role, referred by (name or None), status
CONTACTS = [
    ("Sarah Chen", "Medwise", "Medical Director", None, "met"),
    ("James Patel", "Halden Consulting", "Senior Consultant", None, "met"),
    ("Maria Gonzalez", "Novacare Pharma", "Medical Science Liaison", None, "met"),
    ("Daniel Osei", "St Anne's Hospital", "Former clinical lead", None, "met"),
    ("Kofi Mensah", "Northbridge Health Trust", "Operations Director", None, "met"),
    ("Ruth Adler", "Clinical Informatics Society", "Board member", None, "met"),
    ("Ethan Brooks", "CarePath Digital", "VP Clinical Product", "Sarah Chen", "met"),
    ("Lena Fischer", "Halden Consulting", "Healthcare Practice Lead", "James Patel", "met"),
    ("Omar Haddad", "Novacare Pharma", "Head of Medical Affairs", "Maria Gonzalez", "met"),
    ("Grace Liu", "Brightline Health", "Chief Medical Officer", "Ethan Brooks", "met"),
    ("Nadia Karim", "Brightline Health", "Director of Clinical Strategy", "Grace Liu",
     "meeting_scheduled"),
    ("Paul Nguyen", "Helix Analytics", "Product Lead", "Grace Liu", "to_contact"),
    ("Helen Wright", "CarePath Digital", "Clinical Safety Officer", "Ethan Brooks",
     "reached_out"),
]


def _contact(owner, name, organisation, role, referrer_name, status, now) -> Contact:
    contact = Contact.objects.for_user(owner).filter(name=name).first()
    if contact is None:
        contact = Contact(owner=owner, name=name, organisation=organisation, role_title=role)
        referrer = (
            Contact.objects.for_user(owner).filter(name=referrer_name).first()
            if referrer_name else None
        )
        contact.set_referrer(referrer)
        contact.status = status
        # Helen wrote back no reply yet: the outreach is five business days old.
        contact.status_changed_at = now - datetime.timedelta(days=7 if status ==
                                                            "reached_out" else 1)
        contact.save(update_fields=["status", "status_changed_at"])
    return contact


def _at(now, days: int, hour: int = 10) -> datetime.datetime:
    day = timezone.localtime(now) + datetime.timedelta(days=days)
    return day.replace(hour=hour, minute=0, second=0, microsecond=0)


def seed_meetings(client) -> int:
    """About twelve meetings for the demo client; returns how many were created."""
    if Meeting.objects.for_user(client).exists():
        return 0
    now = timezone.now()
    people = {spec[0]: _contact(client, *spec, now) for spec in CONTACTS}
    created = 0

    def meeting(name, days, status="held", kind="networking", medium="video", debrief=None,
                competencies=(), referred=()):
        nonlocal created
        contact = people[name]
        m = Meeting.objects.create(
            owner=client, contact=contact, contact_tier=contact.tier, starts_at=_at(now, days),
            kind=kind, medium=medium, status=status,
            location="Zoom" if medium == "video" else "",
        )
        created += 1
        for referral in referred:
            people[referral].referred_in = m
            people[referral].save(update_fields=["referred_in"])
        if debrief is not None:
            d = Debrief.objects.create(owner=client, meeting=m, **debrief)
            CompetencyCited.objects.bulk_create(
                CompetencyCited(debrief=d, name=n, gave_example=e) for n, e in competencies
            )
        return m

    def sent(days):
        return (timezone.localtime(now) + datetime.timedelta(days=days)).date()

    meeting("Sarah Chen", -40, debrief=dict(
        is_draft=False, notes="Coffee with Sarah about her move from the ward to Medwise.",
        stump_speech_delivered="yes", branch="tell_me_more", questions_led_by="me",
        job_hinted=False, industry_questions="How do digital health firms use clinicians?\n"
        "What do product teams lack most?", learnt="Clinical product roles value safety work.",
        impression="positive", referral_names="Ethan Brooks", thank_you_sent_on=sent(-40),
    ), competencies=[("Clinical safety", True), ("Leading teams", True)],
        referred=["Ethan Brooks"])
    meeting("James Patel", -35, medium="in_person", debrief=dict(
        is_draft=False, notes="Lunch with James; he knows the healthcare practice well.",
        stump_speech_delivered="yes", branch="about_us", questions_led_by="balanced",
        job_hinted=False, industry_questions="Where do consultancies find clinical experts?\n"
        "How are projects staffed?", learnt="Halden hires clinicians for short advisory work.",
        impression="positive", referral_names="Lena Fischer", thank_you_sent_on=sent(-34),
    ), referred=["Lena Fischer"])
    meeting("Maria Gonzalez", -30, debrief=dict(
        is_draft=False, notes="Maria explained medical affairs; she talked most of the time.",
        stump_speech_delivered="partly", branch="about_us", questions_led_by="them",
        job_hinted=False, industry_questions="What does medical affairs do day to day?",
        learnt="MSL roles need a lot of travel.", impression="neutral",
        referral_names="Omar Haddad", thank_you_sent_on=sent(-29),
    ), referred=["Omar Haddad"])
    meeting("Kofi Mensah", -25, medium="phone", debrief=dict(
        is_draft=False, notes="Short call; I rambled and did not say what I want to do.",
        stump_speech_delivered="no", branch="other", questions_led_by="them",
        job_hinted=False, impression="negative", thank_you_sent_on=sent(-24),
    ))
    meeting("Ethan Brooks", -21, debrief=dict(
        is_draft=False, notes="Ethan is building a clinical product team at CarePath.",
        stump_speech_delivered="yes", branch="tell_me_more", questions_led_by="me",
        job_hinted=False, industry_questions="How does the industry validate clinical "
        "algorithms?\nWhat kinds of people are essential to succeed here?",
        learnt="Regulation (UKCA, FDA) is the bottleneck.", impression="positive",
        referral_names="Grace Liu\nHelen Wright", thank_you_sent_on=sent(-20),
    ), competencies=[("Clinical risk management", True), ("Data literacy", False),
                     ("Stakeholder management", False)], referred=["Grace Liu",
                                                                    "Helen Wright"])
    # The hard case: a job was hinted at that Priya does not want.
    lena_meeting = meeting("Lena Fischer", -18, debrief=dict(
        is_draft=False, notes="Lena said her team is looking for someone with my background "
        "and may offer me a role. I don't think I want consulting hours.",
        stump_speech_delivered="yes", branch="about_us", questions_led_by="them",
        job_hinted=True, wants_job="no", industry_questions="How do hospitals buy "
        "consulting?", learnt="Consulting roles are 60-hour weeks.", impression="positive",
        referral_names="Tom Becker",
    ), competencies=[("Service redesign", False)])
    # No referral at all.
    meeting("Omar Haddad", -14, debrief=dict(
        is_draft=False, notes="Pleasant but Omar had nobody to suggest.",
        stump_speech_delivered="yes", branch="tell_me_more", questions_led_by="balanced",
        job_hinted=False, industry_questions="How is medical affairs changing?\nWhich "
        "skills are hardest to hire?", learnt="Real-world evidence teams are growing.",
        impression="neutral", thank_you_sent_on=sent(-13),
    ))
    # The client wants the job.
    meeting("Grace Liu", -9, kind="informational", debrief=dict(
        is_draft=False, notes="Grace described a clinical strategy role at Brightline. I "
        "would love it.", stump_speech_delivered="yes", branch="tell_me_more",
        questions_led_by="balanced", job_hinted=True, wants_job="yes",
        industry_questions="What does success look like in year one?\nHow do clinicians "
        "move into strategy here?", learnt="They want someone who can talk to both "
        "clinicians and engineers.", impression="positive",
        referral_names="Nadia Karim\nPaul Nguyen", thank_you_sent_on=sent(-8),
        introduction_by_referrer=True,
    ), competencies=[("Translating clinical needs", True)], referred=["Nadia Karim",
                                                                     "Paul Nguyen"])
    # Unsure about a hinted job, debrief kept private from the coach.
    meeting("Daniel Osei", -6, medium="in_person", debrief=dict(
        is_draft=False, is_private=True, notes="Daniel hinted at a part-time informatics "
        "post at St Anne's. Not sure I want to stay in a hospital.",
        stump_speech_delivered="partly", branch="other", questions_led_by="balanced",
        job_hinted=True, wants_job="unsure", impression="positive",
    ))
    # Held, no debrief yet.
    meeting("Ruth Adler", -1)
    # Coming up.
    meeting("Nadia Karim", 3, status="planned", kind="informational")
    meeting("James Patel", 12, status="planned", medium="in_person")
    # Lena asked to talk again: the hard case, to be run as an informational interview.
    meeting("Lena Fischer", 6, status="planned", kind="informational")

    today = timezone.localdate()
    FollowUp.objects.bulk_create([
        FollowUp(owner=client, title="Send Lena Fischer a thank-you note",
                 contact=people["Lena Fischer"], meeting=lena_meeting,
                 due_on=today - datetime.timedelta(days=2),
                 suggestion_code="send-thank-you"),
        FollowUp(owner=client, title="Write to Paul Nguyen (referred by Grace Liu)",
                 contact=people["Paul Nguyen"], due_on=today),
        FollowUp(owner=client, title="Prepare questions for Nadia Karim",
                 contact=people["Nadia Karim"], due_on=today + datetime.timedelta(days=2)),
        FollowUp(owner=client, title="Tell Sarah Chen how the meeting with Ethan went",
                 contact=people["Sarah Chen"], due_on=today - datetime.timedelta(days=19),
                 done_at=now - datetime.timedelta(days=19), suggestion_code="thank-referrer"),
    ])
    return created


# Priya's Package: a physician (acute medicine) moving into clinical product in health tech.
PACKAGE = dict(
    who_i_am="I'm Priya Raman, a consultant in acute medicine at Northbridge General. For "
    "twelve years I've looked after the patients who arrive sickest and least expected.",
    what_i_have_done="I led our hospital's rollout of an electronic early-warning score "
    "across fourteen wards, chaired the clinical safety group that signed it off, and "
    "redesigned the handover between the emergency department and the medical take, which "
    "cut our delayed admissions by a third.",
    what_i_want_to_do="I want to move into clinical product work in health tech: helping a "
    "team build tools that clinicians actually trust and use, where my job is to translate "
    "between the ward and the engineers.",
    how_you_can_help_me="I'd value your view of how clinicians find their place in product "
    "teams, and if anyone comes to mind, one or two people I should talk to.",
    how_i_can_help_you="I can bring the view from the bedside: how a busy ward really uses "
    "software, where clinical risk hides, and how to win over sceptical colleagues. Happy to "
    "test an idea with the clinicians I know.",
    industry_questions="How do product teams here decide which clinical problems are worth "
    "solving?\n"
    "What kinds of people turn out to be essential when a clinical tool goes live?\n"
    "How is regulation (UKCA, FDA, DCB0129) changing what gets built?\n"
    "Where do clinicians who join product teams tend to struggle at first?\n"
    "Which organisations are doing this well, in your view?",
)

CORE_COMPETENCIES = [
    ("Clinical safety and risk", "When we introduced the early-warning score, I ran the "
     "hazard log with our safety officer. We found that night staff silenced repeat alerts, "
     "so we changed the escalation rule before go-live rather than after an incident."),
    ("Translating clinical needs into requirements", "Our IT team built a handover screen "
     "nobody used. I spent two shifts shadowing the nurses, rewrote the brief as five jobs "
     "they do at 8 am, and the second version was in daily use within a month."),
    ("Leading change with sceptical colleagues", "Half the consultants opposed the new "
     "admissions pathway. I asked the loudest critic to co-chair the pilot; his objections "
     "became our test cases, and he presented the results at grand rounds."),
    ("Working from data", "I built our unit's weekly dashboard of delayed admissions from "
     "raw bed-management exports, which showed the bottleneck was the 4 pm ward round, not "
     "the emergency department."),
]


def seed_package(client) -> bool:
    """Priya's stump speech, competencies and questions; returns whether it was created.

    Idempotent: a client who already has a Package keeps it as it is.
    """
    if Package.objects.for_user(client).exists():
        return False
    package = Package.objects.create(owner=client, **PACKAGE)
    CoreCompetency.objects.bulk_create(
        CoreCompetency(package=package, name=name, example=example, position=position)
        for position, (name, example) in enumerate(CORE_COMPETENCIES)
    )
    _seed_speech_history(client, package)
    return True


# The first stump speech Priya wrote: it said too little about what she wants to do.
FIRST_SPEECH = dict(
    who_i_am="I'm Priya Raman, a consultant in acute medicine at Northbridge General.",
    what_i_have_done="Twelve years on the acute take; I led our early-warning score rollout.",
    what_i_want_to_do="I'm exploring options outside the hospital.",
    how_you_can_help_me="I'd be glad of any advice.",
    how_i_can_help_you="",
)
# Bank questions Priya ticked on her debriefs, by the person met.
QUESTIONS_ASKED = {
    "Lena Fischer": [0, 1],
    "James Patel": [3],
    "Ethan Brooks": [1, 2],
}


def _seed_speech_history(client, package) -> None:
    """An earlier stump speech and the current one, which version each debrief used, and
    the bank questions asked, so the Package and prep sheets show their history."""
    now = timezone.now()
    first = StumpSpeechVersion.objects.create(
        owner=client, saved_at=now - datetime.timedelta(days=50), **FIRST_SPEECH)
    current = StumpSpeechVersion.objects.create(
        owner=client, saved_at=now - datetime.timedelta(days=23), **package.speech_parts)
    debriefs = Debrief.objects.for_user(client).select_related("meeting__contact")
    bank = package.question_list
    for debrief in debriefs:
        started = debrief.meeting.starts_at
        debrief.stump_speech_version = current if started >= current.saved_at else first
        debrief.save(update_fields=["stump_speech_version"])
        QuestionAsked.objects.bulk_create(
            QuestionAsked(debrief=debrief, question=bank[n])
            for n in QUESTIONS_ASKED.get(debrief.meeting.contact.name, [])
        )


# ---------------------------------------------------------------------------------------
# Coaching: the coach's second client, Marcus, with debriefs, comments and a private one,
# so the coach home has a queue, flags and replies to show.
# ---------------------------------------------------------------------------------------

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
    contact = Contact.objects.for_user(owner).filter(name=name).first()
    if contact is None:
        contact = Contact(owner=owner, name=name, organisation=organisation, role_title=role,
                          status=Contact.Status.MET)
        contact.set_referrer(referrer)
    return contact


def _demo_debrief(owner, contact, days_ago, kind, fields, **extra):
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


def seed_coaching(coach, priya, marcus) -> None:
    """Marcus's debriefs (comments, a private one) and the coach's comment to Priya."""
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
