"""Ethnicity classifications, and one label for each of the many ways publishers write a group.

Classifications: ONS 2021 (19 groups in 5 broad groups), ONS 2011 (18 groups)
and DfE (major and minor groups, with their codes). :func:`harmonise_groups`
maps spellings such as "Black/African/Caribbean/Black British: Caribbean",
"Black Caribbean", "BCRB" and "Black - Caribbean" to one canonical label; rolls
detailed groups up to the broad groups only when asked (recomputing values from
numerators and denominators, and refusing where it cannot); and never makes a
single "ethnic minority" or "BAME" group unless asked, and then labels it so.
Unknown labels are reported, never dropped. Councils can add local groups
(Turkish, Kurdish, Somali, Charedi...) with the broad group each rolls up to,
so a community invisible in the national groups stays visible.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import numpy as np
import pandas as pd

from .errors import EvidenceError, Problem, raise_if

#: ONS 2021 census: canonical detailed label -> broad group
ONS_2021: dict[str, str] = {
    "Bangladeshi": "Asian", "Chinese": "Asian", "Indian": "Asian", "Pakistani": "Asian", "Other Asian": "Asian",
    "Black African": "Black", "Black Caribbean": "Black", "Other Black": "Black",
    "White and Asian": "Mixed", "White and Black African": "Mixed", "White and Black Caribbean": "Mixed",
    "Other Mixed": "Mixed",
    "White British": "White", "White Irish": "White", "Gypsy or Irish Traveller": "White", "Roma": "White",
    "Other White": "White",
    "Arab": "Other", "Any other ethnic group": "Other",
}
#: ONS 2011: 18 groups (no separate Roma; Arab under Other)
ONS_2011: dict[str, str] = {k: v for k, v in ONS_2021.items() if k != "Roma"}
#: DfE's "Gypsy/Roma" spans two ONS 2021 groups, so it keeps its own label (rolling up to White)
DFE_ONLY: dict[str, str] = {"Gypsy or Roma": "White"}
#: DfE pupil ethnicity codes (minor) -> canonical label; major groups are the broad groups
DFE_CODES: dict[str, str] = {
    "WBRI": "White British", "WIRI": "White Irish", "WIRT": "Gypsy or Irish Traveller",
    "WROM": "Gypsy or Roma", "WOTH": "Other White", "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African", "MWAS": "White and Asian", "MOTH": "Other Mixed", "AIND": "Indian",
    "APKN": "Pakistani", "ABAN": "Bangladeshi", "AOTH": "Other Asian", "BCRB": "Black Caribbean",
    "BAFR": "Black African", "BOTH": "Other Black", "CHNE": "Chinese", "OOTH": "Any other ethnic group",
    "REFU": "Refused", "NOBT": "Information not obtained",
}
BROAD = ["Asian", "Black", "Mixed", "White", "Other"]
#: DfE major-group codes -> broad group
DFE_MAJOR: dict[str, str] = {"WHIT": "White", "MIXD": "Mixed", "ASIA": "Asian", "BLAC": "Black", "CHIN": "Chinese",
                             "AOEG": "Any other ethnic group", "UNCL": "Unclassified"}
NOT_KNOWN = {"Unknown", "Refused", "Information not obtained", "Not known", "Unclassified", "Prefer not to say",
             "Not stated"}

# spellings -> canonical, matched on a normalised key (lower case, words only)
_ALIASES: dict[str, str] = {
    "white english welsh scottish northern irish or british": "White British",
    "white english welsh scottish northern irish british": "White British",
    "english welsh scottish northern irish or british": "White British",
    "white british": "White British", "british": "White British",
    "white irish": "White Irish", "irish": "White Irish",
    "white gypsy or irish traveller": "Gypsy or Irish Traveller", "gypsy or irish traveller": "Gypsy or Irish Traveller",
    "traveller of irish heritage": "Gypsy or Irish Traveller", "gypsy roma": "Gypsy or Roma",
    "gypsy or roma": "Gypsy or Roma", "white gypsy or roma": "Gypsy or Roma", "white gypsy roma": "Gypsy or Roma",
    "any other asian": "Other Asian", "any other black": "Other Black", "any other mixed": "Other Mixed",
    "any other white": "Other White", "mixed white asian": "White and Asian",
    "mixed white black caribbean": "White and Black Caribbean", "mixed white black african": "White and Black African",
    "white roma": "Roma", "roma": "Roma",
    "white other": "Other White", "any other white background": "Other White", "other white": "Other White",
    "white any other white background": "Other White",
    "mixed white and black caribbean": "White and Black Caribbean", "white and black caribbean": "White and Black Caribbean",
    "mixed white and black african": "White and Black African", "white and black african": "White and Black African",
    "mixed white and asian": "White and Asian", "white and asian": "White and Asian",
    "mixed other": "Other Mixed", "other mixed": "Other Mixed", "any other mixed background": "Other Mixed",
    "any other mixed multiple ethnic background": "Other Mixed", "other mixed multiple ethnic groups": "Other Mixed",
    "asian indian": "Indian", "indian": "Indian", "asian pakistani": "Pakistani", "pakistani": "Pakistani",
    "asian bangladeshi": "Bangladeshi", "bangladeshi": "Bangladeshi", "asian chinese": "Chinese", "chinese": "Chinese",
    "asian other": "Other Asian", "other asian": "Other Asian", "any other asian background": "Other Asian",
    "black caribbean": "Black Caribbean", "caribbean": "Black Caribbean",
    "black african": "Black African", "african": "Black African",
    "black other": "Other Black", "other black": "Other Black", "any other black background": "Other Black",
    "any other black african or caribbean background": "Other Black",
    "arab": "Arab", "other arab": "Arab", "other ethnic group arab": "Arab",
    "any other ethnic group": "Any other ethnic group", "other any other": "Any other ethnic group",
    "other ethnic group any other ethnic group": "Any other ethnic group", "any other": "Any other ethnic group",
    # broad groups
    "white": "White", "mixed": "Mixed", "mixed multiple ethnic groups": "Mixed", "mixed multiple": "Mixed",
    "asian": "Asian", "asian asian british": "Asian", "asian or asian british": "Asian",
    "black": "Black", "black african caribbean black british": "Black", "black or black british": "Black",
    "other": "Other", "other ethnic group": "Other", "other ethnic groups": "Other", "any other ethnic group broad": "Other",
    "unknown": "Unknown", "unclassified": "Unclassified", "refused": "Refused", "not known": "Not known",
    "prefer not to say": "Prefer not to say", "prefernottosay": "Prefer not to say", "undisclosed": "Not known",
    "information not obtained": "Information not obtained", "not stated": "Not stated",
    "all": "All", "total": "All", "all ethnicities": "All",
}
# prefixes that name the broad group before a detailed one ("Black/African/Caribbean/Black British: Caribbean")
_PREFIXES = [
    r"^white\s*[:\-–]\s*", r"^mixed(?: or multiple ethnic groups?| multiple ethnic groups?)?\s*[:\-–]\s*",
    r"^asian(?: or asian british| asian british)?\s*[:\-–]\s*",
    r"^black(?: african caribbean or black british| african caribbean black british| or black british)?\s*[:\-–]\s*",
    r"^other ethnic groups?\s*[:\-–]\s*",
]


def _key(label: str) -> str:
    text = str(label).lower().replace("/", " ").replace("&", " and ")
    return re.sub(r"[^a-z]+", " ", text).strip()


def canonical(label: str, extra: Mapping[str, str] | None = None) -> str | None:
    """The canonical label for one spelling, or None when unknown.

    Examples
    --------
    >>> [canonical(s) for s in ["Black/African/Caribbean/Black British: Caribbean", "Black Caribbean", "BCRB",
    ...                         "Black - Caribbean", "Asian - Chinese", "White: Gypsy or Irish Traveller"]]
    ['Black Caribbean', 'Black Caribbean', 'Black Caribbean', 'Black Caribbean', 'Chinese', 'Gypsy or Irish Traveller']
    """
    raw = str(label).strip()
    if extra and raw in extra:
        return raw
    if raw.upper() in DFE_CODES:
        return DFE_CODES[raw.upper()]
    if raw.upper() in DFE_MAJOR:
        return DFE_MAJOR[raw.upper()]
    k = _key(raw)
    if k in _ALIASES:
        return _ALIASES[k]
    lower = raw.lower().replace("/", " ")
    for prefix in _PREFIXES:
        stripped = re.sub(prefix, "", lower)
        if stripped != lower:
            broad = _ALIASES.get(_key(lower[: len(lower) - len(stripped)]))
            k2 = _key(stripped)
            hit = _ALIASES.get(k2) or _ALIASES.get(_key(f"{broad} {k2}" if broad else k2))
            if hit is None and broad:
                hit = _ALIASES.get(_key(f"{broad} other")) if k2.startswith("any other") else None
            if hit:
                return hit
    return None


def broad_group(label: str, extra: Mapping[str, str] | None = None) -> str | None:
    """The ONS broad group of a canonical label (or of a local extended group)."""
    if extra and label in extra:
        return extra[label]
    if label in BROAD:
        return label
    return ONS_2021.get(label) or DFE_ONLY.get(label)


def harmonise_groups(
    obs: pd.DataFrame,
    characteristic: str = "ethnicity",
    *,
    to: str = "detailed",
    extra: Mapping[str, str] | None = None,
    combine_minorities: bool = False,
) -> pd.DataFrame:
    """Give every ethnic group one canonical label; roll up to broad groups only when asked.

    Parameters
    ----------
    obs : DataFrame
        Observations.
    characteristic : str
        The characteristic holding ethnic groups.
    to : {"detailed", "broad"}
        ``"broad"`` rolls detailed groups up to the 5 ONS broad groups,
        recomputing each value from summed numerators and denominators; it
        refuses (``EvidenceError``) where a group lacks counts.
    extra : dict, optional
        Local extended groups: ``{"Turkish": "White", "Somali": "Black"}``. They keep
        their own rows and roll up to the broad group given.
    combine_minorities : bool
        With ``to="broad"`` only: also add one group of everyone but White British,
        labelled "All ethnic groups except White British (combined on request)".
        Rows whose ethnicity is not known or was refused are not in it.

    Returns
    -------
    DataFrame
        A copy with canonical labels (and a ``group_as_published`` column).

    Raises
    ------
    EvidenceError
        Naming every label that is not recognised (with its rows), so nothing
        is silently dropped; or a roll-up that needs counts it does not have.

    Examples
    --------
    >>> obs = pd.DataFrame({"indicator": "x", "period": "2020", "characteristic": "ethnicity",
    ...     "group": ["BCRB", "Black - African", "Asian - Indian"], "value": [50.0, 60.0, 70.0],
    ...     "numerator": [50, 60, 70], "denominator": [100, 100, 100]})
    >>> harmonise_groups(obs)["group"].tolist()
    ['Black Caribbean', 'Black African', 'Indian']
    >>> harmonise_groups(obs, to="broad")[["group", "value"]].round(6).values.tolist()
    [['Asian', 70.0], ['Black', 55.0]]
    """
    out = obs.copy()
    mask = out["characteristic"] == characteristic
    labels = out.loc[mask, "group"].astype(str)
    mapped = labels.map(lambda g: canonical(g, extra))
    unknown = mapped.isna()
    if unknown.any():
        rows = np.flatnonzero(mask.to_numpy())[unknown.to_numpy()] + 1
        names = sorted(set(labels[unknown]))
        raise_if([Problem(f"ethnic group labels not recognised: {', '.join(map(repr, names[:10]))}; add them with "
                          "extra={'label': 'broad group'} or correct the spelling", rows=tuple(int(r) for r in rows),
                          column="group")], context="ethnicity harmonisation")
    mapped = _detailed_other(mapped, labels)
    _refuse_merges(out[mask], mapped)
    out["group_as_published"] = out["group"]
    out.loc[mask, "group"] = mapped.to_numpy()
    if to == "detailed":
        return out
    if to != "broad":
        raise ValueError("to must be 'detailed' or 'broad'")
    return _roll_up(out, mask, characteristic, extra, combine_minorities)


def _detailed_other(mapped: pd.Series, labels: pd.Series) -> pd.Series:
    """In a detailed classification, ONS 2011's "Other ethnic group" is the detailed "Any other ethnic group".

    Only where the labels are detailed (no other broad group beside it) and no
    "Any other ethnic group" is published too.
    """
    canon = set(mapped.dropna())
    detailed = bool(canon & set(ONS_2021)) and not (canon & {"White", "Mixed", "Asian", "Black"})
    if not detailed or "Any other ethnic group" in canon:
        return mapped
    is_other = (mapped == "Other") & labels.map(lambda g: _key(g) == "other ethnic group")
    return mapped.where(~is_other, "Any other ethnic group")


def _refuse_merges(block: pd.DataFrame, mapped: pd.Series) -> None:
    """Two different published groups must never become one (ONS 2011 "Other ethnic group" and broad "Other")."""
    keys = [k for k in ("indicator", "period", "area", "characteristic") if k in block]
    frame = block[keys].assign(_canon=mapped.to_numpy(), _label=block["group"].astype(str).str.strip().to_numpy())
    n = frame.groupby(keys + ["_canon"], dropna=False)["_label"].nunique()
    clash = n[n > 1]
    if len(clash):
        problems = []
        for idx in clash.index[:10]:
            canon = idx[-1]
            labels = sorted(set(frame.loc[frame["_canon"] == canon, "_label"]))
            problems.append(Problem(f"the published groups {', '.join(map(repr, labels))} would both become "
                                    f"'{canon}'; they are different groups, so they are not merged. Put them under "
                                    "different characteristics (e.g. broad and detailed classifications), or rename "
                                    "one", column="group", value=canon))
        raise_if(problems, context="ethnicity harmonisation")


def _roll_up(out: pd.DataFrame, mask: pd.Series, characteristic: str, extra, combine: bool) -> pd.DataFrame:
    eth = out[mask].copy()
    eth["broad"] = eth["group"].map(lambda g: broad_group(g, extra) or (g if g in NOT_KNOWN else None))
    detailed = ~eth["group"].isin(BROAD)
    needs = eth[detailed]
    if not {"numerator", "denominator"} <= set(out.columns) or needs[["numerator", "denominator"]].isna().any().any():
        bad = needs.index[needs.reindex(columns=["numerator", "denominator"]).isna().any(axis=1)] \
            if {"numerator", "denominator"} <= set(out.columns) else needs.index
        raise EvidenceError([Problem(
            "cannot roll detailed ethnic groups up to broad groups without numerators and denominators for every "
            "group (a broad value is not the average of its parts); publish broad groups or supply the counts",
            rows=tuple(int(i) + 1 for i in bad[:20]), column="numerator/denominator")])
    keys = [k for k in ["indicator", "period", "area"] if k in eth]
    # broad rows already published are kept; detailed rows are summed into their broad group
    summed = (needs.groupby(keys + ["broad"], dropna=False)[["numerator", "denominator"]].sum().reset_index()
              .rename(columns={"broad": "group"}))
    already = eth[~detailed][keys + ["group"]]
    summed = summed.merge(already, on=keys + ["group"], how="left", indicator=True)
    summed = summed[summed["_merge"] == "left_only"].drop(columns="_merge")
    scale = _scale(needs)
    summed["value"] = summed["numerator"] / summed["denominator"] * scale
    summed["characteristic"] = characteristic
    parts = [out[~mask], eth[~detailed].drop(columns="broad"), summed]
    if combine:
        # not known / refused are nobody's ethnic group: never folded into the minority group
        minority = needs[(needs["group"] != "White British") & ~needs["group"].isin(NOT_KNOWN)]
        comb = minority.groupby(keys, dropna=False)[["numerator", "denominator"]].sum().reset_index()
        comb["value"] = comb["numerator"] / comb["denominator"] * scale
        comb["characteristic"] = characteristic
        comb["group"] = "All ethnic groups except White British (combined on request)"
        parts.append(comb)
    res = pd.concat(parts, ignore_index=True)
    return res.sort_values([c for c in ["indicator", "period", "area", "characteristic", "group"] if c in res],
                           kind="stable").reset_index(drop=True)


def _scale(rows: pd.DataFrame) -> float:
    ratio = (rows["value"] / (rows["numerator"] / rows["denominator"])).dropna()
    ratio = ratio[np.isfinite(ratio)]
    return float(np.round(ratio.median())) if len(ratio) else 1.0
