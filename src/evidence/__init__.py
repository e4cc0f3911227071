"""evidence: equality evidence bases for public bodies.

Gaps between groups with honest confidence intervals, progress from a baseline
with the levelling-down rule, and a yearly scheme progress report.

>>> import evidence as ev
>>> obs = ev.demo.observations()
>>> p = ev.progress(obs, "2018", "2024", indicators=ev.demo.indicators())
>>> "narrowed_levelling_down" in set(p["status"])
True
"""

from . import demo, demo_workforce, funnel, gradient_section, health, workforce
from .aggregate import aggregate
from .benchmark import benchmark
from .display import show
from .errors import EvidenceError, EvidenceWarning, Problem
from .estimates import estimate
from .ethnicity import harmonise_groups
from .gaps import gaps
from .indicators import load_indicators
from .likelihood import relative_likelihood
from .observations import validate
from .parameters import check_parameters
from .paygap import pay_gap
from .paygap_returns import peers as pay_gap_peers
from .paygap_returns import read_gender_pay_gap
from .progress import STATUSES, progress
from .readers import read
from .report import report
from .representation import representation
from .scheme import Scheme
from .screen import screen
from .summary import summary_measures
from .suppression import suppress
from .trend import trend

__all__ = [
    "STATUSES",
    "EvidenceError",
    "EvidenceWarning",
    "Problem",
    "Scheme",
    "aggregate",
    "benchmark",
    "demo",
    "check_parameters",
    "demo_workforce",
    "workforce",
    "estimate",
    "gaps",
    "health",
    "funnel",
    "gradient_section",
    "harmonise_groups",
    "load_indicators",
    "pay_gap",
    "pay_gap_peers",
    "progress",
    "read",
    "read_gender_pay_gap",
    "relative_likelihood",
    "report",
    "representation",
    "screen",
    "show",
    "summary_measures",
    "suppress",
    "trend",
    "validate",
]
__version__ = "0.1.0"
