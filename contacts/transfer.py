"""Import and export of contacts: CSV (ours, generic, LinkedIn's Connections.csv, Google
Contacts, Outlook, Excel's Windows-1252 with `;`) and vCard (2.1 to 4.0).

Import runs in three steps:

1. `parse_upload(file)` reads the upload into plain rows (dicts that fit in the session) and
   row problems, or raises `UnreadableFile` with a message for the person (wrong type, bad
   encoding, too large, no header row). Nothing touches the database.
2. `plan_import(owner, parsed)` sorts the rows into "to create" and "duplicates" (same email,
   or same name and organisation, as an existing contact or an earlier row of the file),
   and resolves "Referred by" columns (our own export) to a referrer and a tier.
3. `apply_import(owner, parsed)` plans again against the current data and creates every
   contact of the plan in one transaction (all or nothing), referrers before the people
   they referred, so each tier is the referrer's tier plus one.

A value that cannot be kept (a bad email, a web address that is none) is left out of its
row with a note for the preview; the person is still imported. Emails, phones and web
addresses beyond the contact's own fields are kept as lines of its notes (`Extras`).

Exports carry the same columns back, so re-importing an export creates no duplicates; the
vCard and Google Contacts CSV exports give address books the name's parts, every email,
phone (with its type) and web address, and a stable UID per contact.
"""

from __future__ import annotations

import csv
import datetime
import io
import quopri
import re
import uuid
from dataclasses import dataclass, field
from typing import ClassVar
from urllib.parse import urlsplit

import vobject
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from .models import Contact, _lock_owner
from .text import normalise, parse_tags

MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
HEADER_SEARCH_ROWS = 20

# Our export's columns, in order: (header, model field or pseudo-field).
EXPORT_COLUMNS = [
    ("Name", "name"),
    ("Organisation", "organisation"),
    ("Role or title", "role_title"),
    ("Field or industry", "field"),
    ("Email", "email"),
    ("Phone", "phone"),
    ("LinkedIn URL", "linkedin_url"),
    ("How we met", "how_we_met"),
    ("Tags", "tags"),
    ("Status", "status"),
    ("Status changed", "status_changed_at"),
    ("Responsiveness", "responsiveness"),
    ("Referred by", "referred_by_name"),
    ("Referred by email", "referred_by_email"),
    ("Tier", "tier"),
    ("Notes", "notes"),
    # The name's parts and the phone's type, so that they come back on re-import.
    ("Name prefix", "name_prefix"),
    ("Given name", "given_name"),
    ("Middle name", "middle_name"),
    ("Family name", "family_name"),
    ("Name suffix", "name_suffix"),
    ("Phone type", "phone_type"),
]

# Header names we recognise (compared lower-case, letters and digits only). Google
# Contacts, Outlook and LinkedIn columns are here too; emails, phones and web addresses,
# which come in numbered columns, are matched by `EMAIL_COLUMN`, `PHONE_COLUMN` and
# `WEBSITE_COLUMN` instead.
HEADER_ALIASES = {
    "name": ["name", "fullname", "contactname", "displayname"],
    "first_name": ["firstname", "givenname", "forename"],
    "middle_name": ["middlename", "additionalname"],
    "last_name": ["lastname", "surname", "familyname"],
    "name_prefix": ["nameprefix", "prefix", "honorific"],
    "name_suffix": ["namesuffix", "suffix"],
    "organisation": ["organisation", "organization", "organizationname",
                     "organization1name", "company", "employer", "org", "companyname"],
    # Outlook's "Title" is the honorific: "Job Title" wins, and "Title" is then the prefix.
    "role_title": ["roleortitle", "role", "jobtitle", "organizationtitle",
                   "organization1title", "position", "title"],
    "field": ["fieldorindustry", "field", "industry", "sector"],
    "how_we_met": ["howwemet", "howmet", "source"],
    "connected_on": ["connectedon"],
    "tags": ["tags", "tag", "labels", "categories", "groups", "groupmembership"],
    "status": ["status"],
    "status_changed_at": ["statuschanged", "statuschangedat"],
    "responsiveness": ["responsiveness"],
    "referred_by_name": ["referredby", "referrer"],
    "referred_by_email": ["referredbyemail", "referreremail"],
    "notes": ["notes", "note", "comments", "comment"],
}
# "Email", "E-mail Address", "E-mail 2 Address" (Outlook), "E-mail 1 - Value" (Google).
EMAIL_COLUMN = re.compile(r"(primary)?e?mail(address)?\d*(value|address)?")
# "Phone", "Mobile Phone", "Business Phone 2" (Outlook), "Phone 1 - Value" (Google), with
# the vCard type each implies; Google names it in "Phone 1 - Label".
PHONE_COLUMN = re.compile(
    r"(?P<kind>primary|business|work|company|home|mobile|cell|other|main)?"
    r"(tele)?phone(number)?(?P<number>\d*)(value)?"
)
PHONE_KINDS = {"business": "work", "work": "work", "company": "work", "home": "home",
               "mobile": "cell", "cell": "cell"}
WEBSITE_COLUMN = re.compile(
    r"(linkedinurl|linkedin|url|profileurl|linkedinprofile|website\d*(value)?|webpage"
    r"|personalwebpage|businesswebpage|homepage)"
)
# Labels address books add to everyone, which say nothing about the person.
SYSTEM_LABELS = {"mycontacts", "starred", "starredincontacts"}
LINKEDIN_HEADER = {"firstname", "lastname", "url", "emailaddress", "company", "position",
                   "connectedon"}
