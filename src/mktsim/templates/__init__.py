"""Ready scenarios that `mktsim init` writes out."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..i18n import _
from ..scenario.errors import Problem, ScenarioError
from ..scenario.suggest import did_you_mean

TEMPLATES = {"smart-band": "smart_band.yaml", "b2b-software": "b2b_software.yaml",
             "subscription-app": "subscription_app.yaml",
             "packaged-goods": "packaged_goods.yaml", "bass": "bass.yaml", "sbg": "sbg.yaml"}
#: Templates with their comments in another language: `<stem>.<lang>.yaml` beside them.
TRANSLATED = {"zh": ("smart-band", "b2b-software", "subscription-app", "packaged-goods")}


def summaries() -> dict[str, str]:
    """One line per template, in the active language: what business it models."""
    return {
        "smart-band": _("consumer electronics launch in China: social, KOL, live-stream and "
                        "stores, three strategies and review rules"),
        "b2b-software": _("B2B software: content, search, events and outbound leads, SDR and "
                          "account-executive teams, annual contracts that renew"),
        "subscription-app": _("subscription app: trials from app-store search, social and "
                              "referral, monthly churn (shifted-beta-geometric), win-back"),
        "packaged-goods": _("packaged goods in retail: distribution as a driver, trade "
                            "promotions with their dip, a competitor that answers price cuts"),
        "bass": _("the Bass diffusion model alone, for checking the engine against theory"),
        "sbg": _("a cohort under shifted-beta-geometric churn, for checking retention"),
    }


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
