"""Ethnicity classifications and canonical labels."""

from __future__ import annotations

import pytest

from evidence.ethnicity import BROAD, DFE_CODES, ONS_2011, ONS_2021, broad_group, canonical


def test_classification_sizes():
    assert len(ONS_2021) == 19 and len(ONS_2011) == 18
    assert set(ONS_2021.values()) == set(BROAD)


@pytest.mark.parametrize("written,label", [
    ("Black/African/Caribbean/Black British: Caribbean", "Black Caribbean"), ("Black Caribbean", "Black Caribbean"),
    ("BCRB", "Black Caribbean"), ("Black - Caribbean", "Black Caribbean"), ("Asian - Chinese", "Chinese"),
    ("White: English, Welsh, Scottish, Northern Irish or British", "White British"), ("WBRI", "White British"),
    ("Mixed/Multiple ethnic groups: White and Asian", "White and Asian"), ("Any other Asian", "Other Asian"),
    ("Traveller of Irish heritage", "Gypsy or Irish Traveller"), ("Gypsy/Roma", "Gypsy or Roma"),
    ("Other ethnic group: Arab", "Arab"), ("Mixed/multiple ethnic groups", "Mixed"),
])
def test_spellings(written, label):
    assert canonical(written) == label


def test_every_dfe_code_resolves_to_a_known_group():
    for code, label in DFE_CODES.items():
        assert canonical(code) == label
        assert broad_group(label) is not None or label in {"Refused", "Information not obtained"}


def test_unknown_stays_unknown():
    assert canonical("Martian") is None
    assert canonical("Turkish", extra={"Turkish": "White"}) == "Turkish"
    assert broad_group("Turkish", extra={"Turkish": "White"}) == "White"


def test_combine_minorities_leaves_out_unknown_and_refused():
    import pandas as pd

    from evidence.ethnicity import harmonise_groups

    obs = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "ethnicity",
                        "group": ["White British", "Indian", "Unknown", "Refused"], "value": [50.0, 60.0, 10.0, 0.0],
                        "numerator": [50, 6, 2, 0], "denominator": [100, 10, 20, 5]})
    out = harmonise_groups(obs, to="broad", combine_minorities=True).set_index("group")
    combined = out.loc["All ethnic groups except White British (combined on request)"]
    assert combined["value"] == pytest.approx(60.0)  # Indian alone: 6 of 10, not 8 of 35
    assert combined["denominator"] == 10
