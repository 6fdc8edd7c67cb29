import datetime
import io
import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, Prefetch
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, trigger_client_event

from accounts.permissions import client_required
from config.page_cache import cached_page

from .forms import (
    LIVE_FIELDS,
    ContactFilterForm,
    ContactForm,
    DeleteForm,
    ImportForm,
    StatusForm,
)
from .models import Contact, ContactTally, TagTally
from .outreach import NO_REPLY_SECOND_PERSON_BUSINESS_DAYS, business_days_between
from .pickers import PICKERS, SEARCH_SUFFIX, search_text
from .transfer import (
    ParsedFile,
    apply_import,
    export_csv,
    export_google_csv,
    export_vcards,
    plan_import,
)
from .tree import layout_referral_tree

PAGE_SIZE = 25
# What a row of the list (contacts.templatetags.contact_rows) reads.
ROW_FIELDS = ("name", "role_title", "organisation", "tags", "tier", "status",
              "status_changed_at", "referred_by")
SEARCH_CAP = 500  # matches counted and ranked by a search; beyond, sorted by name
# Shown side by side with the typed input when an edit meets a newer save.
CONFLICT_FIELDS = ("name", "organisation", "role_title", "field", "email", "phone",
                   "linkedin_url", "how_we_met", "status", "responsiveness", "tags", "notes")
COLUMN_LIMIT = 12  # people listed per tier column on the board before "N more"
TREE_ROOT_LIMIT = 20  # tier-1 people who referred someone, drawn before "open a branch"
TREE_BRANCH_LIMIT = 12  # people drawn under each person on the opened path
IMPORT_SESSION_KEY = "contacts_import"
# On the board, the people who need something from the client come first in each column.
BOARD_STATUS_ORDER = [
    Contact.Status.FOLLOW_UP_DUE,
    Contact.Status.REACHED_OUT,
    Contact.Status.MEETING_SCHEDULED,
    Contact.Status.TO_CONTACT,
    Contact.Status.MET,
    Contact.Status.DORMANT,
]


def _contact(request: HttpRequest, pk: int) -> Contact:
    return get_object_or_404(
        Contact.objects.for_user(request.user).select_related("referred_by"), pk=pk
    )


# ---------------------------------------------------------------------------------------
# List


@client_required
@require_GET
@cached_page
def contact_list(request: HttpRequest) -> HttpResponse:
    contacts = Contact.objects.for_user(request.user)
    tier_counts: dict[int, int] = {}
    for row in ContactTally.counts_of(request.user):
        tier_counts[row["tier"]] = tier_counts.get(row["tier"], 0) + row["count"]
    total = sum(tier_counts.values())
    form = ContactFilterForm(
        request.GET, tiers=sorted(tier_counts), tags=TagTally.tags_of(request.user),
    )
    results = form.filter(
        contacts.select_related("referred_by").only(*ROW_FIELDS, "referred_by__name")
    )
    paginator = Paginator(results, PAGE_SIZE)
    broad = False
    if not form.is_filtered:
        paginator.count = total  # known already: no second COUNT of the whole network
    else:
        # Counted up to a cap: ranking (and counting) a third of a large network costs in
        # proportion to it. A broader search shows its first SEARCH_CAP matches by name
        # (unless another sort was chosen) and asks for another word.
        found = results.order_by().values("pk")[:SEARCH_CAP + 1].count()
        broad = found > SEARCH_CAP
        if broad and form.sorted_by_rank:
            # The referrers of the page's rows only: joined before the sort, PostgreSQL
            # would join every match.
            results = results.select_related(None).only(*ROW_FIELDS).prefetch_related(
                Prefetch("referred_by", queryset=Contact.objects.only("name"))
            )
            paginator = Paginator(results.order_by("name", "pk"), PAGE_SIZE)
        paginator.count = min(found, SEARCH_CAP)
    page = paginator.get_page(request.GET.get("page"))
    today = timezone.localdate()
    for contact in page.object_list:
        contact.waited = contact.waiting_business_days(today)
    context = {
        "form": form,
        "page": page,
        "total": total,
        "broad": broad,
        "search_cap": SEARCH_CAP,
        "query_string": _query_string(request, exclude="page"),
        "second_person_days": NO_REPLY_SECOND_PERSON_BUSINESS_DAYS,
    }
    if request.htmx and not request.htmx.history_restore_request:
        html = render_to_string("contacts/list.html#results", context, request=request)
        html += render_to_string("contacts/list.html#count", context | {"oob": True},
                                 request=request)
        if form["sort"].value() != request.GET.get("sort"):
            # Typing a search switched the sort to best match: show it in the form too.
            form.fields["sort"].widget.attrs["hx-swap-oob"] = "true"
            html += str(form["sort"])
        response = HttpResponse(html)
        # The address bar shows only the filters in use: /contacts/?q=med, not ?q=med&tier=…
        clean = _query_string(request, exclude="")
        response["HX-Push-Url"] = reverse("contacts:list") + (f"?{clean}" if clean else "")
        return response
    return render(request, "contacts/list.html", context)