TEXT_FIELDS = ("organisation", "role_title", "field", "how_we_met", "name_prefix",
               "given_name", "middle_name", "family_name", "name_suffix")
TEXT_LIMITS = {
    f.name: f.max_length
    for f in Contact._meta.get_fields()
    if getattr(f, "max_length", None) and f.name in {
        "name", "email", "phone", "phone_type", "linkedin_url", *TEXT_FIELDS}
}
FIELD_LABELS = {"role_title": "role", "how_we_met": "how we met", "name_prefix": "name prefix",
                "given_name": "given name", "middle_name": "middle name",
                "family_name": "family name", "name_suffix": "name suffix"}
FORMULA_START = ("=", "+", "-", "@")
EARLIEST_STATUS_CHANGE = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)


class UnreadableFile(Exception):
    """The upload cannot be imported at all; the message is written for the person."""


@dataclass
class ParsedFile:
    kind: str  # "csv", "linkedin" or "vcard"
    filename: str
    rows: list[dict] = field(default_factory=list)
    problems: list[dict] = field(default_factory=list)  # {"line", "name", "message"}
    notes: list[str] = field(default_factory=list)  # a value left out of a row kept
    warnings: list[str] = field(default_factory=list)  # about the whole file

    def as_session(self) -> dict:
        return {"kind": self.kind, "filename": self.filename, "rows": self.rows,
                "problems": self.problems, "notes": self.notes, "warnings": self.warnings}

    @classmethod
    def from_session(cls, data: dict) -> ParsedFile:
        return cls(**data)

    @property
    def kind_label(self) -> str:
        return {"csv": "CSV file", "linkedin": "LinkedIn connections file",
                "vcard": "vCard file"}[self.kind]


@dataclass
class ImportPlan:
    to_create: list[dict]  # rows, each with "tier" and "referrer_label"
    duplicates: list[dict]  # rows, each with "duplicate_of"
    problems: list[dict]
    notes: list[str]


# ---------------------------------------------------------------------------------------
# 1. Reading the upload


def parse_upload(upload) -> ParsedFile:
    name = upload.name or "upload"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if upload.size > MAX_BYTES:
        raise UnreadableFile(
            f"This file is {upload.size / 1024 / 1024:.1f} MB; the limit is 2 MB. "
            "Split it into smaller files and import them one after the other."
        )
    if extension not in {"csv", "txt", "vcf", "vcard"}:
        raise UnreadableFile(
            "Choose a .csv or a .vcf (vCard) file. A spreadsheet (.xlsx, .numbers) must be "
            "saved as CSV first (in Excel: File > Save As > CSV UTF-8)."
        )
    text = decode(upload.read())
    if text.lstrip().upper().startswith("BEGIN:VCARD"):
        return parse_vcards(text, name)
    if extension in {"vcf", "vcard"}:
        raise UnreadableFile(
            "This file is named like a vCard but does not contain any: a vCard file starts "
            "with BEGIN:VCARD. Export your contacts again as vCard (.vcf)."
        )
    return parse_csv(text, name)


def decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile("This file could not be read as UTF-16 text.") from None
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            # Excel on Windows saves "CSV" in the Windows code page, not UTF-8.
            try:
                text = data.decode("cp1252")
            except UnicodeDecodeError:
                line = data[: error.start].count(b"\n") + 1
                raise UnreadableFile(
                    f"This file is not UTF-8 text (an unexpected byte on line {line}). "
                    "Save it with UTF-8 encoding and try again (in Excel: File > Save As > "
                    "CSV UTF-8)."
                ) from None
    if "\x00" in text:
        raise UnreadableFile("This is not a text file. Choose a .csv or a .vcf file.")
    if not text.strip():
        raise UnreadableFile("This file is empty.")
    return text


def _header_key(cell: str) -> str:
    return re.sub(r"[^a-z0-9]", "", cell.lower())


@dataclass
class CsvColumns:
    """Where each value is in a CSV row: one column per field, several for emails,
    phones (with their vCard type, or the column holding Google's label) and websites."""

    single: dict[str, int]
    emails: list[int]
    phones: list[tuple[int, str, int | None]]  # (column, type, label column)
    websites: list[int]


def _map_header(row: list[str]) -> CsvColumns:
    keys = [_header_key(cell) for cell in row]
    single: dict[str, int] = {}
    for target, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            if alias in keys and target not in single:
                single[target] = keys.index(alias)
                break
    if "title" in keys and single.get("role_title") != keys.index("title"):
        single.setdefault("name_prefix", keys.index("title"))
    emails, phones, websites = [], [], []
    for index, key in enumerate(keys):
        if EMAIL_COLUMN.fullmatch(key):
            emails.append(index)
        elif match := PHONE_COLUMN.fullmatch(key):
            number = match["number"]
            labels = [f"phone{number}{word}" for word in ("label", "type")]
            label = next((keys.index(label) for label in labels if label in keys), None)
            phones.append((index, PHONE_KINDS.get(match["kind"] or "", ""), label))
        elif key in {"mobile", "cell", "tel"}:
            phones.append((index, "cell" if key != "tel" else "", None))
        elif WEBSITE_COLUMN.fullmatch(key):
            websites.append(index)
    return CsvColumns(single, emails, phones, websites)


