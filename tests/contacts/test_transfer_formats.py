"""Files as Google Contacts, Apple Contacts, Outlook and Excel write them import field by
field; our vCard and Google CSV exports read back in those apps (here: vobject and csv).

The samples in tests/data/ follow each vendor's documented export format."""

import csv
import io
from pathlib import Path

import pytest
import vobject
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contacts.models import Contact
from contacts.transfer import UnreadableFile, parse_upload
from tests.factories import ContactFactory

pytestmark = pytest.mark.django_db
DATA = Path(__file__).resolve().parent.parent / "data"
IMPORT = reverse("contacts:import")
CONFIRM = reverse("contacts:import_confirm")


def read(filename: str):
    return parse_upload(SimpleUploadedFile(filename, (DATA / filename).read_bytes()))


def fields(row: dict, *names: str) -> dict:
    return {name: row[name] for name in names}


def import_file(client, filename: str, content: bytes | None = None):
    content = (DATA / filename).read_bytes() if content is None else content
    response = client.post(IMPORT, {"file": SimpleUploadedFile(filename, content)})
    client.post(CONFIRM, {"token": response.context["token"]})
    return response


NAME_PARTS = ("name", "name_prefix", "given_name", "middle_name", "family_name",
              "name_suffix")
WORK = ("organisation", "role_title", "email", "phone", "phone_type", "linkedin_url")


# ---------------------------------------------------------------------------------------
# Google Contacts CSV


def test_a_google_contacts_csv_keeps_names_organisation_title_emails_phones_and_website():
    parsed = read("google_contacts.csv")
    aoife, tomas = parsed.rows
    assert parsed.problems == [] and parsed.warnings == []
    assert fields(aoife, *NAME_PARTS, *WORK) == {
        "name": "Aoife Ní Bhriain", "name_prefix": "", "given_name": "Aoife",
        "middle_name": "", "family_name": "Ní Bhriain", "name_suffix": "",
        "organisation": "Medwise", "role_title": "Medical Director",
        "email": "aoife@medwise.example", "phone": "+353 87 123 4567", "phone_type": "cell",
        "linkedin_url": "https://www.linkedin.com/in/aoife-ni-bhriain",
    }
    assert aoife["notes"] == ("Met at the HETT conference.\nWants an intro to Helix.\n"
                              "Other email: aoife.home@example.ie\n"
                              "Other phone (work): +353 1 555 0100")
    assert fields(tomas, *NAME_PARTS, *WORK) == {
        "name": "Tomás Seán Ó Briain", "name_prefix": "Dr.", "given_name": "Tomás",
        "middle_name": "Seán", "family_name": "Ó Briain", "name_suffix": "PhD",
        "organisation": "Helix Analytics", "role_title": "Chief Scientist",
        "email": "tomas@helix.example", "phone": "+353 1 555 0199", "phone_type": "work",
        "linkedin_url": "",
    }
    assert tomas["notes"] == "Website: https://tomas.example.ie"


def test_google_labels_are_split_and_its_system_labels_dropped():
    aoife, tomas = read("google_contacts.csv").rows
    assert aoife["tags"] == ["Work", "health-tech"]
    assert tomas["tags"] == []


def test_several_values_in_one_google_cell_are_all_kept():
    content = ("First Name,Last Name,E-mail 1 - Label,E-mail 1 - Value\n"
               "Ada,Obi,* Work,ada@x.example ::: ada@y.example\n")
    ada = parse_upload(SimpleUploadedFile("g.csv", content.encode())).rows[0]
    assert ada["email"] == "ada@x.example"
    assert ada["notes"] == "Other email: ada@y.example"


# ---------------------------------------------------------------------------------------
# Outlook CSV


def test_an_outlook_csv_takes_the_job_title_as_role_and_the_title_as_name_prefix():
    ada, ben = read("outlook_contacts.csv").rows
    assert fields(ada, *NAME_PARTS, *WORK) == {
        "name": "Ada Obi", "name_prefix": "Dr.", "given_name": "Ada", "middle_name": "",
        "family_name": "Obi", "name_suffix": "", "organisation": "Novacare Pharma",
        "role_title": "Head of Medical Affairs", "email": "ada@novacare.example",
        "phone": "+44 20 7946 0958", "phone_type": "work", "linkedin_url": "",
    }
    assert ada["notes"] == ("Met on the AMA panel.\nOther email: ada.obi@mail.example\n"
                            "Other phone (cell): +44 7700 900123\n"
                            "Website: https://www.adaobi.example")
    assert ada["tags"] == ["Pharma", "Mentors"]
    assert fields(ben, "name", "name_prefix", "role_title", "phone", "phone_type") == {
        "name": "Ben Okafor", "name_prefix": "Mr.", "role_title": "Product Lead",
        "phone": "+44 7700 900456", "phone_type": "cell"}  # no business phone: the mobile
    assert ben["notes"] == "" and ben["tags"] == []


