"""Import and export of contacts: CSV (ours, generic, LinkedIn's Connections.csv) and vCard.

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

Exports carry the same columns back, so re-importing an export creates no duplicates.
"""

from __future__ import annotations

import csv
import datetime
import io
import re
from dataclasses import dataclass, field

import vobject
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
]

# Header names we recognise (compared lower-case, letters and digits only).
HEADER_ALIASES = {
    "name": ["name", "fullname", "contactname", "displayname"],
    "first_name": ["firstname", "givenname", "forename"],
    "last_name": ["lastname", "surname", "familyname"],
    "organisation": ["organisation", "organization", "company", "employer", "org",
                     "companyname"],
    "role_title": ["roleortitle", "role", "title", "position", "jobtitle"],
    "field": ["fieldorindustry", "field", "industry", "sector"],
    "email": ["email", "emailaddress", "email1", "mail", "primaryemail"],
    "phone": ["phone", "phonenumber", "telephone", "mobile", "mobilephone", "tel"],
    "linkedin_url": ["linkedinurl", "linkedin", "url", "profileurl", "linkedinprofile"],
    "how_we_met": ["howwemet", "howmet", "source"],
    "connected_on": ["connectedon"],
    "tags": ["tags", "tag", "labels", "categories", "groups"],
    "status": ["status"],
    "status_changed_at": ["statuschanged", "statuschangedat"],
    "responsiveness": ["responsiveness"],
    "referred_by_name": ["referredby", "referrer"],
    "referred_by_email": ["referredbyemail", "referreremail"],
    "notes": ["notes", "note", "comments", "comment"],
}
LINKEDIN_HEADER = {"firstname", "lastname", "url", "emailaddress", "company", "position",
                   "connectedon"}
TEXT_LIMITS = {
    f.name: f.max_length
    for f in Contact._meta.get_fields()
    if getattr(f, "max_length", None) and f.name in {
        "name", "organisation", "role_title", "field", "email", "phone", "linkedin_url",
        "how_we_met",
    }
}
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

    def as_session(self) -> dict:
        return {"kind": self.kind, "filename": self.filename, "rows": self.rows,
                "problems": self.problems, "notes": self.notes}

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
            line = data[: error.start].count(b"\n") + 1
            raise UnreadableFile(
                f"This file is not UTF-8 text (an unexpected byte on line {line}). Save it "
                "with UTF-8 encoding and try again (in Excel: File > Save As > CSV UTF-8)."
            ) from None
    if "\x00" in text:
        raise UnreadableFile("This is not a text file. Choose a .csv or a .vcf file.")
    if not text.strip():
        raise UnreadableFile("This file is empty.")
    return text


def _header_key(cell: str) -> str:
    return re.sub(r"[^a-z0-9]", "", cell.lower())