def _delimiters(text: str) -> list[str]:
    """`,`, `;` and tab, the most frequent in the first lines first (Excel in European
    locales writes `;`)."""
    start = text[:4000]
    return sorted([",", ";", "\t"], key=lambda d: -start.count(d))


def parse_csv(text: str, filename: str) -> ParsedFile:
    header_at, columns, rows = None, None, []
    for delimiter in _delimiters(text):
        rows = _read_csv(text, delimiter)
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            mapped = _map_header(row)
            if "name" in mapped.single or (
                {"first_name", "last_name"} & mapped.single.keys()
                and len(mapped.single) + len(mapped.emails) >= 2
            ):
                header_at, columns = index, mapped
                break
        if header_at is not None:
            break
    if header_at is None:
        raise UnreadableFile(
            "No header row with a name column was found. The first row should name the "
            "columns, for example: Name, Organisation, Email (or First Name and Last Name, "
            "as in LinkedIn's Connections.csv)."
        )
    header_keys = {_header_key(cell) for cell in rows[header_at]}
    kind = "linkedin" if header_keys >= LINKEDIN_HEADER else "csv"
    data_rows = [(header_at + 2 + i, row) for i, row in enumerate(rows[header_at + 1:])]
    data_rows = [(line, row) for line, row in data_rows if any(cell.strip() for cell in row)]
    if len(data_rows) > MAX_ROWS:
        raise UnreadableFile(
            f"This file has {len(data_rows):,} people; the limit is {MAX_ROWS:,} per import. "
            "Split it into smaller files."
        )
    parsed = ParsedFile(kind=kind, filename=filename)
    if not columns.emails and "organisation" not in columns.single:
        parsed.warnings.append(
            "No email or organisation column was recognised, so these people are known by "
            "name only: a later import cannot tell them apart from namesakes and may add "
            "them twice. If the file has such columns, name them Email and Organisation."
        )
    for line, row in data_rows:
        def at(index: int | None, row=row) -> str:
            value = row[index].strip() if index is not None and index < len(row) else ""
            return _unprotect(value)

        def cell(key: str) -> str:
            return at(columns.single.get(key))

        values = {key: cell(key) for key in HEADER_ALIASES}
        values["given_name"] = values.pop("first_name")
        values["family_name"] = values.pop("last_name")
        # Google puts several values of one label in one cell: "a@x ::: b@x".
        values["emails"] = [v for i in columns.emails for v in at(i).split(":::")]
        values["phones"] = [
            (number, _phone_type(at(label)) if label is not None else kind_)
            for i, kind_, label in columns.phones for number in at(i).split(":::")
        ]
        values["urls"] = [v for i in columns.websites for v in at(i).split(":::")]
        if kind == "linkedin":
            connected = values.pop("connected_on")
            values["how_we_met"] = values["how_we_met"] or (
                f"LinkedIn (connected {connected})" if connected else "LinkedIn"
            )
            values["tags"] = values["tags"] or "LinkedIn"
        else:
            values["tags"] = " ::: ".join(re.split(r"[,;]", values["tags"]))
        _add_row(parsed, line, values)
    return parsed


def _phone_type(label: str) -> str:
    """A vCard TEL type from Google's label or a vCard TYPE list ("Mobile", "CELL,VOICE")."""
    words = {word for word in re.split(r"[^a-z]+", label.lower()) if word}
    for word, vcard_type in (("cell", "cell"), ("mobile", "cell"), ("work", "work"),
                             ("home", "home"), ("fax", "fax")):
        if word in words:
            return vcard_type
    return ""


