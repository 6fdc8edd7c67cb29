"""Statements compiled once per process (issue 10).

Building and compiling a complex queryset costs more Python time than PostgreSQL takes to
run it: on the home page, the network steps' eight queries spent 35 ms a request there.
For the hot queries whose shape is the same for every request (only a few values change:
the user's id, today, a moment), `compiled_rows` builds and compiles the queryset once per
process and shape, and then runs that SQL with each call's values.

How: `build(**inputs)` returns the queryset. The first call builds it with a stand-in for
each input (a value no real input has), compiles it and records which parameter of the
SQL is which input (an input may go unused); a constant computed from a stand-in (the
build did arithmetic on an input) is an error. Whatever changes the statement's text (a
filter added or not, a LIMIT, a list's length) belongs in `shape`, never in `inputs`.

A build must take what it reads of the request from its inputs, never from a closure: a
user's id caught in one would be compiled into every other user's statement. Builds are
module-level functions of their inputs for that reason.

`compiled_objects` makes model instances the way Django's `ModelIterable` does, from what
the compiler leaves (`klass_info`, `select`, `annotation_col_map`) and Django's related
populators: internals, so a Django upgrade is checked by tests/test_compiled.py, which
compares compiled objects and rows with the queryset's own.
"""

from __future__ import annotations

import datetime
import inspect
import itertools
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models.query import ModelIterable, get_related_populators
from django.utils import timezone

# The stand-ins, one per input of a build: values no real input has.
_STANDIN_INT = -(10**15)
_STANDIN_MOMENT = datetime.datetime(1901, 1, 1, tzinfo=datetime.UTC)
_STANDIN_DAY = datetime.date(1901, 1, 1)
_STANDIN_TEXT = "\x00stand-in "
_LIST_SPACING = 10**6  # a list's stand-ins: far from the others, up to a million items


@dataclass(frozen=True)
class _Input:
    name: str
    item: int | None = None  # of a list input, the item's position


@dataclass(frozen=True)
class Statement:
    sql: str
    params: tuple  # constants, and `_Input`s where the call's values go
    names: tuple[str, ...]  # the columns (`.values()` names)
    converters: tuple  # (position, [converter], expression), as Django applies them
    # For a queryset of model instances, what Django's ModelIterable reads off the
    # compiler: the selected columns, the models' layout, the annotations' columns.
    select: tuple = ()
    klass_info: dict | None = None
    annotation_col_map: dict | None = None
    fetch_mode: Any = None


_statements: dict[Hashable, Statement] = {}
# The longest list input whose statement is kept (one statement per length).
LONGEST_KEPT_LIST = 100


def _standin(name: str, value: Any, n: int):
    kind = type(value)
    if kind is int:
        return _STANDIN_INT - n
    if kind is str:
        return f"{_STANDIN_TEXT}{n}\x00"
    if kind is datetime.datetime and value.tzinfo is not None:
        return _STANDIN_MOMENT + datetime.timedelta(microseconds=n + 1)
    if kind is datetime.date:
        return _STANDIN_DAY + datetime.timedelta(days=n)
    if kind in (list, tuple) and all(type(item) is int for item in value):
        # One stand-in per item (`pk__in=[...]` takes each as a parameter): the list's
        # length is part of the statement's key.
        return [_STANDIN_INT - _LIST_SPACING * (n + 1) - i for i in range(len(value))]
    if kind in (list, tuple) and all(type(item) is str for item in value):
        return [f"{_STANDIN_TEXT}{n}.{i}\x00" for i in range(len(value))]
    raise TypeError(f"Input {name!r}: an int, a text, an aware datetime, a date or a list "
                    f"of ints or of texts, not {kind.__name__} (anything else belongs in "
                    "the shape)")


def _looks_derived(value) -> bool:
    """A constant computed from a stand-in (an input the build did arithmetic on)."""
    if type(value) is int:
        return abs(value - _STANDIN_INT) < 10**9
    if type(value) is str:
        return _STANDIN_TEXT in value
    if isinstance(value, datetime.date):
        return value.year < 1902
    return False


def _compile(build: Callable, shape: dict, inputs: dict[str, Any], using: str,
             finish: Callable | None, limit: int | None) -> Statement:
    standins = {name: _standin(name, value, n) for n, (name, value) in enumerate(inputs.items())}
    queryset = build(**shape, **standins)
    if finish is not None:
        queryset = finish(queryset)
    if limit is not None:
        queryset = queryset[:limit]
    query = queryset.query
    compiler = query.get_compiler(using)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # e.g. `pk__in=[]`: no rows, whatever the values
        return Statement("", (), (), ())
    by_value = {}
    for name, standin in standins.items():
        if type(standin) is list:
            by_value.update({(type(item), item): _Input(name, i)
                             for i, item in enumerate(standin)})
        else:
            by_value[(type(standin), standin)] = _Input(name)
    slots = tuple(by_value.get((type(param), param), param) for param in params)
    derived = [slot for slot in slots if not isinstance(slot, _Input) and _looks_derived(slot)]
    if derived:
        raise ValueError(f"{build.__qualname__}: the statement holds {derived}, computed from "
                         "a stand-in in the build: compute it before, as an input of its own")
    names = tuple(query.selected) if query.selected else (
        *query.extra_select, *query.values_select, *query.annotation_select)
    fields = [s[0] for s in compiler.select[0:compiler.col_count]]
    converters = tuple((position, convs, expression) for position, (convs, expression)
                       in compiler.get_converters(fields).items())
    if not issubclass(queryset._iterable_class, ModelIterable):
        return Statement(sql, slots, names, converters)
    if (queryset._known_related_objects or queryset._prefetch_related_lookups
            or queryset._fetch_mode.track_peers):
        raise ValueError(f"{build.__qualname__}: a related manager's queryset, or one with "
                         "prefetches or fetching peers, is not compiled")
    return Statement(sql, slots, (), converters, tuple(compiler.select), compiler.klass_info,
                     compiler.annotation_col_map, queryset._fetch_mode)


