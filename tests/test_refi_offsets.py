"""Other tools' text positions (code points, NVivo's UTF-16 units, ATLAS.ti's CRLF-as-1)
map back to qda's canonical code-point offsets: hand examples, then a round-trip property
against a deliberately slow, obvious encoder written here."""

from __future__ import annotations

import codecs

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qda.readers.decode import normalise_newlines
from qda.refi.offsets import UNITS, PositionMap, choose_unit, preferred_units

# --- hand examples ---------------------------------------------------------------------

MIXED = "a\r\nb😀c"  # canonical "a\nb😀c": a0 \n1 b2 😀3 c4


def test_mixed_in_code_points():
    m = PositionMap(MIXED, "codepoints")  # a0 CR1 LF2 b3 😀4 c5
    assert m.length == 6
    assert m.span(0, 6) == (0, 5)
    assert m.span(3, 6) == (2, 5)
    assert m.span(4, 5) == (3, 4)
    assert m.span(0, 1) == (0, 1)
    assert m.span(1, 3) == (1, 2)  # CRLF -> "\n"


def test_mixed_in_utf16():
    m = PositionMap(MIXED, "utf16")  # a0 CR1 LF2 b3 😀4-5 c6
    assert m.length == 7
    assert m.span(0, 7) == (0, 5)
    assert m.span(4, 6) == (3, 4)
    assert m.span(6, 7) == (4, 5)
    assert m.span(3, 4) == (2, 3)


def test_mixed_in_newlines():
    m = PositionMap(MIXED, "newlines")  # a0 CRLF1 b2 😀3 c4: the canonical offsets
    assert m.length == 5
    assert [m.span(i, i) for i in range(6)] == [(i, i) for i in range(6)]
    assert m.span(2, 4) == (2, 4)


def test_position_between_cr_and_lf_maps_like_before_the_cr():
    for unit in ("codepoints", "utf16"):
        m = PositionMap("ab\r\ncd", unit)  # canonical "ab\ncd"
        assert m.span(2, 2) == m.span(3, 3) == (2, 2)
        assert m.span(3, 6) == (2, 5)  # start between CR and LF keeps the "\n"
        assert m.span(0, 3) == (0, 2)  # end between CR and LF stops before it
        assert m.span(0, 4) == (0, 3)


def test_end_inside_a_surrogate_pair_rounds_up_and_start_rounds_down():
    m = PositionMap("x😀y", "utf16")  # x0 😀1-2 y3
    canonical = "x😀y"
    assert m.span(0, 2) == (0, 2)  # end in the middle of the emoji: include it
    assert m.span(2, 4) == (1, 3)  # start in the middle: include it
    assert m.span(2, 3) == (1, 2)
    assert canonical[slice(*m.span(0, 2))] == "x😀"
    assert m.span(2, 2) == (1, 1)  # an empty selection stays empty


def test_nvivo_counts_utf16_units_without_the_bom():
    data = codecs.BOM_UTF8 + "Hi 😀 there\r\nNext 👍🏽 ok\r\nEnd".encode("utf-8")
    raw = data.decode("utf-8-sig")
    canonical = normalise_newlines(raw)
    # UTF-16 units, BOM not counted: "Hi " 0-2, 😀 3-4, " there" 5-10, CRLF 11-12,
    # "Next " 13-17, 👍 18-19, 🏽 20-21, " ok" 22-24, CRLF 25-26, "End" 27-29.
    m = PositionMap(raw, "utf16")
    assert m.length == 30
    assert canonical[slice(*m.span(13, 17))] == "Next"
    assert canonical[slice(*m.span(18, 22))] == "👍🏽"
    assert canonical[slice(*m.span(23, 25))] == "ok"
    assert canonical[slice(*m.span(27, 30))] == "End"
    assert canonical[slice(*m.span(5, 11))] == " there"
    # The same selections read as code points drift by one per emoji before them.
    cp = PositionMap(raw, "codepoints")
    assert canonical[slice(*cp.span(13, 17))] == "ext "