def _read_csv(text: str, delimiter: str) -> list[list[str]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        return list(reader)
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise UnreadableFile(
                f"Line {reader.line_num} has a cell longer than "
                f"{csv.field_size_limit():,} characters, far more than a contact holds. "
                "Check that this file is a list of people, or shorten that cell."
            ) from None
        raise UnreadableFile(
            f"This CSV file could not be read (line {reader.line_num}: {error}). Save it "
            "again as CSV UTF-8 from your spreadsheet program."
        ) from None


# vCard: read line by line here rather than with vobject, which cuts a NOTE at its first
# unescaped comma (Outlook's 2.1 cards do not escape them), loses quoted-printable text
# after a soft line break and reports wrong line numbers.


@dataclass
class CardLine:
    name: str  # upper case, without the group ("item1.URL" is "URL")
    params: dict[str, list[str]]  # upper-case keys; 2.1's bare "CELL" is TYPE
    value: str  # decoded (quoted-printable, charset), still vCard-escaped
    line: int


def _card_lines(text: str) -> list[tuple[int, str]]:
    """Logical lines with the number of their first physical line: folded lines
    (starting with a space or tab) joined, and quoted-printable soft line breaks too."""
    logical: list[tuple[int, str]] = []
    in_soft_break = False
    for number, physical in enumerate(text.splitlines(), start=1):
        if logical and in_soft_break:
            logical[-1] = (logical[-1][0], logical[-1][1][:-1] + physical)
        elif logical and physical[:1] in {" ", "\t"}:
            logical[-1] = (logical[-1][0], logical[-1][1] + physical[1:])
        elif physical.strip():
            logical.append((number, physical))
        else:
            continue
        head, _, _ = logical[-1][1].partition(":")
        in_soft_break = "QUOTED-PRINTABLE" in head.upper() and logical[-1][1].endswith("=")
    return logical


def _parse_card_line(number: int, text: str) -> CardLine | None:
    head, colon, value = text.partition(":")
    if not colon:
        return None
    parts = head.split(";")
    name = parts[0].rsplit(".", 1)[-1].strip().upper()
    if not re.fullmatch(r"[A-Z0-9-]+", name):
        return None
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        key, equals, raw = part.partition("=")
        if not equals:
            key, raw = ("ENCODING" if key.upper() == "QUOTED-PRINTABLE" else "TYPE"), key
        params.setdefault(key.strip().upper(), []).extend(
            v.strip().strip('"') for v in raw.split(",") if v.strip())
    if "QUOTED-PRINTABLE" in [v.upper() for v in params.get("ENCODING", [])]:
        data = quopri.decodestring(value.encode("latin-1", "replace"))
        charset = (params.get("CHARSET") or ["utf-8"])[0]
        try:
            value = data.decode(charset)
        except (LookupError, UnicodeDecodeError):
            value = data.decode("cp1252", "replace")
        # Decoded line breaks are real ones; keep them as vCard escapes until unescaping.
        value = value.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n")
    return CardLine(name, params, value, number)


def _split_escaped(value: str, separator: str) -> list[str]:
    """Split on `separator` where it is not escaped, and unescape each part."""
    parts = re.split(rf"(?<!\\){re.escape(separator)}", value)
    return [_unescape(part) for part in parts]


def _unescape(value: str) -> str:
    # "https\://" is how Apple and Google write a URL; "\n" a line break in a note.
    escapes = {"n": "\n", "N": "\n", ",": ",", ";": ";", ":": ":", "\\": "\\"}
    text = re.sub(r"\\(.)", lambda m: escapes.get(m[1], m[0]), value)
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse_vcards(text: str, filename: str) -> ParsedFile:
    parsed = ParsedFile(kind="vcard", filename=filename)
    cards: list[list[CardLine]] = []
    current: list[CardLine] | None = None
    depth = 0
    for number, raw in _card_lines(text):
        line = _parse_card_line(number, raw)
        if line is None:
            raise UnreadableFile(
                f"This vCard file could not be read near line {number} (“{raw[:40]}” is "
                "not a vCard line). Export it again from your address book, or import a "
                "CSV file instead."
            )
        marker = _unescape(line.value).strip().upper()
        if line.name == "BEGIN" and marker == "VCARD":
            depth += 1
            if depth == 1:
                current = []
                cards.append(current)
        elif line.name == "END" and marker == "VCARD":
            depth = max(depth - 1, 0)
        elif current is not None and depth == 1:
            current.append(line)
    if len(cards) > MAX_ROWS:
        raise UnreadableFile(
            f"This file has {len(cards):,} people; the limit is {MAX_ROWS:,} per import."
        )
    for number, card in enumerate(cards, start=1):
        _add_row(parsed, number, _vcard_values(card))
    return parsed


def _vcard_values(card: list[CardLine]) -> dict:
    def all_of(name: str) -> list[CardLine]:
        found = [line for line in card if line.name == name]
        # A "preferred" value first (TYPE=PREF in 2.1 and 3.0, PREF=1 in 4.0).
        return sorted(found, key=lambda line: not (
            "PREF" in [t.upper() for t in line.params.get("TYPE", [])] or "PREF" in line.params
        ))

    def first(name: str) -> str:
        for line in all_of(name):
            if value := _unescape(line.value).strip():
                return value
        return ""

    family = given = middle = prefix = suffix = ""
    if names := all_of("N"):
        parts = [" ".join(part.split()) for part in _split_escaped(names[0].value, ";")]
        family, given, middle, prefix, suffix = (parts + [""] * 5)[:5]
    organisation = ""
    if orgs := all_of("ORG"):
        organisation = _split_escaped(orgs[0].value, ";")[0].strip()
    tags = []
    for line in all_of("CATEGORIES"):
        tags.extend(_split_escaped(line.value, ","))
    return {
        "name": first("FN"),
        "name_prefix": prefix,
        "given_name": given,
        "middle_name": middle,
        "family_name": family,
        "name_suffix": suffix,
        "organisation": organisation,
        "role_title": first("TITLE") or first("ROLE"),
        "field": first("X-DEBRIEFS-FIELD"),
        "emails": [_unescape(line.value) for line in all_of("EMAIL")],
        # vCard 4.0 may write a phone as a URI ("tel:+44-20-7946-0958").
        "phones": [(_unescape(line.value).removeprefix("tel:"),
                    _phone_type(",".join(line.params.get("TYPE", []))))
                   for line in all_of("TEL")],
        # Apple keeps a LinkedIn profile as a social profile rather than a URL.
        "urls": [_unescape(line.value) for line in all_of("URL")] + [
            _unescape(line.value) for line in all_of("X-SOCIALPROFILE")
            if "linkedin." in line.value.lower()],
        "how_we_met": first("X-DEBRIEFS-HOW-WE-MET"),
        "notes": first("NOTE"),
        "tags": " ::: ".join(tags),
        "status": first("X-DEBRIEFS-STATUS"),
        "status_changed_at": first("X-DEBRIEFS-STATUS-CHANGED"),
        "responsiveness": first("X-DEBRIEFS-RESPONSIVENESS"),
        "referred_by_name": first("X-DEBRIEFS-REFERRED-BY"),
        "referred_by_email": first("X-DEBRIEFS-REFERRED-BY-EMAIL"),
    }


def _unprotect(value: str) -> str:
    """Undo the quote our export puts before a value a spreadsheet would run as a formula."""
    if value.startswith("'") and value[1:2] in FORMULA_START:
        return value[1:]
    return value


def _choice(value: str, choices) -> str | None:
    wanted = value.strip().casefold()
    for key, label in choices:
        if wanted in {key.casefold(), str(label).casefold()}:
            return key
    return None


def _labels(text: str) -> list[str]:
    """Tags from Google's "* myContacts ::: Work" (or a list split by commas), without the
    labels every contact carries."""
    tags = []
    for raw in text.split(":::"):
        tag = raw.strip().removeprefix("* ").strip()
        if tag and _header_key(tag) not in SYSTEM_LABELS:
            tags.append(tag)
    return [tag[:50] for tag in parse_tags(", ".join(tags))][:20]


def _add_row(parsed: ParsedFile, line: int, values: dict) -> None:
    """Validate one row and add it to `parsed.rows`; a value that cannot be kept is left
    out with a note saying why, and only a row without a name goes to `parsed.problems`."""
    prefix = " ".join((values.get("name_prefix") or "").split())
    parts = [" ".join((values.get(key) or "").split())
             for key in ("given_name", "middle_name", "family_name")]
    name = " ".join((values.get("name") or "").split())
    # The prefix is kept apart so that "Dr." does not decide where a person sorts.
    if prefix and name.startswith(prefix + " "):
        name = name[len(prefix) + 1:]
    name = name or " ".join(filter(None, parts))
    if not name and (values.get("organisation") or "").strip():
        name = " ".join(values["organisation"].split())  # a card for a company

    def problem(message: str) -> None:
        parsed.problems.append({"line": line, "name": name or "(no name)", "message": message})

    def left_out(what: str, value: str, why: str) -> None:
        shown = value if len(value) <= 60 else value[:57] + "…"
        parsed.notes.append(f"{name}: the {what} “{shown}” was left out ({why}); the rest "
                            "of this person is imported.")

    if not name:
        return problem("No name.")
    if len(name) > TEXT_LIMITS["name"]:
        return problem(f"The name is longer than {TEXT_LIMITS['name']} characters.")
    row = {"line": line, "name": name, "email": "", "phone": "", "phone_type": "",
           "linkedin_url": ""}
    for key in (*TEXT_FIELDS, "notes", "referred_by_name", "referred_by_email"):
        row[key] = (values.get(key) or "").strip()
    row["name_prefix"] = prefix
    for key in TEXT_FIELDS:
        if len(row[key]) > TEXT_LIMITS[key]:
            left_out(FIELD_LABELS.get(key, key), row[key],
                     f"longer than {TEXT_LIMITS[key]} characters")
            row[key] = ""
    row["notes"] = row["notes"].replace("\r\n", "\n").replace("\r", "\n")
    extras = Extras()

    for email in filter(None, (e.strip() for e in values.get("emails", []))):
        try:
            EmailValidator()(email)
        except ValidationError:
            left_out("email", email, "not a valid email address")
            continue
        if len(email) > TEXT_LIMITS["email"]:
            left_out("email", email, f"longer than {TEXT_LIMITS['email']} characters")
        elif not row["email"]:
            row["email"] = email
        elif email.casefold() != row["email"].casefold():
            extras.emails.append(email)
    for number, phone_type in values.get("phones", []):
        number = " ".join(number.split())
        if not number:
            continue
        if len(number) > TEXT_LIMITS["phone"]:
            left_out("phone number", number, f"longer than {TEXT_LIMITS['phone']} characters")
        elif not row["phone"]:
            row["phone"], row["phone_type"] = number, phone_type
        elif number != row["phone"]:
            extras.phones.append((number, phone_type))
    for url in filter(None, (u.strip().replace("\\:", ":") for u in values.get("urls", []))):
        full = url if "://" in url else f"https://{url}"
        try:
            URLValidator()(full)
        except ValidationError:
            left_out("web address", url, "not a web address")
            continue
        if "linkedin." in full.lower() and not row["linkedin_url"] and len(full) <= 200:
            row["linkedin_url"] = full
        elif full != row["linkedin_url"]:
            extras.websites.append(full)
    if kept := extras.describe():
        parsed.notes.append(f"{name}: kept in the notes: {kept}.")
        row["notes"] = extras.add_to(row["notes"])

    row["tags"] = _labels(values.get("tags") or "")
    status = values.get("status") or ""
    row["status"] = (_choice(status, Contact.Status.choices) if status else None) or (
        Contact.Status.TO_CONTACT)
    if status and _choice(status, Contact.Status.choices) is None:
        labels = ", ".join(str(label) for _, label in Contact.Status.choices)
        left_out("status", status, f"not one of: {labels}; “To contact” is used")
    responsiveness = values.get("responsiveness") or ""
    row["responsiveness"] = (
        _choice(responsiveness, Contact.Responsiveness.choices)
        if responsiveness else Contact.Responsiveness.UNKNOWN
    ) or Contact.Responsiveness.UNKNOWN
    changed = (values.get("status_changed_at") or "").strip()
    row["status_changed_at"] = ""
    if changed:
        moment = _moment(changed)
        if moment is not None and EARLIEST_STATUS_CHANGE <= moment <= (
            timezone.now() + datetime.timedelta(days=1)  # an export from a zone ahead
        ):
            row["status_changed_at"] = moment.isoformat()
        else:
            # A date we cannot use does not cost the person: the import date stands in.
            parsed.notes.append(
                f"{name}: the status date “{changed[:40]}” was left out (it must be a real "
                "date between 1900 and today, such as 2024-03-01), so the date of the "
                "import is used instead."
            )
    parsed.rows.append(row)


@dataclass
class Extras:
    """The emails, phones and web addresses a contact has beyond its own fields, kept as
    lines of its notes ("Other email: …") that the exports turn back into vCard
    properties and Google columns."""

    emails: list[str] = field(default_factory=list)
    phones: list[tuple[str, str]] = field(default_factory=list)  # (number, vCard type)
    websites: list[str] = field(default_factory=list)

    LINE: ClassVar[re.Pattern] = re.compile(
        r"^(Other email|Other phone(?: \((?P<type>[a-z]+)\))?|Website): (?P<value>.+)$")

    def lines(self) -> list[str]:
        return [
            *(f"Other email: {email}" for email in self.emails),
            *(f"Other phone ({kind}): {number}" if kind else f"Other phone: {number}"
              for number, kind in self.phones),
            *(f"Website: {url}" for url in self.websites),
        ]

    def describe(self) -> str:
        return ", ".join(line[0].lower() + line[1:] for line in self.lines())

    def add_to(self, notes: str) -> str:
        present = set(notes.splitlines())
        new = [line for line in self.lines() if line not in present]
        return "\n".join(filter(None, [notes, *new]))

    @classmethod
    def split_from(cls, notes: str) -> tuple[str, Extras]:
        """The notes without the extras' lines, and the extras."""
        extras, kept = cls(), []
        for line in notes.splitlines():
            match = cls.LINE.match(line)
            if not match:
                kept.append(line)
            elif match[1] == "Other email":
                extras.emails.append(match["value"])
            elif match[1] == "Website":
                extras.websites.append(match["value"])
            else:
                extras.phones.append((match["value"], match["type"] or ""))
        return "\n".join(kept).strip("\n"), extras


# ---------------------------------------------------------------------------------------
# 2. Planning: duplicates and referrers


def _label(name: str, organisation: str) -> str:
    return f"{name} ({organisation})" if organisation else name


def plan_import(owner, parsed: ParsedFile) -> ImportPlan:
    existing = list(
        Contact.objects.for_user(owner).values("id", "name", "organisation", "email", "tier")
    )
    by_email = {c["email"].casefold(): c for c in existing if c["email"]}
    by_name_org = {(normalise(c["name"]), normalise(c["organisation"])): c for c in existing}
    by_name: dict[str, list[dict]] = {}
    for c in existing:
        by_name.setdefault(normalise(c["name"]), []).append(c)

    to_create, duplicates = [], []
    seen_email: dict[str, dict] = {}
    seen_name_org: dict[tuple, dict] = {}
    for row in parsed.rows:
        email = row["email"].casefold()
        key = (normalise(row["name"]), normalise(row["organisation"]))
        match = (by_email.get(email) if email else None) or by_name_org.get(key)
        if match:
            duplicates.append(row | {"duplicate_of": _label(match["name"],
                                                             match["organisation"])})
            continue
        earlier = (seen_email.get(email) if email else None) or seen_name_org.get(key)
        if earlier:
            duplicates.append(row | {"duplicate_of": f"line {earlier['line']} of this file"})
            continue
        entry = dict(row)
        to_create.append(entry)
        if email:
            seen_email[email] = entry
        seen_name_org[key] = entry

    new_by_email = {r["email"].casefold(): i for i, r in enumerate(to_create) if r["email"]}
    new_by_name: dict[str, list[int]] = {}
    for i, r in enumerate(to_create):
        new_by_name.setdefault(normalise(r["name"]), []).append(i)

    notes = list(parsed.notes)
    # Resolve referrers: another new row (by index) or an existing contact (by id).
    for i, row in enumerate(to_create):
        row["referrer_new"], row["referrer_id"] = None, None
        email, name = row["referred_by_email"].casefold(), normalise(row["referred_by_name"])
        if not (email or name):
            continue
        if email and email in new_by_email:
            row["referrer_new"] = new_by_email[email]
        elif email and email in by_email:
            row["referrer_id"] = by_email[email]["id"]
        elif name and len(new_by_name.get(name, [])) == 1:
            row["referrer_new"] = new_by_name[name][0]
        elif name and len(by_name.get(name, [])) == 1:
            row["referrer_id"] = by_name[name][0]["id"]
        else:
            notes.append(f"{row['name']}: referrer “{row['referred_by_name']}” was not found, "
                         "so they will be added at tier 1.")
        if row["referrer_new"] == i:
            row["referrer_new"] = None

    existing_tier = {c["id"]: c for c in existing}
    tiers: dict[int, int] = {}

    def tier_of(index: int, visiting: set[int]) -> int:
        if index in tiers:
            return tiers[index]
        row = to_create[index]
        if row["referrer_new"] is not None:
            if row["referrer_new"] in visiting:  # a loop in the file: break it here
                notes.append(f"{row['name']}: the referrals in the file go round in a loop, "
                             "so they will be added without a referrer.")
                row["referrer_new"] = None
                tiers[index] = 1
                return 1
            tiers[index] = tier_of(row["referrer_new"], visiting | {index}) + 1
        elif row["referrer_id"] is not None:
            tiers[index] = existing_tier[row["referrer_id"]]["tier"] + 1
        else:
            tiers[index] = 1
        return tiers[index]

    for i, row in enumerate(to_create):
        row["tier"] = tier_of(i, {i})
    for row in to_create:
        if row["referrer_new"] is not None:
            referrer = to_create[row["referrer_new"]]
            row["referrer_label"] = referrer["name"]
        elif row["referrer_id"] is not None:
            row["referrer_label"] = existing_tier[row["referrer_id"]]["name"]
        else:
            row["referrer_label"] = ""
    return ImportPlan(to_create=to_create, duplicates=duplicates,
                      problems=parsed.problems, notes=notes)


# ---------------------------------------------------------------------------------------
# 3. Saving


@transaction.atomic
def apply_import(owner, parsed: ParsedFile) -> ImportPlan:
    """Create the plan's contacts, all or nothing. Returns the plan that was carried out."""
    _lock_owner(owner.pk)
    plan = plan_import(owner, parsed)
    now = timezone.now()
    created_pk: dict[int, int] = {}
    indexed = sorted(enumerate(plan.to_create), key=lambda pair: pair[1]["tier"])
    for tier in sorted({row["tier"] for row in plan.to_create}):
        batch = [(i, row) for i, row in indexed if row["tier"] == tier]
        contacts = Contact.objects.bulk_create(
            Contact(
                owner=owner,
                name=row["name"],
                name_prefix=row.get("name_prefix", ""),
                given_name=row.get("given_name", ""),
                middle_name=row.get("middle_name", ""),
                family_name=row.get("family_name", ""),
                name_suffix=row.get("name_suffix", ""),
                organisation=row["organisation"],
                role_title=row["role_title"],
                field=row["field"],
                email=row["email"],
                phone=row["phone"],
                phone_type=row.get("phone_type", ""),
                linkedin_url=row["linkedin_url"],
                how_we_met=row["how_we_met"],
                notes=row["notes"],
                tags=row["tags"],
                status=row["status"],
                status_changed_at=_moment(row["status_changed_at"]) or now,
                responsiveness=row["responsiveness"],
                referred_by_id=(
                    created_pk[row["referrer_new"]] if row["referrer_new"] is not None
                    else row["referrer_id"]
                ),
                tier=row["tier"],
            )
            for i, row in batch
        )
        for (i, _row), contact in zip(batch, contacts, strict=True):
            created_pk[i] = contact.pk
    return plan


def _moment(value: str) -> datetime.datetime | None:
    """`value` (ISO date or date and time) as an aware moment; None when it is no date,
    or an impossible one such as 2026-02-30."""
    if not value:
        return None
    try:
        moment = parse_datetime(value)
        if moment is None:
            day = parse_date(value)
            if day is None:
                return None
            moment = datetime.datetime.combine(day, datetime.time(12))
    except ValueError:  # well formed, but no such day, hour or UTC offset
        return None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    return moment


# ---------------------------------------------------------------------------------------
# Export

# A cell starting with one of these runs as a formula in a spreadsheet, except a phone
# number such as "+44 20 7946 0958", which must reach Google or Outlook as typed.
PHONE_NUMBER = re.compile(r"\+?[\d\s().\-/]{6,}")
# Words that start a family name ("Aoife Ní Bhriain", "Ludwig van Beethoven").
FAMILY_NAME_PARTICLES = {
    "ní", "nic", "ó", "o'", "ua", "uí", "mac", "mhic", "mc", "van", "von", "de", "del",
    "della", "der", "den", "da", "das", "dos", "di", "du", "le", "la", "ter", "ten", "bin",
    "ibn", "al", "el", "st.",
}
COMPANY_ENDING = re.compile(
    r"\b(ltd|limited|inc|llc|llp|gmbh|plc|corp|corporation|company|co|s\.?a|b\.?v|ag|"
    r"pty|srl|sarl)\.?$", re.IGNORECASE)
GOOGLE_PHONE_LABELS = {"cell": "Mobile", "work": "Work", "home": "Home", "fax": "Fax"}


def _protect(value: str) -> str:
    """Stop a spreadsheet from running a value as a formula (undone by `_unprotect`)."""
    if value.startswith(FORMULA_START) and not PHONE_NUMBER.fullmatch(value):
        return f"'{value}"
    return value


def is_company(contact: Contact) -> bool:
    """A card for an organisation rather than a person ("Acme Biotech, Ltd.")."""
    if contact.given_name or contact.family_name:
        return False
    name = contact.name.strip()
    return name.casefold() == contact.organisation.strip().casefold() or bool(
        COMPANY_ENDING.search(name))


def name_parts(contact: Contact) -> dict[str, str]:
    """Family, given, middle, prefix and suffix: the ones imported while they still fit
    the name, or else the name split before its family name (never just at the last
    space: "Aoife Ní Bhriain" has the family name "Ní Bhriain")."""
    parts = {"family": contact.family_name, "given": contact.given_name,
             "additional": contact.middle_name, "prefix": contact.name_prefix,
             "suffix": contact.name_suffix}
    words = contact.name.split()
    if (contact.given_name or contact.family_name) and all(
            part in contact.name for part in (contact.given_name, contact.family_name)):
        return parts
    parts |= {"family": "", "given": "", "additional": ""}
    if is_company(contact) or not words:
        return parts
    if len(words) == 1:
        return parts | {"given": words[0]}
    split_at = next((i for i, word in enumerate(words[1:-1], start=1)
                     if word.casefold() in FAMILY_NAME_PARTICLES), len(words) - 1)
    return parts | {"given": " ".join(words[:split_at]), "family": " ".join(words[split_at:])}


def contact_uid(contact: Contact) -> str:
    """The same for a contact in every export, so an address book updates the card."""
    domain = urlsplit(settings.SITE_URL).hostname or "debriefs.invalid"
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"https://{domain}/contacts/{contact.pk}"))