def _query_string(request: HttpRequest, exclude: str) -> str:
    params = request.GET.copy()
    params.pop(exclude, None)
    for key in [k for k, v in params.items() if not v]:
        params.pop(key)
    return params.urlencode()


# ---------------------------------------------------------------------------------------
# Detail and status


@client_required
@cached_page
def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)  # before the method check: someone else's is a 404
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    chain = contact.referral_chain()
    context = {
        "contact": contact,
        "chain_from_tier_one": list(reversed(chain)),
        "referrals": list(contact.referrals.order_by("name")),
        "meetings": list(contact.meetings.select_related("debrief").order_by("-starts_at")),
        "status_form": StatusForm(initial={"status": contact.status}),
        "statuses": Contact.Status.choices,
        "waited": contact.waiting_business_days(),
        "no_reply_stage": contact.no_reply_stage(),
    }
    return render(request, "contacts/detail.html", context)


@client_required
def contact_status(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)  # before the method check: someone else's is a 404
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = StatusForm(request.POST)
    if form.is_valid():
        contact.set_status(form.cleaned_data["status"])
        message = f"Status: {contact.get_status_display()}."
    else:
        message = "Choose one of the statuses."
    if request.htmx:
        response = render(request, "contacts/detail.html#status", {
            "contact": contact, "statuses": Contact.Status.choices, "status_message": message,
            "waited": contact.waiting_business_days(),
            "no_reply_stage": contact.no_reply_stage(),
        })
        return trigger_client_event(response, "contactStatusChanged", {"id": contact.pk})
    if form.is_valid():
        messages.success(request, f"{contact.name}: {message}")
    else:
        messages.error(request, message)
    return redirect("contacts:detail", pk=contact.pk)


# ---------------------------------------------------------------------------------------
# Create, edit, field validation, referrer picker


