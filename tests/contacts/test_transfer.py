"""Import (CSV, LinkedIn, vCard) with a preview, and export (CSV, vCard) that round-trips."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.models import Contact
from contacts.transfer import MAX_BYTES, UnreadableFile, parse_upload
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
IMPORT = reverse("contacts:import")
CONFIRM = reverse("contacts:import_confirm")

LINKEDIN = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses '
    'are missing. You will only see email addresses for connections who have allowed their '
    'connections to see or download their email address using this setting https://www.'
    'linkedin.com/psettings/privacy/email. You can learn more here https://www.linkedin.com/'
    'help/linkedin/answer/261"\n'
    "\n"
    "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
    "Sarah,Chen,https://www.linkedin.com/in/sarah-chen,sarah@medwise.example,Medwise,"
    "Medical Director,12 Mar 2021\n"
    "Omar,Haddad,https://www.linkedin.com/in/omar-haddad,,Novacare Pharma,"
    '"Head of Medical Affairs, UK",03 Jan 2024\n'
    "José,Álvarez,https://www.linkedin.com/in/jose-alvarez,,Helix Analytics,Product Lead,"
    "28 Feb 2025\n"
).encode()

VCARDS = (
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Liu\r\nN:Liu;Grace;;;\r\n"
    b"ORG:Brightline Health;Clinical\r\nTITLE:Chief Medical Officer\r\n"
    b"EMAIL;TYPE=INTERNET:grace@brightline.example\r\nTEL;TYPE=CELL:+44 7700 900123\r\n"
    b"NOTE:Met at the HETT conference\r\nCATEGORIES:health-tech,strategy\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:3.0\r\nN:Karim;Nadia;;;\r\nORG:Brightline Health\r\n"
    b"URL:https://www.linkedin.com/in/nadia-karim\r\nEND:VCARD\r\n"
    b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Paul Nguyen\r\nEMAIL:paul@helix.example\r\nEND:VCARD\r\n"
)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def preview(client, name, content):
    return client.post(IMPORT, {"file": upload(name, content)})


def confirm(client, response):
    return client.post(CONFIRM, {"token": response.context["token"]}, follow=True)


# Parsing


def test_a_linkedin_connections_file_is_read_after_its_notes_lines():
    parsed = parse_upload(upload("Connections.csv", LINKEDIN))
    assert parsed.kind == "linkedin" and parsed.problems == []
    assert [r["name"] for r in parsed.rows] == ["Sarah Chen", "Omar Haddad", "José Álvarez"]
    omar = parsed.rows[1]
    assert omar["organisation"] == "Novacare Pharma"
    assert omar["role_title"] == "Head of Medical Affairs, UK"
    assert omar["linkedin_url"] == "https://www.linkedin.com/in/omar-haddad"
    assert omar["how_we_met"] == "LinkedIn (connected 03 Jan 2024)"
    assert omar["tags"] == ["LinkedIn"]


def test_a_vcard_file_with_several_people_is_read():
    parsed = parse_upload(upload("contacts.vcf", VCARDS))
    assert parsed.kind == "vcard"
    grace, nadia, paul = parsed.rows
    assert (grace["name"], grace["organisation"], grace["role_title"]) == (
        "Grace Liu", "Brightline Health", "Chief Medical Officer")
    assert grace["email"] == "grace@brightline.example" and grace["phone"] == "+44 7700 900123"
    assert grace["tags"] == ["health-tech", "strategy"]
    assert nadia["name"] == "Nadia Karim"
    assert nadia["linkedin_url"] == "https://www.linkedin.com/in/nadia-karim"
    assert paul["email"] == "paul@helix.example"


def test_a_generic_csv_with_semicolons_and_other_header_names_is_read():
    content = "Full name;Company;E-mail;Job title\nAda Obi;Medwise;ada@medwise.example;CMO\n"
    parsed = parse_upload(upload("people.csv", content.encode()))
    assert parsed.rows[0].items() >= {"name": "Ada Obi", "organisation": "Medwise",
                                   "email": "ada@medwise.example", "role_title": "CMO"}.items()


def test_a_row_without_a_name_is_a_problem_with_its_line():
    content = "Name,Email,Status\nAda Obi,ada@x.example,\n,x@y.example,\nCy,,Met\n"
    parsed = parse_upload(upload("people.csv", content.encode()))
    assert [r["name"] for r in parsed.rows] == ["Ada Obi", "Cy"]
    assert parsed.problems == [{"line": 3, "name": "(no name)", "message": "No name."}]


def test_a_bad_field_is_left_out_and_the_person_kept_with_a_note_saying_why():
    content = "Name,Email,Status\nAda Obi,not-an-email,\nBen,,Maybe\n"
    parsed = parse_upload(upload("people.csv", content.encode()))
    ada, ben = parsed.rows
    assert (ada["name"], ada["email"]) == ("Ada Obi", "")
    assert (ben["name"], ben["status"]) == ("Ben", Contact.Status.TO_CONTACT)
    assert parsed.problems == []
    assert parsed.notes[0] == ("Ada Obi: the email “not-an-email” was left out (not a valid "
                               "email address); the rest of this person is imported.")
    assert parsed.notes[1].startswith("Ben: the status “Maybe” was left out (not one of: ")


@pytest.mark.parametrize(("name", "content", "message"), [
    ("photo.png", b"\x89PNG\r\n", "Choose a .csv or a .vcf"),
    ("data.xlsx", b"PK\x03\x04", "saved as CSV first"),
    ("people.csv", b"Name\nJos\x81\n", "not UTF-8 text"),
    ("people.csv", b"Name\x00\x01\x02", "not a text file"),
    ("people.csv", b"", "empty"),
    ("people.csv", b"Colour,Size\nred,big\n", "No header row with a name column"),
    ("people.vcf", b"Name,Email\nAda,a@b.example\n", "does not contain any"),
    ("people.vcf", b"BEGIN:VCARD\nVERSION:3.0\nFN Ada\nEND:VCARD\n", "could not be read"),
])
def test_unreadable_files_get_a_clear_message(name, content, message):
    with pytest.raises(UnreadableFile, match=message):
        parse_upload(upload(name, content))


def test_a_file_over_the_size_limit_is_refused():
    big = upload("big.csv", b"Name\n" + b"x" * (MAX_BYTES + 1))
    with pytest.raises(UnreadableFile, match="the limit is 2 MB"):
        parse_upload(big)


def test_a_file_over_the_row_limit_is_refused():
    content = "Name\n" + "".join(f"P{i}\n" for i in range(5001))
    with pytest.raises(UnreadableFile, match="limit is 5,000"):
        parse_upload(upload("many.csv", content.encode()))


def test_utf16_files_from_excel_are_read():
    parsed = parse_upload(upload("people.csv", "Name\tEmail\nZoë\tz@e.example\n".encode(
        "utf-16")))
    assert parsed.rows[0]["name"] == "Zoë"


# Preview and confirm


def test_the_preview_shows_new_people_and_duplicates_and_saves_nothing(client, alice):
    ContactFactory(owner=alice, name="Someone Else", organisation="", email="SARAH@medwise.example")
    ContactFactory(owner=alice, name="omar  haddad", organisation="Novacare pharma")
    client.force_login(alice)
    response = preview(client, "Connections.csv", LINKEDIN)
    html = response.content.decode()
    plan = response.context["plan"]
    assert [r["name"] for r in plan.to_create] == ["José Álvarez"]
    assert [(r["name"], r["duplicate_of"]) for r in plan.duplicates] == [
        ("Sarah Chen", "Someone Else"), ("Omar Haddad", "omar  haddad (Novacare pharma)")]
    assert "Import 1 contact" in html and "Already in your contacts" in html
    assert Contact.objects.for_user(alice).count() == 2


def test_confirming_creates_the_previewed_contacts(client, alice):
    client.force_login(alice)
    response = confirm(client, preview(client, "contacts.vcf", VCARDS))
    assert "Imported 3 contacts from contacts.vcf" in response.content.decode()
    grace = Contact.objects.for_user(alice).get(name="Grace Liu")
    assert grace.tier == 1 and grace.tags == ["health-tech", "strategy"]


def test_a_duplicate_within_the_file_is_added_once(client, alice):
    content = b"Name,Email\nAda Obi,ada@x.example\nAda O.,ADA@x.example\n"
    client.force_login(alice)
    response = preview(client, "people.csv", content)
    assert response.context["plan"].duplicates[0]["duplicate_of"] == "line 2 of this file"
    confirm(client, response)
    assert Contact.objects.for_user(alice).count() == 1


def test_a_confirm_without_a_matching_preview_saves_nothing(client, alice):
    client.force_login(alice)
    response = client.post(CONFIRM, {"token": "stale"}, follow=True)
    assert "has expired" in response.content.decode()
    assert not Contact.objects.for_user(alice).exists()


def test_an_import_is_all_or_nothing(client, alice, monkeypatch):
    from contacts import transfer

    real_bulk_create = Contact.objects.bulk_create
    calls = []

    def failing_second_batch(objs, *args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        return real_bulk_create(objs, *args, **kwargs)

    content = (b"Name,Referred by\nAda,\nBen,Ada\n")
    client.force_login(alice)
    response = preview(client, "people.csv", content)
    monkeypatch.setattr(transfer.Contact.objects, "bulk_create", failing_second_batch)
    with pytest.raises(RuntimeError):
        client.post(CONFIRM, {"token": response.context["token"]})
    assert not Contact.objects.for_user(alice).exists()


def test_a_bad_file_is_reported_next_to_the_field(client, alice):
    client.force_login(alice)
    response = preview(client, "people.csv", b"Name\nJos\x81\n")
    html = response.content.decode()
    assert response.status_code == 200 and "not UTF-8 text" in html
    assert 'class="errorlist"' in html


def test_one_client_never_sees_another_clients_preview(client, alice, charlie):
    client.force_login(alice)
    response = preview(client, "contacts.vcf", VCARDS)
    client.force_login(charlie)
    client.post(CONFIRM, {"token": response.context["token"]})
    assert not Contact.objects.filter(owner=charlie).exists()


# Export and round trip


def test_the_csv_export_has_our_columns_and_only_the_owners_contacts(client, alice, charlie):
    sarah = ContactFactory(owner=alice, name="Sarah Chen", tags=["pharma", "msl"])
    ContactFactory(owner=alice, name="Ethan Brooks", referred_by=sarah)
    ContactFactory(owner=charlie, name="Not Alice's")
    client.force_login(alice)
    response = client.get(reverse("contacts:export_csv"))
    text = response.content.decode("utf-8-sig")
    assert response["Content-Disposition"].startswith('attachment; filename="contacts-')
    assert text.splitlines()[0].startswith("Name,Organisation,Role or title")
    assert "Ethan Brooks" in text and "Not Alice's" not in text
    assert "pharma, msl" in text


def test_a_value_that_looks_like_a_formula_is_quoted_in_the_csv(client, alice):
    ContactFactory(owner=alice, name="=HYPERLINK(1)")
    client.force_login(alice)
    text = client.get(reverse("contacts:export_csv")).content.decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in text


@pytest.mark.parametrize(("url_name", "filename"), [("contacts:export_csv", "back.csv"),
                                                    ("contacts:export_vcard", "back.vcf")])
def test_re_importing_an_export_creates_no_duplicates(client, alice, url_name, filename):
    sarah = ContactFactory(owner=alice, name="Sarah Chen", email="sarah@medwise.example")
    ContactFactory(owner=alice, name="Ethan Brooks", email="", referred_by=sarah)
    client.force_login(alice)
    exported = client.get(reverse(url_name)).content
    response = preview(client, filename, exported)
    assert response.context["plan"].to_create == []
    assert len(response.context["plan"].duplicates) == 2
    confirm(client, response)
    assert Contact.objects.for_user(alice).count() == 2


@pytest.mark.parametrize(("url_name", "filename"), [("contacts:export_csv", "back.csv"),
                                                    ("contacts:export_vcard", "back.vcf")])
def test_an_export_imported_by_someone_new_keeps_fields_and_referral_chains(
        client, alice, charlie, url_name, filename):
    sarah = ContactFactory(owner=alice, name="Sarah Chen", organisation="Medwise",
                           email="sarah@medwise.example", tags=["health-tech"],
                           status="met", responsiveness="helps_readily", notes="Line 1\nLine 2",
                           phone="+44 20 7946 0958", field="Health-tech",
                           how_we_met="Residency",
                           linkedin_url="https://www.linkedin.com/in/sarah-chen")
    ethan = ContactFactory(owner=alice, name="Ethan Brooks", referred_by=sarah, email="")
    ContactFactory(owner=alice, name="Grace Liu", referred_by=ethan, status="reached_out")
    client.force_login(alice)
    exported = client.get(reverse(url_name)).content
    client.force_login(charlie)
    confirm(client, preview(client, filename, exported))
    copied = {c.name: c for c in Contact.objects.for_user(charlie).select_related(
        "referred_by")}
    assert {n: c.tier for n, c in copied.items()} == {
        "Sarah Chen": 1, "Ethan Brooks": 2, "Grace Liu": 3}
    assert copied["Grace Liu"].referred_by.name == "Ethan Brooks"
    assert copied["Grace Liu"].status == "reached_out"
    copy, original = copied["Sarah Chen"], sarah
    for name in ("organisation", "email", "tags", "status", "responsiveness", "notes",
                 "phone", "field", "how_we_met", "linkedin_url"):
        assert getattr(copy, name) == getattr(original, name), name
    assert abs((copy.status_changed_at - original.status_changed_at).total_seconds()) < 1


def test_the_import_and_export_pages_need_a_client(client, carol):
    client.force_login(carol)
    assert client.post(CONFIRM, {"token": "x"}).status_code == 403
