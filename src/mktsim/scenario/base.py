"""Base class of every scenario section: strict, immutable, documented."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class Section(BaseModel):
    """A part of a scenario file. Unknown keys are errors (with a "did you mean")."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class LabelText(Section):
    """A label in each language: `{en: KOL partnerships, zh: KOL合作}`."""

    en: str | None = Field(None, min_length=1, max_length=200)
    zh: str | None = Field(None, min_length=1, max_length=200)


#: What tables, charts and reports show instead of a key: any text (Chinese included), or
#: one text per language. Keys stay ASCII identifiers.
Label = str | LabelText


class ObjectiveText(Section):
    """An objective with a label: `{description: ..., label: {en: ..., zh: ...}}`."""

    description: str = ""
    label: Label | None = None


def label_value(label: Label | None) -> str | dict[str, str] | None:
    """A label as plain data (`str` or `{lang: text}`) for documents."""
    if label is None or isinstance(label, str):
        return label
    return {k: v for k, v in label.model_dump().items() if v}