def test_a_lone_title_column_is_still_the_role():
    content = "Name,Title\nAda Obi,CMO\n"
    ada = parse_upload(SimpleUploadedFile("people.csv", content.encode())).rows[0]
    assert (ada["role_title"], ada["name_prefix"]) == ("CMO", "")


# ---------------------------------------------------------------------------------------
# Excel on Windows


def test_an_excel_csv_in_windows_1252_with_semicolons_is_read():
    jose, zoe = read("excel_windows_1252.csv").rows
    assert fields(jose, "name", "organisation", "role_title", "email", "phone", "notes") == {
        "name": "José Álvarez", "organisation": "Helix Analytics", "role_title": "Product Lead",
        "email": "jose@helix.example", "phone": "+34 600 123 456",
        "notes": "Café – 5 € each"}
    assert fields(zoe, "name", "organisation", "role_title", "email", "phone", "notes") == {
        "name": "Zoë Brontë", "organisation": "Medwise",
        "role_title": "Medical Science Liaison", "email": "zoe@medwise.example", "phone": "",
        "notes": "Prefers “email”"}


def test_bytes_that_are_neither_utf8_nor_windows_1252_are_refused_with_their_line():
    with pytest.raises(UnreadableFile, match="not UTF-8 text .*line 3"):
        parse_upload(SimpleUploadedFile("people.csv", b"Name\nAda\nJos\x81\n"))


# ---------------------------------------------------------------------------------------
# Apple and Google vCards (3.0)


def test_an_apple_vcard_keeps_every_field_and_unescapes_its_web_addresses():
    parsed = read("apple_contacts.vcf")
    tomas, acme = parsed.rows
    assert parsed.problems == []
    assert fields(tomas, *NAME_PARTS, *WORK) == {
        "name": "Tomás Seán Ó Briain PhD", "name_prefix": "Dr.", "given_name": "Tomás",
        "middle_name": "Seán", "family_name": "Ó Briain", "name_suffix": "PhD",
        "organisation": "Helix Analytics", "role_title": "Chief Scientist",
        "email": "tomas@helix.example",  # the one marked pref, not the first
        "phone": "+353 87 765 4321", "phone_type": "cell",
        "linkedin_url": "https://www.linkedin.com/in/tomas-o-briain",
    }
    assert tomas["notes"] == ("Introduced by Aoife, at the Dublin breakfast.\n"
                              "Follow up in March.\nOther email: tomas@mail.example\n"
                              "Other phone (work): +353 1 555 0199\n"
                              "Website: https://tomas.example.ie")
    assert tomas["tags"] == ["Mentors"]  # without Apple's and Google's "myContacts"


def test_an_apple_company_card_is_imported_under_the_companys_name():
    acme = read("apple_contacts.vcf").rows[1]
    assert fields(acme, "name", "organisation", "phone", "phone_type", "notes") == {
        "name": "Acme Biotech, Ltd.", "organisation": "Acme Biotech, Ltd.",
        "phone": "+44 20 7946 0000", "phone_type": "work",
        "notes": "Website: https://acme.example"}


def test_a_google_vcard_with_a_bad_email_and_web_address_keeps_the_person_and_says_why():
    parsed = read("google_contacts.vcf")
    (aoife,) = parsed.rows
    assert parsed.problems == []
    assert fields(aoife, *NAME_PARTS, *WORK, "notes", "tags") == {
        "name": "Aoife Ní Bhriain", "name_prefix": "", "given_name": "Aoife",
        "middle_name": "", "family_name": "Ní Bhriain", "name_suffix": "",
        "organisation": "Medwise", "role_title": "Medical Director",
        "email": "aoife@medwise.example", "phone": "+353 87 123 4567", "phone_type": "cell",
        "linkedin_url": "https://www.linkedin.com/in/aoife-ni-bhriain",
        "notes": "Met at the HETT conference.", "tags": ["Work"],
    }
    assert parsed.notes == [
        "Aoife Ní Bhriain: the email “not an email” was left out (not a valid email "
        "address); the rest of this person is imported.",
        "Aoife Ní Bhriain: the web address “notaurl” was left out (not a web address); the "
        "rest of this person is imported.",
    ]