def _map_header(row: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    keys = [_header_key(cell) for cell in row]
    for target, aliases in HEADER_ALIASES.items():
        for alias in aliases:
            if alias in keys and target not in columns:
                columns[target] = keys.index(alias)
                break
    return columns


def parse_csv(text: str, filename: str) -> ParsedFile:
    header_at, columns, rows = None, {}, []
    for delimiter in (",", ";", "\t"):
        rows = _read_csv(text, delimiter)
        for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
            mapped = _map_header(row)
            if "name" in mapped or ("first_name" in mapped and "last_name" in mapped):
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
    for line, row in data_rows:
        def cell(key: str, row=row) -> str:
            index = columns.get(key)
            value = row[index].strip() if index is not None and index < len(row) else ""
            return _unprotect(value)

        name = cell("name") or " ".join(filter(None, [cell("first_name"), cell("last_name")]))
        values = {key: cell(key) for key in HEADER_ALIASES if key not in {
            "name", "first_name", "last_name", "connected_on"}}
        values["name"] = name
        if kind == "linkedin":
            connected = cell("connected_on")
            values["how_we_met"] = values["how_we_met"] or (
                f"LinkedIn (connected {connected})" if connected else "LinkedIn"
            )
            values["tags"] = values["tags"] or "LinkedIn"
        _add_row(parsed, line, values)
    return parsed


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


def parse_vcards(text: str, filename: str) -> ParsedFile:
    parsed = ParsedFile(kind="vcard", filename=filename)
    try:
        cards = list(vobject.readComponents(text, ignoreUnreadable=False))
    except Exception as error:  # vobject raises ParseError and a few others
        line = getattr(error, "lineNumber", None)
        where = f" near line {line}" if line else ""
        raise UnreadableFile(
            f"This vCard file could not be read{where}. Export it again from your address "
            "book, or import a CSV file instead."
        ) from None
    cards = [c for c in cards if c.name.upper() == "VCARD"]
    if len(cards) > MAX_ROWS:
        raise UnreadableFile(
            f"This file has {len(cards):,} people; the limit is {MAX_ROWS:,} per import."
        )
    for number, card in enumerate(cards, start=1):
        _add_row(parsed, number, _vcard_values(card))
    return parsed


def _first(card, key: str) -> str:
    items = card.contents.get(key) or []
    for item in items:
        value = item.value
        if isinstance(value, list):
            value = ", ".join(str(v) for v in value if v)
        value = str(value).strip()
        if value:
            return value
    return ""


def _vcard_values(card) -> dict:
    name = _first(card, "fn")
    if not name and card.contents.get("n"):
        n = card.contents["n"][0].value
        name = " ".join(filter(None, [n.prefix, n.given, n.additional, n.family])).strip()
    organisation = ""
    if card.contents.get("org"):
        org = card.contents["org"][0].value
        organisation = (org[0] if isinstance(org, list) and org else str(org)).strip()
    urls = [str(item.value).strip() for item in card.contents.get("url", [])]
    tags = []
    for item in card.contents.get("categories", []):
        value = item.value
        tags.extend(value if isinstance(value, list) else [value])
    return {
        "name": name,
        "organisation": organisation,
        "role_title": _first(card, "title") or _first(card, "role"),
        "field": _first(card, "x-debriefs-field"),
        "email": _first(card, "email"),
        "phone": _first(card, "tel"),
        "linkedin_url": next((u for u in urls if "linkedin." in u.lower()), ""),
        "how_we_met": _first(card, "x-debriefs-how-we-met"),
        "notes": _first(card, "note"),
        "tags": ", ".join(str(t) for t in tags),
        "status": _first(card, "x-debriefs-status"),
        "status_changed_at": _first(card, "x-debriefs-status-changed"),
        "responsiveness": _first(card, "x-debriefs-responsiveness"),
        "referred_by_name": _first(card, "x-debriefs-referred-by"),
        "referred_by_email": _first(card, "x-debriefs-referred-by-email"),
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


def _add_row(parsed: ParsedFile, line: int, values: dict) -> None:
    """Validate one row; add it to `parsed.rows` or, with the reason, to `parsed.problems`."""
    name = " ".join(values.get("name", "").split())

    def problem(message: str) -> None:
        parsed.problems.append({"line": line, "name": name or "(no name)", "message": message})

    if not name:
        return problem("No name.")
    row = {"line": line, "name": name}
    for key in ("organisation", "role_title", "field", "email", "phone", "linkedin_url",
                "how_we_met", "notes", "referred_by_name", "referred_by_email"):
        row[key] = (values.get(key) or "").strip()
    for key, limit in TEXT_LIMITS.items():
        if len(row[key]) > limit:
            return problem(f"The {key.replace('_', ' ')} is longer than {limit} characters.")
    if row["email"]:
        try:
            EmailValidator()(row["email"])
        except ValidationError:
            return problem(f"{row['email']} is not a valid email address.")
    if row["linkedin_url"]:
        url = row["linkedin_url"]
        if "://" not in url:
            url = row["linkedin_url"] = f"https://{url}"
        try:
            URLValidator()(url)
        except ValidationError:
            return problem(f"{row['linkedin_url']} is not a web address.")
    row["tags"] = [tag[:50] for tag in parse_tags(values.get("tags") or "")][:20]
    status = values.get("status") or ""
    row["status"] = _choice(status, Contact.Status.choices) if status else Contact.Status.TO_CONTACT
    if row["status"] is None:
        labels = ", ".join(str(label) for _, label in Contact.Status.choices)
        return problem(f"Unknown status “{status}” (use one of: {labels}).")
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
                organisation=row["organisation"],
                role_title=row["role_title"],
                field=row["field"],
                email=row["email"],
                phone=row["phone"],
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


def _protect(value: str) -> str:
    """Stop a spreadsheet from running a value as a formula (undone by `_unprotect`)."""
    return f"'{value}" if value.startswith(FORMULA_START) else value


def _export_values(contact: Contact) -> dict[str, str]:
    referrer = contact.referred_by
    return {
        "name": contact.name,
        "organisation": contact.organisation,
        "role_title": contact.role_title,
        "field": contact.field,
        "email": contact.email,
        "phone": contact.phone,
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


def export_vcards(contacts) -> str:
    """`contacts` (with `referred_by` selected) as vCard 3.0 text."""
    out = []
    for contact in contacts:
        values = _export_values(contact)
        card = vobject.vCard()
        card.add("fn").value = contact.name
        parts = contact.name.rsplit(" ", 1)
        given, family = (parts[0], parts[1]) if len(parts) == 2 else ("", parts[0])
        card.add("n").value = vobject.vcard.Name(family=family, given=given)
        if contact.organisation:
            card.add("org").value = [contact.organisation]
        if contact.role_title:
            card.add("title").value = contact.role_title
        if contact.email:
            email = card.add("email")
            email.value = contact.email
            email.type_param = "INTERNET"
        if contact.phone:
            card.add("tel").value = contact.phone
        if contact.linkedin_url:
            card.add("url").value = contact.linkedin_url
        if contact.notes:
            card.add("note").value = contact.notes
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