@client_required
@require_http_methods(["GET", "POST"])
@cached_page
def contact_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    referrer_pk = request.GET.get("referred_by", "")
    if referrer_pk.isdecimal():
        referrer = Contact.objects.for_user(request.user).filter(pk=referrer_pk).first()
        if referrer:
            initial["referred_by"] = referrer
    form = ContactForm(request.POST or None, owner=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            contact = form.save()
        except ValidationError as error:
            return _referrer_refused(request, form, error, contact=None)
        messages.success(request, f"{contact.name} added at tier {contact.tier}.")
        return _redirect(request, reverse("contacts:detail", args=[contact.pk]))
    if request.method == "POST":
        # The same form sent again after the first one added the contact fails the
        # duplicate check: it is that contact, already added.
        added = Contact.objects.for_user(request.user).submitted_with(
            request.POST.get("submission_token", "")
        )
        if added:
            return _redirect(request, reverse("contacts:detail", args=[added.pk]))
    return render(request, "contacts/form.html", {"form": form, "contact": None})


@client_required
def contact_edit(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)  # before the method check: someone else's is a 404
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    old_tier = contact.tier
    form = ContactForm(request.POST or None, instance=contact, owner=request.user)
    if request.method == "POST" and form.is_valid():
        edited = form.save(commit=False)
        try:
            saved = edited.save_if_current(form.cleaned_data["version"],
                                           referrer=form.cleaned_data.get("referred_by"))
        except ValidationError as error:
            return _referrer_refused(request, form, error, contact=contact)
        if saved:
            moved = f" Now at tier {edited.tier}." if edited.tier != old_tier else ""
            messages.success(request, f"{edited.name} saved.{moved}")
            return _redirect(request, reverse("contacts:detail", args=[edited.pk]))
        return _edit_conflict(request, pk)
    return render(request, "contacts/form.html", {"form": form, "contact": contact})


def _referrer_refused(request: HttpRequest, form: ContactForm, error: ValidationError,
                      contact: Contact | None) -> HttpResponse:
    """The referrer passed the form's check, but another request changed the referrals
    before this save (it would now close a loop, or the referrer was deleted): nothing was
    saved, and the form comes back with the reason on "Referred by"."""
    form.add_error(None, error)
    response = render(request, "contacts/form.html", {"form": form, "contact": contact},
                      status=200 if request.htmx else 422)
    if request.htmx:  # 200: htmx swaps only successful responses
        response["HX-Retarget"], response["HX-Reswap"] = "body", "outerHTML"
    return response


def _edit_conflict(request: HttpRequest, pk: int) -> HttpResponse:
    """Someone saved the contact since this form was opened (another tab, a status change):
    show what is saved now beside the typed input and overwrite nothing. Saving again from
    this page keeps the typed input."""
    current = _contact(request, pk)
    saved = ContactForm(instance=current, owner=request.user, live_validation=False)
    saved_texts = {name: saved[name].value() for name in CONFLICT_FIELDS}
    data = request.POST.copy()
    data["version"] = current.version
    form = ContactForm(data, instance=current, owner=request.user)
    form.is_valid()  # shows the typed input with any errors (and fills `current` with it)
    conflict = {
        "updated_at": current.updated_at,
        "texts": [
            (saved[name].label, _shown(saved, name, saved_texts[name]))
            for name in CONFLICT_FIELDS
            if _text(form[name].value()) != _text(saved_texts[name])
        ],
    }
    return render(request, "contacts/form.html",
                  {"form": form, "contact": current, "conflict": conflict}, status=409)


def _text(value) -> str:
    return str(value or "").replace("\r\n", "\n").strip()


def _shown(form: ContactForm, name: str, value) -> str:
    """A field's value as the form shows it (a choice's label, not its code)."""
    value = _text(value)
    choices = getattr(form.fields[name], "choices", None)
    if choices is not None:
        return str(dict((str(key), label) for key, label in choices).get(value, value))
    return value or "(empty)"


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    return HttpResponseClientRedirect(url) if request.htmx else redirect(url)


@client_required
@require_POST
def validate_field(request: HttpRequest) -> HttpResponse:
    """One field of the contact form, checked on blur: its group, with any error."""
    name = request.POST.get("_field", "")
    if name not in LIVE_FIELDS:
        raise Http404("No such field.")
    instance = None
    contact_pk = request.GET.get("contact", "")
    if contact_pk:
        if not contact_pk.isdecimal():
            raise Http404("No such contact.")
        instance = _contact(request, int(contact_pk))
    form = ContactForm(request.POST, instance=instance, owner=request.user)
    form.is_valid()
    return HttpResponse(form[name].as_field_group())


@client_required
@require_GET
def picker_options(request: HttpRequest, kind: str) -> HttpResponse:
    """The matches of a picker's search box, as the options of its listbox (htmx; the
    plain-POST search is `PickerForm`). `exclude` leaves out the contact being edited."""
    if kind not in PICKERS:
        raise Http404("No such picker.")
    field_class = PICKERS[kind]
    field = field_class(queryset=field_class.choices_for(request.user))
    exclude = request.GET.get("exclude", "")
    if exclude.isdecimal():
        field.queryset = field.queryset.exclude(pk=exclude)
    # The box sends its own name (`<field>_search`), the same as in a plain POST.
    key = next((key for key in request.GET if key.endswith(SEARCH_SUFFIX)), "q")
    query = search_text(request.GET, key)
    matches, more = field.search(query)
    return render(request, "contacts/widgets/picker.html#options", {
        "options": [(obj.pk, field.label_from_instance(obj)) for obj in matches],
        "selected": request.GET.get("selected", ""),
        "query": query,
        "more": more,
    })


# ---------------------------------------------------------------------------------------
# Delete


@client_required
def contact_delete(request: HttpRequest, pk: int) -> HttpResponse:
    contact = _contact(request, pk)  # before the method check: someone else's is a 404
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    referrals = list(contact.referrals.order_by("name"))
    form = DeleteForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        hand_over = form.cleaned_data["referrals"] != DeleteForm.TIER_ONE
        name = contact.name
        kept = contact.delete_keeping_referrals(hand_over_to_referrer=hand_over)
        note = f" The {kept} people they referred are still in your contacts." if kept else ""
        messages.success(request, f"{name} deleted.{note}")
        return _redirect(request, reverse("contacts:list"))
    below = Contact.objects.descendant_ids(contact)
    meetings = list(contact.meetings.select_related("debrief").order_by("-starts_at"))
    return render(request, "contacts/delete.html", {
        "contact": contact,
        "form": form,
        "referrals": referrals,
        "further_down": len(below) - len(referrals),
        "meetings": meetings,
        "debrief_count": sum(1 for m in meetings if hasattr(m, "debrief")),
    })


# ---------------------------------------------------------------------------------------
# Tiers board


def tiers_board_context(owner, contacts=None, open_pk: int | None = None) -> dict:
    """Everything `contacts/partials/_tiers_board.html` needs, for any owner, in 3 queries
    whatever the size of the network: what the board shows, never everyone.

    1. One aggregate per tier: the counts of each column and status, the headline figures
       and how many people are in referral chains.
    2. The key path (tier 1 down to the deepest person) and the path to the opened person
       (`open_pk`, from `?open=`), one recursive query up the referrers.
    3. The rows drawn, in one UNION: the first people of each column, the tier-1 people
       who referred someone, the people on those paths and the people each of them
       referred (the branch opened), each with how many people they referred.

    The coach's read-only view of a client's board uses it too (with `read_only=True`),
    passing `contacts`: the owner's contacts narrowed to what the coach may see.
    """
    status_labels = dict(Contact.Status.choices)
    if contacts is None:
        # The owner's own board: the counts by tier and status are kept by triggers.
        contacts = Contact.objects.for_user(owner)
        grouped = ContactTally.objects.filter(owner=owner, count__gt=0).values(
            "tier", "status", "count")
    else:
        # A coach's view of part of the network: counted by tier and status over an index.
        grouped = contacts.order_by().values("tier", "status").annotate(count=Count("pk"))
    contacts = contacts.order_by()
    held_meetings = Contact.held_meetings_of(owner).order_by()
    # Compiled once: the statements below are written around them.
    compiled = _sql(contacts.values(*_BOARD_FIELDS, "status_changed_at", "referred_in_id"))
    counts = _counts(_sql(grouped.order_by()), compiled, _sql(held_meetings.values("pk")))
    by_tier: dict[int, dict] = {}
    for row in counts:
        tier = by_tier.setdefault(row["tier"], {"count": 0})
        tier["count"] += row["count"]
        tier[f"status_{row['status']}"] = row["count"]
    figures = counts[0] if counts else {
        "waiting": 0, "roots_with_referrals": 0, "at_meetings": 0, "held": held_meetings.count()
    }
    highest = max(by_tier, default=0)
    key_chain, open_chain = _chains(contacts, open_pk) if counts else ([], [])
    rows = _board_rows(compiled, by_tier, key_chain, open_chain or key_chain) if counts else []

    columns = []
    for tier in range(1, highest + 1):
        row = by_tier.get(tier, {})
        people = sorted(
            (p for p in rows if p["part"] == "column" and p["tier"] == tier),
            key=lambda p: (BOARD_STATUS_ORDER.index(p["status"]), p["name"].casefold(),
                           p["id"]),
        )
        for person in people:
            person["status_label"] = status_labels.get(person["status"], person["status"])
        count = row.get("count", 0)
        columns.append({
            "tier": tier,
            "tier_class": f"tier-{min(tier, 5)}",
            "count": count,
            "statuses": [
                {"status": s, "label": status_labels[s], "count": row[f"status_{s}"]}
                for s in BOARD_STATUS_ORDER if row.get(f"status_{s}")
            ],
            "people": people,
            "more": max(count - len(people), 0),
        })

    drawn = {p["id"]: p for p in rows if p["part"] == "tree"}
    for person in drawn.values():
        person["status_label"] = status_labels.get(person["status"], person["status"])
    tree = layout_referral_tree(list(drawn.values()),
                                key_id=key_chain[0] if key_chain else None)
    # What the drawing leaves out, counted by the aggregate rather than by loading it.
    roots_with_referrals = figures["roots_with_referrals"]
    in_chains = sum(r["count"] for t, r in by_tier.items() if t > 1) + roots_with_referrals
    tree.unconnected = by_tier.get(1, {}).get("count", 0) - roots_with_referrals
    tree.hidden = max(in_chains - tree.shown, 0)

    held, referrals_at_meetings = figures["held"], figures["at_meetings"]
    return {
        "board_owner": owner,
        "figures": {
            "contacts": sum(r["count"] for r in by_tier.values()),
            "highest_tier": highest,
            "held": held,
            "referrals_at_meetings": referrals_at_meetings,
            "referrals_per_meeting": referrals_at_meetings / held if held else None,
            "to_contact": sum(r.get(f"status_{Contact.Status.TO_CONTACT}", 0)
                              for r in by_tier.values()),
            "waiting_reply": figures["waiting"],
        },
        "columns": columns,
        "tree": tree,
        "opened": open_chain[0] if open_chain else None,
    }


def _sql(queryset) -> tuple[str, list]:
    """The SQL of `queryset` and its parameters, to write a statement around."""
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _counts(grouped: tuple, contacts: tuple, held: tuple) -> list[dict]:
    """The rows of `grouped` (tier, status, count), each with the figures the grouping
    cannot give: subqueries PostgreSQL runs once for the statement. Each argument is a
    compiled queryset (`_sql`); `contacts` has the fields the figures filter on.

    Written around them in SQL: the same four subqueries as ORM expressions cost several
    times more to build and compile than PostgreSQL takes to run them."""
    (grouped_sql, grouped_params), (base, base_params), (held_sql, held_params) = (
        grouped, contacts, held)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            SELECT g.tier, g.status, g."count",
              (SELECT count(*) FROM ({base}) c
               WHERE c.status = %s AND c.status_changed_at < %s),
              (SELECT count(DISTINCT c.referred_by_id) FROM ({base}) c WHERE c.tier = 2),
              (SELECT count(*) FROM ({base}) c WHERE c.referred_in_id IN ({held_sql})),
              (SELECT count(*) FROM ({held_sql}) m)
            FROM ({grouped_sql}) g
            """,
            [*base_params, Contact.Status.REACHED_OUT.value, _no_reply_before(),
             *base_params, *base_params, *held_params, *held_params, *grouped_params],
        )
        names = ("tier", "status", "count", "waiting", "roots_with_referrals", "at_meetings",
                 "held")
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _no_reply_before() -> datetime.datetime:
    """The moment before which an outreach has waited the 3 business days of "write to a
    second person" (the same rule as `Contact.waiting_business_days`, as a bound the
    database can compare with)."""
    today = timezone.localdate()
    day = today
    while business_days_between(day, today) < NO_REPLY_SECOND_PERSON_BUSINESS_DAYS:
        day -= datetime.timedelta(days=1)
    return timezone.make_aware(datetime.datetime.combine(day + datetime.timedelta(days=1),
                                                         datetime.time.min))


def _chains(contacts, open_pk: int | None) -> tuple[list[int], list[int]]:
    """The ids from the deepest person (and from the opened one) up to tier 1, nearest
    first, in one recursive query. Anyone a coach may see has referrers they may see too
    (a person learnt privately hides their whole branch), so the walk up needs no filter."""
    table = Contact._meta.db_table
    anchors = {"key": contacts.order_by("-tier", "name", "pk").values("pk")[:1]}
    if open_pk is not None:
        anchors["open"] = contacts.filter(pk=open_pk).values("pk")
    starts, params = [], []
    for mark, queryset in anchors.items():
        sql, query_params = queryset.query.sql_with_params()
        starts.append(f"SELECT id, referred_by_id, %s, 0, ARRAY[id] FROM {table} "
                      f"WHERE id IN ({sql})")
        params += [mark, *query_params]
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
            WITH RECURSIVE chain(id, referred_by_id, mark, up, path) AS (
                {" UNION ALL ".join(starts)}
              UNION ALL
                SELECT c.id, c.referred_by_id, chain.mark, chain.up + 1, chain.path || c.id
                FROM {table} c JOIN chain ON c.id = chain.referred_by_id
                WHERE NOT c.id = ANY(chain.path)
            )
            SELECT mark, id FROM chain ORDER BY mark, up
            """,
            params,
        )
        found = cursor.fetchall()
    return ([pk for mark, pk in found if mark == "key"],
            [pk for mark, pk in found if mark == "open"])