def _export_values(contact: Contact) -> dict[str, str]:
    referrer = contact.referred_by
    return {
        "name": contact.name,
        "name_prefix": contact.name_prefix,
        "given_name": contact.given_name,
        "middle_name": contact.middle_name,
        "family_name": contact.family_name,
        "name_suffix": contact.name_suffix,
        "organisation": contact.organisation,
        "role_title": contact.role_title,
        "field": contact.field,
        "email": contact.email,
        "phone": contact.phone,
        "phone_type": contact.phone_type,
        "linkedin_url": contact.linkedin_url,
        "how_we_met": contact.how_we_met,
        "tags": ", ".join(contact.tags),
        "status": contact.get_status_display(),
        "status_changed_at": timezone.localtime(contact.status_changed_at).isoformat(
            timespec="seconds"),
        "responsiveness": contact.get_responsiveness_display(),
        "referred_by_name": referrer.name if referrer else "",
        "referred_by_email": referrer.email if referrer else "",
        "tier": str(contact.tier),
        "notes": contact.notes,
    }


def export_csv(contacts, stream) -> None:
    """Write `contacts` (with `referred_by` selected) as CSV to a text stream."""
    writer = csv.writer(stream)
    writer.writerow([header for header, _ in EXPORT_COLUMNS])
    for contact in contacts:
        values = _export_values(contact)
        writer.writerow([_protect(values[key]) for _, key in EXPORT_COLUMNS])


