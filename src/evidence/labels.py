"""Words for readers: counts with the right plural, characteristics by name, unknown groups, the confidence level.

Publishers' files use codes ("seb", "ethnicity_broad", "fsm"): a reader should
see "socio-economic background". A characteristic's label comes from the
mapping given (for example the scheme's own), then from :data:`CHARACTERISTICS`,
then from the code itself made readable. Groups such as "Unclassified" or
"Unknown" are records whose group was not recorded: they are not a group of
people and are never judged as one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping

#: readable names for the characteristic codes publishers use
CHARACTERISTICS = {
    "seb": "socio-economic background",
    "ses": "socio-economic background",
    "ethnicity": "ethnic group",
    "ethnicity_broad": "broad ethnic group",
    "ethnicity_major": "broad ethnic group",
    "ethnicity_minor": "ethnic group",
    "ethnic groups": "ethnic group",
    "fsm": "free school meals",
    "free_school_meals": "free school meals",
    "sen": "special educational needs",
    "special_educational_needs": "special educational needs",
    "age_band": "age",
    "deprivation_decile": "deprivation decile",
    "imd_decile": "deprivation decile",
    "idaci_decile": "deprivation decile of the area (IDACI)",
    "disability": "disability",
    "sex": "sex",
    "gender": "sex",
    "disadvantage status": "disadvantage",
    "sexuality - 4 categories": "sexual orientation",
    "sexual_orientation": "sexual orientation",
    "gender_identity": "gender identity",
    "religion": "religion",
    "ward": "ward",
}

#: GSS symbols, the same in every table, chart, file and ``ev.show``: confidential (small numbers), not
#: available, not applicable
SUPPRESSED, NOT_AVAILABLE, NOT_APPLICABLE = "[c]", "[x]", "[z]"

#: each status in words, the one table for the report, the workbook, the CSV and ``ev.show``. The colour
#: (``scheme.RAG``, which may also weigh the scheme's minimum change) comes with its own words, so these
#: never judge: "gap narrowed", not "real progress", beside a change too small to count
STATUS_WORDS = {
    "narrowed": "gap narrowed",
    "narrowed_levelling_down": "gap narrowed by levelling down: not progress",
    "reversed": "moved from behind to ahead",
    "widened": "gap widened",
    "no_significant_change": "no clear change",
    "no_gap": "no clear gap",
    "insufficient_data": "not enough data",
    "not_comparable": "not comparable (the measure changed)",
    "improved": "improved",
    "not_improved": "no clear improvement",
    "worsened": "got worse",
    "level_maintained": "level maintained",
    "below_level": "level not kept",
    "in_line": "in line with the population",
    "under_represented": "under-represented",
    "over_represented": "over-represented",
}
#: each colour of a measure's status in words (the badge says "Green: met"; a chart's key and table "met")
RAG_WORDS = {"green": "met", "amber": "no clear change", "red": "not met", "grey": "not judged"}
#: each comparator in words
COMPARATOR_WORDS = {"overall": "everyone", "rest": "everyone else", "reference": "a reference group",
                    "best": "the best-off group", "baseline": "its baseline level", "none": "nothing",
                    "population share": "its share of the population"}

_UNKNOWN = re.compile(
    r"\b(unclassified|unknown|not stated|not recorded|not collected|missing|refused|prefer not to say|"
    r"no response|information not (yet )?obtained|not obtained|not known(?! to be))\b", re.IGNORECASE)


def plural(n: int, word: str, many: str | None = None) -> str:
    """``n`` with the word in the right number.

    Examples
    --------
    >>> plural(1, "objective"), plural(3, "group"), plural(0, "measure"), plural(2, "was", "were")
    ('1 objective', '3 groups', '0 measures', '2 were')
    """
    return f"{n} {word if n == 1 else (many or word + 's')}"


def characteristic_label(code: str, labels: Mapping[str, str] | None = None) -> str:
    """A characteristic as a reader would name it.

    Crossed characteristics ("seb × sex") are named part by part.

    Examples
    --------
    >>> characteristic_label("seb"), characteristic_label("ethnicity_broad"), characteristic_label("age_band")
    ('socio-economic background', 'broad ethnic group', 'age')
    >>> characteristic_label("seb × sex"), characteristic_label("Housing_Tenure")
    ('socio-economic background and sex', 'housing tenure')
    >>> characteristic_label("tenure", {"tenure": "housing tenure"})
    'housing tenure'
    """
    code = str(code)
    if labels and code in labels:
        return labels[code]
    if "×" in code:
        return " and ".join(characteristic_label(p.strip(), labels) for p in code.split("×"))
    key = code.strip().lower()
    if key in CHARACTERISTICS:
        return CHARACTERISTICS[key]
    words = code.replace("_", " ").strip()
    return words if any(w.isupper() and len(w) > 1 for w in words.split()) else words.lower()


def is_unknown_group(group: str) -> bool:
    """True for a record whose group was not recorded ("Unclassified", "Unknown", "Not stated"...).

    "Not known to be disadvantaged" is a real group, so it is kept.

    Examples
    --------
    >>> [is_unknown_group(g) for g in ["Unclassified", "First Language Unclassified", "Ethnicity not known",
    ...                                "Not known to be disadvantaged", "Roma"]]
    [True, True, True, False, False]
    """
    return bool(_UNKNOWN.search(str(group)))


def level_label(level: float) -> str:
    """The confidence level as a reader sees it, for every table, chart, file and glossary.

    Every label of an interval comes from the one setting (``level`` of the
    report, scheme or call), never from a fixed "95%".

    Examples
    --------
    >>> level_label(0.95), level_label(0.998), level_label(0.9), level_label(0.99999)
    ('95%', '99.8%', '90%', '99.999%')
    """
    return f"{round(float(level) * 100, 6):g}%"


def level_odds(level: float) -> str:
    """How many intervals in how many contain the true figure, in whole numbers.

    Examples
    --------
    >>> level_odds(0.95), level_odds(0.998), level_odds(0.9), level_odds(0.975)
    ('95 out of 100', '998 out of 1,000', '90 out of 100', '975 out of 1,000')
    """
    out_of = 100
    while out_of < 10**9 and not math.isclose(level * out_of, round(level * out_of), abs_tol=1e-6):
        out_of *= 10
    return f"{round(level * out_of):,} out of {out_of:,}"


def status_label(status: object) -> str:
    """A status code in words (:data:`STATUS_WORDS`); an unknown code made readable; anything else as it is.

    Examples
    --------
    >>> status_label("narrowed_levelling_down"), status_label("below_level"), status_label("getting_worse")
    ('gap narrowed by levelling down: not progress', 'level not kept', 'getting worse')
    """
    if not isinstance(status, str):
        return status
    return STATUS_WORDS.get(status, status.replace("_", " "))
