"""Contact pages: detail, create and edit (with live validation), status, delete, access."""

import pytest
from django.urls import reverse

from contacts.models import Contact
from tests.factories import ContactFactory, DebriefFactory, MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sarah(alice):
    return ContactFactory(owner=alice, name="Sarah Chen", organisation="Medwise",
                          email="sarah@medwise.example")


@pytest.fixture
def ethan(alice, sarah):
    return ContactFactory(owner=alice, name="Ethan Brooks", organisation="CarePath",
                          referred_by=sarah)


def form_data(**overrides):
    data = {"name": "Grace Liu", "organisation": "Brightline", "role_title": "", "field": "",
            "email": "", "phone": "", "linkedin_url": "", "referred_by": "", "referred_in": "",
            "how_we_met": "", "status": "to_contact", "responsiveness": "unknown",
            "tags": "", "notes": "", "version": "1"}  # an edit sends the version it opened
    return data | overrides


# Access: every URL, every method


def contact_urls(pk):
    return [reverse(f"contacts:{name}", args=[pk])
            for name in ("detail", "edit", "status", "delete")]


@pytest.mark.parametrize("method", ["get", "post"])
def test_another_clients_contact_is_not_found_on_every_url(client, charlie, sarah, method):
    client.force_login(charlie)
    for url in contact_urls(sarah.pk):
        assert getattr(client, method)(url).status_code == 404, url
    response = client.post(reverse("contacts:validate") + f"?contact={sarah.pk}",
                           form_data(_field="name"))
    assert response.status_code == 404
    assert Contact.objects.filter(pk=sarah.pk).exists()


def test_an_outsider_cannot_use_another_clients_contact_as_referrer(client, charlie, sarah):
    client.force_login(charlie)
    response = client.post(reverse("contacts:create"), form_data(referred_by=sarah.pk))
    assert "Select a valid choice" in response.content.decode()
    assert not Contact.objects.filter(owner=charlie).exists()


def test_the_referrer_search_only_offers_the_owners_contacts(client, charlie, sarah):
    ContactFactory(owner=charlie, name="Sarah Other")
    client.force_login(charlie)
    html = client.get(reverse("contacts:picker", args=["contacts"]),
                      {"referred_by_search": "sarah"}).content.decode()
    assert "Sarah Other" in html and "Sarah Chen" not in html


@pytest.mark.parametrize("name", ["list", "create", "tiers", "import", "export_csv",
                                  "export_vcard"])
def test_a_coach_gets_403_on_client_pages(client, carol, name):
    client.force_login(carol)
    assert client.get(reverse(f"contacts:{name}")).status_code == 403


def test_a_coach_gets_403_even_on_their_clients_contact(client, carol, sarah):
    client.force_login(carol)
    for url in contact_urls(sarah.pk):
        assert client.get(url).status_code == 403
    assert client.post(reverse("contacts:status", args=[sarah.pk]),
                       {"status": "met"}).status_code == 403


# Detail


def test_the_detail_shows_the_chain_up_to_tier_one_and_whom_they_referred(
        client, alice, sarah, ethan):
    grace = ContactFactory(owner=alice, name="Grace Liu", referred_by=ethan)
    client.force_login(alice)
    html = client.get(reverse("contacts:detail", args=[ethan.pk])).content.decode()
    assert "Tier 2" in html
    assert html.index("Sarah Chen") < html.index("Grace Liu")
    assert f'href="/contacts/{grace.pk}/"' in html
    assert f"/contacts/new/?referred_by={ethan.pk}" in html


def test_the_detail_lists_meetings_with_their_debrief_and_links_to_log_one(
        client, alice, sarah):
    meeting = MeetingFactory(owner=alice, contact=sarah)
    DebriefFactory(meeting=meeting)
    client.force_login(alice)
    html = client.get(reverse("contacts:detail", args=[sarah.pk])).content.decode()
    assert reverse("debriefs:meeting_detail", args=[meeting.pk]) in html
    assert "Debriefed" in html
    assert f"{reverse('debriefs:meeting_create')}?contact={sarah.pk}" in html


def test_the_detail_uses_a_fixed_number_of_queries(client, alice, sarah, ethan,
                                                   django_assert_max_num_queries):
    for _ in range(5):
        DebriefFactory(meeting=MeetingFactory(owner=alice, contact=ethan))
        ContactFactory(owner=alice, referred_by=ethan)
    client.force_login(alice)
    with django_assert_max_num_queries(8):
        client.get(reverse("contacts:detail", args=[ethan.pk]))


def test_an_outreach_waiting_seven_business_days_says_to_send_one_follow_up(client, alice):
    import datetime

    from django.utils import timezone

    contact = ContactFactory(owner=alice, name="Helen Wright", status="reached_out",
                             status_changed_at=timezone.now() - datetime.timedelta(days=14))
    client.force_login(alice)
    html = client.get(reverse("contacts:detail", args=[contact.pk])).content.decode()
    assert "No reply for 10 business days" in html
    assert "one short follow-up, then let it go" in html