def test_a_card_whose_only_email_is_bad_is_imported_without_it(client, alice):
    card = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada Obi\r\nEMAIL:ada at x\r\n"
            b"URL:https\\://ada.example\r\nEND:VCARD\r\n")
    client.force_login(alice)
    response = import_file(client, "ada.vcf", card)
    assert "the email “ada at x” was left out (not a valid email address)" in (
        response.content.decode())
    ada = Contact.objects.for_user(alice).get()
    assert (ada.name, ada.email, ada.notes) == ("Ada Obi", "", "Website: https://ada.example")


# ---------------------------------------------------------------------------------------
# Outlook vCard (2.1, quoted-printable)


def test_an_outlook_21_vcard_with_quoted_printable_soft_line_breaks_is_read():
    parsed = read("outlook_2_1.vcf")
    (tomas,) = parsed.rows
    assert fields(tomas, *NAME_PARTS, *WORK) == {
        "name": "Tomás Ó Briain", "name_prefix": "Dr.", "given_name": "Tomás",
        "middle_name": "", "family_name": "Ó Briain", "name_suffix": "",
        "organisation": "Helix Analytics", "role_title": "Chief Scientist",
        "email": "tomas@helix.example", "phone": "+353 1 555 0199", "phone_type": "work",
        "linkedin_url": "",
    }
    assert tomas["notes"] == ("Met at the Dublin breakfast, with Aoife.\n"
                              "Follow up in March about the café idea.\n"
                              "Other email: tomas@mail.example\n"
                              "Other phone (cell): +353 87 765 4321\n"
                              "Website: http://www.helix.example")


def test_a_broken_vcard_line_is_reported_at_its_line_in_the_file():
    card = (b"BEGIN:VCARD\r\nVERSION:2.1\r\nNOTE;ENCODING=QUOTED-PRINTABLE:a=\r\nb=\r\nc\r\n"
            b"TITLE:Folded\r\n over two lines\r\nthis is not a property\r\nEND:VCARD\r\n")
    with pytest.raises(UnreadableFile, match="near line 8 "):
        parse_upload(SimpleUploadedFile("broken.vcf", card))


# ---------------------------------------------------------------------------------------
# The preview


def test_the_preview_warns_when_no_email_or_organisation_column_was_recognised(client, alice):
    client.force_login(alice)
    response = client.post(IMPORT, {"file": SimpleUploadedFile(
        "names.csv", b"First Name,Last Name,Phone\nAda,Obi,+44 20 7946 0958\n")})
    assert "No email or organisation column was recognised" in response.content.decode()
    response = client.post(IMPORT, {"file": SimpleUploadedFile(
        "people.csv", (DATA / "outlook_contacts.csv").read_bytes())})
    assert "No email or organisation column" not in response.content.decode()


def test_the_preview_says_what_was_kept_in_the_notes(client, alice):
    client.force_login(alice)
    response = client.post(IMPORT, {"file": SimpleUploadedFile(
        "contacts.csv", (DATA / "outlook_contacts.csv").read_bytes())})
    assert ("Ada Obi: kept in the notes: other email: ada.obi@mail.example, other phone "
            "(cell): +44 7700 900123, website: https://www.adaobi.example.") in (
        response.content.decode())


def test_the_same_people_in_several_apps_files_are_imported_once(client, alice):
    client.force_login(alice)
    for filename in ("google_contacts.csv", "outlook_contacts.csv", "excel_windows_1252.csv",
                     "apple_contacts.vcf", "google_contacts.vcf", "outlook_2_1.vcf"):
        import_file(client, filename)
    names = sorted(Contact.objects.for_user(alice).values_list("name", flat=True))
    # Tomás and Aoife are in several files, matched by their email address.
    assert names == ["Acme Biotech, Ltd.", "Ada Obi", "Aoife Ní Bhriain", "Ben Okafor",
                     "José Álvarez", "Tomás Seán Ó Briain", "Zoë Brontë"]


# ---------------------------------------------------------------------------------------
# vCard export


def export_vcards(client) -> list:
    return list(vobject.readComponents(
        client.get(reverse("contacts:export_vcard")).content.decode()))


def test_an_imported_structured_name_and_phone_type_come_back_in_the_vcard(client, alice):
    card = ("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dr. Tomás Ó Briain\r\nN:Ó Briain;Tomás;;Dr.;\r\n"
            "TEL;TYPE=CELL:+353 87 765 4321\r\nEND:VCARD\r\n").encode()
    client.force_login(alice)
    import_file(client, "tomas.vcf", card)
    text = client.get(reverse("contacts:export_vcard")).content.decode()
    assert "\r\nN:Ó Briain;Tomás;;Dr.;\r\n" in text
    assert "\r\nFN:Dr. Tomás Ó Briain\r\n" in text
    assert "\r\nTEL;TYPE=CELL:+353 87 765 4321\r\n" in text