_BOARD_FIELDS = ("id", "name", "organisation", "role_title", "tier", "status",
                 "referred_by_id")


def _board_rows(contacts: tuple, by_tier: dict, key_chain: list[int],
                opened: list[int]) -> list:
    """Every row the board shows, in one UNION of four small parts (each served by an
    index): the first people of each column (per tier and status, in the column's order),
    the tier-1 people who referred someone, the people on the paths, and the people each
    person on the opened path referred; `part` "column" or "tree", and for the tree how
    many people each referred.

    Written in SQL around `contacts` (compiled, `_sql`): the same dozen LIMITed parts as ORM
    querysets cost several times more to build and compile than to run. The columns and
    the branches are one `LATERAL` part each, over the (tier, status) pairs and the
    referrers, so the statement stays the same size whatever the network's depth."""
    base, base_params = contacts
    columns = ", ".join(f"c.{field}" for field in _BOARD_FIELDS)
    referrals = f"(SELECT count(*) FROM ({base}) r WHERE r.referred_by_id = c.id)"
    parts, params = [], []

    wanted = []  # (tier, status, how many): the column's order, whom to act on first
    for tier, row in by_tier.items():
        left = COLUMN_LIMIT
        for status in BOARD_STATUS_ORDER:
            take = min(row.get(f"status_{status}", 0), left)
            if take:
                wanted.append((tier, status.value, take))
            left -= take
    if wanted:
        parts.append(
            f"SELECT {columns}, 'column', 0 FROM "
            f"(VALUES {', '.join(['(%s::integer, %s::text, %s::integer)'] * len(wanted))})"
            f" AS wanted(tier, status, take) CROSS JOIN LATERAL ("
            f"SELECT * FROM ({base}) c WHERE c.tier = wanted.tier"
            f" AND c.status = wanted.status ORDER BY lower(c.name), c.id LIMIT wanted.take) c"
        )
        params += [value for want in wanted for value in want] + base_params
    # `OFFSET 0` keeps the EXISTS a probe per person, walked in name order until enough
    # are found; as a semi-join, PostgreSQL hashed every referral of a coach's client first
    # (37 ms instead of 0.3 at 20,000 contacts).
    parts.append(
        f"SELECT {columns}, 'tree', {referrals} FROM ("
        f"SELECT * FROM ({base}) c WHERE c.tier = 1"
        f" AND EXISTS (SELECT 1 FROM ({base}) r WHERE r.referred_by_id = c.id OFFSET 0)"
        f" ORDER BY c.name, c.id LIMIT %s) c"
    )
    params += base_params + base_params + base_params + [TREE_ROOT_LIMIT]
    on_paths = sorted(set(key_chain) | set(opened))
    if on_paths:
        parts.append(f"SELECT {columns}, 'tree', {referrals} FROM ({base}) c"
                     f" WHERE c.id = ANY(%s::bigint[])")
        params += base_params + base_params + [on_paths]
    if opened:
        parts.append(
            f"SELECT {columns}, 'tree', {referrals} FROM unnest(%s::bigint[])"
            f" AS referrer(id) CROSS JOIN LATERAL ("
            f"SELECT * FROM ({base}) c WHERE c.referred_by_id = referrer.id"
            f" ORDER BY c.name, c.id LIMIT %s) c"
        )
        params += base_params + [list(opened)] + base_params + [TREE_BRANCH_LIMIT]
    names = (*_BOARD_FIELDS, "part", "referral_count")
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