def statement(build: Callable, shape: dict | None = None, using: str = "default",
              finish: Callable | None = None, limit: int | None = None,
              **inputs) -> Statement:
    """The compiled statement of `build` (compiling it on first use): `build(**shape,
    **inputs)`, then `finish(queryset)` when given (a module-level function too), then
    its first `limit` rows. `shape`'s values (hashable) change the statement's text;
    inputs the build does not name are ignored, so one set can serve several builds."""
    shape = shape or {}
    accepted = inspect.signature(build).parameters
    inputs = {name: value for name, value in inputs.items() if name in accepted}
    key = (build.__module__, build.__qualname__, tuple(sorted(shape.items())), using,
           tuple(sorted((name, len(value) if type(value) in (list, tuple) else None)
                        for name, value in inputs.items())),
           finish and (finish.__module__, finish.__qualname__),
           limit, timezone.get_current_timezone_name())
    found = _statements.get(key)
    if found is None:
        found = _compile(build, shape, inputs, using, finish, limit)
        # A statement for a long list is not kept: lists as long as someone cares to type
        # (names in a debrief) would each keep one more statement for good.
        if all(len(value) <= LONGEST_KEPT_LIST for value in inputs.values()
               if type(value) in (list, tuple)):
            _statements[key] = found
    return found


def params_of(found: Statement, **inputs) -> list:
    return [
        (inputs[slot.name] if slot.item is None else inputs[slot.name][slot.item])
        if isinstance(slot, _Input) else slot
        for slot in found.params
    ]


def _fetch(found: Statement, using: str, inputs: dict) -> list[list]:
    if not found.sql:
        return []
    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute(found.sql, params_of(found, **inputs))
        rows = cursor.fetchall()
    rows = [list(row) for row in rows] if found.converters else rows
    for row, (position, convs, expression) in itertools.product(rows, found.converters):
        value = row[position]
        for convert in convs:
            value = convert(value, expression, connection)
        row[position] = value
    return rows


def compiled_rows(build: Callable, shape: dict | None = None, using: str = "default",
                  limit: int | None = None, **inputs) -> list[dict]:
    """The rows (dicts, as `.values()` gives them) of the `.values()` queryset that
    `build(**shape, **inputs)` returns, its first `limit`; see `statement`."""
    found = statement(build, shape, using, limit=limit, **inputs)
    if found.klass_info is not None and found.sql:
        raise TypeError(f"{build.__qualname__} builds model instances: compiled_objects()")
    return [dict(zip(found.names, row, strict=True)) for row in _fetch(found, using, inputs)]


def compiled_objects(build: Callable, shape: dict | None = None, using: str = "default",
                     limit: int | None = None, **inputs) -> list:
    """The model instances (with their `select_related` objects and annotations) of the
    queryset that `build(**shape, **inputs)` returns, its first `limit`, as Django's
    ModelIterable makes them; see `statement`."""
    found = statement(build, shape, using, limit=limit, **inputs)
    if not found.sql:
        return []
    if found.klass_info is None:
        raise TypeError(f"{build.__qualname__} builds rows: compiled_rows()")
    klass_info, select = found.klass_info, found.select
    start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    model = klass_info["model"]
    populators = get_related_populators(klass_info, list(select), using, found.fetch_mode)
    objects = []
    for row in _fetch(found, using, inputs):
        obj = model.from_db(using, init_list, row[start:end], fetch_mode=found.fetch_mode)
        for populator in populators:
            populator.populate(row, obj)
        for name, position in (found.annotation_col_map or {}).items():
            setattr(obj, name, row[position])
        objects.append(obj)
    return objects


def as_user(pk: int, **fields):
    """The user `pk` stands for, to scope a build's querysets through `for_user` or
    `shared_with_coach` (the build's input is the id: an int, which a stand-in can take
    the place of); `fields` such as the role are the build's to say."""
    from django.contrib.auth import get_user_model

    return get_user_model()(pk=pk, **fields)


def _only_ids(queryset):
    return queryset.order_by().values("pk")


def compiled_counts(builds: dict[str, tuple[Callable, dict | None]], cap: int | None = None,
                    using: str = "default", **inputs) -> dict[str, int]:
    """The number of rows of each `build(**inputs)` (with its shape), in one query, each
    counted up to `cap` when given (a `COUNT(*)` subquery each, with a LIMIT inside)."""
    limit = f" LIMIT {int(cap)}" if cap is not None else ""
    parts, params = [], []
    for build, shape in builds.values():
        found = statement(build, shape, using, finish=_only_ids, **inputs)
        if not found.sql:
            parts.append("0")
            continue
        parts.append(f"(SELECT COUNT(*) FROM ({found.sql}{limit}) AS counted)")
        params += params_of(found, **inputs)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        return dict(zip(builds, cursor.fetchone(), strict=True))
