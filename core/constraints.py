"""Model constraints checked in memory, so that a bulk import validates thousands of rows without a query each.

Django checks a `CheckConstraint` (and a conditional `UniqueConstraint`'s condition) by asking the
database (`Q.check()`): one query per constraint and row. `q_holds(q, obj)` evaluates the same `Q`
on an unsaved instance in Python, with SQL's three-valued logic (a comparison with NULL is unknown;
a check constraint passes when its condition is not false, as in the database). It supports the
lookups our constraints use (`exact`, `iexact`, `isnull`, `gt`, `gte`, `lt`, `lte`, `in`, with
literal values or `F("field")`) and raises `UnsupportedCondition` for anything else, so a new kind
of constraint is noticed by `tests/core/test_constraints.py` rather than silently skipped.

`unique_sets(model)` lists the field sets that must be unique (unique fields, `unique_together`,
field-based `UniqueConstraint`s with their condition; a constraint on expressions, such as the
accounts' case-insensitive email, is left to the sheet whose natural key it is);
`field_value(obj, name)` reads a field the way the database would see it, counting an assigned but
not yet saved related object as a value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import F, Q


class UnsupportedCondition(Exception):
    """A constraint uses a lookup or expression this module cannot evaluate in Python."""


@dataclass(frozen=True)
class UniqueSet:
    fields: tuple[str, ...]
    condition: Q | None
    message: str | None


class Unsaved:
    """Stands for a related object assigned but not saved yet: equal only to itself."""

    __slots__ = ("obj",)

    def __init__(self, obj: models.Model) -> None:
        self.obj = obj

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Unsaved) and other.obj is self.obj

    def __hash__(self) -> int:
        return id(self.obj)


def field_value(obj: models.Model, name: str) -> Any:
    """The value of field `name` as stored: a relation's key, or `Unsaved` for an object not saved yet."""
    field = obj._meta.get_field(name)
    if not getattr(field, "concrete", False):
        raise UnsupportedCondition(f"{obj._meta.label}.{name} is not a concrete field")
    value = getattr(obj, field.attname)
    if value is None and field.is_relation and (field.many_to_one or field.one_to_one):
        related = field.get_cached_value(obj, None)
        if related is not None:
            return related.pk if related.pk is not None else Unsaved(related)
    return value


_COMPARE = {
    "gt": lambda a, b: a > b,
    "gte": lambda a, b: a >= b,
    "lt": lambda a, b: a < b,
    "lte": lambda a, b: a <= b,
}


_OPERATORS = {"exact", "iexact", "isnull", "in", *_COMPARE}


def _lookup(obj: models.Model, lookup: str, wanted: Any) -> bool | None:
    parts = lookup.split("__")
    name, operator = (parts[0], parts[1]) if len(parts) == 2 else (parts[0], "exact")
    if len(parts) > 2 or operator not in _OPERATORS:
        raise UnsupportedCondition(f"lookup {lookup}")
    value = field_value(obj, name)
    if isinstance(wanted, F):
        wanted = field_value(obj, wanted.name)
    elif hasattr(wanted, "resolve_expression"):
        raise UnsupportedCondition(f"expression in {lookup}")
    if operator == "isnull":
        return (value is None) == bool(wanted)
    if operator in ("exact", "iexact") and wanted is None:
        return value is None
    if value is None or wanted is None:
        return None
    if isinstance(value, Unsaved) or isinstance(wanted, Unsaved):
        if operator != "exact":
            raise UnsupportedCondition(f"comparison with an unsaved object: {lookup}")
        return value == wanted
    if operator == "exact":
        return value == wanted
    if operator == "iexact":
        return str(value).lower() == str(wanted).lower()
    if operator == "in":
        return value in wanted
    if operator in _COMPARE:
        return _COMPARE[operator](value, wanted)
    raise UnsupportedCondition(f"lookup {operator}")


def _evaluate(q: Q, obj: models.Model) -> bool | None:
    results: list[bool | None] = []
    for child in q.children:
        if isinstance(child, Q):
            results.append(_evaluate(child, obj))
        elif isinstance(child, tuple) and len(child) == 2:
            results.append(_lookup(obj, child[0], child[1]))
        else:
            raise UnsupportedCondition(f"condition {child!r}")
    if q.connector == Q.AND:
        outcome: bool | None = False if False in results else (None if None in results else True)
    elif q.connector == Q.OR:
        outcome = True if True in results else (None if None in results else False)
    else:
        raise UnsupportedCondition(f"connector {q.connector}")
    if q.negated:
        return None if outcome is None else not outcome
    return outcome


def q_holds(q: Q, obj: models.Model) -> bool:
    """Whether `obj` satisfies `q` as a CHECK constraint would: unknown (NULL) counts as satisfied."""
    return _evaluate(q, obj) is not False


def q_matches(q: Q, obj: models.Model) -> bool:
    """Whether `obj` matches `q` as a WHERE clause (a partial index's condition) would: unknown does not."""
    return _evaluate(q, obj) is True


def check_constraints(model: type[models.Model]) -> list[models.CheckConstraint]:
    return [c for c in model._meta.constraints if isinstance(c, models.CheckConstraint)]


def unique_sets(model: type[models.Model]) -> list[UniqueSet]:
    """Every set of fields whose values must be unique together (conditions included)."""
    found: list[UniqueSet] = []
    for field in model._meta.concrete_fields:
        if field.unique and not field.primary_key:
            found.append(UniqueSet((field.name,), None, None))
    for together in model._meta.unique_together:
        found.append(UniqueSet(tuple(together), None, None))
    for constraint in model._meta.constraints:
        if isinstance(constraint, models.UniqueConstraint):
            if constraint.expressions or not constraint.fields:
                continue
            message = constraint.violation_error_message
            default = models.UniqueConstraint.default_violation_error_message
            found.append(
                UniqueSet(
                    tuple(constraint.fields),
                    constraint.condition,
                    str(message) if message and message != default else None,
                )
            )
    return found
