"""The Package page: the stump speech in five parts, core competencies, question bank."""

import pytest
from django.urls import reverse

from debriefs.models import CoreCompetency, Package
from tests.factories import CoreCompetencyFactory, PackageFactory

URL = "/package/"


def management(total=2, initial=0, **rows):
    data = {
        "competency-TOTAL_FORMS": str(total), "competency-INITIAL_FORMS": str(initial),
        "competency-MIN_NUM_FORMS": "0", "competency-MAX_NUM_FORMS": "20",
    }
    data.update(rows)
    return data


def package_data(**changes):
    data = {
        "who_i_am": "I'm Alice, an emergency physician.",
        "what_i_have_done": "Ten years in the emergency department; led a sepsis pathway.",
        "what_i_want_to_do": "Clinical product work in a health-tech company, on safety.",
        "how_you_can_help_me": "Your view of the field and one or two names.",
        "how_i_can_help_you": "The view from the bedside.",
        "industry_questions": "How are problems chosen?\nWho is essential?\nWhat is changing?",
        **management(),
    }
    data.update(changes)
    return data


def test_the_url_is_named_package():
    assert reverse("debriefs:package") == URL


def test_an_empty_package_explains_each_part_and_saves_nothing(client, alice):
    client.force_login(alice)
    response = client.get(URL)
    assert response.status_code == 200
    assert "Tell me about yourself" in response.text
    assert "How I can help you (held in reserve)" in response.text
    assert "“What I want to do” is empty" in response.text
    assert not Package.objects.exists()


def test_the_owner_saves_the_stump_speech_and_a_competency_with_its_story(client, alice):
    client.force_login(alice)
    response = client.post(URL, package_data(**{
        "competency-0-name": "Clinical safety",
        "competency-0-example": "I ran the hazard log for our early-warning score.",
    }))
    assert response.status_code == 302
    package = Package.objects.get(owner=alice)
    assert package.what_i_want_to_do.startswith("Clinical product work")
    assert package.question_list == ["How are problems chosen?", "Who is essential?",
                                     "What is changing?"]
    competency = package.competencies.get()
    assert (competency.name, competency.example) == (
        "Clinical safety", "I ran the hazard log for our early-warning score.")


def test_a_saved_package_shows_its_text_and_no_hint_when_complete(client, alice):
    package = PackageFactory(owner=alice, industry_questions="A?\nB?\nC?")
    CoreCompetencyFactory(package=package, name="Leading teams")
    client.force_login(alice)
    response = client.get(URL)
    assert "I led the rollout of a sepsis alert" in response.text
    assert "Leading teams" in response.text
    assert "Your Package is complete" in response.text


def test_a_short_what_i_want_to_do_gets_a_gentle_hint(client, alice):
    PackageFactory(owner=alice, what_i_want_to_do="Pharma.")
    client.force_login(alice)
    assert "“What I want to do” is very short" in client.get(URL).text


def test_a_story_without_a_competency_name_is_refused_next_to_the_field(client, alice):
    client.force_login(alice)
    response = client.post(URL, package_data(**{
        "competency-0-example": "A story without a name.",
    }))
    assert response.status_code == 422
    assert "Name the competency this story shows." in response.text
    assert "A story without a name." in response.text  # what was typed is kept
    assert not Package.objects.exists()


def test_the_same_competency_twice_is_refused(client, alice):
    client.force_login(alice)
    response = client.post(URL, package_data(**{
        "competency-0-name": "Data", "competency-1-name": "data",
    }))
    assert response.status_code == 422
    assert "already in your list" in response.text


def test_ticking_remove_deletes_a_competency(client, alice):
    package = PackageFactory(owner=alice)
    keep = CoreCompetencyFactory(package=package, name="Keep")
    drop = CoreCompetencyFactory(package=package, name="Drop")
    client.force_login(alice)
    client.post(URL, package_data(**management(total=4, initial=2), **{
        "competency-0-id": str(keep.pk), "competency-0-name": "Keep",
        "competency-0-example": keep.example,
        "competency-1-id": str(drop.pk), "competency-1-name": "Drop",
        "competency-1-example": drop.example, "competency-1-DELETE": "on",
    }))
    assert list(package.competencies.values_list("name", flat=True)) == ["Keep"]


def test_save_and_add_more_rows_returns_to_the_competencies(client, alice):
    client.force_login(alice)
    response = client.post(URL, package_data(anchor="#competencies"))
    assert response["Location"] == URL + "#competencies"


def test_an_htmx_save_answers_the_form_with_a_saved_time(client, alice):
    client.force_login(alice)
    response = client.post(URL, package_data(), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response.text.lstrip().startswith("<form")
    assert "Saved " in response.text
    assert Package.objects.filter(owner=alice).exists()


def test_an_htmx_save_with_an_error_shows_it_in_the_form(client, alice):
    client.force_login(alice)
    response = client.post(URL, package_data(**{"competency-0-example": "Orphan story"}),
                           HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "Name the competency this story shows." in response.text


def test_a_client_edits_only_their_own_package(client, alice, charlie):
    PackageFactory(owner=alice, who_i_am="Alice's secret opening line.")
    client.force_login(charlie)
    assert "Alice's secret opening line." not in client.get(URL).text
    client.post(URL, package_data(who_i_am="Charlie here."))
    assert Package.objects.get(owner=alice).who_i_am == "Alice's secret opening line."
    assert Package.objects.get(owner=charlie).who_i_am == "Charlie here."


def test_a_competency_row_of_another_client_cannot_be_taken_over(client, alice, charlie):
    other = CoreCompetencyFactory(package=PackageFactory(owner=alice), name="Alice's")
    client.force_login(charlie)
    client.post(URL, package_data(**management(total=1, initial=1), **{
        "competency-0-id": str(other.pk), "competency-0-name": "Hijacked",
    }))
    assert CoreCompetency.objects.get(pk=other.pk).name == "Alice's"


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_coach_gets_403(client, alice, carol, method):
    client.force_login(carol)
    response = getattr(client, method)(URL, package_data() if method == "post" else None)
    assert response.status_code == 403
    assert not Package.objects.exists()


def test_the_client_nav_links_to_the_package(client, alice):
    client.force_login(alice)
    response = client.get(reverse("home"))
    assert f'href="{URL}"' in response.text


def test_the_demo_package_is_seeded_once(alice):
    from debriefs.demo import seed_package

    assert seed_package(alice) is True
    assert seed_package(alice) is False
    package = Package.objects.get(owner=alice)
    assert "clinical product" in package.what_i_want_to_do
    assert package.competencies.count() == 4
    assert all(c.example for c in package.competencies.all())
    assert package.gaps(list(package.competencies.all())) == []
