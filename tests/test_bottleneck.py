"""A team far below capacity is not a bottleneck; the busiest near capacity is."""

from mktsim.decision.explain import NEAR_CAPACITY, bottleneck, bottleneck_words


def _load(**use: float) -> dict[str, dict[str, float]]:
    return {t: {"work": u * 100, "capacity": 100.0, "utilisation": u} for t, u in use.items()}


def test_no_team_near_capacity_has_no_bottleneck():
    load = _load(sales=0.17, service=0.05)
    assert bottleneck(load) is None
    words = bottleneck_words(load)
    assert words.startswith("no team limits the plan") and "sales" in words and "17%" in words


def test_the_busiest_team_near_capacity_is_the_bottleneck():
    load = _load(sales=0.5, service=NEAR_CAPACITY + 0.01)
    assert bottleneck(load) == "service"
    assert bottleneck_words(load).startswith("bottleneck: service")
    assert bottleneck(_load(sales=2.5)) == "sales"


def test_without_teams():
    assert bottleneck({}) is None
    assert bottleneck_words({}) == "the plan has no teams"
