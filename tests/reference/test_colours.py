"""One colour per country: distinct, stable, and China and the U.S. far apart."""

from __future__ import annotations

from valuechain.reference.colours import colour_of, country_colours


def test_every_listed_code_has_its_own_colour():
    table = country_colours()
    assert len(set(table.values())) == len(table)
    assert colour_of("CN") != colour_of("US") and colour_of("CN") == table["CN"]


def test_unlisted_codes_get_a_stable_colour_and_none_is_unknown():
    assert colour_of("BR") == colour_of("BR")
    assert colour_of(None) == country_colours()["unknown"]
