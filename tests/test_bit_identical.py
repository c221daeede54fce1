"""The whole-run arrays of every shipped scenario's strategies are bit-identical to the
reference recorded in tests/data/bit_identical.json (see tests/bit_identical_cases.py for
the cases and how to regenerate it when a change of the numbers is intended)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bit_identical_cases import cases, reference


@pytest.fixture(scope="module")
def found(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, str]]:
    tmp: Path = tmp_path_factory.mktemp("bit_identical")
    return {name: run() for name, run in cases(tmp).items()}


def test_every_case_has_a_reference(found: dict[str, dict[str, str]]) -> None:
    assert sorted(found) == sorted(reference())


def test_runs_are_bit_identical_to_the_reference(found: dict[str, dict[str, str]]) -> None:
    expected = reference()
    changed = {name: sorted(k for k in digests if digests[k] != expected[name].get(k))
               for name, digests in found.items() if name in expected}
    assert not {n: c for n, c in changed.items() if c}, changed
    assert all(set(found[n]) == set(expected[n]) for n in found if n in expected)


def test_two_workers_give_the_numbers_of_one(found: dict[str, dict[str, str]]) -> None:
    one, two = (found["smart_band/digital_first/sampled" + s] for s in ("", "/2 workers"))
    assert one == two and "samples" in one
