"""REFI-QDA exchange (QDA-XML 1.0) with NVivo, ATLAS.ti, MAXQDA and QualCoder: `.qdc`
codebooks (`codebook`) and `.qdpx` projects (`project` writes, `read` reads, through the
safe `archive` reader and the `offsets` conversion of other tools' positions), every
element written through `xmltext` (which keeps out what XML 1.0 forbids), validated
against the official schemas shipped in `schemas/` (MIT, REFI; licence headers kept) by
`validate`. See docs/refi-qda.md."""
