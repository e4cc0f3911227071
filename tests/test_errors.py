"""Errors and warnings as users see them."""

from __future__ import annotations

import warnings

import pandas as pd
import pytest

from evidence import EvidenceError, EvidenceWarning
from evidence.errors import Problem, raise_if, warn_caller


def test_warning_points_at_the_callers_line_not_the_toolkits():
    import evidence as ev

    obs = pd.DataFrame({"indicator": "emp", "period": "2024", "characteristic": ["All", "sex", "sex"],
                        "group": ["All", "Female", "Male"], "value": [45.0, 40.0, 50.0], "n": [400, 200, 200],
                        "unit": "%", "polarity": "higher_is_better"})
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ev.gaps(obs)  # infer_kind warns three calls down
    said = [x for x in w if issubclass(x.category, EvidenceWarning)]
    assert said and all(x.filename == __file__ for x in said)


def test_warn_caller_called_from_outside_the_package_points_at_that_line():
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        warn_caller("look here")
    assert w[0].category is EvidenceWarning and w[0].filename == __file__ and str(w[0].message) == "look here"


def test_raise_if_raises_only_with_problems():
    raise_if([])
    with pytest.raises(EvidenceError, match="row 3"):
        raise_if([Problem("is not a number", rows=(3,), column="value")])
