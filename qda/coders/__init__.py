"""Coders propose codes. Each one has `find(sentences) -> list[Match]` over lexical spaCy
sentences; `qda.coding` turns matches into codings on the chosen unit."""

from .base import Match, negated
from .metaphor import MetaphorCoder
from .rules import RuleCoder

__all__ = ["Match", "MetaphorCoder", "RuleCoder", "negated"]
