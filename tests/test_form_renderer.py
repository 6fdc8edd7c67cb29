"""The form renderer writes the plain widgets in Python (config/forms.py): the markup must
be the one Django's templates give, byte for byte."""

import re

import pytest
from django import forms
from django.forms.renderers import TemplatesSetting
from django.urls import reverse
from django.utils.safestring import mark_safe

from config.forms import FastWidgetsRenderer
from contacts.models import Contact
from tests.factories import ContactFactory, MeetingFactory

TEMPLATES = "django.forms.renderers.TemplatesSetting"


class EveryWidget(forms.Form):
    name = forms.CharField(max_length=20, help_text="Help")
    email = forms.EmailField(required=False)
    count = forms.IntegerField(required=False, min_value=0)
    notes = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    agreed = forms.BooleanField(required=False)
    day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(choices=[("a", "A & B"), ("<b>", "Bold <b>"), (3, "Three")])
    grouped = forms.ChoiceField(required=False, choices=[
        ("", "---------"),
        ("Group <1>", [("x", "X"), ("y", "Y")]),
        ("z", "Zed"),
    ])
    many = forms.MultipleChoiceField(required=False, choices=[("1", "One"), ("2", "Two")])
    flagged = forms.CharField(required=False, widget=forms.TextInput(
        attrs={"data-on": True, "data-off": False, "aria-label": 'Say "hi" & <go>'}))


VALUES = [
    {},
    {"name": 'O\'Brien & "Sons" <x>', "email": "a@b.example", "count": "7",
     "notes": "Line one\n<script>alert(1)</script> & more", "secret": "s&s", "agreed": "on",
     "day": "2026-11-28", "kind": "<b>", "grouped": "y", "many": ["1", "2"],
     "flagged": "é ü"},
    {"name": "", "count": "not a number", "kind": "nope", "grouped": "z", "notes": ""},
]


def rendered(form_class, data, renderer) -> list[str]:
    form = form_class(data or None, renderer=renderer)
    return [str(field.as_widget()) for field in form]


@pytest.mark.parametrize("data", VALUES)
def test_each_plain_widget_is_written_as_its_template_writes_it(data):
    fast = rendered(EveryWidget, data, FastWidgetsRenderer())
    assert fast == rendered(EveryWidget, data, TemplatesSetting())


def test_a_safe_value_is_written_unescaped_like_the_template_does():
    widget = forms.TextInput()
    value = mark_safe("<b>kept</b>")
    assert (widget.render("x", value, renderer=FastWidgetsRenderer())
            == widget.render("x", value, renderer=TemplatesSetting()))


def test_a_widget_the_writers_do_not_know_goes_through_its_template():
    widget = forms.RadioSelect(choices=[("a", "A"), ("b", "B")])
    assert (widget.render("r", "b", renderer=FastWidgetsRenderer())
            == widget.render("r", "b", renderer=TemplatesSetting()))


def test_a_project_override_of_a_widget_template_is_respected(settings, tmp_path):
    override = tmp_path / "django" / "forms" / "widgets"
    override.mkdir(parents=True)
    (override / "textarea.html").write_text("<textarea-of-ours>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0],
                           "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    assert forms.Textarea().render("t", "", renderer=FastWidgetsRenderer()) == (
        "<textarea-of-ours>")


class EveryFieldGroup(EveryWidget):
    choice = forms.ChoiceField(widget=forms.RadioSelect, choices=[("a", "A"), ("b", "B & C")],
                               help_text=mark_safe("<em>Safe</em> help"))
    ticks = forms.MultipleChoiceField(widget=forms.CheckboxSelectMultiple, required=False,
                                      choices=[("1", "One"), ("2", "Two")])
    unlabelled = forms.CharField(label="", required=False)
    marked = forms.CharField(label=mark_safe("<b>Bold</b> label"), required=False)
    must_tick = forms.BooleanField(help_text="Tick <this>", label="I agree & so on")


def field_groups(data, renderer, **options) -> list[str]:
    form = EveryFieldGroup(data or None, renderer=renderer, **options)
    return [str(field.as_field_group()) for field in form]


@pytest.mark.parametrize("data", VALUES)
@pytest.mark.parametrize("options", [{}, {"auto_id": False}, {"prefix": "p<1>"}])
def test_each_field_group_is_written_as_the_project_s_template_writes_it(data, options):
    fast = field_groups(data, FastWidgetsRenderer(), **options)
    assert fast == field_groups(data, TemplatesSetting(), **options)


def _page(client, url) -> str:
    """The page without what changes on every request (CSRF tokens, CSP nonces, the
    token that makes a double submit create one row)."""
    html = client.get(url).content.decode()
    html = re.sub(r'submission_token" value="[^"]*"', "", html)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
    html = re.sub(r'"X-CSRFToken": "[^"]*"', "", html)
    return re.sub(r'nonce="[^"]*"', "", html)


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["contact_create", "contact_edit", "meeting_create",
                                  "debrief_edit", "follow_up_create"])
def test_the_app_s_form_pages_are_the_same_with_either_renderer(client, alice, settings,
                                                                page):
    anna = ContactFactory(owner=alice, name="Anna & <Co>", status=Contact.Status.MET)
    ContactFactory(owner=alice, name="Ben", referred_by=anna)
    meeting = MeetingFactory(owner=alice, contact=anna)
    url = {
        "contact_create": reverse("contacts:create"),
        "contact_edit": reverse("contacts:edit", args=[anna.pk]),
        "meeting_create": reverse("debriefs:meeting_create"),
        "debrief_edit": reverse("debriefs:debrief_edit", args=[meeting.pk]),
        "follow_up_create": reverse("debriefs:follow_up_create"),
    }[page]
    client.force_login(alice)
    fast = _page(client, url)
    settings.FORM_RENDERER = TEMPLATES
    templated = _page(client, url)
    assert fast.splitlines() == templated.splitlines()


def test_the_field_group_is_written_without_its_template(monkeypatch):
    through_templates = []
    render = TemplatesSetting.render

    def recording(self, template_name, *args, **kwargs):
        through_templates.append(template_name)
        return render(self, template_name, *args, **kwargs)

    monkeypatch.setattr(TemplatesSetting, "render", recording)
    field_groups(VALUES[1], FastWidgetsRenderer())
    assert "django/forms/field.html" not in through_templates