def test_a_name_prefix_does_not_decide_the_sort_order(client, alice):
    client.force_login(alice)
    import_file(client, "outlook_2_1.vcf")
    ContactFactory(owner=alice, name="Ethan Brooks")
    ContactFactory(owner=alice, name="Zara Ali")
    assert [card.fn.value for card in export_vcards(client)] == [
        "Ethan Brooks", "Dr. Tomás Ó Briain", "Zara Ali"]
    assert list(Contact.objects.for_user(alice).order_by("name").values_list(
        "name", flat=True)) == ["Ethan Brooks", "Tomás Ó Briain", "Zara Ali"]


@pytest.mark.parametrize(("name", "organisation", "family", "given"), [
    ("Aoife Ní Bhriain", "", "Ní Bhriain", "Aoife"),
    ("Ludwig van Beethoven", "", "van Beethoven", "Ludwig"),
    ("Mary Ann Smith", "", "Smith", "Mary Ann"),
    ("Cher", "", "", "Cher"),
])
def test_a_name_typed_in_the_app_is_split_before_its_family_name(
        client, alice, name, organisation, family, given):
    ContactFactory(owner=alice, name=name, organisation=organisation)
    client.force_login(alice)
    (card,) = export_vcards(client)
    assert (card.n.value.family, card.n.value.given) == (family, given)
    assert "x-abshowas" not in card.contents


@pytest.mark.parametrize(("name", "organisation"), [
    ("Acme Biotech, Ltd.", ""), ("Medwise", "Medwise"), ("Helix GmbH", "")])
def test_an_organisation_is_exported_as_a_company_card(client, alice, name, organisation):
    ContactFactory(owner=alice, name=name, organisation=organisation)
    client.force_login(alice)
    (card,) = export_vcards(client)
    assert card.x_abshowas.value == "COMPANY"
    assert card.org.value == [organisation or name]
    assert (card.n.value.family, card.n.value.given) == ("", "")


def test_every_card_has_a_stable_uid_of_its_own(client, alice):
    ContactFactory(owner=alice, name="Ada Obi")
    ContactFactory(owner=alice, name="Ben Okafor")
    client.force_login(alice)
    first = [card.uid.value for card in export_vcards(client)]
    second = [card.uid.value for card in export_vcards(client)]
    assert first == second and len(set(first)) == 2


def test_every_email_phone_and_web_address_is_exported(client, alice):
    client.force_login(alice)
    import_file(client, "apple_contacts.vcf")
    tomas = next(card for card in export_vcards(client) if card.fn.value.startswith("Dr."))
    assert [e.value for e in tomas.email_list] == ["tomas@helix.example", "tomas@mail.example"]
    assert [(t.value, t.params["TYPE"]) for t in tomas.tel_list] == [
        ("+353 87 765 4321", ["CELL"]), ("+353 1 555 0199", ["WORK"])]
    assert [u.value for u in tomas.url_list] == [
        "https://www.linkedin.com/in/tomas-o-briain", "https://tomas.example.ie"]
    assert tomas.note.value == ("Introduced by Aoife, at the Dublin breakfast.\n"
                                "Follow up in March.")


def test_a_vcard_export_imported_elsewhere_keeps_every_field(client, alice, charlie):
    client.force_login(alice)
    for filename in ("apple_contacts.vcf", "outlook_contacts.csv"):
        import_file(client, filename)
    exported = client.get(reverse("contacts:export_vcard")).content
    client.force_login(charlie)
    import_file(client, "back.vcf", exported)
    compared = (*NAME_PARTS, *WORK, "notes", "tags")
    original = list(Contact.objects.for_user(alice).order_by("name").values(*compared))
    copy = list(Contact.objects.for_user(charlie).order_by("name").values(*compared))
    assert copy == original and len(copy) == 4


# ---------------------------------------------------------------------------------------
# Google Contacts CSV export


