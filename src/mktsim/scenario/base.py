"""Base class of every scenario section: strict, immutable, documented."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, PlainValidator, WithJsonSchema

from ..i18n import LANGUAGES, _


class Section(BaseModel):
    """A part of a scenario file. Unknown keys are errors (with a "did you mean")."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True,
                              defer_build=True)


class LabelText(Section):
    """A label in each language: `{en: KOL partnerships, zh: KOL合作}`."""

    en: str | None = Field(None, min_length=1, max_length=200)
    zh: str | None = Field(None, min_length=1, max_length=200)


def _label(value: Any) -> str | LabelText:
    """A label: non-empty text, or a mapping of en and/or zh to text (one clear message
    for anything else)."""
    if isinstance(value, LabelText):
        return value
    if isinstance(value, str):
        if not value.strip() or len(value) > 200:
            raise ValueError(_("a label is text of 1 to 200 characters"))
        return value
    if isinstance(value, dict):
        unknown = [str(k) for k in value if k not in LANGUAGES]
        if unknown:
            raise ValueError(_("unknown language '{lang}' in a label; give en and/or zh")
                             .format(lang=unknown[0]))
        if not all(isinstance(v, str) and v.strip() for v in value.values()) or not value:
            raise ValueError(_("a label gives a non-empty text for en and/or zh"))
        return LabelText.model_validate(value)
    raise ValueError(_("a label is text, or {en: ..., zh: ...}"))


_LABEL_SCHEMA = {"anyOf": [{"type": "string", "minLength": 1, "maxLength": 200},
                           {"type": "object", "additionalProperties": False,
                            "properties": {k: {"type": "string", "minLength": 1}
                                           for k in LANGUAGES}}]}

#: What tables, charts and reports show instead of a key: any text (Chinese included), or
#: one text per language. Keys stay ASCII identifiers.
Label = Annotated[str | LabelText, PlainValidator(_label), WithJsonSchema(_LABEL_SCHEMA)]


class ObjectiveText(Section):
    """An objective with a label: `{description: ..., label: {en: ..., zh: ...}}`."""

    description: str = ""
    label: Label | None = None


def label_value(label: Label | None) -> str | dict[str, str] | None:
    """A label as plain data (`str` or `{lang: text}`) for documents."""
    if label is None or isinstance(label, str):
        return label
    return {k: v for k, v in label.model_dump().items() if v}
