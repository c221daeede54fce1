"""Uncertain scenario values for batch sweeps and a scenario's ``uncertainties:``.

A :class:`Parameter` names one scenario value by its dotted path (for example
``channels.kol.cost.cpm``) and says how it may vary; its kind is one of
:data:`~mktsim.params.kinds.KINDS` (`kinds`):

* ``range``: any value between ``low`` and ``high`` (same unit as the scenario
  value, e.g. currency per thousand impressions for a CPM);
* ``levels``: one of a fixed list of values; levels may be numbers or labels
  such as strategy names (labels make the parameter *categorical*);
* ``distribution``: a probability distribution from :data:`DISTRIBUTIONS`
  (`distributions`);
* ``draws``: one column of a CSV file of joint draws (``draws(FILE)`` or
  ``{draws: FILE, column: NAME}``), in a scenario's ``uncertainties:`` only. Paths that
  name the same file take the same row in each replication, so their correlation is kept
  (see :mod:`mktsim.scenario.uncertainty.joint_draws`, which reads the file when the
  scenario is loaded).

Every parameter maps a uniform number ``u`` in [0, 1) to a value through
:meth:`Parameter.ppf`, so all samplers work in the unit cube and convert at the
end. Parsing (`parsing`, `syntax`, `numbers`) never evaluates user text as code.
"""

from __future__ import annotations

from .distributions import DISTRIBUTIONS, Distribution
from .errors import ParamSpecError
from .kinds import KINDS, U_EPS, Kind, ParameterKind
from .numbers import format_number, parse_number
from .parameter import Parameter, check_unique
from .parsing import parse_design_mapping, parse_param, parse_params
from .syntax import ACCEPTED_FORMS, DRAWS_RE, Level, draws_text

#: Keys of a draws entry; `values` is added when the scenario is loaded (the column read
#: from the file), never written by hand.
DRAWS_KEYS = tuple(set(keys) for keys in KINDS[Kind.DRAWS].mapping_keys)

__all__ = [
    "ACCEPTED_FORMS",
    "DISTRIBUTIONS",
    "DRAWS_KEYS",
    "DRAWS_RE",
    "KINDS",
    "U_EPS",
    "Distribution",
    "Kind",
    "Level",
    "ParamSpecError",
    "Parameter",
    "ParameterKind",
    "check_unique",
    "draws_text",
    "format_number",
    "parse_design_mapping",
    "parse_number",
    "parse_param",
    "parse_params",
]