def export_google_csv(contacts, stream) -> None:
    """Write `contacts` as CSV with the columns of a Google Contacts export, so the file
    imports into Google Contacts (and from there into phones) field by field."""
    rows = []
    for contact in contacts:
        notes, extras = Extras.split_from(contact.notes)
        emails = [e for e in [contact.email, *extras.emails] if e]
        phones = [p for p in [(contact.phone, contact.phone_type), *extras.phones] if p[0]]
        websites = [w for w in [contact.linkedin_url, *extras.websites] if w]
        rows.append((contact, notes, emails, phones, websites))
    counts = [max([len(row[i]) for row in rows] + [1]) for i in (2, 3, 4)]
    header = ["First Name", "Middle Name", "Last Name", "Name Prefix", "Name Suffix",
              "Organization Name", "Organization Title", "Notes", "Labels"]
    for title, count in zip(("E-mail", "Phone", "Website"), counts, strict=True):
        for n in range(1, count + 1):
            header += [f"{title} {n} - Label", f"{title} {n} - Value"]
    writer = csv.writer(stream)
    writer.writerow(header)
    for contact, notes, emails, phones, websites in rows:
        parts = name_parts(contact)
        cells = [parts["given"], parts["additional"], parts["family"], parts["prefix"],
                 parts["suffix"], contact.organisation, contact.role_title, notes,
                 " ::: ".join(["* myContacts", *contact.tags])]
        if is_company(contact) and not contact.organisation:
            cells[5] = contact.name
        for i, email in enumerate(emails + [""] * (counts[0] - len(emails))):
            cells += ["* Work" if i == 0 and email else "", email]
        padded_phones = phones + [("", "")] * (counts[1] - len(phones))
        for number, kind in padded_phones:
            cells += [GOOGLE_PHONE_LABELS.get(kind, "") if number else "", number]
        for url in websites + [""] * (counts[2] - len(websites)):
            label = "" if not url else "Profile" if "linkedin." in url.lower() else "Homepage"
            cells += [label, url]
        writer.writerow([_protect(cell) for cell in cells])