@client_required
@require_GET
@cached_page
def tiers(request: HttpRequest) -> HttpResponse:
    opened = request.GET.get("open", "")
    context = tiers_board_context(
        request.user, open_pk=int(opened) if opened.isdecimal() and len(opened) < 19 else None
    ) | {"read_only": False}
    if request.htmx and not request.htmx.history_restore_request:
        return render(request, "contacts/partials/_tiers_board.html#tree", context)
    return render(request, "contacts/tiers.html", context)


# ---------------------------------------------------------------------------------------
# Import and export


@client_required
@require_http_methods(["GET", "POST"])
def contact_import(request: HttpRequest) -> HttpResponse:
    """Upload a file (POST with a file) and see the preview; nothing is saved yet."""
    is_post = request.method == "POST"
    form = ImportForm(request.POST if is_post else None, request.FILES if is_post else None)
    if request.method == "POST" and form.is_valid():
        token = uuid.uuid4().hex
        request.session[IMPORT_SESSION_KEY] = {"token": token} | form.parsed.as_session()
        plan = plan_import(request.user, form.parsed)
        return render(request, "contacts/import_preview.html", {
            "parsed": form.parsed, "plan": plan, "token": token,
        })
    return render(request, "contacts/import.html", {"form": form})


@client_required
@require_POST
def contact_import_confirm(request: HttpRequest) -> HttpResponse:
    stored = request.session.get(IMPORT_SESSION_KEY)
    if not stored or stored.get("token") != request.POST.get("token"):
        messages.error(
            request, "That import preview has expired or was replaced. Choose the file again."
        )
        return redirect("contacts:import")
    parsed = ParsedFile.from_session({k: v for k, v in stored.items() if k != "token"})
    plan = apply_import(request.user, parsed)
    del request.session[IMPORT_SESSION_KEY]
    created = len(plan.to_create)
    skipped = len(plan.duplicates) + len(plan.problems)
    messages.success(
        request,
        f"Imported {created} contact{'s' if created != 1 else ''} from {parsed.filename}."
        + (f" {skipped} skipped (duplicates or problems)." if skipped else ""),
    )
    return redirect("contacts:list")


