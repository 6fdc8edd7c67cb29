"""Demo data: Priya Raman's network (see accounts seed_demo).

Priya is a physician moving into health-tech, consulting, pharma and medical affairs. About
25 contacts over four tiers, with referral chains, varied statuses and responsiveness, and
some outreach waiting for a reply for 3 and 7+ business days. Referrers are set through
`Contact.set_referrer`, like the app does. Idempotent: people who already exist (by name) are
left as they are. `debriefs/demo.py` then adds meetings with some of these people by name.
"""

import datetime

from django.utils import timezone

from .models import Contact


def _business_days_ago(days: int, now: datetime.datetime) -> datetime.datetime:
    moment = now
    while days > 0:
        moment -= datetime.timedelta(days=1)
        if moment.weekday() < 5:
            days -= 1
    return moment


# name, organisation, role, field, referred by, status, business days since the status
# changed, responsiveness, tags, how we met, notes
NETWORK = [
    # Tier 1: people Priya already knows.
    ("Sarah Chen", "Medwise", "Medical Director", "Health-tech", None, "met", 30,
     "helps_readily", ["health-tech", "clinician"], "Registrar together at St Anne's",
     "Left the wards three years ago for clinical product work. Generous with names."),
    ("James Patel", "Halden Consulting", "Senior Consultant", "Healthcare consulting", None,
     "met", 25, "helps_readily", ["consulting"], "Medical school, same year",
     "Moved from anaesthetics into consulting; knows the healthcare practice well."),
    ("Maria Gonzalez", "Novacare Pharma", "Medical Science Liaison", "Pharma", None, "met",
     22, "replies_slowly", ["pharma", "medical affairs"], "Met at the ESC congress 2023",
     "Explained the MSL role: lots of travel, close to the science."),
    ("Daniel Osei", "St Anne's Hospital", "Former clinical lead, now informatics", "NHS",
     None, "met", 4, "helps_readily", ["informatics", "clinician"], "Current colleague", ""),
    ("Kofi Mensah", "Northbridge Health Trust", "Operations Director", "NHS management",
     None, "met", 18, "replies_slowly", ["management"], "Quality improvement project",
     "Short on time; prefers a phone call to email."),
    ("Ruth Adler", "Clinical Informatics Society", "Board member", "Clinical informatics",
     None, "met", 1, "helps_readily", ["informatics"], "Society evening talk",
     "Offered to introduce me to people in NHS digital roles."),
    ("Anita Desai", "Kestrel Ventures", "Venture Partner, health", "Investment", None,
     "reached_out", 4, "unknown", ["health-tech", "investor"], "Medical school, two years above",
     "Invests in early-stage digital health. Asked for 20 minutes about what investors look "
     "for in clinical hires."),
    ("Fiona Walsh", "", "GP turned medical writer", "Medical communications", None,
     "dormant", 60, "never_replies", ["writing"], "GP training scheme",
     "Two messages without reply since the spring."),
    ("Emma Clarke", "Lumen Health", "Product Manager", "Health-tech", None, "met", 15,
     "helps_readily", ["health-tech", "product"], "Running club",
     "Ex-pharmacist; moved into product two years ago."),
    ("Samuel Okoro", "Aston Medical School", "Senior Lecturer", "Medical education", None,
     "dormant", 45, "replies_slowly", ["education"], "Former educational supervisor", ""),
    # Tier 2: referred by tier 1.
    ("Ethan Brooks", "CarePath Digital", "VP Clinical Product", "Health-tech", "Sarah Chen",
     "met", 14, "helps_readily", ["health-tech", "product"], "Introduced by Sarah Chen",
     "Building a clinical product team; regulation is their bottleneck."),
    ("Lena Fischer", "Halden Consulting", "Healthcare Practice Lead", "Healthcare consulting",
     "James Patel", "met", 12, "helps_readily", ["consulting"], "Introduced by James Patel",
     "Hinted at a role on her team. Consulting hours worry me."),
    ("Omar Haddad", "Novacare Pharma", "Head of Medical Affairs", "Pharma", "Maria Gonzalez",
     "met", 10, "replies_slowly", ["pharma", "medical affairs"],
     "Introduced by Maria Gonzalez", "Real-world evidence teams are growing."),
    ("Chloe Bennett", "Medwise", "Clinical Product Manager", "Health-tech", "Sarah Chen",
     "to_contact", 2, "unknown", ["health-tech", "product"], "Name from Sarah Chen",
     "Sarah said to mention the sepsis pathway work."),
    ("Marcus Reid", "St Anne's Hospital", "Chief Clinical Information Officer", "NHS digital",
     "Daniel Osei", "to_contact", 1, "unknown", ["informatics"], "Name from Daniel Osei", ""),
    ("Sophie Laurent", "Carter & Lowe", "Healthcare Strategy Manager", "Strategy consulting",
     "Kofi Mensah", "reached_out", 2, "unknown", ["consulting"], "Name from Kofi Mensah",
     "Wrote to her on LinkedIn; Kofi said she answers quickly."),
    ("Ben Adeyemi", "Helix Analytics", "Clinical Informatics Lead", "Health data",
     "Ruth Adler", "follow_up_due", 3, "helps_readily", ["informatics", "health-tech"],
     "Introduced by Ruth Adler", "Promised to send the job description for the clinical "
     "safety role; follow up on Friday."),
    ("Victor Alvarez", "Novacare Pharma", "Regional Medical Adviser", "Pharma",
     "Maria Gonzalez", "reached_out", 8, "never_replies", ["pharma", "medical affairs"],
     "Name from Maria Gonzalez", "Emailed twice. Maria thinks he is on leave."),
    ("David Cohen", "Lumen Health", "Head of Clinical Product", "Health-tech", "Emma Clarke",
     "meeting_scheduled", 3, "helps_readily", ["health-tech", "product"],
     "Introduced by Emma Clarke", "Coffee booked; prepare questions on clinical safety cases."),
    # Tier 3.
    ("Grace Liu", "Brightline Health", "Chief Medical Officer", "Health-tech", "Ethan Brooks",
     "met", 7, "helps_readily", ["health-tech"], "Introduced by Ethan Brooks",
     "Described a clinical strategy role I would love."),
    ("Helen Wright", "CarePath Digital", "Clinical Safety Officer", "Health-tech",
     "Ethan Brooks", "reached_out", 9, "replies_slowly", ["health-tech", "clinical safety"],
     "Name from Ethan Brooks", "Wrote on the Tuesday after meeting Ethan; no reply yet."),
    ("Rachel Kim", "Halden Consulting", "Partner, Life Sciences", "Consulting", "Lena Fischer",
     "to_contact", 5, "unknown", ["consulting", "pharma"], "Name from Lena Fischer", ""),
    ("Hannah Morris", "NHS England", "Deputy Chief Clinical Information Officer",
     "NHS digital", "Ben Adeyemi", "reached_out", 4, "unknown", ["informatics"],
     "Name from Ben Adeyemi", "Ben copied her into his reply; wrote to her directly."),
    # Tier 4.
    ("Nadia Karim", "Brightline Health", "Director of Clinical Strategy", "Health-tech",
     "Grace Liu", "meeting_scheduled", 2, "helps_readily", ["health-tech", "strategy"],
     "Introduced by Grace Liu", "Grace made the introduction herself."),
    ("Paul Nguyen", "Helix Analytics", "Product Lead", "Health data", "Grace Liu",
     "to_contact", 6, "unknown", ["health-tech", "product"], "Name from Grace Liu",
     "Grace said to use her name."),
]


def seed_contacts(client) -> int:
    """Create Priya's network; returns how many contacts were created."""
    now = timezone.now()
    existing = {c.name: c for c in Contact.objects.for_user(client)}
    created = 0
    for (name, organisation, role, field, referrer_name, status, days, responsiveness, tags,
         how_we_met, notes) in NETWORK:
        if name in existing:
            continue
        local = name.lower().replace(" ", ".")
        domain = (organisation or "example").lower().split()[0].replace("'", "")
        contact = Contact(
            owner=client, name=name, organisation=organisation, role_title=role, field=field,
            email=f"{local}@{domain}.example", how_we_met=how_we_met, notes=notes, tags=tags,
            status=status, status_changed_at=_business_days_ago(days, now),
            responsiveness=responsiveness,
            linkedin_url=f"https://www.linkedin.com/in/{local.replace('.', '-')}",
        )
        contact.set_referrer(existing.get(referrer_name) if referrer_name else None)
        existing[name] = contact
        created += 1
    return created
