"""A scenario's uncertainty: the `uncertainties:` section and what it makes.

- `section`: the section's check at load time and the values sampled from it, one set per
  replication;
- `joint_draws`: files of draws, rows of values drawn jointly (a posterior from
  `mktsim calibrate`, a colleague's model), read when the scenario is loaded;
- `sampled`: the sampled scenario of each replication, built from the validated scenario
  with its sampled values.
"""
