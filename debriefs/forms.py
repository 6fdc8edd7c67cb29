import uuid
from functools import cached_property

from django import forms
from django.utils import timezone

from accounts.forms import OneLineInputs
from contacts.models import Contact
from contacts.pickers import ContactPickerField, PickerForm

from .models import CoreCompetency, Debrief, FollowUp, Meeting, Package, StumpSpeechVersion
from .suggestions.debrief_rules import FIELDS_READ

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"
# A date outside these years is a typo, and near year 9999 date arithmetic overflows
# (the calendar feed adds an hour to a meeting's start).
SANE_YEARS = range(1900, 2201)


class SegmentedRadio(forms.RadioSelect):
    """Yes / no / unsure as a row of buttons rather than a drop-down."""

    template_name = "debriefs/widgets/segmented.html"


def _without_blank(choices):
    return [(value, label) for value, label in choices if value != ""]


class MeetingForm(PickerForm, OneLineInputs, forms.ModelForm):
    contact = ContactPickerField(queryset=Contact.objects.none(), label="Who you are meeting",
                                 empty_label="Choose the person")
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Meeting
        fields = ["contact", "starts_at", "kind", "medium", "location", "status"]
        widgets = {
            "starts_at": forms.DateTimeInput(attrs={"type": "datetime-local"},
                                             format=DATETIME_FORMAT),
            "kind": SegmentedRadio,
            "medium": SegmentedRadio,
            "status": SegmentedRadio,
        }
        help_texts = {
            "status": "Planned until it happens; held once it has (then write the debrief).",
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["contact"].queryset = ContactPickerField.choices_for(user)
        self.fields["starts_at"].input_formats = [DATETIME_FORMAT, "%Y-%m-%d %H:%M"]
        if self.instance.pk is None:
            self.fields["submission_token"].initial = uuid.uuid4()
        else:
            del self.fields["submission_token"]

    def clean_starts_at(self):
        starts_at = self.cleaned_data["starts_at"]
        if starts_at.year not in SANE_YEARS:
            raise forms.ValidationError(
                f"Check the year: a meeting date is between {SANE_YEARS[0]} and "
                f"{SANE_YEARS[-1]}."
            )
        return starts_at

    def clean(self):
        cleaned = super().clean()
        starts_at, status = cleaned.get("starts_at"), cleaned.get("status")
        if starts_at and status == Meeting.Status.HELD and starts_at > timezone.now():
            self.add_error(
                "status", "This meeting is still ahead: keep it planned until it has happened."
            )
        return cleaned

    def save(self, commit=True):
        meeting = super().save(commit=False)
        meeting.owner = self.user
        if "contact" in self.changed_data or meeting.pk is None:
            meeting.contact_tier = meeting.contact.tier
        if commit:
            meeting.save()
            meeting.sync_contact_status()
        return meeting


class SpeechVersionField(forms.ModelChoiceField):
    def label_from_instance(self, version):
        return (f"{timezone.localtime(version.saved_at):%-d %b %Y, %H:%M} · "
                f"{version.word_count} words")


class DebriefForm(forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    stump_speech_version = SpeechVersionField(
        queryset=StumpSpeechVersion.objects.none(), required=False,
        label="Stump speech you used", empty_label="Not recorded",
        help_text="Each version you saved in your Package, newest first.",
    )
    questions_asked = forms.MultipleChoiceField(
        label="Questions you asked", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="From the question bank in your Package.",
    )
    job_hinted = forms.TypedChoiceField(
        label="Was a job hinted at?",
        choices=[(True, "Yes"), (False, "No")],
        coerce=lambda value: value in (True, "True"),
        empty_value=None,
        required=False,
        widget=SegmentedRadio,
    )

    class Meta:
        model = Debrief
        fields = [
            "notes", "stump_speech_delivered", "branch", "questions_led_by", "job_hinted",
            "wants_job", "stump_speech_version", "industry_questions", "learnt", "impression",
            "referral_names", "thank_you_sent_on", "introduction_by_referrer", "is_private",
        ]
        labels = {
            "notes": "In a few lines: what happened?",
            "stump_speech_delivered": "Did you deliver your stump speech?",
            "branch": "What followed it?",
            "questions_led_by": "Who asked most of the questions?",
            "wants_job": "Do you want that job?",
            "industry_questions": "Industry questions you asked",
            "learnt": "What did you learn?",
            "impression": "The impression you think you left",
            "referral_names": "Names you were given",
            "thank_you_sent_on": "Thank-you note sent on",
            "introduction_by_referrer": "They will make the introductions themselves",
            "is_private": "Keep this debrief private from my coach",
        }
        help_texts = {
            "stump_speech_delivered": "Your answer to “Tell me about yourself”: who you are, "
            "what you have done, what you want to do, how they can help you.",
            "industry_questions": "Any not in your question bank, one per line.",
            "wants_job": "Unsure is a fine answer: the suggestions take it into account.",
            "thank_you_sent_on": "Leave empty until you have sent it.",
            "is_private": "Your coach will not see it or its suggestions.",
        }
        widgets = {
            "notes": forms.Textarea(attrs={"rows": 3}),
            "stump_speech_delivered": SegmentedRadio,
            "branch": SegmentedRadio,
            "questions_led_by": SegmentedRadio,
            "wants_job": SegmentedRadio,
            "impression": SegmentedRadio,
            "industry_questions": forms.Textarea(attrs={"rows": 3}),
            "learnt": forms.Textarea(attrs={"rows": 3}),
            "referral_names": forms.Textarea(attrs={"rows": 2}),
            "thank_you_sent_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and "version" in self.fields:
            self.fields["version"].initial = self.instance.version
        if "stump_speech_version" in self.fields:
            # By owner id: the debrief was loaded through its owner's queryset, and loading
            # the owner again would cost a query on every use of the form.
            self.fields["stump_speech_version"].queryset = StumpSpeechVersion.objects.filter(
                owner_id=self.instance.owner_id
            )
        if "questions_asked" in self.fields:
            # Loaded only when the field is rendered or validated, not for every use.
            self.fields["questions_asked"].choices = lambda: self.question_choices
            self.fields["questions_asked"].initial = lambda: self.saved_questions

    @cached_property
    def saved_questions(self) -> list[str]:
        if not self.instance.pk:
            return []
        return [row.question for row in self.instance.questions_asked.all()]

    @cached_property
    def question_choices(self) -> list[tuple[str, str]]:
        """The question bank as it is now, and any question ticked before that has left
        the bank since, so saving again loses nothing."""
        package = Package.objects.filter(owner_id=self.instance.owner_id).first()
        questions = (package.question_list if package else []) + self.saved_questions
        seen, choices = set(), []
        for question in questions:
            if question.casefold() not in seen:
                seen.add(question.casefold())
                choices.append((question, question))
        return choices

    def clean_thank_you_sent_on(self):
        sent_on = self.cleaned_data.get("thank_you_sent_on")
        if sent_on and sent_on > timezone.localdate():
            raise forms.ValidationError("That date is in the future: fill it in once sent.")
        meeting = self.instance.meeting
        if sent_on and sent_on < timezone.localdate(meeting.starts_at):
            raise forms.ValidationError("That is before the meeting took place.")
        return sent_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("job_hinted") is not True:
            # The "do you want it" answer only means something when a job was hinted at.
            cleaned["wants_job"] = ""
        return cleaned


class SuggestionInputsForm(DebriefForm):
    """Only the debrief form's fields the suggestions read (`FIELDS_READ`, checked against
    the rules by tests/debriefs/test_live_panel_fields.py), with the same checks: the live
    panel's preview parses and checks those alone, on each pause."""

    version = None
    questions_asked = None
    stump_speech_version = None

    class Meta(DebriefForm.Meta):
        fields = list(FIELDS_READ)


# The answers shown as segmented radios have no blank choice (none ticked is the blank).
# Set once on the classes: every form copies its fields, and autosave and the live panel
# make one on each pause in typing.
for _form in (DebriefForm, SuggestionInputsForm):
    for _name in ["stump_speech_delivered", "branch", "questions_led_by", "wants_job",
                  "impression"]:
        if _name in _form.base_fields:
            _form.base_fields[_name].choices = _without_blank(_form.base_fields[_name].choices)


class CompetencyForm(OneLineInputs, forms.Form):
    name = forms.CharField(label="Competency", max_length=200, required=False)
    gave_example = forms.BooleanField(label="with an example", required=False)


def competency_formset(data=None, debrief=None):
    """Rows for the competencies cited: the saved ones plus a few empty ones."""
    initial = []
    if data is None and debrief is not None and debrief.pk:
        initial = [{"name": c.name, "gave_example": c.gave_example}
                   for c in debrief.competencies.all()]
    extra = max(2, 3 - len(initial))
    formset_class = forms.formset_factory(CompetencyForm, extra=extra, max_num=30)
    return formset_class(data, initial=initial, prefix="competency")


def cited_competencies(formset) -> list[tuple[str, bool]]:
    """The filled rows of a bound competency formset, as (name, gave_example)."""
    rows = []
    for form in formset.forms:
        if form.is_valid() and form.cleaned_data.get("name", "").strip():
            rows.append((form.cleaned_data["name"].strip(), form.cleaned_data["gave_example"]))
    return rows


class ReferralForm(OneLineInputs, forms.ModelForm):
    """A referral given at the meeting, added as a contact at the next tier."""

    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contact
        fields = ["name", "organisation", "email"]
        labels = {"email": "Email"}

    def __init__(self, *args, meeting, **kwargs):
        kwargs.setdefault("prefix", "referral")
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        for field in self.fields.values():
            field.widget.attrs["form"] = "referral-form"
        self.fields["email"].required = False
        self.fields["submission_token"].initial = uuid.uuid4()

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        already = Contact.objects.for_user(self.meeting.owner).filter(
            referred_in=self.meeting, name__iexact=name
        )
        if already.exists():
            raise forms.ValidationError(f"{name} is already a referral from this meeting.")
        return name

    def already_added(self) -> Contact | None:
        """The referral this very form (its submission token) already added, if any."""
        token = self.data.get(self.add_prefix("submission_token"), "")
        return Contact.objects.for_user(self.meeting.owner).submitted_with(token)

    def save(self, commit=True):
        """Add the referral, once per submission token (a double submit returns the
        contact the first one added)."""
        contact = super().save(commit=False)
        contact.owner = self.meeting.owner
        contact.referred_in = self.meeting
        contact.submission_token = self.cleaned_data.get("submission_token")
        return contact.add_once(self.meeting.contact)


class FollowUpForm(PickerForm, OneLineInputs, forms.ModelForm):
    contact = ContactPickerField(queryset=Contact.objects.none(), required=False,
                                 label="For a contact (optional)", empty_label="No contact")
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = FollowUp
        fields = ["title", "due_on", "contact"]
        labels = {"title": "What to do", "due_on": "Due on"}
        widgets = {"due_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, user, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.meeting = user, meeting
        self.fields["contact"].queryset = ContactPickerField.choices_for(user)
        if not self.is_bound and not self.initial.get("due_on"):
            self.initial["due_on"] = timezone.localdate()
        self.fields["submission_token"].initial = uuid.uuid4()

    def save(self, commit=True):
        """Add the follow-up, once per submission token."""
        follow_up = super().save(commit=False)
        follow_up.owner = self.user
        follow_up.submission_token = self.cleaned_data.get("submission_token")
        if self.meeting is not None:
            follow_up.meeting = self.meeting
            follow_up.contact = follow_up.contact or self.meeting.contact
        if commit:
            follow_up = follow_up.save_once()
        return follow_up


# ---------------------------------------------------------------------------------------
# The Package: stump speech, core competencies, question bank
# ---------------------------------------------------------------------------------------


class PackageForm(forms.ModelForm):
    class Meta:
        model = Package
        fields = ["who_i_am", "what_i_have_done", "what_i_want_to_do", "how_you_can_help_me",
                  "how_i_can_help_you", "industry_questions"]
        widgets = {name: forms.Textarea(attrs={"rows": 3}) for name in fields}
        widgets["industry_questions"] = forms.Textarea(attrs={"rows": 6})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, purpose in Package.STUMP_SPEECH_PARTS:
            self.fields[name].help_text = purpose
        self.fields["how_i_can_help_you"].label = "How I can help you (held in reserve)"
        self.fields["what_i_have_done"].widget.attrs["rows"] = 4

    def clean(self):
        cleaned = super().clean()
        for name, value in cleaned.items():
            if isinstance(value, str):
                cleaned[name] = value.strip()
        return cleaned


class CoreCompetencyForm(OneLineInputs, forms.ModelForm):
    class Meta:
        model = CoreCompetency
        fields = ["name", "example"]
        widgets = {"example": forms.Textarea(attrs={"rows": 2})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False  # an empty row is simply left out
        self.fields["example"].help_text = ""  # said once, above the rows

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("example", "").strip() and not cleaned.get("name", "").strip():
            self.add_error("name", "Name the competency this story shows.")
        return cleaned


class BaseCoreCompetencyFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        names = set()
        for form in self.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            name = form.cleaned_data.get("name", "").strip().lower()
            if name and name in names:
                form.add_error("name", "This competency is already in your list.")
            names.add(name)


def core_competency_formset(data=None, package=None):
    """The saved competencies plus two empty rows; tick "remove" to delete one."""
    formset_class = forms.inlineformset_factory(
        Package, CoreCompetency, form=CoreCompetencyForm, formset=BaseCoreCompetencyFormSet,
        extra=2, max_num=20, can_delete=True,
    )
    return formset_class(data, instance=package, prefix="competency")


class CommentForm(OneLineInputs, forms.Form):
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False,
                                       initial=uuid.uuid4)
    body = forms.CharField(
        label="Your comment",
        max_length=4000,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Write something before posting.",
            "max_length": "Keep a comment under %(limit_value)d characters (this one has "
            "%(show_value)d).",
        },
    )


class AccountDeleteForm(forms.Form):
    """Deleting an account asks for the password again: a borrowed, signed-in laptop is
    not enough to erase someone's record."""

    password = forms.CharField(
        label="Your password",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_password(self):
        password = self.cleaned_data["password"]
        if not self.user.check_password(password):
            raise forms.ValidationError(
                "That password is not right: type the one you log in with."
            )
        return password