def test_atlas_counts_crlf_as_one():
    raw = "Q: Hi\r\nA: Hello\r\nQ: Bye"
    canonical = normalise_newlines(raw)
    m = PositionMap(raw, "newlines")
    assert m.length == len(canonical) == 21
    start = canonical.index("Bye")
    assert canonical[slice(*m.span(start, start + 3))] == "Bye"
    # Read as code points, the same positions are two characters early.
    assert canonical[slice(*PositionMap(raw, "codepoints").span(start, start + 3))] == ": B"


def test_lone_cr_is_a_character():
    raw = "a\rb\r\nc\r"  # canonical "a\nb\nc\n"
    canonical = normalise_newlines(raw)
    for unit in UNITS:
        m = PositionMap(raw, unit)
        assert canonical[slice(*m.span(1, 2))] == "\n"
    m = PositionMap(raw, "codepoints")  # a0 CR1 b2 CR3 LF4 c5 CR6
    assert m.length == 7
    assert m.span(5, 7) == (4, 6)
    assert canonical[4:6] == "c\n"
    assert PositionMap(raw, "newlines").span(4, 6) == (4, 6)


def test_plain_text_is_the_identity_in_every_unit():
    raw = "plain\nascii text, and é, 日本 but no emoji"
    for unit in UNITS:
        m = PositionMap(raw, unit)
        assert m.length == len(raw)
        assert m.span(3, 17) == (3, 17)


def test_code_points_without_cr_are_the_identity_even_with_emoji():
    m = PositionMap("😀😀\n😀", "codepoints")
    assert m.length == 4
    assert m.span(1, 4) == (1, 4)


@pytest.mark.parametrize("unit", UNITS)
@pytest.mark.parametrize("raw", ["", "abc", MIXED, "x😀y", "a\rb"])
def test_positions_outside_the_text_raise(raw, unit):
    m = PositionMap(raw, unit)
    assert m.span(0, m.length) == (0, len(normalise_newlines(raw)))
    for start, end in [(-1, 0), (0, m.length + 1), (m.length + 1, m.length + 1)]:
        with pytest.raises(ValueError):
            m.span(start, end)
    if m.length:
        with pytest.raises(ValueError):
            m.span(1, 0)


def test_unknown_unit_raises():
    with pytest.raises(ValueError, match="unknown position unit"):
        PositionMap("abc", "bytes")


