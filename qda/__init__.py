"""qda: offline qualitative interview analysis.

corpus -> coders -> codings -> coded table -> writers; a Project stores them for a team.
See docs/architecture.md.
"""

from .codebook import Code, Codebook, Rule, load_codebook, parse_codebook
from .coding import AutoCoder, code_corpus
from .corpus import Coding, Corpus, Document, Turn
from .errors import CodebookError, InputError, ModelError, OutputError, QdaError
from .project import Project
from .readers import read_corpus, read_document
from .table import coded_table
from .writers import write_table

__all__ = [
    "AutoCoder", "Code", "Codebook", "CodebookError", "Coding", "Corpus", "Document",
    "InputError", "ModelError", "OutputError", "Project", "QdaError", "Rule", "Turn", "code_corpus",
    "coded_table", "load_codebook", "parse_codebook", "read_corpus", "read_document",
    "write_table",
]
