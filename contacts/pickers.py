"""Pickers: choose one of your contacts (or held meetings) without the page listing them all.

A picker is a `<select>` holding only the current choice, and a search box beside it.

- With JavaScript (`static/js/picker.js`) the box is a combobox: htmx asks
  `contacts:picker` for the matches as you type, arrows and Enter or a click select one,
  Escape closes the list, and the choice is written into the `<select>`.
- Without it, the box's "Search" button posts the form (`PickerForm`): it comes back
  unsaved, without errors, with at most `PICKER_LIMIT` matches in the `<select>`.

Either way the form field checks the posted id against the user's own objects only.
"""

from django import forms
from django.db.models import Q, QuerySet
from django.forms.utils import ErrorDict
from django.urls import reverse
from django.utils import timezone

from accounts.forms import one_line

from .models import Contact

PICKER_LIMIT = 20
SEARCH_BUTTON = "_pick"  # the name of every picker's "Search" button
SEARCH_SUFFIX = "_search"  # a picker's search box is named after its field, plus this
MAX_QUERY_LENGTH = 100


class PickerWidget(forms.Select):
    """The `<select>` with only the current choice (and a plain-POST search's matches), the
    search box and the listbox the combobox fills."""

    template_name = "contacts/widgets/picker.html"

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.search_text = ""  # set by PickerForm on a plain-POST search
        self.matches, self.more = [], False

    def optgroups(self, name, value, attrs=None):
        """Only the empty choice, the current one and any matches: never every object."""
        field = self.choices.field
        current = next((v for v in value if v), "")
        rows = [("", field.empty_label)] if field.empty_label is not None else []
        chosen = field.chosen(current)
        if chosen is not None:
            rows.append((str(chosen.pk), field.label_from_instance(chosen)))
        # Kept for get_context (its status line): Select.get_context calls this first.
        if self.search_text:
            self.matches, self.more = field.search(self.search_text)
        rows += [(str(obj.pk), field.label_from_instance(obj)) for obj in self.matches
                 if chosen is None or obj.pk != chosen.pk]
        return [
            (None, [self.create_option(name, key, label, key == current, index, attrs=attrs)],
             index)
            for index, (key, label) in enumerate(rows)
        ]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        field = self.choices.field
        if self.matches:
            context["widget"]["attrs"]["autofocus"] = True  # the matches are in the list
        select_id = context["widget"]["attrs"].get("id") or f"id_{name}"
        context["picker"] = {
            "search_name": f"{name}{SEARCH_SUFFIX}",
            "search_id": f"{select_id}{SEARCH_SUFFIX}",
            "listbox_id": f"{select_id}_listbox",
            "status_id": f"{select_id}_status",
            "search_label": field.search_label,
            "matches_label": field.matches_label,
            "placeholder": field.search_placeholder,
            # With JavaScript the box shows the choice, and emptied means the empty choice.
            "empty_label": "" if field.required else field.empty_label,
            "describedby": context["widget"]["attrs"].get("aria-describedby", ""),
            "url": field.options_url(),
            "query": self.search_text,
            "found": len(self.matches),
            "more": self.more,
        }
        return context


class PickerField(forms.ModelChoiceField):
    """A ModelChoiceField whose widget is a picker. Subclasses say which objects a user can
    pick (`choices_for`), how a search narrows them (`matching`) and how each reads."""

    widget = PickerWidget
    kind = ""  # the `kind` of the `contacts:picker` URL
    search_label = "Search"
    matches_label = "Matches"
    search_placeholder = "Type a name"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.excluded_pk = None  # left out of the search URL's matches too (a contact itself)

    @classmethod
    def choices_for(cls, user) -> QuerySet:
        raise NotImplementedError

    @staticmethod
    def matching(queryset: QuerySet, query: str) -> QuerySet:
        raise NotImplementedError

    def chosen(self, value: str):
        """The object `value` names among the user's own, or None (another user's id is
        simply not shown: the form's validation says it is not a valid choice)."""
        if not str(value).isdecimal():
            return None
        return self.queryset.filter(pk=value).first()

    def search(self, query: str) -> tuple[list, bool]:
        """The first PICKER_LIMIT matches, and whether more match."""
        found = list(self.matching(self.queryset, query)[:PICKER_LIMIT + 1])
        return found[:PICKER_LIMIT], len(found) > PICKER_LIMIT

    def options_url(self) -> str:
        url = reverse("contacts:picker", args=[self.kind])
        return f"{url}?exclude={self.excluded_pk}" if self.excluded_pk else url


class ContactPickerField(PickerField):
    kind = "contacts"
    search_label = "Search your contacts"
    matches_label = "Matching contacts"
    search_placeholder = "Type a name or organisation"

    @classmethod
    def choices_for(cls, user) -> QuerySet:
        return Contact.objects.for_user(user).order_by("name", "pk")

    @staticmethod
    def matching(queryset: QuerySet, query: str) -> QuerySet:
        return queryset.named_like(query)

    def label_from_instance(self, contact: Contact) -> str:
        where = f" · {contact.organisation}" if contact.organisation else ""
        return f"{contact.name}{where} (tier {contact.tier})"


class HeldMeetingPickerField(PickerField):
    kind = "meetings"
    search_label = "Search your meetings"
    matches_label = "Matching meetings"
    search_placeholder = "Type the name of the person you met"

    @classmethod
    def choices_for(cls, user) -> QuerySet:
        return (Contact.held_meetings_of(user).select_related("contact")
                .order_by("-starts_at", "-pk"))

    @staticmethod
    def matching(queryset: QuerySet, query: str) -> QuerySet:
        for word in query.split()[:8]:
            queryset = queryset.filter(Q(contact__name__icontains=word)
                                       | Q(contact__organisation__icontains=word))
        return queryset

    def label_from_instance(self, meeting) -> str:
        return f"{meeting.contact.name}, {timezone.localtime(meeting.starts_at):%d %b %Y}"


PICKERS: dict[str, type[PickerField]] = {
    field.kind: field for field in (ContactPickerField, HeldMeetingPickerField)
}


def search_text(data, key: str) -> str:
    """The text typed in a picker's search box (sent as `key`), as one short line."""
    return one_line(str(data.get(key, "")))[:MAX_QUERY_LENGTH]


class PickerForm:
    """Form mixin for forms with pickers: their plain-POST search.

    The "Search" button (named SEARCH_BUTTON; pressing Enter in a text box sends it too, as
    the form's first button) searches every picker whose box holds text. Such a post is
    not a submission: `is_valid()` is False and nothing is shown as an error, so the form
    comes back as typed, with the matches in each picker's `<select>`. With every box
    empty, it is an ordinary submission.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.is_picker_search = False
        if not self.is_bound or SEARCH_BUTTON not in self.data:
            return
        for name, field in self.fields.items():
            if isinstance(field, PickerField):
                text = search_text(self.data, self.add_prefix(name) + SEARCH_SUFFIX)
                if text:
                    field.widget.search_text = text
                    self.is_picker_search = True

    def full_clean(self):
        if self.is_picker_search:
            self._errors, self.cleaned_data = ErrorDict(), {}
            return
        super().full_clean()

    def is_valid(self) -> bool:
        return not self.is_picker_search and super().is_valid()
