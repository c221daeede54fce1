"""Registries instead of if-chains: every name the scenario may use has exactly one
implementation, so a new kind is one entry in each registry and nothing else."""

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