def export_vcards(contacts) -> str:
    """`contacts` (with `referred_by` selected) as vCard 3.0 text."""
    out = []
    for contact in contacts:
        values = _export_values(contact)
        notes, extras = Extras.split_from(contact.notes)
        card = vobject.vCard()
        card.add("uid").value = contact_uid(contact)
        card.add("fn").value = " ".join(filter(None, [contact.name_prefix, contact.name]))
        card.add("n").value = vobject.vcard.Name(**name_parts(contact))
        if is_company(contact):
            card.add("x-abshowas").value = "COMPANY"
        if contact.organisation or is_company(contact):
            card.add("org").value = [contact.organisation or contact.name]
        if contact.role_title:
            card.add("title").value = contact.role_title
        for email in filter(None, [contact.email, *extras.emails]):
            item = card.add("email")
            item.value = email
            item.type_param = "INTERNET"
        for number, kind in [(contact.phone, contact.phone_type), *extras.phones]:
            if number:
                item = card.add("tel")
                item.value = number
                if kind:
                    item.type_param = kind.upper()
        for url in filter(None, [contact.linkedin_url, *extras.websites]):
            card.add("url").value = url
        if notes:
            card.add("note").value = notes
        if contact.tags:
            card.add("categories").value = list(contact.tags)
        for key, prop in (
            ("field", "x-debriefs-field"),
            ("how_we_met", "x-debriefs-how-we-met"),
            ("status", "x-debriefs-status"),
            ("status_changed_at", "x-debriefs-status-changed"),
            ("responsiveness", "x-debriefs-responsiveness"),
            ("referred_by_name", "x-debriefs-referred-by"),
            ("referred_by_email", "x-debriefs-referred-by-email"),
        ):
            if values[key]:
                card.add(prop).value = values[key]
        out.append(card.serialize())
    return "".join(out)
