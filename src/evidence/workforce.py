"""The workforce profile: who is in the room, where people fall out, and pay gaps, from HR records.

:func:`build` runs every analysis of the workforce report once, on staff
records (one row per person employed at any time in the period, with start and
leave dates) and recruitment records (one row per applicant), so the notebook
only presents:

- representation of the staff in post against the borough
  (:func:`evidence.representation`), overall and by grade band, to show where
  it thins out with seniority;
- the recruitment pipeline, applied → shortlisted → appointed, and who left or
  took voluntary redundancy, as relative likelihoods
  (:func:`evidence.relative_likelihood`);
- pay gaps by sex (the statutory figures), ethnic group and disability
  (:func:`evidence.pay_gap`), and, when the Gender pay gap service download is
  given, the council's gap against English councils of its size.

Ethnic groups are kept in the ONS 2021 detailed groups for representation;
for bands, pipeline and pay, where detailed groups would be too small, they are
combined into White British, other White groups and the four other broad groups,
never into one "ethnic minority" group.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .ethnicity import ONS_2021
from .likelihood import relative_likelihood
from .paygap import pay_gap
from .representation import is_not_known, representation

#: the combined ethnic groups used where detailed groups would be too small
ETHNIC_GROUPS = {g: ("White British" if g == "White British" else "White other than British" if b == "White" else b)
                 for g, b in ONS_2021.items()}
ETHNIC_GROUPS["Any other ethnic group"] = "Other"
ETHNIC_GROUPS["Arab"] = "Other"


@dataclass
class WorkforceResults:
    """Every table of the workforce report."""

    organisation: str
    snapshot: pd.Timestamp
    headcount: int
    level: float
    min_n: int
    representation: pd.DataFrame
    bands: pd.DataFrame
    pipeline: pd.DataFrame
    leavers: pd.DataFrame
    pay: pd.DataFrame
    peers: pd.DataFrame | None = None
    notes: list[str] = field(default_factory=list)

    def headlines(self) -> list[str]:
        """The findings a committee should read first, in plain words."""
        return headlines(self)


def build(
    staff: pd.DataFrame,
    applicants: pd.DataFrame | None,
    benchmark: pd.DataFrame,
    snapshot: str | pd.Timestamp,
    *,
    organisation: str = "The council",
    restructure_start: str | pd.Timestamp | None = None,
    pay_gap_returns: pd.DataFrame | None = None,
    level: float = 0.95,
    min_n: int = 10,
) -> WorkforceResults:
    """All the workforce report's results.

    Parameters
    ----------
    staff : DataFrame
        HR records: ``start_date``, ``leave_date``, ``leave_reason``,
        ``grade_band``, ``ethnicity``, ``sex``, ``disability``, ``hourly_pay``,
        ``bonus``, ``full_pay``, and optionally ``maternity_return``, ``single_parent``.
    applicants : DataFrame or None
        Recruitment: ``applied``, ``shortlisted``, ``appointed`` and the characteristics.
    benchmark : DataFrame
        The population to compare with: ``characteristic, group, count``.
    snapshot : date
        The snapshot date (31 March for a council).
    restructure_start : date, optional
        Staff in post on this date are the population at risk of voluntary
        redundancy and of leaving (default: a year before the snapshot).
    pay_gap_returns : DataFrame, optional
        The Gender pay gap service download (:func:`evidence.read_gender_pay_gap`).

    Examples
    --------
    >>> from evidence import demo_workforce as w
    >>> r = build(w.staff(), w.applicants(), w.census(), w.SNAPSHOT)
    >>> r.headcount > 2500
    True
    """
    from .demo_workforce import in_post
    from .paygap_returns import peers

    snap = pd.Timestamp(snapshot)
    post = in_post(staff, snap)
    chars = [c for c in ("ethnicity", "sex", "disability") if c in post.columns]
    rep = representation(post, benchmark, chars, level, min_count=5, min_total=min_n)
    bench_grouped = _grouped_benchmark(benchmark)
    banded = post.assign(ethnic_group=_group(post["ethnicity"]))
    bands = representation(banded, bench_grouped, ["ethnic_group", "sex", "disability"], level, within="grade_band",
                           min_count=5, min_total=min_n)

    pipeline = pd.DataFrame()
    if applicants is not None and len(applicants):
        apps = applicants.assign(ethnic_group=_group(applicants["ethnicity"]))
        parts = [relative_likelihood(apps, ["applied", "shortlisted", "appointed"], c, level=level)
                 for c in ("ethnic_group", "sex", "disability") if c in apps.columns]
        pipeline = pd.concat(parts, ignore_index=True)

    start = pd.Timestamp(restructure_start) if restructure_start is not None else snap - pd.DateOffset(years=1)
    at_risk = in_post(staff, start)
    during = at_risk["leave_date"].notna() & (at_risk["leave_date"] <= snap)
    at_risk = at_risk.assign(in_post=True, left=during,
                             voluntary_redundancy=during & (at_risk["leave_reason"] == "Voluntary redundancy"),
                             ethnic_group=_group(at_risk["ethnicity"]))
    leave_chars = [c for c in ("maternity_return", "single_parent", "sex", "ethnic_group", "disability")
                   if c in at_risk.columns]
    leavers = pd.concat([relative_likelihood(at_risk, ["in_post", outcome], c, level=level, adverse="high")
                         for outcome in ("voluntary_redundancy", "left") for c in leave_chars], ignore_index=True)

    pay = pd.concat([
        pay_gap(post, "sex", bonus="bonus", full_pay="full_pay", min_n=min_n),
        pay_gap(post.assign(ethnic_group=_group(post["ethnicity"])), "ethnic_group", bonus="bonus",
                full_pay="full_pay", reference="White British", min_n=min_n),
        pay_gap(post, "disability", bonus="bonus", full_pay="full_pay", min_n=min_n),
    ], ignore_index=True)

    peer = None
    if pay_gap_returns is not None:
        women = pay[(pay["characteristic"] == "sex") & (pay["group"] == "Female")].iloc[0]
        peer = peers(pay_gap_returns, mean_gap=float(women["mean_gap"]), median_gap=float(women["median_gap"]),
                     size=len(post))
        peer["employer"] = organisation
        peer["summary"] = peer["summary"].str.replace("Our council", organisation, regex=False)
    return WorkforceResults(organisation=organisation, snapshot=snap, headcount=len(post), level=level, min_n=min_n,
                            representation=rep, bands=bands, pipeline=pipeline, leavers=leavers, pay=pay, peers=peer)


def _group(ethnicity: pd.Series) -> pd.Series:
    """Detailed ethnic groups combined as :data:`ETHNIC_GROUPS` says; not known stays not known."""
    nk = is_not_known(ethnicity)
    return ethnicity.map(lambda g: ETHNIC_GROUPS.get(g, g)).where(~nk, "Not known")


def _grouped_benchmark(benchmark: pd.DataFrame) -> pd.DataFrame:
    b = benchmark.copy()
    eth = b["characteristic"] == "ethnicity"
    b.loc[eth, "group"] = b.loc[eth, "group"].map(lambda g: ETHNIC_GROUPS.get(g, g))
    b.loc[eth, "characteristic"] = "ethnic_group"
    return b.groupby(["characteristic", "group"], sort=False, as_index=False)["count"].sum()


def _pct(x: float) -> str:
    return f"{x:.1f}%"


def headlines(r: WorkforceResults) -> list[str]:
    """Plain-English findings, most important first."""
    out = []
    rep = r.representation
    under = rep[(rep["verdict"] == "under") & rep["characteristic"].isin(["ethnicity", "disability", "sex"])]
    under = under.sort_values("difference")
    if len(under):
        words = {"Male": "Men", "Female": "Women"}
        bits = [f"{words.get(g, g)} ({_pct(s)} of staff, {_pct(b)} of residents)" for g, s, b in
                zip(under["group"], under["share"], under["benchmark_share"], strict=True)][:4]
        out.append("Under-represented in the workforce compared with the borough's working-age residents: "
                   + "; ".join(bits) + ".")
    b = r.bands[(r.bands["characteristic"] == "ethnic_group") & (r.bands["grade_band"] != "All")]
    thin = []
    for g, rows in b.groupby("group", sort=False):
        rows = rows[rows["share"].notna()]
        if len(rows) >= 2 and rows["verdict"].iloc[-1] == "under" and rows["share"].iloc[0] > rows["share"].iloc[-1]:
            thin.append(f"{g} staff are {_pct(rows['share'].iloc[0])} of {rows['grade_band'].iloc[0]} but "
                        f"{_pct(rows['share'].iloc[-1])} of {rows['grade_band'].iloc[-1]}")
    if thin:
        out.append("Representation thins out with seniority: " + "; ".join(thin[:3]) + ".")
    p = r.pipeline
    adverse = p[(p["flag"] == "adverse") & (p["to_stage"] == "appointed")] if len(p) else p
    if len(adverse):
        bits = [f"{g} applicants ({row.likelihood:.0%} of those shortlisted appointed, against "
                f"{row.reference_likelihood:.0%} of {row.reference} applicants)"
                for g, row in zip(adverse["group"], adverse.itertuples(), strict=True)][:3]
        out.append("A drop-off at appointment: " + "; ".join(bits) + ".")
    lv = r.leavers
    vr = lv[(lv["to_stage"] == "voluntary_redundancy") & (lv["flag"] == "adverse")]
    if len(vr):
        bits = []
        for row in vr.itertuples():
            who = who_phrase(row.characteristic, row.group)
            bits.append(f"{who} were {row.relative_likelihood:.1f} times as likely to take voluntary redundancy "
                        f"({_pct(row.share_of_outcome)} of those who did, {_pct(row.share_at_risk)} of staff)")
        out.append("Over-represented among voluntary redundancies: " + "; ".join(bits[:3]) + ".")
    sex = r.pay[(r.pay["characteristic"] == "sex") & (r.pay["group"] == "Female")]
    if len(sex) and np.isfinite(sex["mean_gap"].iloc[0]):
        s = sex.iloc[0]
        out.append(f"Gender pay gap: women's mean hourly pay is {s['mean_gap']:.1f}% lower than men's and the "
                   f"median {s['median_gap']:.1f}% lower; women are {s['lower_quartile']:.1f}% of the lowest-paid "
                   f"quarter and {s['upper_quartile']:.1f}% of the highest-paid." if s["mean_gap"] > 0 else
                   f"Gender pay gap: women's mean hourly pay is {-s['mean_gap']:.1f}% higher than men's.")
    if r.peers is not None:
        out.append(r.peers["summary"].iloc[0])
    return out


def who_phrase(characteristic: str, group: str) -> str:
    if characteristic == "maternity_return":
        return "Staff back from maternity leave" if group == "Yes" else "Other staff"
    if characteristic == "single_parent":
        return "Single parents" if group == "Yes" else "Staff who are not single parents"
    if characteristic == "ethnic_group" and group == "Other":
        return "Staff of other ethnic groups"
    return f"{group} staff"
