"""Pseudonymisation: keyed, consistent across documents and runs, reversible.

detect (speakers, register, patterns, NER, linked short forms) -> replace (typed
pseudonyms from the key) -> files (copies in their own formats) and risk (what still
identifies someone). See docs/pseudonymisation.md.
"""

from qda.pseudonymise.allow import DEFAULT_ALLOW, IDIOMS, AllowList
from qda.pseudonymise.detect import Detector
from qda.pseudonymise.entities import TYPES, Mention
from qda.pseudonymise.files import Result, pseudonymise_files, reverse_files
from qda.pseudonymise.key import Key, read_key

__all__ = [
    "DEFAULT_ALLOW", "IDIOMS", "TYPES", "AllowList", "Detector", "Key", "Mention", "Result", "pseudonymise_files",
    "read_key", "reverse_files",
]
