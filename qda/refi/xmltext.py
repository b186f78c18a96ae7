"""Writing QDA-XML: every element qda.refi writes is made here, so every string in it is
one XML 1.0 can hold.

XML 1.0 forbids most control characters (all below U+0020 but tab, LF and CR), U+FFFE,
U+FFFF and lone surrogates, escaped or not; lxml refuses them outright. qda's readers keep
such characters in a transcript (a Word line break is U+000B, a page break U+000C), so a
selection's name, a memo or a code's definition can hold them. Each becomes a space, one
character for one: a name cut from a source at code-point offsets stays as long as its
passage, and the whitespace-insensitive comparison of names with passages (`offsets`)
still matches. The source files in `sources/` are not XML and keep the text exactly, since
selections' positions index them.
"""

from __future__ import annotations

import re

from lxml import etree

__all__ = ["STAND_IN", "element", "xml_safe"]

STAND_IN = " "
_FORBIDDEN = re.compile("[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    """`text` with each character XML 1.0 forbids replaced by `STAND_IN`, one for one."""
    return _FORBIDDEN.sub(STAND_IN, text)


def element(parent, tag: str, text: str | None = None, **attributes) -> etree._Element:
    """A new element `tag` (`{namespace}Name`) under `parent` (None: a root, its namespace
    the default), with `attributes` (None ones left out) and `text`, made XML-safe."""
    attrib = {key: xml_safe(str(value)) for key, value in attributes.items() if value is not None}
    if parent is None:
        made = etree.Element(tag, attrib, nsmap={None: etree.QName(tag).namespace})
    else:
        made = etree.SubElement(parent, tag, attrib)
    if text is not None:
        made.text = xml_safe(text)
    return made
