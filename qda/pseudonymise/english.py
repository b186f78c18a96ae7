"""Ordinary English, and where a capital only starts a sentence.

A capitalised word is a name candidate unless it is an ordinary English word written
capitalised only because it starts a sentence, a line or a turn. The recognisers
(`guesses`) and the detector (`detect`) both ask these questions, many times over the
same words, so the lexicon look-ups are cached.
"""

from __future__ import annotations

import re
from functools import lru_cache

from spacy.lang.en.stop_words import STOP_WORDS

from qda.nlp import is_english_word
from qda.pseudonymise.words import TALK

# The end of the text before a word that starts a sentence, a line or a turn ("[laughs] Bill").
_SENTENCE_START = re.compile(r"(?:[.!?…]\s+|:\s+|[\])]\s+|\n\s*|[\"“‘(>]\s*)$")


def base_name(word: str) -> str:
    """A word without its possessive "'s"."""
    return word.removesuffix("'s").removesuffix("’s")


@lru_cache(maxsize=65536)
def plain_word(word: str) -> bool:
    """An ordinary English word, "'s" aside."""
    return english(base_name(word))


@lru_cache(maxsize=65536)
def english(word: str) -> bool:
    """`is_english_word`, also knowing British spellings ("anonymised"), "-ically" adverbs
    and the words of talk no lexicon lists ("twice", "nowt", "diolch")."""
    folded = word.casefold()
    if folded in TALK or is_english_word(word):
        return True
    for suffix, base in (("ised", "ized"), ("ising", "izing"), ("ise", "ize"), ("isation", "ization"),
                         ("ically", "ic"), ("our", "or"), ("tre", "ter")):
        if folded.endswith(suffix) and is_english_word(folded[: -len(suffix)] + base):
            return True
    return False


# Two-letter words said in capitals ("OK", "IT", "NO"); the lexicon's other two-letter
# entries are abbreviations ("kt", "db", "iq"), which in a transcript are someone's initials.
# (Not every two-letter word of talk: "AR" is initials, not a Brummie "ar".)
_TWO_LETTER_WORDS = frozenset(w for w in STOP_WORDS if len(w) == 2) | frozenset(
    "ok oh ah eh er um hm mm uh yo ye oi aw ow hi ta".split())


def word_in_capitals(word: str) -> bool:
    """Whether a word in capitals is an English word ("NOT", "OK") rather than initials or
    an acronym."""
    folded = word.casefold()
    return folded in _TWO_LETTER_WORDS if len(folded) == 2 else english(folded)


def starts_sentence(text: str, start: int) -> bool:
    """Whether `text[start]` starts a sentence, a line or a turn (looking back a little). A
    colon starts one after a speaker label ("Janine: So..."), not inside a turn ("her
    three: Noah, Isaac...")."""
    window = text[max(0, start - 30):start]
    if not window.strip():
        return start <= 30 or "\n" in window
    found = _SENTENCE_START.search(window)
    if found is None:
        return False
    if found.group().lstrip().startswith(":"):
        colon = max(0, start - 30) + found.start()
        label = text[text.rfind("\n", 0, colon) + 1:colon]
        return len(label) <= 40 and len(label.split()) <= 4 and ": " not in label
    return True


@lru_cache(maxsize=65536)
def compound(word: str) -> bool:
    """An English compound or its plural ("Caseloads", "Gatekeeping"): two English words of
    four letters or more. Place names are made this way too ("Brookside"), so this only
    judges a lone word starting a sentence."""
    folded = word.casefold().removesuffix("s") if len(word) > 6 else word.casefold()
    return any(english(folded[:i]) and english(folded[i:]) and english(word.casefold()[:i])
               for i in range(4, len(folded) - 3))


def ordinary(word: str, start: int, text: str, named: set[str]) -> bool:
    """An English word capitalised only by its place at the start of a sentence or turn."""
    word = base_name(word)
    return word not in named and starts_sentence(text, start) and english(word)
