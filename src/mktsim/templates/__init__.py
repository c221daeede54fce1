"""Ready scenarios that `mktsim init` writes out."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..i18n import _
from ..scenario.errors import Problem, ScenarioError
from ..scenario.suggest import did_you_mean

TEMPLATES = {"smart-band": "smart_band.yaml", "bass": "bass.yaml", "sbg": "sbg.yaml"}
#: Templates with their comments in another language: `<stem>.<lang>.yaml` beside them.
TRANSLATED = {"zh": ("smart-band",)}


def template_file(name: str, lang: str = "en") -> str:
    """The file of a template in a language (the English one when not translated)."""
    if name in TRANSLATED.get(lang, ()):
        return TEMPLATES[name].replace(".yaml", f".{lang}.yaml")
    return TEMPLATES[name]


def template_text(name: str, lang: str = "en") -> str:
    """The YAML text of a template (comments in `lang` where translated)."""
    if name not in TEMPLATES:
        raise ScenarioError([Problem("mktsim init", None, "TEMPLATE",
                                     _("unknown template '{name}'").format(name=name),
                                     did_you_mean(name, TEMPLATES))])
    return (resources.files(__package__) / template_file(name, lang)).read_text(
        encoding="utf-8")


def write_template(name: str, directory: Path, force: bool = False, lang: str = "en") -> Path:
    """Write template `name` into `directory`; refuse to overwrite unless `force`. The file
    name is the same in every language (`smart_band.yaml`)."""
    text = template_text(name, lang)
    path = directory / TEMPLATES[name]
    if path.exists() and not force:
        raise ScenarioError([Problem(str(path), None, "", _("file exists"),
                                     _("use --force to overwrite it or choose another "
                                       "folder"))])
    from ..documents.files import write_atomic

    write_atomic(path, text)
    return path
