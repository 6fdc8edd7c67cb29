"""What a coach sees of their clients' work, as figures computed in SQL.

Accounts (users, roles, coach links) know nothing of meetings or debriefs; the figures a
coach reads about each client are built here, on top of any queryset of clients.
"""

import datetime

from django.db.models import (
    Count,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.db.models.query import ModelIterable
from django.template.defaultfilters import date as date_filter
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from config.rows import pk_url
from contacts.models import Contact

from .models import ClientReviewTally, Debrief, Meeting


def learnt_privately() -> RawSQL:
    """The ids of the contacts a coach must not see: everyone whose name was given at a
    meeting whose debrief is private, and everyone referred on from them (their whole
    branch of the tree), since each was learnt through that private meeting.

    A subquery for `.exclude(pk__in=learnt_privately())`; private debriefs are few, so
    PostgreSQL computes it once per query, not once per row.
    """
    contact, debrief = Contact._meta.db_table, Debrief._meta.db_table
    return RawSQL(
        f"""
        WITH RECURSIVE hidden(id) AS (
            SELECT named.id FROM {contact} named
            JOIN {debrief} private ON private.meeting_id = named.referred_in_id
            WHERE private.is_private
          UNION
            SELECT below.id FROM {contact} below JOIN hidden ON below.referred_by_id = hidden.id
        )
        SELECT id FROM hidden
        """,
        [],
    )


def contacts_visible_to_coach(client) -> QuerySet:
    """The client's contacts as their coach may see them (the read-only tiers board)."""
    return Contact.objects.for_user(client).exclude(pk__in=learnt_privately())


def with_coaching_figures(clients: QuerySet, now: datetime.datetime | None = None,
                          month_ago: datetime.datetime | None = None) -> QuerySet:
    """Each client with the figures their coach sees, one correlated subquery each: for
    the clients a page shows (`ranked_clients` orders the whole list).

    What a coach may not see is left out of every figure: private debriefs, drafts,
    the meetings whose debrief is private and everyone learnt through them.
    """
    now = now or timezone.now()
    month_ago = month_ago or now - datetime.timedelta(days=30)

    def total(queryset, expression):
        grouped = queryset.order_by().values("owner").annotate(total=expression)
        return Coalesce(Subquery(grouped.values("total")[:1]), 0)

    # Held meetings less the few held privately: an index-only count of
    # `(owner, status, starts_at)` and a walk of the private debriefs' partial index,
    # instead of a probe of the debrief of every meeting held.
    def held_count(**since):
        held = Meeting.objects.filter(owner=OuterRef("pk"), status=Meeting.Status.HELD,
                                      **{f"starts_at__{k}": v for k, v in since.items()})
        private = Debrief.objects.filter(
            owner=OuterRef("pk"), is_private=True, meeting__status=Meeting.Status.HELD,
            **{f"meeting__starts_at__{k}": v for k, v in since.items()})
        return total(held, Count("pk")) - total(private, Count("pk"))

    # Referrals read from the client's held meetings, each probing the contacts'
    # `referred_in` index: far fewer rows than all the client's contacts.
    named_at = (
        Contact.objects.filter(referred_in=OuterRef("pk")).exclude(pk__in=learnt_privately())
        .order_by().values("referred_in").annotate(n=Count("pk")).values("n")
    )
    referrals = Meeting.objects.filter(owner=OuterRef("pk"), status=Meeting.Status.HELD) \
        .annotate(named=Subquery(named_at))
    # Waiting for review: the counts the triggers keep.
    tally = ClientReviewTally.objects.filter(client=OuterRef("pk"))
    highest_tier = (
        Contact.objects.filter(owner=OuterRef("pk")).exclude(pk__in=learnt_privately())
        .order_by("-tier").values("tier")[:1]
    )
    figures = clients.annotate(
        meetings_last_30_days=held_count(gte=month_ago, lte=now),
        meetings_held=held_count(),
        referrals_obtained=total(referrals, Sum("named")),
        highest_tier=Coalesce(Subquery(highest_tier), 0),
        awaiting_review=Coalesce(Subquery(tally.values("awaiting")), 0),
        open_flags=Coalesce(Subquery(tally.values("open_flags")), 0),
    )
    # `referrals_per_meeting` is set on each client as it is read: in SQL, the division
    # would repeat both figures' subqueries.
    figures._iterable_class = _WithReferralRate
    return figures


def set_referral_rate(client) -> None:
    """`referrals_per_meeting` from the figures read (None without a meeting held)."""
    held = client.meetings_held
    client.referrals_per_meeting = client.referrals_obtained / held if held else None


class _WithReferralRate(ModelIterable):
    """Clients with `referrals_per_meeting` (`set_referral_rate`)."""

    def __iter__(self):
        for client in super().__iter__():
            set_referral_rate(client)
            yield client


def ranked_clients(coach, clients: QuerySet | None = None) -> QuerySet:
    """The ids of the coach's clients (of `clients` only, a search's, when given) whose
    shared debriefs need the coach most first: open flags, then debriefs awaiting review,
    then by name. Read from the counts the triggers keep, in the order of their index:
    a page costs its rows, never a count of the caseload's debriefs."""
    tallies = ClientReviewTally.objects.filter(coach=coach)
    if clients is not None:
        tallies = tallies.filter(client__in=clients.values("pk"))
    return tallies.order_by("-open_flags", "-awaiting", "first_name", "last_name",
                            "client").values_list("client", flat=True)


def waiting_for_review(coach, cap: int) -> int:
    """How many shared debriefs wait for the coach's review, counted up to `cap`: a sum of
    the kept counts of the clients with something waiting (each has one or more, so `cap`
    of them are enough)."""
    waiting = (ClientReviewTally.objects.filter(coach=coach, awaiting__gt=0)
               .values_list("awaiting", flat=True)[:cap])
    return min(sum(waiting), cap)


def tier_badge(tier: int) -> SafeString:
    """`debriefs/partials/_tier_badge.html`, for rows built in Python."""
    return format_html('<span class="badge tier-{}" title="Tier {}">Tier {}</span>',
                       5 if tier >= 5 else tier, tier, tier)


def client_rows(clients, spark_weeks: int) -> SafeString:
    """The coach's clients table rows (figures and `sparkline` set on each client), built
    in Python: the template loop over 50 rows of seven cells cost more than the queries."""
    return format_html_join("\n", (
        '<tr data-client="{}"><th scope="row"><a href="{}">{}</a>'
        '<div class="item-meta">{}</div></th>'
        '<td class="num" data-label="Meetings, 30 days">{}</td>'
        '<td data-label="Meetings, last {} weeks" data-sparkline>{}</td>'
        '<td class="num" data-label="Referrals per shared meeting">{}</td>'
        '<td data-label="Deepest tier">{}</td>'
        '<td class="num" data-label="To review">{}</td>'
        '<td class="num" data-label="Open flags">{}</td></tr>'
    ), (
        (client.pk, pk_url("coach:client_detail", client.pk), client.display_name, client.email,
         client.meetings_last_30_days, spark_weeks, _sparkline(client.sparkline, spark_weeks),
         _referral_rate(client.referrals_per_meeting),
         tier_badge(client.highest_tier) if client.highest_tier
         else SafeString('<span class="muted">No contacts</span>'),
         format_html("<strong>{}</strong>", client.awaiting_review) if client.awaiting_review
         else SafeString('<span class="muted">0</span>'),
         format_html('<span class="pill pill-flag">{}</span>', client.open_flags)
         if client.open_flags else SafeString('<span class="muted">0</span>'))
        for client in clients
    ))


def _sparkline(spark, spark_weeks: int) -> SafeString:
    rose = format_html(' <span class="small muted">tier {} → {}</span>',
                       spark.tier_before, spark.tier_now) if spark.tier_rose else ""
    return format_html(
        '<svg class="sparkline" viewBox="0 0 100 24" preserveAspectRatio="none" '
        'aria-hidden="true" focusable="false"><polyline class="sparkline-line" points="{}" '
        'vector-effect="non-scaling-stroke"/></svg><span class="sparkline-value" '
        'title="This week">{}</span><span class="sr-only"> this week, {} in {} weeks: {}</span>{}',
        spark.points, spark.last, spark.total, spark_weeks,
        ", ".join(str(count) for count in spark.counts), rose,
    )


def _referral_rate(rate: float | None) -> SafeString:
    if rate is None:
        return SafeString('<span class="muted">–</span>')
    return format_html('<span class="{}">{}</span>', "figure-low" if rate < 1 else "",
                       floatformat(rate, 1))


def queue_items(debriefs) -> SafeString:
    """The review queue's items (`flags` set on each debrief), built in Python like
    `client_rows`."""
    return format_html_join("\n", (
        '<li class="queue-item{}" data-debrief="{}"><div class="queue-main">'
        '<a class="item-title" href="{}">{} · {}</a> {}'
        '<div class="item-meta">{} on {}</div>{}</div>'
        '<a class="button button-small{}" href="{}">Review<span class="sr-only"> '
        "{}'s meeting with {}</span></a></li>"
    ), (
        (" is-flagged" if debrief.flags else "", debrief.pk, pk_url("coach:review", debrief.pk),
         debrief.owner.display_name, debrief.meeting.contact.name,
         tier_badge(debrief.meeting.contact_tier), debrief.meeting.get_kind_display(),
         date_filter(timezone.localtime(debrief.meeting.starts_at), "j M Y"),
         format_html('<div class="flag-pills">{}</div>', format_html_join(
             "", '<span class="pill pill-flag" title="{}">{}</span> ',
             ((flag.why, flag.title) for flag in debrief.flags))) if debrief.flags else "",
         "" if debrief.flags else " button-secondary", pk_url("coach:review", debrief.pk),
         debrief.owner.display_name, debrief.meeting.contact.name)
        for debrief in debriefs
    ))
