"""The demo council's workforce: synthetic HR records for the Borough of Northbrook.

Deterministic (fixed seed). About 3,000 staff in post on 31 March 2024, everyone
who left since April 2017, and a year of recruitment (applicants, shortlisted,
appointed). Fields: grade and grade band, ethnicity (ONS 2021 groups, with
"Prefer not to say"), sex, disability, age band, working pattern, returned
from maternity leave in the last two years, single parent, hourly pay, bonus,
whether on full pay in the snapshot pay period, start and leave dates with
the reason for leaving (including voluntary redundancy in the 2023
restructure), promotion and formal disciplinary cases.

Planted on purpose, so the workforce report has something to find:

- Black staff are a fair share of the workforce but thin out with seniority:
  few in the senior grades;
- a drop-off at appointment: ethnic minority applicants are shortlisted about
  as often as White British applicants but appointed less often;
- women who returned from maternity leave, and single parents, are
  over-represented among voluntary redundancies;
- a gender pay gap: women are most of the lower grades.

Also the benchmark: the borough's working-age residents (16 to 64) by ethnic
group, sex and disability, as a census count. Not real data: every figure is
made up.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .demo import _ETHNICITY

SEED = 20240331
SNAPSHOT = pd.Timestamp("2024-03-31")
BANDS = ["Grades 1-3", "Grades 4-6", "Grades 7-9", "Grades 10-12", "Senior managers"]
_BAND_WEIGHTS = np.array([0.32, 0.30, 0.22, 0.11, 0.05])
_BAND_PAY = np.array([11.9, 14.6, 19.2, 25.8, 41.0])  # median hourly pay, £
#: how each group's staff spread over the bands (a multiplier on the weights, junior to senior)
_BLACK = {"Black African", "Black Caribbean", "Other Black", "White and Black Caribbean", "White and Black African"}
#: ethnicity share of the workforce relative to the borough (planted: some groups under-represented overall)
_STAFF_TILT = {"White British": 1.45, "Bangladeshi": 0.55, "Pakistani": 0.6, "Other White": 0.45, "Roma": 0.3,
               "Gypsy or Irish Traveller": 0.3, "Arab": 0.7, "Chinese": 0.8}
WORKING_AGE = 182_400


def census() -> pd.DataFrame:
    """The borough's working-age residents by ethnic group, sex and disability (counts).

    Examples
    --------
    >>> c = census()
    >>> int(c.loc[c["characteristic"] == "ethnicity", "count"].sum())
    182400
    """
    w = np.array([s for s, _ in _ETHNICITY.values()])
    eth = _round_to(w / w.sum() * WORKING_AGE, WORKING_AGE)
    rows = [dict(characteristic="ethnicity", group=g, count=int(n)) for g, n in zip(_ETHNICITY, eth, strict=True)]
    rows += [dict(characteristic="sex", group="Female", count=92_100), dict(characteristic="sex", group="Male",
                                                                             count=90_300)]
    rows += [dict(characteristic="disability", group="Disabled", count=27_900),
             dict(characteristic="disability", group="Not disabled", count=154_500)]
    return pd.DataFrame(rows)


def _round_to(x: np.ndarray, total: int) -> np.ndarray:
    """Round to integers summing to ``total`` (largest remainder)."""
    base = np.floor(x).astype(int)
    extra = total - base.sum()
    base[np.argsort(-(x - base))[:extra]] += 1
    return base


def staff(seed: int = SEED) -> pd.DataFrame:
    """Everyone employed at any time from 1 April 2017 to 31 March 2024, one row each.

    Examples
    --------
    >>> s = staff()
    >>> int(in_post(s).shape[0]) > 2500, sorted(s["grade_band"].cat.categories) == sorted(BANDS)
    (True, True)
    """
    rng = np.random.default_rng(seed)
    n = 4200
    groups = list(_ETHNICITY)
    w = np.array([_ETHNICITY[g][0] * _STAFF_TILT.get(g, 1.0) for g in groups])
    eth = rng.choice(groups, n, p=w / w.sum())
    # 4% prefer not to say
    eth = np.where(rng.random(n) < 0.04, "Prefer not to say", eth)
    sex = np.where(rng.random(n) < 0.62, "Female", "Male")
    disability = np.where(rng.random(n) < 0.09, "Disabled", np.where(rng.random(n) < 0.06, "Not known",
                                                                      "Not disabled"))
    # grade band: Black staff pushed towards the junior grades, men a little towards the senior ones
    band = np.empty(n, dtype=int)
    for i in range(n):
        bw = _BAND_WEIGHTS.copy()
        if eth[i] in _BLACK:
            bw = bw * np.array([1.6, 1.2, 0.8, 0.4, 0.35])
        if sex[i] == "Male":
            bw = bw * np.array([0.75, 0.9, 1.1, 1.35, 1.6])
        band[i] = rng.choice(5, p=bw / bw.sum())
    grade = 1 + 3 * band + rng.integers(0, 3, n)
    grade = np.where(band == 4, 13 + rng.integers(0, 3, n), grade)
    age = rng.choice(["16-24", "25-34", "35-49", "50-64", "65+"], n, p=[0.07, 0.21, 0.36, 0.33, 0.03])
    part_time = rng.random(n) < np.where(sex == "Female", 0.38, 0.12) * np.where(band >= 3, 0.4, 1.0)
    pay = _BAND_PAY[band] * np.exp(rng.normal(0, 0.07, n)) * (1 + 0.04 * (grade - 1 - 3 * np.minimum(band, 3)))
    pay = np.round(pay * np.where(sex == "Female", 0.985, 1.0), 2)
    # recognition payments (the council's only bonus): 5% of staff, more of them senior
    bonus = np.where(rng.random(n) < 0.03 + 0.04 * band, np.round(rng.uniform(250, 1500, n) * (1 + band / 2), -1), 0.0)
    young = np.isin(age, ["25-34", "35-49"])
    maternity = (sex == "Female") & young & (rng.random(n) < 0.11)
    single_parent = rng.random(n) < np.where(sex == "Female", 0.10, 0.03)
    full_pay = rng.random(n) > 0.03  # on sick or maternity leave at reduced pay in the snapshot period

    start = pd.Timestamp("2024-03-01") - pd.to_timedelta(rng.integers(0, 25 * 365, n), unit="D")
    leave = pd.Series(pd.NaT, index=range(n), dtype="datetime64[ns]")
    reason = np.full(n, None, dtype=object)
    # leavers since April 2017: resignations and retirements, and the 2023 voluntary redundancy scheme
    p_leave = np.full(n, 0.22)
    leaving = rng.random(n) < p_leave
    vr_p = 0.04 + 0.16 * maternity + 0.10 * single_parent
    vr = leaving & (rng.random(n) < vr_p / p_leave.mean())
    for i in np.flatnonzero(leaving):
        if vr[i]:
            leave[i] = pd.Timestamp("2023-09-30")
            reason[i] = "Voluntary redundancy"
        else:
            leave[i] = pd.Timestamp("2017-04-01") + pd.Timedelta(days=int(rng.integers(0, 7 * 365 - 1)))
            reason[i] = rng.choice(["Resigned", "Retired", "End of fixed-term contract", "Dismissed"],
                                   p=[0.62, 0.22, 0.12, 0.04])
    start = pd.Series(start).where(pd.Series(start) < leave.fillna(SNAPSHOT + pd.Timedelta(days=1)),
                                   leave - pd.Timedelta(days=400))
    promoted = rng.random(n) < np.where(np.isin(eth, list(_BLACK)), 0.05, 0.08)
    disciplinary = rng.random(n) < np.where(np.isin(eth, list(_BLACK)), 0.025, 0.012)
    out = pd.DataFrame({
        "staff_id": [f"N{100000 + i}" for i in range(n)],
        "grade": grade, "grade_band": pd.Categorical([BANDS[b] for b in band], BANDS, ordered=True),
        "ethnicity": eth, "sex": sex, "disability": disability, "age_band": age,
        "working_pattern": np.where(part_time, "Part time", "Full time"),
        "maternity_return": maternity, "single_parent": single_parent,
        "hourly_pay": pay, "bonus": bonus, "full_pay": full_pay,
        "start_date": start.dt.normalize(), "leave_date": leave, "leave_reason": reason,
        "promoted": promoted, "disciplinary": disciplinary,
    })
    return out


def in_post(records: pd.DataFrame, date: str | pd.Timestamp = SNAPSHOT) -> pd.DataFrame:
    """Staff in post on ``date`` (started on or before it, not left by it).

    Examples
    --------
    >>> len(in_post(staff(), "2018-03-31")) < len(staff())
    True
    """
    d = pd.Timestamp(date)
    keep = (records["start_date"] <= d) & (records["leave_date"].isna() | (records["leave_date"] > d))
    return records[keep].reset_index(drop=True)


def applicants(seed: int = SEED + 1) -> pd.DataFrame:
    """A year of recruitment: one row per applicant with ``shortlisted`` and ``appointed``.

    Planted: ethnic minority applicants are shortlisted at much the same rate as
    White British applicants but appointed about half as often.

    Examples
    --------
    >>> a = applicants()
    >>> bool((a["appointed"] <= a["shortlisted"]).all())
    True
    """
    rng = np.random.default_rng(seed)
    n = 5200
    groups = list(_ETHNICITY)
    w = np.array([s for s, _ in _ETHNICITY.values()])
    eth = rng.choice(groups, n, p=w / w.sum())
    eth = np.where(rng.random(n) < 0.05, "Prefer not to say", eth)
    sex = np.where(rng.random(n) < 0.58, "Female", "Male")
    disability = np.where(rng.random(n) < 0.11, "Disabled", "Not disabled")
    shortlisted = rng.random(n) < 0.28
    white_british = eth == "White British"
    p_app = np.where(white_british, 0.34, 0.19)
    p_app = np.where(eth == "Prefer not to say", 0.25, p_app)
    appointed = shortlisted & (rng.random(n) < p_app)
    return pd.DataFrame({"applicant_id": [f"A{i:05d}" for i in range(n)], "ethnicity": eth, "sex": sex,
                         "disability": disability, "applied": True, "shortlisted": shortlisted,
                         "appointed": appointed})


def observations(years: tuple[str, ...] = ("2018", "2024")) -> pd.DataFrame:
    """Staff in post on 31 March of each year by ethnic group, as observations.

    ``indicator`` is ``workforce_share``: ``numerator`` is the number of staff in
    the group (including "Prefer not to say") and ``denominator`` all staff, so a
    representation measure can compare the shares with :func:`census`.

    Examples
    --------
    >>> o = observations()
    >>> sorted(o["period"].unique())
    ['2018', '2024']
    """
    recs = staff()
    rows = []
    for y in years:
        post = in_post(recs, f"{y}-03-31")
        counts = post["ethnicity"].value_counts()
        total = int(len(post))
        rows.append(dict(indicator="workforce_share", period=y, characteristic="All", group="All",
                         numerator=total, denominator=total))
        for g in list(_ETHNICITY) + ["Prefer not to say"]:
            rows.append(dict(indicator="workforce_share", period=y, characteristic="ethnicity", group=g,
                             numerator=int(counts.get(g, 0)), denominator=total))
    out = pd.DataFrame(rows)
    out["value"] = (100 * out["numerator"] / out["denominator"]).round(1)
    return out