# Quick status change


def test_a_plain_post_changes_the_status_and_redirects_to_the_detail(client, alice, sarah):
    client.force_login(alice)
    response = client.post(reverse("contacts:status", args=[sarah.pk]), {"status": "met"})
    assert response.status_code == 302
    sarah.refresh_from_db()
    assert sarah.status == "met"


def test_an_htmx_status_change_returns_the_status_panel(client, alice, sarah):
    client.force_login(alice)
    before = sarah.status_changed_at
    response = client.post(reverse("contacts:status", args=[sarah.pk]),
                           {"status": "reached_out"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="contact-status"' in html and "Status: Reached out." in html
    assert "<html" not in html
    assert "contactStatusChanged" in response["HX-Trigger"]
    sarah.refresh_from_db()
    assert sarah.status == "reached_out" and sarah.status_changed_at > before


def test_an_unknown_status_changes_nothing(client, alice, sarah):
    client.force_login(alice)
    response = client.post(reverse("contacts:status", args=[sarah.pk]), {"status": "x"},
                           follow=True)
    assert "Choose one of the statuses" in response.content.decode()
    sarah.refresh_from_db()
    assert sarah.status == "to_contact"


# Create and edit


def test_creating_a_contact_with_a_referrer_derives_the_tier(client, alice, sarah, ethan):
    client.force_login(alice)
    response = client.post(reverse("contacts:create"), form_data(referred_by=ethan.pk,
                                                                 tags="Pharma, pharma , MSL"))
    grace = Contact.objects.get(owner=alice, name="Grace Liu")
    assert response.status_code == 302 and response["Location"] == f"/contacts/{grace.pk}/"
    assert grace.tier == 3 and grace.tags == ["Pharma", "MSL"]


def test_the_create_form_can_start_with_a_referrer(client, alice, sarah):
    client.force_login(alice)
    html = client.get(reverse("contacts:create"), {"referred_by": sarah.pk}).content.decode()
    assert f'<option value="{sarah.pk}" selected>' in html


def test_bad_input_is_shown_next_to_the_field_and_kept(client, alice, sarah):
    client.force_login(alice)
    response = client.post(reverse("contacts:create"), form_data(
        name="Grace Liu", email="sarah@medwise.example", phone="call me",
        linkedin_url="https://example.com/grace"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Sarah Chen already has this email address" in html
    assert "Use digits, spaces" in html
    assert "not a LinkedIn address" in html
    assert 'value="call me"' in html
    assert not Contact.objects.filter(name="Grace Liu").exists()


def test_the_same_name_at_the_same_organisation_is_a_duplicate(client, alice, sarah):
    client.force_login(alice)
    response = client.post(reverse("contacts:create"),
                           form_data(name="sarah  chen", organisation="MEDWISE"))
    assert "You already have a contact called Sarah Chen at Medwise" in (
        response.content.decode())


def test_editing_to_a_loop_is_refused_with_a_clear_message(client, alice, sarah, ethan):
    client.force_login(alice)
    response = client.post(reverse("contacts:edit", args=[sarah.pk]), form_data(
        name="Sarah Chen", organisation="Medwise", email="sarah@medwise.example",
        referred_by=ethan.pk))
    assert "Ethan Brooks cannot have referred Sarah Chen" in response.content.decode()
    sarah.refresh_from_db()
    assert sarah.referred_by is None and sarah.tier == 1


def test_editing_the_referrer_re_derives_the_tiers_below(client, alice, sarah, ethan):
    james = ContactFactory(owner=alice, name="James Patel")
    lena = ContactFactory(owner=alice, name="Lena Fischer", referred_by=james)
    grace = ContactFactory(owner=alice, name="Grace Liu", referred_by=ethan)
    client.force_login(alice)
    response = client.post(reverse("contacts:edit", args=[ethan.pk]), form_data(
        name="Ethan Brooks", organisation="CarePath", referred_by=lena.pk), follow=True)
    assert "Now at tier 3" in response.content.decode()
    grace.refresh_from_db()
    assert grace.tier == 4


def test_changing_the_status_in_the_form_records_when(client, alice, sarah):
    client.force_login(alice)
    before = sarah.status_changed_at
    client.post(reverse("contacts:edit", args=[sarah.pk]), form_data(
        name="Sarah Chen", organisation="Medwise", status="reached_out"))
    sarah.refresh_from_db()
    assert sarah.status == "reached_out" and sarah.status_changed_at > before


def test_the_meeting_where_a_name_was_given_must_be_with_the_referrer(
        client, alice, sarah, ethan):
    other = MeetingFactory(owner=alice, contact=ethan)
    with_sarah = MeetingFactory(owner=alice, contact=sarah)
    client.force_login(alice)
    response = client.post(reverse("contacts:create"),
                           form_data(referred_by=sarah.pk, referred_in=other.pk))
    assert "Pick a meeting with the person who referred them" in response.content.decode()
    client.post(reverse("contacts:create"),
                form_data(referred_by=sarah.pk, referred_in=with_sarah.pk))
    assert Contact.objects.get(name="Grace Liu").referred_in == with_sarah


def test_an_htmx_save_redirects_with_hx_redirect(client, alice):
    client.force_login(alice)
    response = client.post(reverse("contacts:create"), form_data(), HTTP_HX_REQUEST="true")
    grace = Contact.objects.get(owner=alice)
    assert (grace.name, grace.organisation, grace.tier) == ("Grace Liu", "Brightline", 1)
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("contacts:detail", args=[grace.pk])


# Field validation on blur


def test_a_field_is_validated_on_its_own(client, alice, sarah):
    client.force_login(alice)
    response = client.post(reverse("contacts:validate"), form_data(
        _field="email", email="sarah@medwise.example"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="field-email"' in html and "already has this email address" in html
    assert "<form" not in html


def test_a_valid_field_comes_back_without_errors_and_keeps_its_htmx_attributes(client, alice):
    client.force_login(alice)
    html = client.post(reverse("contacts:validate"), form_data(
        _field="phone", phone="+44 20 7946 0958"), HTTP_HX_REQUEST="true").content.decode()
    assert "errorlist" not in html and 'value="+44 20 7946 0958"' in html
    assert 'hx-post="/contacts/validate/"' in html


def test_validating_the_referrer_of_an_existing_contact_reports_a_loop(
        client, alice, sarah, ethan):
    client.force_login(alice)
    html = client.post(
        reverse("contacts:validate") + f"?contact={sarah.pk}",
        form_data(_field="referred_by", name="Sarah Chen", organisation="Medwise",
                  email="sarah@medwise.example", referred_by=ethan.pk),
        HTTP_HX_REQUEST="true",
    ).content.decode()
    assert "go round in a loop" in html


def test_an_unknown_field_cannot_be_validated(client, alice):
    client.force_login(alice)
    assert client.post(reverse("contacts:validate"), {"_field": "owner"}).status_code == 404


# Referrer picker


def test_the_referrer_search_returns_matching_options(client, alice, sarah, ethan):
    client.force_login(alice)
    html = client.get(reverse("contacts:picker", args=["contacts"]),
                      {"referred_by_search": "carepa"}).content.decode()
    assert (f'<li role="option" data-value="{ethan.pk}" aria-selected="false">'
            "Ethan Brooks · CarePath (tier 2)</li>") in html
    assert "Sarah Chen" not in html


def test_the_referrer_search_marks_the_current_choice(client, alice, sarah, ethan):
    client.force_login(alice)
    html = client.get(reverse("contacts:picker", args=["contacts"]),
                      {"referred_by_search": "", "selected": sarah.pk}).content.decode()
    assert f'data-value="{sarah.pk}" aria-selected="true"' in html
    assert f'data-value="{ethan.pk}" aria-selected="false"' in html


# Delete


def test_the_delete_page_says_what_happens_to_the_people_they_referred(
        client, alice, sarah, ethan):
    grace = ContactFactory(owner=alice, name="Grace Liu", referred_by=ethan)
    ContactFactory(owner=alice, name="Nadia Karim", referred_by=grace)
    MeetingFactory(owner=alice, contact=ethan)
    client.force_login(alice)
    html = client.get(reverse("contacts:delete", args=[ethan.pk])).content.decode()
    assert "Ethan Brooks referred 1 person" in html and "Grace Liu" in html
    assert "the 1 person further down their chains" in html
    assert "Link them to <strong>Sarah Chen</strong>" in html
    assert "from tier 3 to tier 2" in html
    assert "1 meeting with Ethan Brooks" in html
    assert Contact.objects.filter(pk=ethan.pk).exists()


def test_deleting_hands_the_referrals_to_the_referrer_by_default(client, alice, sarah, ethan):
    grace = ContactFactory(owner=alice, name="Grace Liu", referred_by=ethan)
    client.force_login(alice)
    response = client.post(reverse("contacts:delete", args=[ethan.pk]), follow=True)
    assert "Ethan Brooks deleted" in response.content.decode()
    grace.refresh_from_db()
    assert grace.referred_by == sarah and grace.tier == 2


def test_deleting_can_make_the_referrals_tier_one(client, alice, sarah, ethan):
    grace = ContactFactory(owner=alice, name="Grace Liu", referred_by=ethan)
    client.force_login(alice)
    client.post(reverse("contacts:delete", args=[ethan.pk]), {"referrals": "tier_one"})
    grace.refresh_from_db()
    assert grace.referred_by is None and grace.tier == 1
