"""What a coach sees of their clients' work, as figures computed in SQL.

Accounts (users, roles, coach links) know nothing of meetings or debriefs; the figures a
coach reads about each client are built here, on top of any queryset of clients.
"""

import datetime

from django.db.models import (
    Case,
    Count,
    FilteredRelation,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Coalesce
from django.utils import timezone

from contacts.models import Contact

from .models import Debrief, Meeting


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


def with_coaching_figures(clients: QuerySet, now: datetime.datetime | None = None) -> QuerySet:
    """Each client with the figures their coach sees, one correlated subquery each: for
    the clients a page shows (`ranked_clients` orders the whole list).

    What a coach may not see is left out of every figure: private debriefs, drafts,
    the meetings whose debrief is private and everyone learnt through them.
    """
    now = now or timezone.now()

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

    referrals = Contact.objects.filter(
        owner=OuterRef("pk"), referred_in__status=Meeting.Status.HELD
    ).exclude(pk__in=learnt_privately())
    awaiting = Debrief.objects.filter(
        owner=OuterRef("pk"), is_private=False, is_draft=False, reviewed_at__isnull=True
    )
    highest_tier = (
        Contact.objects.filter(owner=OuterRef("pk")).exclude(pk__in=learnt_privately())
        .order_by("-tier").values("tier")[:1]
    )
    figures = clients.annotate(
        meetings_last_30_days=held_count(gte=now - datetime.timedelta(days=30), lte=now),
        meetings_held=held_count(),
        referrals_obtained=total(referrals, Count("pk")),
        highest_tier=Coalesce(Subquery(highest_tier), 0),
        awaiting_review=total(awaiting, Count("pk")),
        open_flags=total(awaiting, Sum("flag_count")),
    )
    return figures.annotate(
        referrals_per_meeting=Case(
            When(meetings_held=0, then=Value(None)),
            default=Cast("referrals_obtained", FloatField())
            / Cast("meetings_held", FloatField()),
            output_field=FloatField(),
        )
    )


def ranked_clients(clients: QuerySet) -> QuerySet:
    """The ids of the clients whose shared debriefs need the coach most first: open flags, then
    debriefs awaiting review, then by name. One join on the debriefs awaiting review
    (a partial index) with their stored `flag_count`, never a subquery per client."""
    awaiting = FilteredRelation("debriefs", condition=Q(
        debriefs__is_private=False, debriefs__is_draft=False, debriefs__reviewed_at__isnull=True,
    ))
    return (
        clients.annotate(awaiting=awaiting)
        .annotate(open_flags=Coalesce(Sum("awaiting__flag_count"), 0),
                  awaiting_review=Count("awaiting"))
        .order_by("-open_flags", "-awaiting_review", "first_name", "last_name", "pk")
        .values_list("pk", flat=True)  # grouped on the id alone; the page loads the rows
    )
