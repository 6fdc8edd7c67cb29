"""The short notes the next steps ask for, drafted from the client's own words.

Most next steps are a message (docs/method.md, "Timing rules"): the thank-you, asking for
a name, writing to a referral, the check-in when the referrer makes the introduction,
telling the referrer how it went, the one 3B7 follow-up, keeping in touch. `draft_note`
turns plain facts (names, what the client learnt, their Package) into a short draft the
client edits before sending.

The etiquette, in every template: short (four to eight lines), one specific thing rather
than general praise, no CV unless it was offered, ask for one or two names where it fits,
and never a placeholder: a fact that is missing leaves its sentence out.

Pure: no database. The views gather `NoteFacts` (debriefs/views/notes.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import quote, urlencode

# The suggestion codes whose step is a note to someone.
NOTE_CODES = frozenset({
    "send-thank-you",
    "ask-for-referral",
    "contact-referral",
    "thank-referrer",
    "follow-up-no-reply",
    "keep-in-touch",
})

# Two codes cover two different notes each.
CHECK_IN = "check-in"  # contact-referral when the referrer makes the introduction
SECOND_PERSON = "second-person"  # the first 3B7 stage: someone else at the organisation

TITLES = ("dr", "dr.", "prof", "prof.", "mr", "mr.", "mrs", "mrs.", "ms", "ms.")
LONGEST_QUOTE = 200  # characters of the client's own text quoted in a note


@dataclass(frozen=True)
class NoteFacts:
    """What a note may draw on; any of it may be empty."""

    code: str
    variant: str = ""  # CHECK_IN, SECOND_PERSON or ""
    recipient: str = ""  # the person written to ("" when not known yet)
    email: str = ""
    person_met: str = ""  # the person the client met at the meeting
    referrer: str = ""  # who referred the recipient, or who makes the introduction
    referral: str = ""  # the person the referrer introduces (the check-in)
    organisation: str = ""
    learnt: str = ""  # the debrief's "what you learnt"
    what_i_want_to_do: str = ""  # from the Package
    how_you_can_help_me: str = ""  # from the Package
    sender: str = ""  # the client's name


@dataclass(frozen=True)
class Note:
    to: str
    subject: str
    body: str

    @property
    def mailto(self) -> str:
        """A mailto: link with the subject and body filled in (RFC 6068: %20, not +)."""
        query = urlencode({"subject": self.subject, "body": self.body}, quote_via=quote)
        return f"mailto:{quote(self.to, safe='@')}?{query}"

    @property
    def text(self) -> str:
        """Subject and body as one text, as Copy puts it on the clipboard."""
        return f"Subject: {self.subject}\n\n{self.body}"


def first_sentence(text: str) -> str:
    """The first sentence (or clause before a colon) of the first non-empty line, ending
    with a full stop, at most LONGEST_QUOTE characters; "" for an empty text."""
    line = next((line.strip(" -*•\t") for line in text.splitlines() if line.strip(" -*•\t")),
                "")
    line = re.split(r"(?<=[.!?])\s|[:;]", " ".join(line.split()), maxsplit=1)[0].strip()
    if len(line) > LONGEST_QUOTE:
        line = line[:LONGEST_QUOTE].rsplit(" ", 1)[0].rstrip(",") + "…"
    if line and line[-1] not in ".!?…":
        line += "."
    return line


def greeting(name: str) -> str:
    """ "Dear Omar," ("Dear Dr Haddad," for a title), or "Hello," without a name."""
    words = name.split()
    if not words:
        return "Hello,"
    if words[0].lower() in TITLES and len(words) > 1:
        return f"Dear {words[0]} {words[-1]},"
    return f"Dear {words[0]},"


def sign_off(sender: str) -> str:
    return f"Best wishes,\n{sender}" if sender.strip() else "Best wishes,"


def draft_note(facts: NoteFacts) -> Note:
    """The draft for `facts.code`: a subject and a body of four to eight lines."""
    subject, lines = WRITERS[facts.code](facts)
    body = "\n".join([greeting(facts.recipient), "", *[line for line in lines if line], "",
                      sign_off(facts.sender)])
    return Note(to=facts.email, subject=subject, body=body)


def _learnt(facts: NoteFacts) -> str:
    learnt = first_sentence(facts.learnt)
    return f"What stayed with me most: {learnt} I will put it to use in my next steps." \
        if learnt else ""


def _aim(facts: NoteFacts) -> str:
    aim = first_sentence(facts.what_i_want_to_do)
    return f"Where I am heading: {aim}" if aim else ""


def _help(facts: NoteFacts) -> str:
    ask = first_sentence(facts.how_you_can_help_me)
    return f"What would help me most: {ask}" if ask else ""


def _thank_you(f: NoteFacts):
    return "Thank you for your time", [
        "Thank you for taking the time to talk with me.",
        _learnt(f) or "I came away with a much clearer picture of the field.",
        _aim(f),
    ]


def _ask_for_referral(f: NoteFacts):
    return "One more question after our conversation", [
        "Thank you again for your time and advice.",
        _aim(f),
        "Is there anyone else you think I should talk to, one or two people? May I "
        "mention your name when I write to them?",
    ]


def _contact_referral(f: NoteFacts):
    if f.variant == CHECK_IN:
        about = f" to {f.referral}" if f.referral else ""
        return f"Your introduction{about}", [
            f"Thank you again for offering to introduce me{about}.",
            "I wanted to check in: I have not heard anything yet, and I am happy to write "
            "myself if that is easier for you.",
        ]
    where = f" at {f.organisation}" if f.organisation else ""
    subject = f"{f.referrer} suggested I contact you" if f.referrer else "An introduction"
    opening = (f"{f.referrer} suggested I get in touch with you{where}." if f.referrer
               else f"I am writing to ask for your view of your field{where}.")
    return subject, [
        opening,
        _aim(f),
        _help(f),
        "Would you have 20 minutes for a call in the coming weeks?",
    ]


def _thank_referrer(f: NoteFacts):
    met = f.person_met or "the person you suggested"
    return f"I met {met}: thank you", [
        f"Thank you for putting me in touch with {met}. We have now talked, and it was "
        "very useful.",
        _learnt(f),
        "I will keep you posted on how things develop.",
    ]


def _follow_up_no_reply(f: NoteFacts):
    if f.variant == SECOND_PERSON:
        where = f" at {f.organisation}" if f.organisation else " in your field"
        return f"A question about your work{where}", [
            f"I am reaching out to learn more about the work{where}.",
            _aim(f),
            "Would you have 20 minutes for a call in the coming weeks?",
        ]
    suggested = f", at {f.referrer}'s suggestion," if f.referrer else ""
    return "Following up on my note", [
        f"I wrote to you a little while ago{suggested} and know how full inboxes get.",
        _aim(f),
        "If you have 20 minutes in the coming weeks, I would be glad to hear your view; "
        "if not, no need to reply.",
    ]


def _keep_in_touch(f: NoteFacts):
    learnt = first_sentence(f.learnt)
    return "Keeping in touch", [
        "I hope all is well. A short update since we spoke.",
        f"I have kept your advice in mind: {learnt}" if learnt
        else "Your advice has helped me a good deal.",
        _aim(f),
        "If there is anything I can do for you in return, please let me know.",
    ]


WRITERS = {
    "send-thank-you": _thank_you,
    "ask-for-referral": _ask_for_referral,
    "contact-referral": _contact_referral,
    "thank-referrer": _thank_referrer,
    "follow-up-no-reply": _follow_up_no_reply,
    "keep-in-touch": _keep_in_touch,
}
