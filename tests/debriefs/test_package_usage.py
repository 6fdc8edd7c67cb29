"""A Package that improves with use: the stump speech's length and speaking time, and
where each core competency was used."""

import pytest
from django.urls import reverse

from debriefs.models import Package
from tests.factories import (
    CompetencyCitedFactory,
    ContactFactory,
    CoreCompetencyFactory,
    DebriefFactory,
    MeetingFactory,
    PackageFactory,
    UserFactory,
)


@pytest.mark.parametrize(("words", "time"), [
    (0, "about 0 s"), (65, "about 30 s"), (130, "about 1 min"), (195, "about 1 min 30 s"),
])
def test_the_speaking_time_is_at_130_words_a_minute(words, time):
    package = Package(who_i_am="word " * words)
    assert package.speech_word_count == words
    assert package.speaking_time == time


def test_the_part_held_in_reserve_is_not_counted():
    package = Package(who_i_am="I am Alice.", how_i_can_help_you="Held in reserve, not said.")
    assert package.speech_word_count == 3


def test_the_package_page_shows_the_length_of_the_speech(client, alice):
    PackageFactory(owner=alice, who_i_am="word " * 100, what_i_have_done="",
                   what_i_want_to_do="", how_you_can_help_me="")
    client.force_login(alice)
    page = client.get(reverse("debriefs:package")).text
    assert "100 words: about 46 s to say aloud" in page


def test_each_competency_shows_where_it_was_used(client, alice, lena):
    package = PackageFactory(owner=alice)
    safety = CoreCompetencyFactory(package=package, name="Clinical safety")
    CoreCompetencyFactory(package=package, name="Leading teams")
    debrief = DebriefFactory(meeting=MeetingFactory(owner=alice, contact=lena))
    CompetencyCitedFactory(debrief=debrief, name="clinical SAFETY", gave_example=True)
    draft = DebriefFactory(meeting=MeetingFactory(owner=alice, contact=ContactFactory(
        owner=alice, name="Draft Person")), is_draft=True)
    CompetencyCitedFactory(debrief=draft, name="Leading teams")
    # Someone else's debrief with the same competency counts for nothing.
    other = UserFactory()
    CompetencyCitedFactory(debrief=DebriefFactory(meeting=MeetingFactory(
        owner=other, contact=ContactFactory(owner=other, name="Ingrid Voss"))),
        name="Clinical safety")
    client.force_login(alice)
    page = client.get(reverse("debriefs:package")).text
    assert f'href="{reverse("debriefs:meeting_detail", args=[debrief.meeting_id])}">' \
           f'Lena Fischer</a>' in page
    assert "Not used in a meeting yet." in page  # Leading teams: only in a draft
    assert "Ingrid Voss" not in page and "Draft Person" not in page
    assert safety.name in page


@pytest.mark.parametrize("size", [1, 8])
def test_competency_usage_takes_one_query(alice, size, django_assert_max_num_queries):
    package = PackageFactory(owner=alice)
    competencies = [CoreCompetencyFactory(package=package, name=f"Skill {n}")
                    for n in range(size)]
    for n in range(size):
        CompetencyCitedFactory(debrief=DebriefFactory(meeting=MeetingFactory(owner=alice)),
                               name=f"Skill {n}", gave_example=True)
    with django_assert_max_num_queries(1):
        package.note_competency_usage(competencies)
        names = [use.debrief.meeting.contact.name for c in competencies for use in c.uses]
    assert len(names) == size
