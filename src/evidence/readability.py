"""Readability of generated text: the Flesch reading ease score.

``206.835 - 1.015 × (words / sentences) - 84.6 × (syllables / words)``
(Flesch R, 1948, "A new readability yardstick", Journal of Applied Psychology
32:221-233). 60 to 70 is "plain English"; higher is easier. Syllables are
counted with a vowel-group rule (a silent final "e" does not count, every word
has at least one), which agrees with dictionary counts for most everyday
words and needs no downloaded dictionary. Numbers count as one word of one
syllable per digit group, as they are read.
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[A-Za-z]+(?:'[a-z]+)?|\d[\d,.]*")
_SENTENCE_END = re.compile(r"[.!?:]+(?:\s|$)")


def syllables(word: str) -> int:
    """Estimated syllables in an English word.

    Examples
    --------
    >>> [syllables(w) for w in ["gap", "narrowed", "levelling", "population", "the"]]
    [1, 2, 3, 4, 1]
    """
    w = word.lower()
    if w[0].isdigit():
        return len([p for p in re.split(r"[,.]", w) if p])
    w = re.sub(r"'[a-z]+$", "", w)
    if len(w) > 2 and w.endswith("e") and not w.endswith(("le", "ee", "ye")):
        w = w[:-1]
    if w.endswith("ed") and len(w) > 3 and w[-3] not in "td":
        w = w[:-2]
    groups = re.findall(r"[aeiouy]+", w)
    return max(1, len(groups))


def flesch_reading_ease(text: str) -> float:
    """Flesch reading ease of ``text`` (higher is easier; 60+ is plain English).

    Examples
    --------
    >>> round(flesch_reading_ease("The cat sat on the mat."), 1)
    116.1
    """
    words = _WORD.findall(text)
    if not words:
        return float("nan")
    sentences = max(1, len(_SENTENCE_END.findall(text)))
    syl = sum(syllables(w) for w in words)
    return 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (syl / len(words))
