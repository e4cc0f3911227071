"""Published gender pay gap returns: read the government service's download, place a council among its peers.

Every employer's statutory return is published by the Gender pay gap service
(gender-pay-gap.service.gov.uk) as one CSV a year: DiffMeanHourlyPercent,
DiffMedianHourlyPercent, the bonus metrics, the share of men and women in each
quartile pay band, and the employer's size band. :func:`read_gender_pay_gap`
reads it as published; :func:`peers` puts a council's own figures (from the
file, or computed with :func:`evidence.pay_gap`) beside the median of English
councils of the same size.

Which employers are councils, and in which country, is not in the file. The
toolkit's rule: a public-sector return (snapshot 31 March, the public-sector
regulations) whose name reads like a local authority ("... Council", "London
Borough of ...", not a research, arts or professional council, a college or
trust); the country from the postcode area of the address (CF, SA, NP, LL and LD
are Welsh; AB, DD, DG, EH, FK, G, HS, IV, KA, KW, KY, ML, PA, PH and ZE
Scottish; BT Northern Irish) or, for border areas, the council's name.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from .errors import EvidenceError, Problem

SIZES = ("Less than 250", "250 to 499", "500 to 999", "1000 to 4999", "5000 to 19,999", "20,000 or more")
_RENAME = {
    "EmployerName": "employer", "Address": "address", "SicCodes": "sic_codes",
    "DiffMeanHourlyPercent": "mean_gap", "DiffMedianHourlyPercent": "median_gap",
    "DiffMeanBonusPercent": "mean_bonus_gap", "DiffMedianBonusPercent": "median_bonus_gap",
    "MaleBonusPercent": "male_bonus_proportion", "FemaleBonusPercent": "female_bonus_proportion",
    "MaleLowerQuartile": "male_lower_quartile", "FemaleLowerQuartile": "female_lower_quartile",
    "MaleLowerMiddleQuartile": "male_lower_middle_quartile", "FemaleLowerMiddleQuartile": "female_lower_middle_quartile",
    "MaleUpperMiddleQuartile": "male_upper_middle_quartile", "FemaleUpperMiddleQuartile": "female_upper_middle_quartile",
    "MaleTopQuartile": "male_upper_quartile", "FemaleTopQuartile": "female_upper_quartile",
    "EmployerSize": "size", "DueDate": "due_date",
}
_NUMERIC = [v for k, v in _RENAME.items() if k.startswith(("Diff", "Male", "Female"))]
_COUNCIL = re.compile(r"\bcouncils?\b|^(?:the )?(?:london|royal) borough of|^city of london|borough of|county of", re.I)
_NOT_COUNCIL = re.compile(
    r"research|arts council|medical|dental|nursing|professions|british council|financial reporting|house-building|"
    r"refugee|young men|parochial|field studies|pharmac|social work|sentencing|engineering council|ombudsman|sport|"
    r"funding|housing|college|school|academy|trust|university|police|fire|nhs|hospital|leisure|homes|limited|ltd|"
    r"plc|church|diocese|association|citizens advice|chamber|federation|foundation|society|union|network|service",
    re.I)
_WALES = {"CF", "SA", "NP", "LL", "LD"}
_SCOTLAND = {"AB", "DD", "DG", "EH", "FK", "G", "HS", "IV", "KA", "KW", "KY", "ML", "PA", "PH", "ZE"}
_WELSH_COUNCILS = re.compile(
    r"blaenau gwent|bridgend|caerphilly|cardiff|carmarthenshire|ceredigion|conwy|denbighshire|flintshire|gwynedd|"
    r"anglesey|merthyr|monmouthshire|neath port talbot|newport city|pembrokeshire|powys|rhondda|swansea|torfaen|"
    r"vale of glamorgan|wrexham", re.I)
_POSTCODE = re.compile(r"\b([A-Z]{1,2})[0-9][0-9A-Z]?\s*[0-9][A-Z]{2}\s*$")


def read_gender_pay_gap(path: str | Path) -> pd.DataFrame:
    """Read a Gender pay gap service download (one row per employer's return).

    Returns
    -------
    DataFrame
        The published columns renamed (``employer, mean_gap, median_gap,
        mean_bonus_gap, median_bonus_gap, male/female_bonus_proportion``,
        ``male/female_<band>_quartile``, ``size``...), figures as numbers, plus
        ``public_sector`` (snapshot 31 March), ``country`` and ``council``.

    Raises
    ------
    EvidenceError
        When the file is missing or lacks a published column.

    Examples
    --------
    >>> import io
    >>> head = ",".join(_RENAME) + "\\n"
    >>> row = "Northbrook Council,\\"1 High St,\\nNB1 1AA\\",1,3.4,-5.0,0,0,0,0,40,60,38,62,41,59,39,61,Less than 250,31/03/2018 00:00:00\\n"
    >>> r = read_gender_pay_gap(io.StringIO(head + row))
    >>> x = r.iloc[0]
    >>> x["employer"], float(x["mean_gap"]), float(x["median_gap"]), bool(x["council"]), x["country"]
    ('Northbrook Council', 3.4, -5.0, True, 'England')
    """
    name = str(path) if not hasattr(path, "read") else "the gender pay gap file"
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise EvidenceError([Problem(f"cannot read the gender pay gap file: {exc}", file=name)]) from None
    return returns_table(raw, name)


def returns_table(raw: pd.DataFrame, name: str) -> pd.DataFrame:
    """The published columns of a Gender pay gap service download (read as text, blanks as "") as
    :func:`read_gender_pay_gap` returns them."""
    missing = [c for c in _RENAME if c not in raw.columns]
    if missing:
        raise EvidenceError([Problem("not a Gender pay gap service download: no column "
                                     f"'{c}'", file=name, column=c) for c in missing])
    out = raw.rename(columns=_RENAME)
    for col in _NUMERIC:
        out[col] = pd.to_numeric(out[col].str.strip().replace("", np.nan), errors="coerce")
    out["public_sector"] = out["due_date"].str.startswith("31/03")
    out["employer"] = out["employer"].str.strip()
    area = out["address"].str.strip().str.extract(_POSTCODE)[0]
    out["country"] = np.select(
        [area.isin(_WALES) | out["employer"].str.contains(_WELSH_COUNCILS), area.isin(_SCOTLAND), area == "BT"],
        ["Wales", "Scotland", "Northern Ireland"], "England")
    out["council"] = out["public_sector"] & out["employer"].str.contains(_COUNCIL) & \
        ~out["employer"].str.contains(_NOT_COUNCIL)
    return out


def size_band(headcount: int) -> str:
    """The service's size band for a headcount.

    Examples
    --------
    >>> size_band(3262)
    '1000 to 4999'
    """
    for limit, band in zip((250, 500, 1000, 5000, 20000), SIZES, strict=False):
        if headcount < limit:
            return band
    return SIZES[-1]


def find_employer(returns: pd.DataFrame, employer: str) -> pd.Series:
    """One employer's return, by its name (any case); the error lists near matches."""
    name = returns["employer"].str.casefold()
    hit = returns[name == employer.casefold()]
    if len(hit) != 1:
        hit = returns[name.str.contains(re.escape(employer.casefold()))]
    if len(hit) != 1:
        import difflib

        close = difflib.get_close_matches(employer, returns["employer"].tolist(), n=3, cutoff=0.5)
        what = "several employers match" if len(hit) > 1 else "no employer matches"
        raise EvidenceError([Problem(f"{what} '{employer}'" + (f" (did you mean {', '.join(close)}?)" if close else ""),
                                     column="EmployerName", value=employer)])
    return hit.iloc[0]


def peers(
    returns: pd.DataFrame,
    employer: str | None = None,
    *,
    mean_gap: float | None = None,
    median_gap: float | None = None,
    size: str | int | None = None,
    country: str | None = "England",
    councils: bool = True,
) -> pd.DataFrame:
    """A council's mean and median gap against the median of its peers.

    Parameters
    ----------
    returns : DataFrame
        From :func:`read_gender_pay_gap`.
    employer : str, optional
        An employer in the file: its own figures and size band are used (and it
        is left out of its peers).
    mean_gap, median_gap : float, optional
        Your own figures instead (e.g. from :func:`evidence.pay_gap`), with ``size``
        (a size band or a headcount).
    country : str or None
        Peers in this country only (None for all).
    councils : bool
        Peers are councils only.

    Returns
    -------
    DataFrame
        One row: ``employer, mean_gap, median_gap, size, peer_group, peers,
        peer_median_mean_gap, peer_median_median_gap, peers_lower_mean_gap`` (%
        of peers with a smaller mean gap) and ``summary``.

    Examples
    --------
    >>> gpg = pd.DataFrame({"employer": ["A Council", "B Council", "C Council"], "mean_gap": [10.3, 5.0, 7.0],
    ...     "median_gap": [16.3, 2.0, 4.0], "size": "1000 to 4999", "country": "England", "council": True})
    >>> peers(gpg, "A Council")["summary"].iloc[0]
    'A Council: mean gap 10.3% against a median of 6.0% for 2 English councils of its size (1000 to 4999 employees); median gap 16.3% against 3.0%.'
    """
    if employer is not None:
        own = find_employer(returns, employer)
        name, mean_gap, median_gap, band = own["employer"], own["mean_gap"], own["median_gap"], own["size"]
        pool = returns.drop(index=own.name)
    else:
        if mean_gap is None or size is None:
            raise EvidenceError([Problem("give an employer in the file, or your own mean_gap and size")])
        name, band = "Our council", size_band(size) if isinstance(size, int | np.integer) else str(size)
        pool = returns
        if band not in SIZES:
            raise EvidenceError([Problem(f"size must be a headcount or one of: {', '.join(SIZES)}", value=band)])
    keep = pool["size"] == band
    if councils:
        keep &= pool["council"]
    if country:
        keep &= pool["country"] == country
    group = pool[keep]
    who = ("English " if country == "England" else f"{country} " if country else "") + \
        ("councils" if councils else "employers")
    med_mean, med_median = group["mean_gap"].median(), group["median_gap"].median()
    lower = 100 * float((group["mean_gap"] < mean_gap).mean()) if len(group) else np.nan
    summary = (f"{name}: mean gap {mean_gap:.1f}% against a median of {med_mean:.1f}% for {len(group)} {who} of "
               f"its size ({band} employees)")
    summary += f"; median gap {median_gap:.1f}% against {med_median:.1f}%." if median_gap is not None and \
        np.isfinite(median_gap) else "."
    return pd.DataFrame([{"employer": name, "mean_gap": mean_gap, "median_gap": median_gap, "size": band,
                          "peer_group": f"{who} ({band} employees)", "peers": len(group),
                          "peer_median_mean_gap": med_mean, "peer_median_median_gap": med_median,
                          "peers_lower_mean_gap": lower, "summary": summary}])
