"""Reference places carry a name in each language a survivor reads."""

from __future__ import annotations

import unicodedata

from sqlalchemy import select

from models import GramPanchayat
from models.reference import bengali_to_devanagari


def test_bengali_names_are_written_letter_by_letter_in_devanagari():
    assert bengali_to_devanagari("দিঘিরপাড়") == "दिघिरपाड़"
    assert bengali_to_devanagari("মাতলা ১") == "मातला १"
    assert bengali_to_devanagari("সৎ") == "सत्"
    assert bengali_to_devanagari("Matla I") == "Matla I"


def test_every_gram_panchayat_has_a_hindi_name_in_devanagari(session):
    """Before, Hindi pages showed every gram panchayat in Latin letters."""
    places = session.scalars(select(GramPanchayat)).all()
    assert places
    for place in places:
        letters = [c for c in place.display_name("hi") if c.isalpha()]
        assert letters and all("DEVANAGARI" in unicodedata.name(c) for c in letters), place.name