def _exported_contacts(request: HttpRequest):
    return Contact.objects.for_user(request.user).select_related("referred_by").order_by(
        "tier", "name", "pk")


def _attachment(content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content_type=content_type)
    filename = f"contacts-{timezone.localdate():%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@client_required
@require_GET
def contact_export_csv(request: HttpRequest) -> HttpResponse:
    response = _attachment("text/csv; charset=utf-8", "csv")
    stream = io.StringIO()
    stream.write("\ufeff")  # so spreadsheet programs read the file as UTF-8
    export_csv(_exported_contacts(request), stream)
    response.write(stream.getvalue())
    return response


@client_required
@require_GET
def contact_export_google_csv(request: HttpRequest) -> HttpResponse:
    """Google Contacts' own columns, to move the network into Google (and phones)."""
    response = _attachment("text/csv; charset=utf-8", "csv")
    response["Content-Disposition"] = response["Content-Disposition"].replace(
        "contacts-", "google-contacts-")
    stream = io.StringIO()
    export_google_csv(_exported_contacts(request), stream)
    response.write(stream.getvalue())
    return response


@client_required
@require_GET
def contact_export_vcard(request: HttpRequest) -> HttpResponse:
    response = _attachment("text/vcard; charset=utf-8", "vcf")
    response.write(export_vcards(_exported_contacts(request)))
    return response
