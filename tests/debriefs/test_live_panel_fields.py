"""The debrief form's live panel asks the server again only when a field the suggestions
read changes (static/js/suggestions.js): `FIELDS_READ` must name every field they read."""

import datetime
import random

import pytest
from django.urls import reverse

from debriefs.forms import DebriefForm, SuggestionInputsForm
from debriefs.models import Debrief, Meeting
from debriefs.suggestions import ContactFact, debrief_context, suggest_for_debrief
from debriefs.suggestions.debrief_rules import FIELDS_READ

# Read in place of the form field they come from.
DERIVED = {"referral_name_list": "referral_names"}


class Reading:
    """A debrief that notes the names read from it."""

    def __init__(self, debrief):
        self.__dict__.update(debrief=debrief, names=set())

    def __getattr__(self, name):
        self.names.add(DERIVED.get(name, name))
        return getattr(self.debrief, name)


def values_of(name: str, today: datetime.date) -> list:
    """Values that send the rules down their different paths, for one form field."""
    field = Debrief._meta.get_field(name)
    if field.choices:
        return ["", *(value for value, _ in field.choices)]
    if name == "job_hinted":
        return [None, True, False]
    if field.get_internal_type() == "BooleanField":
        return [False, True]
    if field.get_internal_type() == "DateField":
        return [None, today]
    if field.get_internal_type() == "ForeignKey":
        return [None]
    return ["", "Tom Becker", "How is the field changing?\nWho succeeds?\nWhat next?"]


@pytest.fixture
def context(debrief):
    return debrief_context(debrief)


def test_the_rules_read_no_form_field_beyond_those_the_panel_follows(debrief, context):
    """Thousands of debriefs, their fields and what surrounds them drawn at random: the
    form fields read are all in `FIELDS_READ`."""
    form_fields = set(DebriefForm._meta.fields)
    choices = {name: values_of(name, context.today) for name in form_fields}
    around = {
        "competencies": [[], [("Clinical safety", False)], [("Teaching", True)]],
        "referrals": [[], [ContactFact(9999, "Tom Becker", tier=2)],
                      [ContactFact(9999, "Tom Becker", tier=2, status="met")]],
        "known_names": [set(), {"tom becker"}],
        "highest_tier_met": [0, 1, 2, 3],
        "has_coach": [False, True],
    }
    meeting, contact = debrief.meeting, debrief.meeting.contact
    drawn = random.Random(10)
    read = set()
    for _ in range(3000):
        for name, values in choices.items():
            setattr(debrief, name, drawn.choice(values))
        for name, values in around.items():
            setattr(context, name, drawn.choice(values))
        meeting.kind = drawn.choice(Meeting.Kind.values)
        contact.tier = drawn.choice([1, 2, 3])
        reading = Reading(debrief)
        suggest_for_debrief(reading, context)
        read |= reading.names
    assert read & form_fields <= set(FIELDS_READ)


def test_every_field_the_panel_follows_is_one_of_the_form(debrief):
    assert set(FIELDS_READ) <= set(DebriefForm._meta.fields)


def test_the_debrief_form_names_the_fields_the_panel_follows(client, alice, debrief):
    client.force_login(alice)
    page = client.get(reverse("debriefs:debrief_edit", args=[debrief.meeting.pk])).content
    assert f'data-suggestion-fields="{" ".join(FIELDS_READ)}"'.encode() in page
    assert b'data-suggestion-prefixes="competency-"' in page


def test_the_live_panels_preview_parses_the_fields_the_suggestions_read_and_no_other():
    assert set(SuggestionInputsForm.base_fields) == set(FIELDS_READ)
