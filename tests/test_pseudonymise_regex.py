"""`Literals` finds what the equivalent regular expression (`alternatives`) finds."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from qda.pseudonymise.regex import Literals, alternatives

_NAMES = ["Ann", "Anna", "Ann Lee", "Dawson", "the Northern", "The Northern General", "St Mary's", "O'Neill",
          "Kerry-Ann", "R. Tapp & Sons", "+44 7700 900456", "Zoë", "Lee"]
_PIECES = [*_NAMES, " ", ", ", "s", "s ", "'s ", "-ben", "the ", "ANN ", "anna ", "Annie ", "Dawsons. ", "x", "\n"]


@settings(max_examples=300, deadline=None)
@given(names=st.lists(st.sampled_from(_NAMES), min_size=1, unique=True),
       pieces=st.lists(st.sampled_from(_PIECES), max_size=30), ignore_case=st.booleans())
def test_literals_match_the_regular_expression(names, pieces, ignore_case):
    text = "".join(pieces)
    pattern = alternatives(names, plural=True, flags=re.IGNORECASE if ignore_case else 0)
    assert list(Literals(names, ignore_case).finditer(text)) == [m.span() for m in pattern.finditer(text)]


def test_a_literal_added_later_is_found():
    literals = Literals(["Ann"])
    literals.add("Ann Lee")
    assert list(literals.finditer("Ann Lee and the Dawsons, Ann's.")) == [(0, 7), (25, 28)]