def export_google(client) -> list[dict]:
    response = client.get(reverse("contacts:export_google_csv"))
    assert response["Content-Disposition"].startswith(
        'attachment; filename="google-contacts-')
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_the_google_csv_export_has_googles_columns(client, alice):
    client.force_login(alice)
    import_file(client, "outlook_contacts.csv")
    ada, _ben = export_google(client)
    assert ada == {
        "First Name": "Ada", "Middle Name": "", "Last Name": "Obi", "Name Prefix": "Dr.",
        "Name Suffix": "", "Organization Name": "Novacare Pharma",
        "Organization Title": "Head of Medical Affairs", "Notes": "Met on the AMA panel.",
        "Labels": "* myContacts ::: Pharma ::: Mentors",
        "E-mail 1 - Label": "* Work", "E-mail 1 - Value": "ada@novacare.example",
        "E-mail 2 - Label": "", "E-mail 2 - Value": "ada.obi@mail.example",
        "Phone 1 - Label": "Work", "Phone 1 - Value": "+44 20 7946 0958",
        "Phone 2 - Label": "Mobile", "Phone 2 - Value": "+44 7700 900123",
        "Website 1 - Label": "Homepage", "Website 1 - Value": "https://www.adaobi.example",
    }


def test_phone_numbers_have_no_apostrophe_but_formulas_are_still_guarded(client, alice):
    ContactFactory(owner=alice, name="=HYPERLINK(1)", organisation="",
                   phone="+44 20 7946 0958")
    ContactFactory(owner=alice, name="Ada Obi", organisation="", phone="+1+cmd|' /C calc'!A0")
    client.force_login(alice)
    rows = export_google(client)
    assert {row["Phone 1 - Value"] for row in rows} == {"+44 20 7946 0958",
                                                       "'+1+cmd|' /C calc'!A0"}
    assert "'=HYPERLINK(1)" in {row["Last Name"] for row in rows} | {
        row["First Name"] for row in rows}
    ours = client.get(reverse("contacts:export_csv")).content.decode("utf-8-sig")
    assert ",+44 20 7946 0958," in ours


def test_a_google_csv_export_imported_again_keeps_every_field(client, alice, charlie):
    client.force_login(alice)
    for filename in ("google_contacts.csv", "outlook_contacts.csv"):
        import_file(client, filename)
    exported = client.get(reverse("contacts:export_google_csv")).content
    client.force_login(charlie)
    import_file(client, "google.csv", exported)
    compared = (*NAME_PARTS, *WORK, "notes", "tags")
    original = list(Contact.objects.for_user(alice).order_by("name").values(*compared))
    copy = list(Contact.objects.for_user(charlie).order_by("name").values(*compared))
    assert copy == original and len(copy) == 4


@pytest.mark.parametrize("size", [1, 10])
def test_the_google_csv_export_uses_a_fixed_number_of_queries(
        client, alice, django_assert_max_num_queries, size):
    for n in range(size):
        ContactFactory(owner=alice, name=f"Person {n:02d}", organisation="")
    client.force_login(alice)
    with django_assert_max_num_queries(3):
        rows = export_google(client)
    assert [row["Last Name"] for row in rows] == [f"{n:02d}" for n in range(size)]


def test_the_google_csv_export_is_for_the_client_only(client, alice, carol, charlie):
    ContactFactory(owner=alice, name="Ada Obi")
    client.force_login(charlie)
    assert export_google(client) == []
    client.force_login(carol)
    assert client.get(reverse("contacts:export_google_csv")).status_code == 403
    client.logout()
    assert client.get(reverse("contacts:export_google_csv")).status_code == 302


def test_our_own_csv_export_keeps_name_parts_and_phone_types_on_re_import(
        client, alice, charlie):
    client.force_login(alice)
    import_file(client, "google_contacts.csv")
    exported = client.get(reverse("contacts:export_csv")).content
    client.force_login(charlie)
    import_file(client, "back.csv", exported)
    compared = (*NAME_PARTS, *WORK, "notes", "tags")
    original = list(Contact.objects.for_user(alice).order_by("name").values(*compared))
    copy = list(Contact.objects.for_user(charlie).order_by("name").values(*compared))
    assert copy == original and len(copy) == 2


def test_a_vcard_4_phone_uri_and_an_apple_linkedin_social_profile_are_read():
    card = (b"BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ada Obi\r\n"
            b"TEL;VALUE=uri;TYPE=\"cell,voice\";PREF=1:tel:+44-7700-900123\r\n"
            b"X-SOCIALPROFILE;type=linkedin:https\\://www.linkedin.com/in/ada-obi\r\n"
            b"END:VCARD\r\n")
    (ada,) = parse_upload(SimpleUploadedFile("ada.vcf", card)).rows
    assert fields(ada, "phone", "phone_type", "linkedin_url") == {
        "phone": "+44-7700-900123", "phone_type": "cell",
        "linkedin_url": "https://www.linkedin.com/in/ada-obi"}
