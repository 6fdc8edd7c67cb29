"""Statements compiled once per process (config/compiled.py)."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from config import compiled
from config.compiled import compiled_counts, compiled_objects, compiled_rows
from contacts.models import Contact
from tests.factories import ContactFactory


def contacts_since(owner: int, since: datetime.datetime):
    return (Contact.objects.for_user(User(pk=owner)).filter(created_at__gte=since)
            .order_by("name").values("name", "tier", "created_at"))


def contacts_in_tier(owner: int, *, tier: int):
    return Contact.objects.for_user(User(pk=owner)).filter(tier=tier).values("name")


def contacts_added_the_day_before(owner: int, day: datetime.date):
    return Contact.objects.for_user(User(pk=owner)).filter(
        created_at__date=day - datetime.timedelta(days=1)).values("name")


def contacts_sorted(owner: int, flag: bool):
    return Contact.objects.for_user(User(pk=owner)).filter(name__isnull=flag).values("name")


def referrals_with_referrer(owner: int):
    return (Contact.objects.for_user(User(pk=owner)).filter(referred_by__isnull=False)
            .select_related("referred_by").annotate(referred=Count("referrals")).order_by("pk"))


A_WHILE_AGO = timezone.now() - datetime.timedelta(days=1)


@pytest.fixture
def networks(alice, charlie):
    sarah = ContactFactory(owner=alice, name="Sarah Chen")
    ContactFactory(owner=alice, name="Omar Haddad", referred_by=sarah)
    ContactFactory(owner=charlie, name="Rosa Delgado")
    return alice, charlie


def test_the_rows_are_those_the_queryset_gives(networks):
    alice, _charlie = networks
    rows = compiled_rows(contacts_since, owner=alice.pk, since=A_WHILE_AGO)
    assert rows == list(contacts_since(alice.pk, A_WHILE_AGO))


def test_each_call_runs_with_its_own_user(networks):
    alice, charlie = networks
    compiled_rows(contacts_since, owner=alice.pk, since=A_WHILE_AGO)
    rows = compiled_rows(contacts_since, owner=charlie.pk, since=A_WHILE_AGO)
    assert [row["name"] for row in rows] == ["Rosa Delgado"]


def test_each_call_runs_with_its_own_moment(networks):
    alice, _charlie = networks
    compiled_rows(contacts_since, owner=alice.pk, since=A_WHILE_AGO)
    later = timezone.now() + datetime.timedelta(days=1)
    assert compiled_rows(contacts_since, owner=alice.pk, since=later) == []


def test_the_shape_is_part_of_the_statement(networks):
    alice, _charlie = networks
    first = compiled_rows(contacts_in_tier, {"tier": 1}, owner=alice.pk)
    second = compiled_rows(contacts_in_tier, {"tier": 2}, owner=alice.pk)
    assert (first, second) == ([{"name": "Sarah Chen"}], [{"name": "Omar Haddad"}])


def test_a_limit_keeps_the_first_rows(networks):
    alice, _charlie = networks
    rows = compiled_rows(contacts_since, limit=1, owner=alice.pk, since=A_WHILE_AGO)
    assert [row["name"] for row in rows] == ["Omar Haddad"]


def test_inputs_the_build_does_not_take_are_ignored(networks):
    alice, _charlie = networks
    rows = compiled_rows(contacts_in_tier, {"tier": 2}, owner=alice.pk, since=A_WHILE_AGO)
    assert rows == [{"name": "Omar Haddad"}]


def test_a_build_that_computes_from_an_input_is_refused(networks):
    alice, _charlie = networks
    with pytest.raises(ValueError, match="computed from a stand-in"):
        compiled_rows(contacts_added_the_day_before, owner=alice.pk, day=timezone.localdate())


def test_an_input_that_would_change_the_statement_is_refused(networks):
    alice, _charlie = networks
    with pytest.raises(TypeError, match="belongs in the shape"):
        compiled_rows(contacts_sorted, owner=alice.pk, flag=True)


def test_counts_are_taken_for_each_build_up_to_the_cap(networks):
    alice, _charlie = networks
    counts = compiled_counts({"all": (contacts_since, None), "tier 2": (contacts_in_tier,
                                                                       {"tier": 2})},
                             cap=1, owner=alice.pk, since=A_WHILE_AGO)
    assert counts == {"all": 1, "tier 2": 1}


def test_model_instances_come_with_their_related_objects_and_annotations(
    networks, django_assert_num_queries
):
    alice, _charlie = networks
    with django_assert_num_queries(1):
        [omar] = compiled_objects(referrals_with_referrer, owner=alice.pk)
        assert (omar.name, omar.referred_by.name, omar.referred) == (
            "Omar Haddad", "Sarah Chen", 0)


def test_model_instances_are_those_the_queryset_gives(networks):
    alice, _charlie = networks
    [compiled] = compiled_objects(referrals_with_referrer, owner=alice.pk)
    [loaded] = referrals_with_referrer(alice.pk)
    assert {f.attname: getattr(compiled, f.attname) for f in Contact._meta.concrete_fields} == {
        f.attname: getattr(loaded, f.attname) for f in Contact._meta.concrete_fields}


def test_rows_of_a_model_queryset_are_refused(networks):
    alice, _charlie = networks
    with pytest.raises(TypeError, match="compiled_objects"):
        compiled_rows(referrals_with_referrer, owner=alice.pk)


def contacts_among(owner: int, ids: list[int]):
    return Contact.objects.for_user(User(pk=owner)).filter(pk__in=ids).order_by("name").values(
        "name")


def contacts_named(owner: int, name: str):
    return Contact.objects.for_user(User(pk=owner)).filter(name=name).values("pk")


def test_a_list_of_ids_takes_each_call_s_ids(networks):
    alice, charlie = networks
    ids = list(Contact.objects.values_list("pk", flat=True).order_by("pk"))
    compiled_rows(contacts_among, owner=alice.pk, ids=ids[:2])
    rows = compiled_rows(contacts_among, owner=charlie.pk, ids=ids[1:])
    assert rows == [{"name": "Rosa Delgado"}]


def test_an_empty_list_gives_no_rows(networks):
    alice, _charlie = networks
    assert compiled_rows(contacts_among, owner=alice.pk, ids=[]) == []


def test_a_text_input_takes_each_call_s_text(networks):
    alice, _charlie = networks
    compiled_rows(contacts_named, owner=alice.pk, name="Sarah Chen")
    rows = compiled_rows(contacts_named, owner=alice.pk, name="Omar Haddad")
    assert rows == [{"pk": Contact.objects.get(name="Omar Haddad").pk}]


def test_a_statement_for_a_long_list_is_not_kept(networks, monkeypatch):
    alice, _charlie = networks
    monkeypatch.setattr("config.compiled.LONGEST_KEPT_LIST", 2)
    kept = len(compiled._statements)
    ids = list(Contact.objects.values_list("pk", flat=True))
    rows = compiled_rows(contacts_among, owner=alice.pk, ids=ids)
    assert rows == [{"name": "Omar Haddad"}, {"name": "Sarah Chen"}]
    assert len(compiled._statements) == kept
