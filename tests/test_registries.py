"""Registries instead of if-chains: every name the scenario may use has exactly one
implementation, so a new kind is one entry in each registry and nothing else."""

import numpy as np

from mktsim.engine.replication import EVENT_ACTIONS
from mktsim.model.plan import EventKind
from mktsim.rules.review import RULE_FUNCTIONS
from mktsim.scenario.rule_vocabulary import FUNCTIONS


def test_every_rule_function_of_the_vocabulary_has_one_implementation():
    assert set(RULE_FUNCTIONS) == {f.name for f in FUNCTIONS}


def test_every_event_kind_has_an_action():
    assert set(EVENT_ACTIONS) == set(EventKind)


def test_event_kinds_read_as_their_scenario_words():
    assert [str(k) for k in EventKind] == [k.value for k in EventKind]
    assert EventKind("price") is EventKind.PRICE


def test_normal_quantile_table_is_scipys_bit_for_bit() -> None:
    """The table that spares `validate` the scipy import gives scipy's own values."""
    from scipy.special import ndtri as scipy_ndtri

    from mktsim.params.distributions import KNOWN_NDTRI, ndtri

    for u, z in KNOWN_NDTRI.items():
        assert z == float(scipy_ndtri(u))
        assert ndtri(np.array([u]))[0] == z
    mixed = np.array([0.001, 0.3, 0.999])
    assert np.array_equal(ndtri(mixed), scipy_ndtri(mixed))
