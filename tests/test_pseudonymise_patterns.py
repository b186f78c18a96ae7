"""Identifiers found by their shape (`qda.pseudonymise.patterns`) in the ways people type them."""

from __future__ import annotations

import pytest

from qda.pseudonymise.patterns import find_patterns


def shapes(text: str) -> list[tuple[str, str]]:
    return sorted((m.type, m.text) for m in find_patterns(text))


@pytest.mark.parametrize("text, found", [
    ("Her postcode is tf13 6ab on the form.", [("POSTCODE", "tf13 6ab")]),
    ("or bs35 2qt, I think", [("POSTCODE", "bs35 2qt")]),
    ("Ring 0044 7700 900461 after six.", [("PHONE", "0044 7700 900461")]),
    ("He's @willm_2009 on there, and @bran_penno.", [("URL", "@bran_penno"), ("URL", "@willm_2009")]),
])
def test_identifiers_typed_otherwise_are_found(text, found):
    assert shapes(text) == found


@pytest.mark.parametrize("text", [
    "We met at junction m25 4th exit, no, the 4th.",  # an ordinal, not an inward code
    "Write to a.b@example.com please.",  # an e-mail address, not a handle
    "qq12 3ab is nobody's area.",
])
def test_shapes_that_are_not_these_identifiers(text):
    assert ("URL", "@example.com") not in shapes(text)
    assert not [t for t in shapes(text) if t[0] == "POSTCODE"]
