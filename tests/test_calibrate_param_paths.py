"""A `--param` path the scenario does not hold is refused with the scenario's own
unknown-key message and its did-you-mean, before any simulation."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from mktsim.cli import main

ROOT = Path(__file__).parents[1]
SMART = ROOT / "scenarios" / "smart_band.yaml"
HISTORY = ROOT / "scenarios" / "smart_band_history.csv"


def _calibrate(*params: str) -> tuple[int, str]:
    args = ["calibrate", str(SMART), "--history", str(HISTORY)]
    for p in params:
        args += ["--param", p]
    out = CliRunner().invoke(main, args)
    return out.exit_code, out.output


def test_a_typo_in_a_param_path_gets_the_unknown_key_message_and_its_suggestion() -> None:
    code, text = _calibrate("market.word_of_mouht.imitation=0.1:0.5")
    assert code == 2
    assert "--param market.word_of_mouht.imitation" in text
    assert "unknown key 'word_of_mouht'" in text
    assert "word_of_mouth" in text.split("unknown key")[1]  # the did-you-mean
    assert "quantile" not in text and "narrow the prior" not in text
    assert "Traceback" not in text


def test_a_typo_in_the_last_key_is_named_too() -> None:
    code, text = _calibrate("market.word_of_mouth.imitaton=0.1:0.5")
    assert code == 2
    assert "unknown key 'imitaton'" in text and "'imitation'" in text
    assert "quantile" not in text


def test_a_valid_path_whose_prior_leaves_the_valid_range_keeps_the_quantile_wording() -> None:
    code, text = _calibrate("market.word_of_mouth.imitation=-0.5:0.5")
    assert code == 2
    assert "quantile" in text and "unknown key" not in text
