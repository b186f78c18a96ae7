"""What pseudonymisation finds and replaces: identifier types and their mentions."""

from __future__ import annotations

from dataclasses import dataclass

#: Identifier types, with the label of their placeholder. PERSON gets a made-up name
#: instead; types with a numbered label get one number per distinct original
#: ("[School 1]", "[School 2]"), the others one label for all (a phone number is a
#: phone number: numbering them would add nothing a reader needs).
TYPES: dict[str, tuple[str, bool]] = {
    "PERSON": ("Person", True),
    "PLACE": ("Place", True),
    "STREET": ("Street", True),
    "SCHOOL": ("School", True),
    "HEALTH": ("Health service", True),
    "ORG": ("Organisation", True),
    "DATE": ("date", False),
    "PHONE": ("phone number", False),
    "EMAIL": ("email", False),
    "URL": ("URL", False),
    "POSTCODE": ("postcode", False),
    "NHS": ("NHS number", False),
    "NI": ("NI number", False),
}


@dataclass(frozen=True, slots=True)
class Mention:
    """An identifier found at `text[start:end]`, by `source` (speaker, register, pattern,
    ner, alias); `original` is the entity it belongs to (a full name for a first name)."""

    start: int
    end: int
    text: str
    type: str
    source: str
    original: str = ""

    @property
    def entity(self) -> str:
        return self.original or self.text
