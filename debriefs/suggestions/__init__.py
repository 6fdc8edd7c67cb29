"""Next-step suggestions: the method (docs/method.md) turned into rules.

The engine is pure: `suggest_for_debrief(debrief, context)` and `suggest_for_network(facts)`
read plain facts and return an ordered list of `Suggestion`s; they never touch the database,
so they work the same for a saved debrief and for a form being filled in (live panel).

Steps:
1. Gather facts. The loaders `suggestions_for(debrief)` and `network_suggestions_for(user)`
   do it in a fixed number of queries whatever the size of the network.
2. Run every rule; each rule reads the facts and returns zero or more suggestions, each with
   a stable catalog code (docs/method.md, "Suggestion catalog"), a title, a why in plain
   words and, where it fits, an action: a follow-up with the due date the method gives
   ("Timing rules"), adding a referral, or a link. Advice whose next step is preparation
   also points, as a plain link beside its action, to where that preparation happens: the
   client's Package, or the prep sheet of the next meeting already planned with that person.
3. Drop what the client already acted on: a follow-up accepted from the same suggestion
   (same code and contact), or a code dismissed for this debrief. The home page's loader
   does it in SQL, and reads only the first rows of each rule and a count of the rest
   (`network_facts(user, limit=...)`): work in proportion to what the page shows.
4. Order by what matters most now (priority, then due date).

Modules:
- `catalog`: the codes, the `Suggestion` a rule returns, the default due dates.
- `facts`: the plain facts the rules read (`DebriefContext`, `NetworkFacts`).
- `debrief_rules`, `network_rules`, `no_reply`: the rules themselves, pure.
- `loading`: the facts from the database, and the entry points views call.
- `lessons`: the prep sheet's lessons from earlier debriefs with the same person.
"""

from contacts.outreach import (
    NO_REPLY_LAST_FOLLOW_UP_BUSINESS_DAYS,
    NO_REPLY_SECOND_PERSON_BUSINESS_DAYS,
    add_business_days,
    business_days_between,
)

from .catalog import (
    ADD_REFERRAL,
    CODES,
    DECIDE_WITHIN_DAYS,
    FOLLOW_UP,
    KEEP_IN_TOUCH_DAYS,
    LINK,
    MIN_INDUSTRY_QUESTIONS,
    PER_MEETING_CODES,
    PREPARE_WITHIN_DAYS,
    REFERRAL_CHECK_IN_DAYS,
    TELL_REFERRER_WITHIN_DAYS,
    THANK_YOU_WITHIN_DAYS,
    WRITE_TO_REFERRAL_WITHIN_DAYS,
    Suggestion,
)
from .debrief_rules import suggest_for_debrief
from .facts import ContactFact, DebriefContext, MeetingFact, MetReferralFact, NetworkFacts
from .lessons import (
    JOB_CODES,
    LESSON_CODES,
    TIARA_PROMPTS,
    Lesson,
    lessons_from,
    runs_as_job_interview,
)
from .loading import debrief_context, network_facts, network_suggestions_for, suggestions_for
from .network_rules import suggest_for_network

__all__ = [
    "ADD_REFERRAL", "CODES", "DECIDE_WITHIN_DAYS", "FOLLOW_UP", "JOB_CODES",
    "KEEP_IN_TOUCH_DAYS", "LESSON_CODES", "LINK", "MIN_INDUSTRY_QUESTIONS", "PER_MEETING_CODES",
    "NO_REPLY_LAST_FOLLOW_UP_BUSINESS_DAYS", "NO_REPLY_SECOND_PERSON_BUSINESS_DAYS",
    "PREPARE_WITHIN_DAYS", "REFERRAL_CHECK_IN_DAYS", "TELL_REFERRER_WITHIN_DAYS",
    "THANK_YOU_WITHIN_DAYS", "TIARA_PROMPTS", "WRITE_TO_REFERRAL_WITHIN_DAYS",
    "ContactFact", "DebriefContext", "Lesson", "MeetingFact", "MetReferralFact",
    "NetworkFacts", "Suggestion", "add_business_days", "business_days_between",
    "debrief_context", "lessons_from", "network_facts", "network_suggestions_for",
    "runs_as_job_interview", "suggest_for_debrief", "suggest_for_network", "suggestions_for",
]
