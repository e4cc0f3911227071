"""Flesch reading ease through textstat, offline, with numbers read as words."""

from __future__ import annotations

import pytest

from evidence.readability import flesch_reading_ease


def test_flesch_matches_the_formula_by_hand():
    # Flesch (1948): 206.835 - 1.015 * words/sentences - 84.6 * syllables/words
    # The(1) gap(1) narrowed(2). Everyone(3) did(1) better(2): 6 words, 2 sentences, 10 syllables
    expected = 206.835 - 1.015 * 6 / 2 - 84.6 * 10 / 6
    assert flesch_reading_ease("The gap narrowed. Everyone did better.") == pytest.approx(expected, abs=0.01)


def test_decimal_points_do_not_end_sentences():
    with_points = flesch_reading_ease("The gap went from 6.1 to 3.9 points, and from 20.9 to 14.7 for others.")
    one_sentence = flesch_reading_ease("The gap went from 61 to 39 points, and from 209 to 147 for others.")
    assert with_points == one_sentence


def test_needs_no_download(monkeypatch):
    # a scheduled run has no internet: any attempt to fetch data must fail this test
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("readability tried to use the network")

    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket.socket, "connect", refuse)
    assert flesch_reading_ease("Results for all pupils fell.") > 0
