"""The whole-run arrays of every shipped scenario's strategies are the reference recorded
in tests/data/bit_identical.json, up to the last bits the machine's vector instructions
change (see tests/bit_identical_cases.py for the cases, the fingerprints and how to
regenerate the reference when a change of the numbers is intended)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bit_identical_cases import cases, digest, reference, same


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    tmp: Path = tmp_path_factory.mktemp("bit_identical")
    return {name: run() for name, run in cases(tmp).items()}


def test_every_case_has_a_reference(found: dict[str, dict[str, str]]) -> None:
    assert sorted(found) == sorted(reference())


def test_runs_are_bit_identical_to_the_reference(found: dict[str, dict[str, str]]) -> None:
    expected = reference()
    changed = {name: sorted(k for k in digests if not same(digests[k], expected[name].get(k)))
               for name, digests in found.items() if name in expected}
    assert not {n: c for n, c in changed.items() if c}, changed
    assert all(set(found[n]) == set(expected[n]) for n in found if n in expected)


def test_two_workers_give_the_numbers_of_one(found: dict[str, dict[str, str]]) -> None:
    one, two = (found["smart_band/digital_first/sampled" + s] for s in ("", "/2 workers"))
    assert one == two and "samples" in one


def test_a_count_moved_by_one_is_seen_and_the_last_bits_are_not() -> None:
    """The fingerprints tell a changed draw (one count changed by one, or moved by a day,
    in a row of some 10^9 customer-days) from the rounding of another processor's vector
    instructions (every value moved by a few units in the last place); NaN and infinity
    apart; empty arrays."""
    days = np.random.default_rng(3).uniform(1e5, 5e6, (2, 6, 365)).round()
    days[1, 4, :20] = np.nan
    rounded = days * (1 + 4 * np.finfo(float).eps * np.sign(np.sin(np.arange(365))))
    assert same(digest(rounded), digest(days))
    changed = [days.copy() for _ in range(4)]
    changed[0][0, 2, 200] += 1.0
    changed[1][0, 2, 199:201] = days[0, 2, 200:198:-1]  # two days swapped
    changed[2][1, 4, 20] = np.nan
    changed[3][1, 4, 0] = np.inf
    assert not any(same(digest(c), digest(days)) for c in changed)
    assert same(digest([]), digest(np.zeros(0))) and not same(digest([]), digest([0.0]))
