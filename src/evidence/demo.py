"""The built-in demo: a synthetic evidence base for the fictional Borough of Northbrook.

Deterministic (fixed seed) and realistic in shape: 2018 to 2024, attainment,
employment, health, residents' satisfaction and trust, cohesion and early years, each with
the counts, sample sizes or intervals that confidence intervals need. Groups are
specific: ethnicity uses the ONS 2021 19 groups wherever samples allow; the
residents' survey, too small for 19 groups, uses the 5 broad groups, labelled as
such (``ethnicity_broad``).

Planted on purpose, so the report has something to find:

- **real progress**: employment rate of disabled residents (52% → 60% while
  everyone's rate rose), the case in DESIGN.md;
- **levelling down**: grade 5+ in English and maths for pupils eligible for free
  school meals (25% → 25%) while everyone's fell (46% → 40%);
- **widened**: Attainment 8 of Black Caribbean pupils falls from 3 to 10 points
  behind all pupils;
- **no significant change**: satisfaction with the council among disabled
  residents (52% → 53%);
- **not comparable**: the early-years good level of development, whose
  framework changed in 2022 (a series break);
- **too small to publish**: Gypsy or Irish Traveller and Roma pupils;
- **widened, from person-level records**: women aged 16-34 feeling safe outside
  after dark (the residents' survey's weighted respondent records,
  :func:`survey_records`, aggregated by :func:`evidence.aggregate` with their
  intersections).

Not real data: every figure is made up.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

AREA = "Northbrook (fictional)"
YEARS = [str(y) for y in range(2018, 2025)]
SEED = 20180401

# share of the borough's pupils / residents, and an attainment effect (points), for each ONS 2021 group
_ETHNICITY = {
    "Bangladeshi": (0.050, 4), "Chinese": (0.015, 14), "Indian": (0.040, 9), "Pakistani": (0.040, -1),
    "Other Asian": (0.030, 4), "Black African": (0.100, 1), "Black Caribbean": (0.070, -4),
    "Other Black": (0.030, -3), "White and Asian": (0.015, 5), "White and Black African": (0.015, 1),
    "White and Black Caribbean": (0.030, -6), "Other Mixed": (0.030, 1), "White British": (0.300, -1),
    "White Irish": (0.010, 3), "Gypsy or Irish Traveller": (0.003, -22), "Roma": (0.004, -18),
    "Other White": (0.120, 1), "Arab": (0.015, 1), "Any other ethnic group": (0.033, 2),
}
_BROAD = {"Asian": (0.175, 0), "Black": (0.20, -2), "Mixed": (0.09, -1), "White": (0.437, 2), "Other ethnic group": (0.048, -1)}
_SEX = {"Female": (0.5, 2.5), "Male": (0.5, -2.5)}
_FSM = {"Eligible for free school meals": (0.30, -9), "Not eligible for free school meals": (0.70, 4)}
_SEN = {"With no special educational needs": (0.84, 3), "With SEN support": (0.12, -14), "With an EHC plan": (0.04, -30)}
_DISABILITY = {"Disabled": (0.20, -10), "Not disabled": (0.80, 2.5)}
_AGE = {"16-24": (0.18, -14), "25-34": (0.26, 4), "35-49": (0.32, 6), "50-64": (0.24, -3)}
_AGE_SURVEY = {"16-34": (0.32, -4), "35-54": (0.36, 0), "55-74": (0.24, 3), "75+": (0.08, 6)}
_DECILES = ["1 (most deprived)"] + [str(d) for d in range(2, 10)] + ["10 (least deprived)"]


def indicators() -> pd.DataFrame:
    """Metadata for the demo's indicators.

    Examples
    --------
    >>> "polarity" in indicators().columns
    True
    """
    rows = [
        dict(indicator="attainment8_mean", name="Attainment 8 score", domain="attainment", kind="mean",
             polarity="higher_is_better", unit="points", population="pupils",
             source="Synthetic: modelled on DfE key stage 4 performance"),
        dict(indicator="grade5_eng_maths", name="grade 5 or above in English and maths", domain="attainment",
             kind="proportion", polarity="higher_is_better", unit="%", multiplier=100, population="pupils",
             source="Synthetic: modelled on DfE key stage 4 performance"),
        dict(indicator="good_level_development", name="good level of development at age 5", domain="attainment",
             kind="proportion", polarity="higher_is_better", unit="%", multiplier=100, population="children",
             breaks=["2022"],
             source="Synthetic: modelled on the DfE early years foundation stage profile (framework reformed for 2021/22)"),
        dict(indicator="employment_rate", name="employment rate", domain="employment", kind="proportion",
             polarity="higher_is_better", unit="%", multiplier=100, population="residents",
             source="Synthetic: modelled on the ONS Annual Population Survey (ages 16-64)"),
        dict(indicator="life_expectancy_female", name="female life expectancy at birth", domain="health",
             kind="life_expectancy", polarity="higher_is_better", unit="years", population="women",
             source="Synthetic: modelled on OHID Fingertips"),
        dict(indicator="life_expectancy_male", name="male life expectancy at birth", domain="health",
             kind="life_expectancy", polarity="higher_is_better", unit="years", population="men",
             source="Synthetic: modelled on OHID Fingertips"),
        dict(indicator="satisfied_with_council", name="satisfaction with the council", domain="satisfaction",
             kind="proportion", polarity="higher_is_better", unit="%", multiplier=100, population="residents",
             source="Synthetic: residents' survey"),
        dict(indicator="treated_fairly", name="feeling treated fairly by the council", domain="satisfaction",
             kind="proportion", polarity="higher_is_better", unit="%", multiplier=100, population="residents",
             source="Synthetic: residents' survey"),
        dict(indicator="trust_council", name="trust in the council", domain="satisfaction", kind="proportion",
             polarity="higher_is_better", unit="%", multiplier=100, population="residents",
             source="Synthetic: residents' survey"),
        dict(indicator="get_on_well", name="residents agreeing people from different backgrounds get on well",
             domain="cohesion", kind="proportion", polarity="higher_is_better", unit="%", multiplier=100,
             population="residents", source="Synthetic: residents' survey"),
        dict(indicator="feels_safe_after_dark", name="feeling safe outside after dark", domain="cohesion",
             kind="proportion", polarity="higher_is_better", unit="%", multiplier=100, population="residents",
             source="Synthetic: residents' survey, aggregated from its weighted respondent records"),
        dict(indicator="workforce_share", name="share of the council's staff", domain="workforce",
             kind="proportion", polarity="higher_is_better", unit="%", multiplier=100, population="staff",
             source="Synthetic: the council's HR records (evidence.demo_workforce), staff in post on 31 March"),
    ]
    from .indicators import load_indicators

    return load_indicators(rows)


def observations() -> pd.DataFrame:
    """The demo evidence base as an observations table.

    Examples
    --------
    >>> obs = observations()
    >>> sorted(obs["period"].unique())[:2]
    ['2018', '2019']
    """
    rng = np.random.default_rng(SEED)
    out: list[dict] = []
    years = np.arange(len(YEARS))
    t = years / (len(YEARS) - 1)  # 0 at 2018, 1 at 2024

    # --- attainment: Attainment 8 (mean) and grade 5+ English and maths (%) -----------
    cohort = (2400 + 25 * years).astype(int)
    a8_all = 46.5 + 1.0 * t + np.array([0, 0, 3.0, 4.0, 1.5, 0, 0])  # 2020-21 teacher-assessed grades
    for i, year in enumerate(YEARS):
        chars = {"ethnicity": _ETHNICITY, "sex": _SEX, "free_school_meals": _FSM,
                 "special_educational_needs": _SEN}
        planted = {("ethnicity", "Black Caribbean"): a8_all[i] - (3 + 7 * t[i])}
        out += _mean_block("attainment8_mean", year, cohort[i], a8_all[i], chars, planted, sd=19.0, rng=rng)
        g5_all = 46.0 - 6.3 * t[i] + (4.0 if year in ("2020", "2021") else 0.0)
        planted = {("free_school_meals", "Eligible for free school meals"): 25.0,
                   ("ethnicity", "Black Caribbean"): g5_all - (4 + 8 * t[i])}
        out += _prop_block("grade5_eng_maths", year, cohort[i], g5_all, chars, planted, rng=rng, effect_scale=1.2)

    # --- early years: good level of development, framework reformed in 2022 ----------
    for i, year in enumerate(YEARS):
        if year == "2020" or year == "2021":
            continue  # not collected during the pandemic
        gld = 70.0 + 0.8 * i if int(year) < 2022 else 64.0 + 0.8 * (i - 4)
        fsm = {"Eligible for free school meals": (0.25, -14), "Not eligible for free school meals": (0.75, 4.7)}
        out += _prop_block("good_level_development", year, 3000, gld,
                           {"free_school_meals": fsm, "sex": {"Female": (0.5, 6), "Male": (0.5, -6)}}, {}, rng=rng)

    # --- employment: Annual Population Survey style sample ---------------------------
    for i, year in enumerate(YEARS):
        emp_all = 74.0 + 4.0 * t[i] - (2.0 if year == "2020" else 0.0)
        chars = {"disability": _DISABILITY, "sex": {"Female": (0.5, -4), "Male": (0.5, 4)}, "age_band": _AGE,
                 "ethnicity": _ETHNICITY}
        planted = {("disability", "Disabled"): 52.0 + 8.0 * t[i]}
        out += _prop_block("employment_rate", year, 10_000, emp_all, chars, planted, rng=rng, effect_scale=0.8)

    # --- health: life expectancy by deprivation decile, from the shipped deaths and populations ----
    out += life_expectancy_observations().to_dict("records")
    rng.normal(0, 0.25, 2 * len(YEARS) * len(_DECILES))  # draws the LE rows once used: later figures stay as they were

    # --- residents' survey: satisfaction and cohesion -------------------------------
    survey = {"ethnicity_broad": _BROAD, "age_band": _AGE_SURVEY, "disability": _DISABILITY}
    for i, year in enumerate(YEARS):
        n = 1500
        planted = {("disability", "Disabled"): 52.0 + 1.0 * t[i]}
        out += _prop_block("satisfied_with_council", year, n, 62.0 + 1.0 * t[i], survey, planted, rng=rng)
        out += _prop_block("treated_fairly", year, n, 71.0 + 2.0 * t[i], survey, {}, rng=rng, effect_scale=1.5)
        out += _prop_block("get_on_well", year, n, 87.5 - 1.0 * t[i], survey, {}, rng=rng, effect_scale=0.4)
        out += _prop_block("trust_council", year, n, 55.0 + 3.0 * t[i], survey, {}, rng=rng, effect_scale=1.2)

    # staff headcounts, for the representation measure
    from .demo_workforce import observations as workforce

    obs = pd.concat([pd.DataFrame(out), workforce()], ignore_index=True)
    obs.insert(2, "area", AREA)
    obs["suppressed"], obs["reason"] = False, None
    columns = ["indicator", "period", "area", "characteristic", "group", "value", "numerator", "denominator",
               "n", "se", "lower", "upper", "suppressed", "reason"]
    # feeling safe after dark comes from person-level records, as a council's own survey would
    return pd.concat([obs[columns], survey_observations()[columns]], ignore_index=True)


#: how the demo turns its survey records into observations; a scheme's ``data:`` source can say the
#: same with ``aggregate: {outcomes, by, weight, intersections, period, area}``
SURVEY_AGGREGATE = {"outcomes": ["feels_safe_after_dark"], "by": ["sex", "age_band", "disability"],
                    "weight": "weight", "intersections": 2, "period": "year", "area": AREA}


def survey_observations() -> pd.DataFrame:
    """The shipped survey records (:data:`SURVEY_RECORDS`) aggregated by :func:`evidence.aggregate`.

    Examples
    --------
    >>> obs = survey_observations()
    >>> "Female & 16-34" in set(obs["group"])
    True
    """
    from .aggregate import aggregate_source

    return aggregate_source(SURVEY_RECORDS, SURVEY_AGGREGATE)


#: the residents' survey records shipped with the package (written by :func:`survey_records`)
SURVEY_RECORDS = Path(__file__).parent / "data" / "residents_survey.csv"


def survey_records(per_year: int = 1000) -> pd.DataFrame:
    """The residents' survey as person-level records: one row per respondent, with a weight.

    Each year ``per_year`` respondents answer whether they feel safe outside after
    dark (1 yes, 0 no, blank: did not answer). Older residents answer surveys more
    often than younger ones, so each respondent has a weight that brings the
    sample back to the borough's age profile. Some did not give their disability.
    Planted: women aged 16-34 feel less safe, and their gap widens, while the
    borough as a whole feels a little safer. :func:`evidence.aggregate` turns the
    records into observations; the demo scheme does that from the shipped copy
    (``SURVEY_RECORDS``).

    Examples
    --------
    >>> r = survey_records()
    >>> len(r), sorted(r["year"].unique())[:2]
    (7000, ['2018', '2019'])
    """
    rng = np.random.default_rng(SEED + 7)
    population = {"16-34": 0.32, "35-54": 0.36, "55-74": 0.24, "75+": 0.08}
    sampled = {"16-34": 0.20, "35-54": 0.33, "55-74": 0.32, "75+": 0.15}  # who answers surveys
    ages = list(population)
    frames = []
    for i, year in enumerate(YEARS):
        t = i / (len(YEARS) - 1)
        age = rng.choice(ages, per_year, p=list(sampled.values()))
        sex = rng.choice(["Female", "Male"], per_year)
        disabled = rng.random(per_year) < 0.2
        logit = (1.1 + 0.25 * t - 0.55 * (sex == "Female") - 0.6 * disabled
                 - (0.2 + 1.1 * t) * ((sex == "Female") & (age == "16-34"))
                 - 0.5 * (age == "75+"))
        safe = (rng.random(per_year) < 1 / (1 + np.exp(-logit))).astype(float)
        safe[rng.random(per_year) < 0.02] = np.nan
        weight = np.array([population[a] / sampled[a] for a in age]) * rng.lognormal(0, 0.15, per_year)
        frames.append(pd.DataFrame({
            "year": year, "sex": sex, "age_band": age,
            "disability": np.where(rng.random(per_year) < 0.03, None,
                                   np.where(disabled, "Disabled", "Not disabled")).astype(object),
            "feels_safe_after_dark": pd.Series(safe).astype("Int64"),
            "weight": np.round(weight / weight.mean(), 4),
        }))
    return pd.concat(frames, ignore_index=True)


#: deaths and populations by year, sex, deprivation decile and OHID age band (written by :func:`mortality_records`)
MORTALITY_RECORDS = Path(__file__).parent / "data" / "demo_mortality.csv"
#: OHID's 20 life-table age bands
AGE_BANDS = ["0", "1-4"] + [f"{a}-{a + 4}" for a in range(5, 90, 5)] + ["90+"]
# death rates per person-year by band, England-like around 2018 (women), and men's relative to women's
_MORTALITY_F = np.array([0.0035, 0.00012, 0.00007, 0.00008, 0.0002, 0.00025, 0.0003, 0.00045, 0.0007, 0.0011,
                         0.0017, 0.0026, 0.004, 0.0063, 0.0098, 0.016, 0.028, 0.05, 0.095, 0.21])
_MALE_EXCESS = np.array([1.2, 1.2, 1.2, 1.3, 2.4, 2.8, 2.6, 2.2, 1.9, 1.7, 1.6, 1.55, 1.55, 1.55, 1.5, 1.45, 1.4,
                         1.33, 1.25, 1.15])
_AGE_SHARE = np.array([0.012, 0.048, 0.06, 0.058, 0.055, 0.065, 0.08, 0.082, 0.075, 0.068, 0.065, 0.065, 0.06,
                       0.052, 0.045, 0.042, 0.03, 0.022, 0.013, 0.007])
#: log hazard ratio between the most and least deprived tenths: about 7 years of life expectancy for women, 9 for men
_DEPRIVATION_LOG_HR = {"Female": 0.68, "Male": 0.80}
_LE_INDICATOR = {"Female": "life_expectancy_female", "Male": "life_expectancy_male"}


def mortality_records() -> pd.DataFrame:
    """Deaths and mid-year populations by year, sex, deprivation decile and OHID age band.

    Each tenth of the borough (decile 1 most deprived) has about 20,000 women
    and 20,000 men. Death rates are England-like, fall 1% a year, rise in the
    pandemic (2020-2022, more in deprived areas), and are higher in more deprived
    deciles by a constant hazard ratio, so life expectancy at birth is about 7
    years lower in decile 1 than in decile 10 for women and 9 for men. Deaths are
    Poisson draws (seeded). The package ships this table
    (:data:`MORTALITY_RECORDS`); :func:`life_expectancy_observations` turns it
    into the demo's life expectancy rows with :func:`evidence.health.life_expectancy`.

    Examples
    --------
    >>> m = mortality_records()
    >>> len(m), m["age_band"].nunique(), int(m["deaths"].sum() < m["population"].sum())
    (2800, 20, 1)
    """
    rng = np.random.default_rng(SEED + 13)
    share = _AGE_SHARE / _AGE_SHARE.sum()
    covid = {"2020": 0.15, "2021": 0.12, "2022": 0.05}
    rows = []
    for i, year in enumerate(YEARS):
        for sex in ("Female", "Male"):
            base = _MORTALITY_F * (_MALE_EXCESS if sex == "Male" else 1.0) * 0.99**i
            for d in range(1, 11):
                size = 20_000 + int(rng.integers(-1500, 1500))
                pop = np.maximum(np.round(size * share * rng.lognormal(0, 0.03, len(share))), 1)
                deprived = (10 - d) / 9  # 1 in the most deprived tenth, 0 in the least
                hazard = np.exp(_DEPRIVATION_LOG_HR[sex] * (deprived - 0.5))
                hazard *= 1 + covid.get(year, 0.0) * (0.5 + deprived)
                deaths = np.minimum(rng.poisson(base * hazard * pop), pop)
                rows += [{"period": year, "sex": sex, "deprivation_decile": d, "age_band": a,
                          "population": int(p), "deaths": int(x)}
                         for a, p, x in zip(AGE_BANDS, pop, deaths, strict=True)]
    return pd.DataFrame(rows)


def life_expectancy_observations(records: pd.DataFrame | None = None) -> pd.DataFrame:
    """Life expectancy at birth by deprivation decile (and for everyone), from deaths and populations.

    :func:`evidence.health.life_expectancy` (Chiang II, Silcocks' interval) on
    the shipped :data:`MORTALITY_RECORDS` (or ``records``): one observation per
    indicator × year × decile, and the whole borough from the deciles' sums, with
    ``n`` the population (the weight the SII and the overlap correction use).

    Examples
    --------
    >>> le = life_expectancy_observations()
    >>> sorted(le["indicator"].unique()), len(le)
    (['life_expectancy_female', 'life_expectancy_male'], 154)
    """
    from .health import life_expectancy

    m = pd.read_csv(MORTALITY_RECORDS, dtype={"period": str}) if records is None else records
    m = m.assign(group=m["deprivation_decile"].map(lambda d: _DECILES[int(d) - 1]),
                 characteristic="deprivation_decile")
    everyone = (m.groupby(["period", "sex", "age_band"], sort=False)[["population", "deaths"]].sum()
                .reset_index().assign(group="All", characteristic="All"))
    both = pd.concat([everyone, m], ignore_index=True)
    by = ["period", "sex", "characteristic", "group"]
    le = life_expectancy(both, age="age_band", by=by)
    le = le[le["start_age"] == 0]
    size = both.groupby(by, sort=False)["population"].sum().rename("n").reset_index()
    le = le.merge(size, on=by, how="left")
    return pd.DataFrame({"indicator": le["sex"].map(_LE_INDICATOR), "period": le["period"],
                         "characteristic": le["characteristic"], "group": le["group"], "value": le["value"],
                         "lower": le["lower"], "upper": le["upper"], "n": le["n"]})


def _shares(groups: dict[str, tuple[float, float]], total: int, rng: np.random.Generator) -> dict[str, int]:
    w = np.array([s for s, _ in groups.values()])
    w = w / w.sum()
    sizes = np.maximum(rng.multinomial(total, w), 0)
    return dict(zip(groups, sizes.tolist(), strict=True))


def _levels(groups, sizes, overall, planted, char, rng, effect_scale, noise):
    """Group values whose size-weighted mean equals the overall value."""
    names = list(groups)
    val = {g: overall + effect_scale * groups[g][1] + rng.normal(0, noise) for g in names}
    fixed = {g: planted[(char, g)] for g in names if (char, g) in planted}
    val.update(fixed)
    free = [g for g in names if g not in fixed]
    n = np.array([sizes[g] for g in names], dtype=float)
    target = overall * n.sum() - sum(val[g] * sizes[g] for g in names)
    nfree = sum(sizes[g] for g in free)
    k = target / nfree if nfree else 0.0
    for g in free:
        val[g] += k
    return val


def _prop_block(indicator, year, total, overall, chars, planted, rng, effect_scale=1.0):
    rows = [dict(indicator=indicator, period=year, characteristic="All", group="All",
                 numerator=round(overall / 100 * total), denominator=total)]
    for char, groups in chars.items():
        sizes = _shares(groups, total, rng)
        noise = 0.0 if not sizes else 1.5
        vals = _levels(groups, sizes, overall, planted, char, rng, effect_scale, noise)
        for g in groups:
            p = float(np.clip(vals[g], 0.5, 99.5)) / 100
            if (char, g) in planted:
                p = planted[(char, g)] / 100
            rows.append(dict(indicator=indicator, period=year, characteristic=char, group=g,
                             numerator=round(p * sizes[g]), denominator=sizes[g]))
    for r in rows:
        r["value"] = round(100 * r["numerator"] / r["denominator"], 1) if r["denominator"] else np.nan
    return rows


def _mean_block(indicator, year, total, overall, chars, planted, sd, rng):
    rows = [dict(indicator=indicator, period=year, characteristic="All", group="All", value=round(overall, 1),
                 n=total, se=round(sd / np.sqrt(total), 3))]
    for char, groups in chars.items():
        sizes = _shares(groups, total, rng)
        vals = _levels(groups, sizes, overall, planted, char, rng, 1.0, 0.6)
        for g in groups:
            n = sizes[g]
            rows.append(dict(indicator=indicator, period=year, characteristic=char, group=g,
                             value=round(vals[g], 1), n=n, se=round(sd / np.sqrt(n), 3) if n else np.nan))
    return rows


def _ci_row(indicator, year, char, group, value, se):
    v = round(value, 1)
    return dict(indicator=indicator, period=year, characteristic=char, group=group, value=v,
                lower=round(v - 1.96 * se, 1), upper=round(v + 1.96 * se, 1))


def export(folder: str | Path = "data/raw/demo", *, force: bool = False) -> list[Path]:
    """Write the demo observations and indicator metadata as CSV and Excel.

    Parameters
    ----------
    folder : path
        Where to write ``observations.csv``, ``indicators.csv`` and ``demo.xlsx``.
    force : bool
        Overwrite those files when they exist. Without it an existing file is
        never replaced: :class:`evidence.EvidenceError` names it.

    Returns
    -------
    list of Path
        The files written.

    Examples
    --------
    >>> import tempfile
    >>> paths = export(tempfile.mkdtemp())
    >>> sorted(p.suffix for p in paths)
    ['.csv', '.csv', '.xlsx']
    """
    import os

    from .errors import Problem, raise_if

    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise_if([Problem("--out is an existing file, not a folder; nothing was changed", file=str(folder))])
    paths = [folder / "observations.csv", folder / "indicators.csv", folder / "demo.xlsx"]
    existing = [p for p in paths if p.exists()]
    if existing and not force:
        raise_if([Problem("already exists and was not overwritten; choose another --out, or add --force to "
                          "replace it with the demo's", file=str(p)) for p in existing])
    folder.mkdir(parents=True, exist_ok=True)
    obs, meta = observations(), indicators()
    meta_out = meta.assign(breaks=meta["breaks"].map(lambda b: ";".join(b)))
    tmp = [p.with_name(f".{p.name}.tmp-{os.getpid()}") for p in paths]  # each file appears whole or not at all
    try:
        obs.to_csv(tmp[0], index=False)
        meta_out.to_csv(tmp[1], index=False)
        with pd.ExcelWriter(tmp[2], engine="openpyxl") as xl:
            obs.to_excel(xl, sheet_name="observations", index=False)
            meta_out.to_excel(xl, sheet_name="indicators", index=False)
        for t, p in zip(tmp, paths, strict=True):
            os.replace(t, p)
    finally:
        for t in tmp:
            t.unlink(missing_ok=True)
    return paths