def test_large_text_maps_correctly():
    """A 5 MB transcript maps right at the far end too (speed is bench/bench_refi.py's job)."""
    line = "Interviewer: So how did that go? 😀 It was fine, 日本 café e\u0301.\r\n"
    raw = line * (5_000_000 // len(line.encode("utf-8")))
    canonical = normalise_newlines(raw)
    per_line = len(line.encode("utf-16-le")) // 2
    m = PositionMap(raw, "utf16")
    spans = [m.span(i * per_line, i * per_line + 11) for i in range(0, 60_000)]
    assert all(canonical[s:e] == "Interviewer" for s, e in spans[::997])


# --- round-trip property ---------------------------------------------------------------

PIECES = ["a", "b", " ", ".", "\n", "\n", "😀", "👍🏽", "e\u0301", "\u0301", "日", "本", "Z"]


def unit_len(piece: str, unit: str) -> int:
    """The obvious definition of each unit, one piece of raw text at a time."""
    if unit == "utf16":
        return len(piece.encode("utf-16-le")) // 2
    if unit == "newlines":
        return len(piece.replace("\r\n", "\n"))
    return len(piece)


@st.composite
def sources(draw):
    """(canonical text, raw pieces: one per canonical code point, "\\n" drawn as "\\n",
    "\\r\\n" or a lone "\\r")."""
    canonical = "".join(draw(st.lists(st.sampled_from(PIECES), max_size=30)))
    pieces = []
    for ch in canonical:
        if ch == "\n":
            ch = draw(st.sampled_from(["\n", "\r\n", "\r"]))
            if pieces and pieces[-1] == "\r" and ch.startswith("\n"):
                pieces[-1] = "\r\n"  # a lone CR right before LF would pair with it
        pieces.append(ch)
    return canonical, pieces


@given(sources(), st.data())
@settings(max_examples=300, deadline=None)
def test_round_trip_in_every_unit(source, data):
    canonical, pieces = source
    raw = "".join(pieces)
    assert normalise_newlines(raw) == canonical
    s = data.draw(st.integers(0, len(canonical)), label="start")
    e = data.draw(st.integers(s, len(canonical)), label="end")
    for unit in UNITS:

        def position(k: int, nudge: str | None, is_end: bool) -> int:
            """Where canonical offset k is in `unit`, optionally moved to an equivalent
            spot: between CR and LF, or (on the `nudge` side only, so a one-emoji span
            does not become empty) into the surrogate pair the span touches."""
            pos = sum(unit_len(p, unit) for p in pieces[:k])
            if nudge and k < len(pieces) and pieces[k] == "\r\n" and unit != "newlines":
                return pos + 1
            if unit != "utf16":
                return pos
            if nudge == "start" and not is_end and k < e and ord(pieces[k][0]) > 0xFFFF:
                return pos + 1
            if nudge == "end" and is_end and k > s and ord(pieces[k - 1][0]) > 0xFFFF:
                return pos - 1
            return pos

        m = PositionMap(raw, unit)
        assert m.length == sum(unit_len(p, unit) for p in pieces)
        for nudge in (None, "start", "end"):
            start, end = position(s, nudge, False), position(e, nudge, True)
            assert m.span(start, end) == (s, e), (unit, nudge, start, end)
            got = m.span(start, end)
            assert normalise_newlines(raw)[got[0] : got[1]] == canonical[s:e]


# --- choosing the unit -----------------------------------------------------------------


def test_preferred_units():
    assert preferred_units("NVivo for Mac 15.0.0")[0] == "utf16"
    assert preferred_units("NVivo 14")[0] == "utf16"
    assert preferred_units("ATLAS.ti 8.4.0 573 , macOS Version 10.14.3")[0] == "newlines"
    assert preferred_units("QualCoder 3.5")[0] == "codepoints"
    assert preferred_units("MAXQDA 2024")[0] == "codepoints"
    assert preferred_units(None)[0] == "codepoints"
    assert preferred_units("")[0] == "codepoints"
    for origin in ("NVivo", "ATLAS.ti", "qda", None):
        assert sorted(preferred_units(origin)) == sorted(UNITS)


def test_choose_unit_picks_utf16_when_spans_need_it():
    raw = "😀😀😀 hello 😀 world"  # 17 code points, 21 UTF-16 units
    spans = [(0, 6), (15, 21)]
    assert choose_unit(raw, spans, "NVivo 12.6") == "utf16"
    # Even when the origin says nothing, code points are too short, so utf16 is next.
    assert choose_unit(raw, spans, None) == "utf16"
    assert choose_unit(raw, spans, "ATLAS.ti 23") == "utf16"


def test_choose_unit_falls_back_from_atlas_newlines():
    raw = "one\r\ntwo\r\nthree"  # 15 code points, 13 with CRLF as 1
    assert choose_unit(raw, [(10, 15)], "ATLAS.ti 9") == "codepoints"
    assert choose_unit(raw, [(8, 13)], "ATLAS.ti 9") == "newlines"


def test_choose_unit_ambiguous_text_follows_the_origin():
    raw = "plain ascii\nwith LF only\n"
    spans = [(0, 5), (12, len(raw))]
    assert choose_unit(raw, spans, "NVivo 14") == "utf16"
    assert choose_unit(raw, spans, "ATLAS.ti 24") == "newlines"
    assert choose_unit(raw, spans, "QualCoder 3.6") == "codepoints"
    assert choose_unit(raw, spans, None) == "codepoints"
    assert choose_unit(raw, [], "NVivo 14") == "utf16"


def test_choose_unit_none_when_nothing_fits():
    raw = "a😀\r\nb"  # 5 code points, 6 UTF-16 units, 4 with CRLF as 1
    assert choose_unit(raw, [(0, 7)], "NVivo") is None
    assert choose_unit(raw, [(-1, 2)], None) is None
    assert choose_unit(raw, [(3, 2)], None) is None
    assert choose_unit(raw, [(0, 6)], None) == "utf16"
