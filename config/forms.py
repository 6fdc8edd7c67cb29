"""The form renderer (FORM_RENDERER): Django's `TemplatesSetting`, with the plain widgets
(inputs, textareas, selects and their options) and the project's field group
(`as_field_group`) written in Python.

A widget rendered through its template costs a template render with an include for the
attributes (and one per option of a select): about half a millisecond each, 10–15 ms on
the debrief form. These functions write the same markup as Django's own templates
(`django/forms/widgets/*.html`), byte for byte (tests/test_form_renderer.py compares them),
and give way to the template whenever a widget holds something they do not handle, or
when the project overrides that template.
"""

from pathlib import Path

import django
from django.forms.renderers import TemplatesSetting
from django.utils.functional import Promise
from django.utils.html import escape
from django.utils.safestring import SafeData

DJANGO_WIDGETS = "django/forms/widgets/"
# Django's own copies of the templates, which these functions stand in for.
DJANGO_TEMPLATES = Path(django.__file__).parent / "forms" / "templates"


class Unhandled(Exception):
    """A value the fast path does not write like the template would: use the template."""


def _text(value) -> str:
    """`{{ value|stringformat:'s' }}` with autoescape: `"%s" % value`, escaped unless the
    value was safe (the filter is `is_safe`)."""
    if isinstance(value, tuple):
        raise Unhandled
    text = "%s" % value  # noqa: UP031 (the filter's own formatting)
    return text if isinstance(value, SafeData) else escape(text)


def _label(value) -> str:
    """`{{ value }}` with autoescape, for the strings a label holds (numbers are
    localised by the template: left to it)."""
    if isinstance(value, SafeData):
        return str(value)
    if isinstance(value, (str, Promise)):
        return escape(str(value))
    raise Unhandled


def _attrs(attrs: dict) -> str:
    """django/forms/widgets/attrs.html"""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {_label(name)}" if value is True else f' {_label(name)}="{_text(value)}"')
    return "".join(out)


def _input(widget: dict) -> str:
    """django/forms/widgets/input.html (text, email, number, hidden, checkbox…)"""
    value = widget["value"]
    shown = "" if value is None else f' value="{_text(value)}"'
    return (f'<input type="{_label(widget["type"])}" name="{_label(widget["name"])}"'
            f'{shown}{_attrs(widget["attrs"])}>')


def _textarea(widget: dict) -> str:
    """django/forms/widgets/textarea.html"""
    value = widget["value"]
    return (f'<textarea name="{_label(widget["name"])}"{_attrs(widget["attrs"])}>\n'
            f'{_label(value) if value else ""}</textarea>')


def _option(option: dict) -> str:
    """django/forms/widgets/select_option.html, with the newline that ends the file (an
    included template keeps it; the renderer strips the outer one only)."""
    if option["template_name"] != DJANGO_WIDGETS + "select_option.html":
        raise Unhandled
    return (f'<option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
            f'{_label(option["label"])}</option>\n')


def _select(widget: dict) -> str:
    """django/forms/widgets/select.html"""
    out = [f'<select name="{_label(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{_label(group_name)}">')
        out.extend(f"\n  {_option(option)}" for option in group_choices)
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


WRITERS = {
    DJANGO_WIDGETS + name: writer
    for names, writer in (
        (("input.html", "text.html", "email.html", "number.html", "password.html",
          "hidden.html", "checkbox.html", "url.html", "tel.html", "search.html",
          "date.html", "datetime.html", "time.html", "color.html"), _input),
        (("textarea.html",), _textarea),
        (("select.html",), _select),
    )
    for name in names
}


# The project's field group (templates/django/forms/field.html), which `_field_group`
# writes: `as_field_group()` on every field of a form page.
FIELD_GROUP = "django/forms/field.html"
PROJECT_FIELD_GROUP = Path(__file__).resolve().parent.parent / "templates" / FIELD_GROUP


def _field_group(field) -> str:
    """templates/django/forms/field.html, as the renderer gives it (stripped)."""
    errors = field.errors
    checkbox = field.widget_type == "checkbox"
    label = field.label
    out = [f'<div class="field{" has-error" if errors else ""}'
           f'{" checkbox-row" if checkbox else ""}" id="field-{_label(field.html_name)}">\n']
    label_tag = (f'<label for="{_label(field.id_for_label)}">{_label(label)}</label>'
                 if label else "")
    if checkbox:
        out += [str(field), label_tag]
    else:
        out.append("\n")
        if field.use_fieldset:
            out.append("<fieldset>")
            if label:
                legend_id = f' id="{_label(field.auto_id)}_legend"' if field.auto_id else ""
                out.append(f"<legend{legend_id}>{_label(label)}</legend>")
        else:
            out.append(label_tag)
        out.append(f"\n{field}\n")
        if field.use_fieldset:
            out.append("</fieldset>")
    out.append("\n")
    if errors:
        out.append(f'<ul class="errorlist" id="{_label(field.auto_id)}_error" data-announce>'
                   + "".join(f"<li>{_label(error)}</li>" for error in errors) + "</ul>")
    out.append("\n")
    if field.help_text:
        help_id = f' id="{_label(field.auto_id)}_helptext"' if field.auto_id else ""
        out.append(f'<div class="helptext"{help_id}>{field.help_text}</div>')
    out.append("\n</div>")
    return "".join(out)


class FastWidgetsRenderer(TemplatesSetting):
    """`TemplatesSetting` (our templates override Django's), with the plain widgets
    written in Python."""

    def __init__(self):
        super().__init__()
        self._djangos: dict[str, bool] = {}

    def render(self, template_name, context, request=None):
        if (template_name == FIELD_GROUP and request is None and set(context) == {"field"}
                and self._is_projects_field_group()):
            try:
                return _field_group(context["field"])
            except Unhandled:
                pass
        writer = WRITERS.get(template_name)
        if writer is not None and request is None and self._is_djangos(template_name):
            try:
                return writer(context["widget"])
            except (Unhandled, KeyError):
                pass
        return super().render(template_name, context, request)

    def _is_projects_field_group(self) -> bool:
        """Whether the field group resolves to the project's template, which
        `_field_group` writes."""
        if FIELD_GROUP not in self._djangos:
            self._djangos[FIELD_GROUP] = (
                Path(self.get_template(FIELD_GROUP).origin.name) == PROJECT_FIELD_GROUP)
        return self._djangos[FIELD_GROUP]

    def _is_djangos(self, template_name: str) -> bool:
        """Whether `template_name` (and what it includes) resolve to Django's own copies,
        which the writers match, and not to one of the project's."""
        if template_name not in self._djangos:
            self._djangos[template_name] = all(
                Path(self.get_template(name).origin.name).is_relative_to(DJANGO_TEMPLATES)
                for name in (template_name, DJANGO_WIDGETS + "attrs.html",
                             DJANGO_WIDGETS + "input.html",
                             DJANGO_WIDGETS + "select_option.html")
            )
        return self._djangos[template_name]
