"""The daily series' percentiles: columns without NaN sorted at once, equal to numpy."""

import warnings

import numpy as np

from mktsim.simulate.result import nan_percentiles


def test_percentiles_of_columns_with_and_without_gaps_equal_numpys():
    rng = np.random.default_rng(3)
    values = rng.normal(size=(30, 4, 50))
    values[rng.random(values.shape) < 0.05] = np.nan
    values[:, 2, :7] = np.nan  # whole columns without a value
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = np.nanpercentile(values, [5, 50, 95], axis=0)
        found = nan_percentiles(values, [5, 50, 95])
    np.testing.assert_array_equal(found, expected)
