"""The administration forms: which fields a form has, reading them, and putting refusals by them.

A form is read into the API's own request model (`schemas.masterdata`, `schemas.users`), so a
value the API refuses is refused here with the same words, and then handed to the same service.
What either refuses is shown next to the field it is about (`FormErrors`):

- the model's errors name their field (`loc`);
- a service's refusal does not, so `refused_field` finds it: by the word its detail starts
  with (`gtin '…' has a wrong check digit`, `pattern '…' must contain…`), else by the value of
  a field it names (`tracking code T9 does not exist` is about the field holding `T9`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import ValidationError

from itemtrace.domain.errors import ErrorCode, ItemtraceError
from itemtrace.web.errors import FormErrors

Kind = Literal["text", "number", "password", "select", "checkbox"]


@dataclass(frozen=True, slots=True)
class Option:
    value: str
    label: str


@dataclass(frozen=True, slots=True)
class Field:
    """One input of a form. `options` for a select ("" is the empty choice when `blank` is set)."""

    name: str
    label: str
    kind: Kind = "text"
    hint: str | None = None
    required: bool = False
    options: Sequence[Option] = ()
    blank: str | None = None  # the label of the empty choice of a select, if it has one
    inputmode: str | None = None


@dataclass(frozen=True, slots=True)
class Group:
    """Fields shown together, in a <fieldset> when they have a legend."""

    fields: Sequence[Field]
    legend: str | None = None


@dataclass
class FormValues:
    """What a form holds: the text of each field ("true" for a ticked box)."""

    values: dict[str, str] = field(default_factory=dict)

    def get(self, name: str) -> str:
        return self.values.get(name, "")

    def text(self, name: str) -> str | None:
        """The field's text, or None when it was left empty (an optional field left out)."""
        value = self.values.get(name, "")
        return value if value != "" else None

    def ticked(self, name: str) -> bool:
        return self.values.get(name) == "true"


def read_form(form: Mapping[str, object], groups: Iterable[Group]) -> FormValues:
    """The values of `groups`' fields in a posted form (a text field is kept as typed)."""
    values: dict[str, str] = {}
    for group in groups:
        for f in group.fields:
            raw = form.get(f.name)
            text = raw if isinstance(raw, str) else ""
            values[f.name] = ("true" if text else "") if f.kind == "checkbox" else text
    return FormValues(values)


def invalid(error: ValidationError, *, rename: Mapping[str, str] | None = None) -> FormErrors:
    """The request model's refusals, each on its field (`serial.specific` → `serial_specific`)."""
    errors = FormErrors(status=422)
    for e in error.errors():
        loc = [str(part) for part in e.get("loc", ())]
        name = "_".join(loc) if loc else None
        if name is not None and rename:
            name = rename.get(name, name)
        errors.add(name, ErrorCode.VALIDATION_ERROR.value, f"{'.'.join(loc) or 'input'}: {e.get('msg', '')}")
    return errors


def refused_field(
    refused: ItemtraceError,
    values: FormValues,
    fields: Sequence[str],
    *,
    starts: Mapping[str, str] | None = None,
) -> str | None:
    """The field of `fields` a service's refusal is about, or None (the form as a whole).

    `starts` maps a pattern the detail starts with to a field
    (`{r"item \\S+ already exists": "sku"}`); each field's own name followed by a space counts
    as such a pattern. Failing those, the first field whose value the detail names as a word.
    """
    detail = refused.detail
    patterns = {re.escape(name) + r"\b": name for name in fields} | dict(starts or {})
    for pattern, name in patterns.items():
        if name in fields and re.match(pattern, detail):
            return name
    for name in fields:
        value = values.get(name)
        if value and not values.ticked(name) and re.search(rf"(?<![\w-]){re.escape(value)}(?![\w-])", detail):
            return name
    return None


def field_names(groups: Iterable[Group]) -> list[str]:
    return [f.name for g in groups for f in g.fields]
