"""Made-up names for people: readable pseudonyms that keep a transcript a transcript.

A first name and a surname are drawn from two lists, each used once, so "Jordan" and "Hale"
each point back to one person; the key skips a word that is a word of any original in the
study or of a pseudonym already given. The lists are drawn in an order of each key's own
(`Key` seeds it), so that studies share no sequence: in a fixed one the first participant
of every study would be the same made-up person, and a real person called that in a later
transcript would look like a pseudonym. After the lists run out, people become "Person N".
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator

FIRST = (
    "Jordan Riley Morgan Casey Alex Sam Jamie Robin Avery Quinn Rowan Charlie Frankie Hayden "
    "Logan Reese Skyler Emerson Finley Harley Kendall Lennon Marley Parker Remy Sasha Tatum "
    "Blake Dale Ellis Frances Gale Hollis Jody Kerry Lee Marion Noel Perry Shannon Terry Val "
    "Wynn Ashley Bailey Carey Devon Eden Hadley Jules Kit Laurie Mackenzie Nico Oakley Peyton "
    "Rory Sidney Tristan Billie Cameron Darcy Elliot Haven Indigo Jess Kai Lane Micah Nova "
    "Pat Raine Sage Toby Vic Winter Arden Briar Cody Drew Ember Fern Glen Hunter Ira Jessie "
    "Kris Lou Max Nat Ollie Pip Ray Scout Teddy Wren Ainsley Brook Corey Dana Evan Flynn "
    "Gray Harper Iggy Jay Kelsey Lyle Merritt Noor Orin Poppy Reign Shay Tanner Umber Vale"
).split()
SURNAMES = (
    "Hale Ashdown Brennan Calder Dunmore Everly Fairbairn Garside Holloway Ingram Jessop "
    "Kettering Lowther Marchant Northcote Oakhurst Pendle Quarrie Rushton Selby Thackeray "
    "Underhill Varley Whitlock Yardley Abberley Blackwood Colston Dewhurst Ellerby Fenwick "
    "Greenhalgh Hargreave Illingworth Jowett Kirkham Lindley Moxon Nettleton Ormerod Pickles "
    "Rawcliffe Sowerby Tattersall Uttley Waddington Ackroyd Barraclough Crowther Dransfield "
    "Eastwood Firth Gledhill Haigh Horsfall Ibbotson Jagger Kershaw Liversedge Mellor Naylor "
    "Oldroyd Pilling Ramsden Sugden Thornber Wainwright Ainley Bairstow Cawthorne Denison "
    "Emmott Farrar Gaukroger Hinchliffe Holroyd Ickringill Kitchen Lumb Marsden Normington "
    "Outhwaite Priestley Redman Shackleton Tordoff Walsham Appleyard Brook Clegg Dyson "
    "Exley Fielding Greenwood Hepworth Hirst Jennings Kellett Lister Midgley Nuttall Oates "
    "Pollard Roebuck Stansfield Taylorson Whiteley Aspinall Birtwistle Crabtree Duckworth"
).split()


#: The pseudonyms after the lists run out: "Person 1", "Person 2"...
FALLBACK = "Person "


def person_names(seed: int = 0, usable: Callable[[str], bool] = lambda word: True) -> Iterator[str]:
    """Endless pseudonyms ("Jordan Hale", ...) in the order `seed` shuffles the lists into:
    each the next first name and the next surname that `usable` allows when the name is
    asked for (a word skipped is not offered again); "Person 1", "Person 2"... once either
    list runs out."""
    firsts, surnames = list(FIRST), list(SURNAMES)
    rng = random.Random(seed)
    rng.shuffle(firsts)
    rng.shuffle(surnames)
    # Generators, so that `usable` is asked about each word only when it is needed: words
    # become unusable as originals are found and pseudonyms given.
    usable_firsts = (word for word in firsts if usable(word))
    usable_surnames = (word for word in surnames if usable(word))
    for first in usable_firsts:
        surname = next(usable_surnames, None)
        if surname is None:
            break
        yield f"{first} {surname}"
    n = 1
    while True:
        yield f"{FALLBACK}{n}"
        n += 1
