from django import forms

from contacts.forms import QuickSelect


class PickerForm(forms.Form):
    person = forms.ChoiceField(
        choices=[("", "Nobody"), ("1", "Ann <Lee> & Co"), ("2", "Bo")],
        widget=QuickSelect,
        help_text="Who referred them.",
    )


def test_quick_select_renders_the_same_options_as_djangos_select():
    html = str(PickerForm(initial={"person": "2"})["person"])
    assert html.startswith('<select name="person"')
    assert 'aria-describedby="id_person_helptext"' in html
    assert '<option value="">Nobody</option>' in html
    assert '<option value="2" selected>Bo</option>' in html


def test_quick_select_escapes_labels():
    html = str(PickerForm()["person"])
    assert "Ann &lt;Lee&gt; &amp; Co" in html
    assert "<Lee>" not in html


def test_quick_select_marks_an_invalid_choice_for_screen_readers():
    form = PickerForm({"person": "9"})
    assert not form.is_valid()
    assert 'aria-invalid="true"' in str(form["person"])
