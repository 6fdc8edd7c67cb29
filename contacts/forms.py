import json
import re
import uuid

from django import forms
from django.urls import reverse
from django.utils import timezone

from accounts.forms import OneLineInputs

from .models import Contact
from .pickers import ContactPickerField, HeldMeetingPickerField, PickerForm
from .text import normalise, parse_tags

MAX_TAGS = 20
MAX_TAG_LENGTH = 50
PHONE_CHARACTERS = re.compile(r"^[0-9+()./\- ]+$")

# Fields checked on blur (HTMX) as well as on submit.
LIVE_FIELDS = ("name", "organisation", "email", "phone", "linkedin_url", "referred_by",
               "referred_in", "tags")


class ContactForm(PickerForm, OneLineInputs, forms.ModelForm):
    """Create or edit a contact. The tier is never typed: it follows from `referred_by`."""

    referred_by = ContactPickerField(
        queryset=Contact.objects.none(),
        required=False,
        label="Referred by",
        empty_label="Nobody: someone I already know (tier 1)",
        help_text="Who gave you this person's name. Their tier is one more than the referrer's.",
    )
    referred_in = HeldMeetingPickerField(
        queryset=Contact._meta.get_field("referred_in").related_model.objects.none(),
        required=False,
        label="Name given at the meeting",
        empty_label="Not at a logged meeting",
        help_text="Counts towards your referrals per meeting.",
    )
    tags = forms.CharField(
        required=False,
        help_text="Separate with commas, for example: pharma, medical affairs.",
    )
    # Adding: one contact however often the form is sent. Editing: the version the form
    # was opened at, so a stale tab cannot overwrite a newer save.
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    class Meta:
        model = Contact
        fields = [
            "name", "organisation", "role_title", "field", "email", "phone", "linkedin_url",
            "referred_by", "referred_in", "how_we_met", "status", "responsiveness", "tags",
            "notes",
        ]
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 5}),
            "how_we_met": forms.TextInput(
                attrs={"placeholder": "e.g. medical school, a conference, LinkedIn"}
            ),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
        }
        help_texts = {
            "status": "Where this person is in your outreach.",
        }
        labels = {"how_we_met": "How you met"}
        error_messages = {"name": {"required": "Give the person's name."}}

    def __init__(self, *args, owner, live_validation: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.owner = owner
        self.owner = owner
        contacts = ContactPickerField.choices_for(owner)
        if self.instance.pk:
            contacts = contacts.exclude(pk=self.instance.pk)
            self.fields["referred_by"].excluded_pk = self.instance.pk
        self.fields["referred_by"].queryset = contacts
        self.fields["referred_in"].queryset = HeldMeetingPickerField.choices_for(owner)
        if self.instance.pk and not self.is_bound:
            self.initial["tags"] = ", ".join(self.instance.tags)
        if self.instance.pk:
            del self.fields["submission_token"]
            if not self.is_bound:
                self.initial["version"] = self.instance.version
        else:
            del self.fields["version"]
            self.fields["submission_token"].initial = uuid.uuid4()
        self.fields["name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs["autocomplete"] = "off"
        if live_validation:
            self._add_live_validation()

    def _add_live_validation(self) -> None:
        url = reverse("contacts:validate")
        if self.instance.pk:
            url += f"?contact={self.instance.pk}"
        for name in LIVE_FIELDS:
            widget = self.fields[name].widget
            widget.attrs.update({
                "hx-post": url,
                # The browser's own change event (on leaving a text field whose value the
                # person changed): htmx's "blur changed" compares against a value it records
                # after a swap, so a quick edit right after an error could go unchecked.
                "hx-trigger": "change",
                "hx-target": f"#field-{name}",
                "hx-swap": "outerHTML",
                "hx-include": "closest form",
                "hx-vals": json.dumps({"_field": name}),
            })

    def clean_name(self) -> str:
        name = " ".join(self.cleaned_data["name"].split())
        if not name:
            raise forms.ValidationError("Give the person's name.")
        return name

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip()
        if email:
            same = (
                Contact.objects.for_user(self.owner)
                .filter(email__iexact=email)
                .exclude(pk=self.instance.pk)
                .first()
            )
            if same:
                raise forms.ValidationError(
                    f"{same.name} already has this email address in your contacts."
                )
        return email

    def clean_phone(self) -> str:
        phone = self.cleaned_data["phone"].strip()
        if phone and (
            not PHONE_CHARACTERS.match(phone) or sum(ch.isdigit() for ch in phone) < 6
        ):
            raise forms.ValidationError(
                "Use digits, spaces and + ( ) - only, for example +44 20 7946 0958."
            )
        return phone

    def clean_linkedin_url(self) -> str:
        url = self.cleaned_data["linkedin_url"]
        if url and "linkedin." not in url.lower():
            raise forms.ValidationError(
                "This is not a LinkedIn address (it should look like "
                "https://www.linkedin.com/in/their-name)."
            )
        return url

    def clean_tags(self) -> list[str]:
        tags = parse_tags(self.cleaned_data["tags"])
        if len(tags) > MAX_TAGS:
            raise forms.ValidationError(f"Use at most {MAX_TAGS} tags.")
        too_long = [tag for tag in tags if len(tag) > MAX_TAG_LENGTH]
        if too_long:
            raise forms.ValidationError(
                f"Keep each tag under {MAX_TAG_LENGTH} characters ({too_long[0][:20]}… is "
                "too long)."
            )
        return tags

    def clean(self):
        cleaned = super().clean()
        name, organisation = cleaned.get("name"), cleaned.get("organisation", "")
        if name:
            same = [
                c for c in Contact.objects.for_user(self.owner)
                .filter(name__iexact=name)
                .exclude(pk=self.instance.pk)
                if normalise(c.organisation) == normalise(organisation or "")
            ]
            if same:
                where = f" at {same[0].organisation}" if same[0].organisation else ""
                self.add_error(
                    "name", f"You already have a contact called {same[0].name}{where}."
                )
        referrer = cleaned.get("referred_by")
        if referrer is not None and "referred_by" not in self.errors:
            self.instance.name = name or self.instance.name
            try:
                self.instance.check_referrer(referrer)
            except forms.ValidationError as error:
                self.add_error(None, error)
        meeting = cleaned.get("referred_in")
        if meeting is not None and meeting.contact_id != getattr(referrer, "pk", None):
            who = referrer.name if referrer else "nobody"
            self.add_error(
                "referred_in",
                f"That was a meeting with {meeting.contact.name}, but the referrer is {who}. "
                "Pick a meeting with the person who referred them.",
            )
        return cleaned

    def save(self, commit: bool = True) -> Contact:
        """Add the contact (once per submission token: a double submit returns the
        contact the first one added). An edit is saved by the view through
        `Contact.save_if_current` with `commit=False`."""
        contact = super().save(commit=False)
        if self.instance.pk and "status" in self.changed_data:
            contact.status_changed_at = timezone.now()
        if not commit:
            return contact
        referrer = self.cleaned_data.get("referred_by")
        if contact.pk is None:
            contact.submission_token = self.cleaned_data.get("submission_token")
            return contact.add_once(referrer)
        contact.set_referrer(referrer)
        return contact


class StatusForm(forms.Form):
    status = forms.ChoiceField(choices=Contact.Status.choices)


class DeleteForm(forms.Form):
    HAND_OVER, TIER_ONE = "hand_over", "tier_one"
    referrals = forms.ChoiceField(
        choices=[(HAND_OVER, "hand over"), (TIER_ONE, "tier one")],
        required=False,
        widget=forms.RadioSelect,
    )


class ContactFilterForm(OneLineInputs, forms.Form):
    """The list's search, filters and sort, read from the query string."""

    SORTS = {
        "name": ("Name", ("name", "pk")),
        "relevance": ("Best match", None),
        "recent": ("Recently updated", ("-updated_at", "pk")),
        "tier": ("Tier", ("tier", "name", "pk")),
        "waiting": ("Waiting longest", ("status_changed_at", "pk")),
        "organisation": ("Organisation", ("organisation", "name", "pk")),
    }

    q = forms.CharField(
        required=False,
        max_length=200,
        label="Search",
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": "Name, organisation, notes…",
                   "autocomplete": "off"}
        ),
    )
    tier = forms.TypedChoiceField(required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(
        required=False, choices=[("", "Any status"), *Contact.Status.choices]
    )
    tag = forms.ChoiceField(required=False)
    sort = forms.ChoiceField(required=False, choices=[(k, v[0]) for k, v in SORTS.items()])

    def __init__(self, data=None, *args, tiers: list[int], tags: list[str], **kwargs):
        if data is not None and data.get("q", "").strip() and not data.get("sort"):
            data = data.copy()
            data["sort"] = "relevance"  # a search is sorted by best match unless told
        super().__init__(data, *args, **kwargs)
        self.fields["tier"].choices = [("", "Any tier")] + [(t, f"Tier {t}") for t in tiers]
        self.fields["tag"].choices = [("", "Any tag")] + [(t, t) for t in tags]

    def filter(self, contacts):
        """Apply the valid filters to `contacts` (invalid values are simply ignored)."""
        if self.is_bound:
            self.is_valid()
        data = getattr(self, "cleaned_data", {})
        query = (data.get("q") or "").strip()
        if query:
            contacts = contacts.search(query)
        if data.get("tier"):
            contacts = contacts.in_tier(data["tier"])
        if data.get("status"):
            contacts = contacts.filter(status=data["status"])
        if data.get("tag"):
            contacts = contacts.with_tag(data["tag"])
        sort = data.get("sort") or ("relevance" if query else "name")
        if sort == "relevance":
            ordering = ("-rank", "name", "pk") if query else ("name", "pk")
        else:
            ordering = self.SORTS[sort][1]
        return contacts.order_by(*ordering)

    @property
    def sorted_by_rank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return bool((data.get("q") or "").strip()) and data.get("sort") in ("", None, "relevance")

    @property
    def is_filtered(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return any(data.get(name) for name in ("q", "tier", "status", "tag"))


class ImportForm(forms.Form):
    file = forms.FileField(
        label="File to import",
        help_text="A CSV file (ours, a spreadsheet with name and email columns, or LinkedIn's "
        "Connections.csv) or a vCard file (.vcf). Up to 2 MB and 5,000 people.",
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.vcf,.vcard,text/csv,text/vcard"}),
    )

    def clean_file(self):
        from .transfer import UnreadableFile, parse_upload

        upload = self.cleaned_data["file"]
        try:
            self.parsed = parse_upload(upload)
        except UnreadableFile as error:
            raise forms.ValidationError(str(error)) from None
        return upload
