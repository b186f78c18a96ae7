"""REFI-QDA exchange (QDA-XML 1.0): codebooks as .qdc that NVivo, ATLAS.ti, MAXQDA and
QualCoder open, validated against the official schemas shipped in `schemas/` (MIT, REFI;
licence headers kept). See docs/refi-qda.md."""
