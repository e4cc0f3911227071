"""evidence: equality evidence bases for public bodies.

Gaps between groups with honest confidence intervals, progress from a baseline
with the levelling-down rule, and a yearly scheme progress report.

>>> import evidence as ev
>>> obs = ev.demo.observations()
>>> p = ev.progress(obs, "2018", "2024", indicators=ev.demo.indicators())
>>> "narrowed_levelling_down" in set(p["status"])
True
"""

from . import demo
from .aggregate import aggregate
from .errors import EvidenceError, EvidenceWarning, Problem
from .estimates import estimate
from .ethnicity import harmonise_groups
from .gaps import gaps
from .indicators import load_indicators
from .observations import validate
from .progress import STATUSES, progress
from .readers import read
from .report import report
from .scheme import Scheme
from .screen import screen
from .summary import summary_measures
from .suppression import suppress

__all__ = [
    "STATUSES",
    "EvidenceError",
    "EvidenceWarning",
    "Problem",
    "Scheme",
    "aggregate",
    "demo",
    "estimate",
    "gaps",
    "harmonise_groups",
    "load_indicators",
    "progress",
    "read",
    "report",
    "screen",
    "summary_measures",
    "suppress",
    "validate",
]
__version__ = "0.1.0"
