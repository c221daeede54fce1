"""Ready scenarios that `mktsim init` writes out."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..scenario.errors import Problem, ScenarioError
from ..scenario.suggest import did_you_mean

TEMPLATES = {"smart-band": "smart_band.yaml", "bass": "bass.yaml", "sbg": "sbg.yaml"}


def template_text(name: str) -> str:
    """The YAML text of a template."""
    if name not in TEMPLATES:
        raise ScenarioError([Problem("mktsim init", None, "TEMPLATE",
                                     f"unknown template '{name}'", did_you_mean(name, TEMPLATES))])
    return (resources.files(__package__) / TEMPLATES[name]).read_text(encoding="utf-8")


def write_template(name: str, directory: Path, force: bool = False) -> Path:
    """Write template `name` into `directory`; refuse to overwrite unless `force`."""
    text = template_text(name)
    path = directory / TEMPLATES[name]
    if path.exists() and not force:
        raise ScenarioError([Problem(str(path), None, "", "file exists",
                                     "use --force to overwrite it or choose another folder")])
    from ..documents.files import write_atomic

    write_atomic(path, text)
    return path
