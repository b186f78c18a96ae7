"""A persistent project a team codes in: documents, codebook, codings, review, memos, log.

`Project` is the one API the CLI (`qda project ...`) and the browser app share. It is a
thin facade: each concern lives in a small module of `qda.store` (documents, codebooks,
codings, review, memos, log), and every method runs in one database transaction, so an
action either happens whole and logged, or not at all.

    with Project.init("study.qda", codebook="codebooks/ccin.yaml") as project:
        project.import_files(["transcripts_sample/"])
        project.autocode()
        project.accept(12, coder="Ruth")
        project.export("coded.xlsx", status=["accepted"])
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, Engine, func, inspect, select
from sqlalchemy.exc import DatabaseError, OperationalError

from qda import agreement, analysis, readers, table, writers
from qda.agreement import Agreement
from qda.codebook import Code, Codebook, load_codebook, merge_codebooks
from qda.coding import AutoCoder, choose_coders
from qda.corpus import Coding, Corpus
from qda.errors import QdaError
from qda.store import codebooks, codings, coders, documents, engine, memos, migrate, review, schema
from qda.store import rewrite as store_rewrite
from qda.store.documents import ImportReport
from qda.store.memos import Memo

#: The coder imports are attributed to.
IMPORTER = coders.machine_name("import")


@dataclass
class QdpxImport:
    """What importing a .qdpx did."""

    documents: ImportReport
    codes_added: int
    codings_added: int
    codings_present: int  # already in the project, not added again
    memos_added: int
    skipped: list[str] = field(default_factory=list)


class Project:
    """A qda project in a SQLite file or on a PostgreSQL server. Open with `init` or `open`."""

    def __init__(self, db: Engine, location: str):
        self.engine = db
        self.location = location

    # -- lifecycle -------------------------------------------------------------------

    @classmethod
    def init(cls, target: str | Path, codebook: Codebook | str | Path | None = None) -> Project:
        """Create a new, empty project (refusing to touch an existing one)."""
        if not engine.is_url(target):
            path = Path(target)
            if path.exists():
                raise QdaError(f"{path}: already exists; open it, or choose another file name for a new project")
            if not path.parent.is_dir():
                raise QdaError(f"{path}: folder {path.parent} does not exist")
        db = engine.create(target)
        with _opening(target):
            with db.begin() as connection:
                if migrate.current(connection) is not None or inspect(connection).get_table_names():
                    raise QdaError(f"{engine.redact(target)}: already holds a database; "
                                   "open it as a project or use an empty database")
                migrate.upgrade(connection)
        project = cls(db, engine.redact(target))
        if codebook is not None:
            project.set_codebook(codebook)
        return project

    @classmethod
    def open(cls, target: str | Path) -> Project:
        """Open an existing project, upgrading its schema if it was made by an older qda."""
        if not engine.is_url(target) and not Path(target).is_file():
            raise QdaError(f"{target}: no such project; create one with `qda project init {target}`")
        db = engine.create(target)
        with _opening(target):
            with db.begin() as connection:
                revision = migrate.current(connection)
                if revision is None:
                    raise QdaError(f"{engine.redact(target)}: not a qda project (no qda schema in it); "
                                   f"create one with `qda project init`")
                if revision != migrate.head():
                    migrate.upgrade(connection)
        return cls(db, engine.redact(target))

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Project:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Project({self.location!r})"

    @property
    def name(self) -> str:
        """A short name for files made from the project: the file's stem, or the
        database's name on a server."""
        if engine.is_url(self.location):
            return self.location.rstrip("/").rsplit("/", 1)[-1].split("?")[0] or "project"
        return Path(self.location).stem

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        with self.engine.begin() as connection:
            yield connection

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        with self.engine.connect() as connection:
            connection.execution_options(**{engine.READ_ONLY: True})
            with connection.begin():
                yield connection

    # -- documents and codebook -------------------------------------------------------

    def import_files(self, paths: str | Path | Iterable[str | Path], interviewers: Iterable[str] = ()) -> ImportReport:
        """Read transcripts (files or folders) and add the new ones, all or nothing;
        `interviewers` names the interviewer in each (`Corpus.name_interviewers`)."""
        corpus = readers.read_corpus(paths)
        corpus.name_interviewers(interviewers)
        return self.import_corpus(corpus)

    def import_corpus(self, corpus: Corpus) -> ImportReport:
        with self._write() as connection:
            return documents.import_corpus(connection, corpus, coders.coder_id(connection, IMPORTER))

    def import_qdc(self, path: str | Path) -> int:
        """Add the codes of another tool's REFI-QDA codebook (.qdc) to the project's
        codebook (matched by id, then name, as in `import_qdpx`); returns how many were new."""
        from qda.refi.codebook import read_qdc

        incoming = read_qdc(path)
        with self._write() as connection:
            return self._merge_codebook(connection, incoming)[1]

    def import_qdpx(self, path: str | Path, limits=None) -> QdpxImport:
        """Bring in a REFI-QDA project from any tool (qda.refi.read), all or nothing:
        documents (a text already here is matched, not duplicated), codes (matched by id,
        then name; new ones added to the codebook), codings by their users as coders,
        memos, attributes. Codings and memos already in the project are not added twice,
        so importing the same file again changes nothing."""
        from qda.refi.archive import Limits
        from qda.refi.read import read_qdpx

        refi = read_qdpx(path, limits or Limits())
        with self._write() as connection:
            code_ids, codes_added = self._merge_codebook(connection, refi.codebook)
            report = documents.import_corpus(connection, refi.corpus, coders.coder_id(connection, IMPORTER),
                                             rename=True)
            doc_ids = report.ids()
            incoming = [replace(c, document=doc_ids[c.document], code=code_ids[c.code]) for c in refi.codings]
            coding_ids, added = codings.insert_new(connection, incoming, "import")
            # Memo targets as read (a document or code id, a coding's position) -> as stored.
            targets = {"document": doc_ids, "code": code_ids,
                       "coding": {str(i): str(coding_id) for i, coding_id in enumerate(coding_ids)}}
            memo_count = sum(memos.add_memo_once(
                connection, coders.coder_id(connection, memo.coder), memo.kind,
                targets[memo.kind][memo.target] if memo.kind in targets else None, memo.text, memo.created_at)
                for memo in refi.memos)
        return QdpxImport(report, codes_added, added, len(incoming) - added, memo_count, refi.skipped)

    def _merge_codebook(self, connection: Connection, incoming: Codebook) -> tuple[dict[str, str], int]:
        """Add `incoming`'s new codes to the current codebook (a new version) or make it the
        codebook; returns each incoming code id -> the project's, and how many were added."""
        current = codebooks.current_codebook_id(connection)
        base = codebooks.load_codebook(connection, current) if current is not None else None
        book, code_ids = merge_codebooks(base, incoming)
        if book is not base and book.codes:
            codebooks.save_codebook(connection, book)
        return code_ids, len(book.codes) - (len(base.codes) if base else 0)

    def add_codes(self, codes: Iterable[Code]) -> int:
        """Add codes (e.g. promoted topics) to the project's codebook as a new version;
        codes it already has (same id or name) are left as they are. Returns how many were new."""
        codes = list(codes)
        with self._write() as connection:
            book = Codebook(name="added", codes={code.id: code for code in codes})
            return self._merge_codebook(connection, book)[1]

    def revision(self) -> tuple[int, int, int]:
        """Changes when anything in the project changes (the latest action, codebook
        version and document), for caches such as the browser app's."""
        with self._read() as connection:
            return tuple(connection.execute(select(
                select(func.coalesce(func.max(schema.log.c.id), 0)).scalar_subquery(),
                select(func.coalesce(func.max(schema.codebooks.c.id), 0)).scalar_subquery(),
                select(func.count()).select_from(schema.documents).scalar_subquery())).one())

    def corpus(self, ids: Iterable[str] | None = None) -> Corpus:
        with self._read() as connection:
            return documents.load_corpus(connection, None if ids is None else list(ids))

    def set_codebook(self, codebook: Codebook | str | Path) -> None:
        """Load a codebook as the project's current one (earlier versions are kept).

        Refused if codings already use a code the new codebook lacks: those codings would
        lose their meaning.
        """
        book = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
        with self._write() as connection:
            used = set(connection.execute(select(schema.codings.c.code).distinct()).scalars())
            missing = sorted(used - set(book.codes))
            if missing:
                raise QdaError(f"codebook {book.path or book.name} lacks codes the project's codings use: "
                               f"{', '.join(missing)}; keep them in the codebook (or nest them under another)")
            codebooks.save_codebook(connection, book)

    @property
    def codebook(self) -> Codebook:
        with self._read() as connection:
            return self._codebook(connection)

    def _codebook(self, connection: Connection) -> Codebook:
        codebook_id = codebooks.current_codebook_id(connection)
        if codebook_id is None:
            raise QdaError(f"{self.location}: the project has no codebook yet; "
                           "load one with `qda project codebook FILE`")
        return codebooks.load_codebook(connection, codebook_id)

    # -- coding ---------------------------------------------------------------------

    def autocode(self, coders: Iterable[str] | None = None, *, unit: str = "sentence",
                 include_interviewer: bool = False, min_confidence: float = 0.5,
                 progress: Callable[[int], None] | None = None, thresholds: dict[str, float] | None = None,
                 model=None) -> tuple[int, int]:
        """Suggest codings with qda's coders, by default those `qda code` uses
        (`qda.coding.choose_coders`); returns (suggestions added, old ones replaced).

        The coding runs outside any transaction (it can take minutes); only storing its
        result takes the write lock. Human decisions are never touched.
        """
        book = self.codebook
        coders, model, _ = choose_coders(book, coders, model)
        auto = AutoCoder(book, coders=coders, unit=unit, include_interviewer=include_interviewer,
                         min_confidence=min_confidence, semantic_thresholds=thresholds, learned_model=model)
        suggested = auto.predict(self.corpus(), progress=progress)
        with self._write() as connection:
            return codings.replace_suggestions(connection, suggested)

    def add_codings(self, new: Iterable[Coding]) -> int:
        """Store codings made elsewhere (e.g. a coded table from `qda code` or another tool)
        as they are, in one transaction; codes and spans are checked first."""
        new = list(new)
        book = self.codebook
        unknown = sorted({c.code for c in new} - set(book.codes))
        if unknown:
            raise QdaError(f"codings use codes not in the project's codebook: {', '.join(unknown)}")
        lengths = {doc.id: len(doc.text) for doc in self.corpus({c.document for c in new})}
        for c in new:
            if c.document not in lengths or not 0 <= c.start <= c.end <= lengths[c.document]:
                raise QdaError(f"coding of {c.code!r} on {c.document!r} {c.start}..{c.end} does not fit "
                               "a document in this project")
        with self._write() as connection:
            return codings.bulk_insert(connection, new, "add")

    def code(self, document: str, start: int, end: int, code: str, coder: str) -> int:
        """A person codes `document.text[start:end]`; returns the coding's id."""
        self._check_code(code)
        with self._write() as connection:
            return review.add_coding(connection, self._person(connection, coder), document, start, end, code)

    def accept(self, coding_id: int, coder: str) -> None:
        with self._write() as connection:
            review.decide(connection, self._person(connection, coder), coding_id, "accepted")

    def reject(self, coding_id: int, coder: str) -> None:
        with self._write() as connection:
            review.decide(connection, self._person(connection, coder), coding_id, "rejected")

    def recode(self, coding_id: int, coder: str, *, code: str | None = None,
               start: int | None = None, end: int | None = None) -> int:
        """Change a coding's code and/or span; returns the id of the corrected coding."""
        if code is not None:
            self._check_code(code)
        with self._write() as connection:
            return review.recode(connection, self._person(connection, coder), coding_id, code, start, end)

    def undo(self, coder: str) -> dict:
        """Reverse `coder`'s latest coding or review action."""
        with self._write() as connection:
            return review.undo(connection, self._person(connection, coder))

    def codings(self, *, status: Iterable[str] | None = None, coder: Iterable[str] | None = None,
                code: Iterable[str] | None = None, source: Iterable[str] | None = None,
                documents: Iterable[str] | None = None) -> list[Coding]:
        """Codings, optionally filtered (a coder filter matches maker or reviewer;
        `machine` means every qda coder)."""
        with self._read() as connection:
            return codings.select_codings(connection, status=status, coder=coder, code=code,
                                          source=source, documents=documents)

    def agreement(self, first: str, second: str, unit: str = "turn", *,
                  codes: Iterable[str] | None = None, include_interviewer: bool = False) -> Agreement:
        """Agreement between two coders (`machine` for qda's suggestions) on the project's
        turns, sentences or characters, per code and pooled (docs/agreement.md)."""
        views, units, codes = self._compared(first, second, unit, codes, include_interviewer)
        return agreement.agreement(*views, units, codes=codes, names=(first, second))

    def disagreements(self, first: str, second: str, unit: str = "turn", *,
                      codes: Iterable[str] | None = None, include_interviewer: bool = False) -> pd.DataFrame:
        """Each unit only one of the two coders applied a code to (qda.agreement.disagreements),
        with the passage in a `text` column, for showing the excerpts side by side."""
        views, units, codes = self._compared(first, second, unit, codes, include_interviewer)
        found = agreement.disagreements(*views, units, codes=codes, names=(first, second))
        corpus = self.corpus(set(found["document"]))
        found["text"] = [corpus[d].text[s:e] for d, s, e in zip(found["document"], found["start"], found["end"])]
        return found

    def _compared(self, first: str, second: str, unit: str, codes, include_interviewer: bool):
        makers = {"turn": agreement.turn_units, "sentence": agreement.sentence_units,
                  "character": agreement.character_units}
        if unit not in makers:
            raise QdaError(f"unknown unit {unit!r}; choose turn, sentence or character")
        with self._read() as connection:
            known = set(connection.execute(select(schema.coders.c.name)).scalars())
            for name in (first, second):
                if name != "machine" and name not in known:
                    raise QdaError(f"no coder {name!r} in this project; coders: {', '.join(sorted(known))}")
            views = [codings.coder_view(connection, name) for name in (first, second)]
        units = makers[unit](self.corpus(), include_interviewer=include_interviewer)
        return views, units, list(codes or self.codebook.codes)

    # -- memos and log ----------------------------------------------------------------

    def memo(self, text: str, coder: str, on: str = "project") -> int:
        """Write a memo on `project`, `document:ID`, `code:ID` or `coding:N`."""
        kind, target = memos.parse_target(on)
        if kind == "code":
            self._check_code(target)
        with self._write() as connection:
            if kind == "document" and connection.execute(
                    select(schema.documents.c.id).where(schema.documents.c.id == target)).first() is None:
                raise QdaError(f"no document {target!r} in this project")
            if kind == "coding" and connection.execute(
                    select(schema.codings.c.id).where(schema.codings.c.id == _int(target))).first() is None:
                raise QdaError(f"no coding {target} in this project")
            return memos.add_memo(connection, self._person(connection, coder), kind, target, text)

    def memos(self, on: str | None = None) -> list[Memo]:
        kind, target = memos.parse_target(on) if on else (None, None)
        with self._read() as connection:
            return memos.list_memos(connection, kind, target)

    def log(self, limit: int | None = None) -> pd.DataFrame:
        """The action log, newest first: id, at, coder, action, coding_id, before, after, undoes."""
        log, c = schema.log, schema.coders
        query = (select(log.c.id, log.c.at, c.c.name.label("coder"), log.c.action, log.c.coding_id,
                        log.c.before, log.c.after, log.c.undoes)
                 .join(c, c.c.id == log.c.coder_id).order_by(log.c.id.desc()).limit(limit))
        with self._read() as connection:
            return pd.DataFrame(connection.execute(query).mappings().all(),
                                columns=["id", "at", "coder", "action", "coding_id", "before", "after", "undoes"])

    # -- learning and topics ----------------------------------------------------------

    def train(self, embedder=None):
        """A learned-coder model from the codings people accepted (qda.learning), in the
        documents someone has reviewed (elsewhere an uncoded turn says nothing);
        `model.save(path)` keeps it, `autocode(("learned",), model=...)` uses it."""
        from qda.learning import coded_speeches, train_on_turns

        book = self.codebook
        decided = self.codings(status=["accepted", "rejected"])
        reviewed = sorted({c.document for c in decided})
        if not reviewed:
            raise QdaError("nothing reviewed yet: accept or code some passages before training")
        accepted = [c for c in decided if c.status == "accepted"]
        return train_on_turns(*coded_speeches(self.corpus(reviewed), accepted, book.codes), book, embedder)

    def topics(self, unit: str = "sentence", seed: int = 42, **options):
        """BERTopic over the project's participant talk (qda.topics.fit_topics)."""
        from qda.topics import fit_topics, segments

        return fit_topics(segments(self.corpus(), unit=unit), seed=seed, **options)

    # -- privacy ----------------------------------------------------------------------

    def pseudonymise(self, key: str | Path, coder: str, *, register: str | Path | None = None,
                     style: str = "names", dates: str = "month", allow: Iterable[str] = (),
                     ner: bool = True) -> int:
        """Replace identifiers in the project's documents in place, with the key written
        (or extended) at `key`, outside the project. Turns, codings and memos move with
        the text, so coding and pseudonymising can happen in either order. Returns the
        number of replacements."""
        from qda.pseudonymise.corpus import pseudonymise_corpus, pseudonymise_string

        the_key, detector = self._pseudonymiser(key, register, style, dates, allow, ner)
        rewrites = pseudonymise_corpus(self.corpus(), detector, the_key, dates)
        with self._write() as connection:
            person = self._person(connection, coder)
            for rewrite in rewrites:
                store_rewrite.rewrite_document(connection, rewrite, person)
            store_rewrite.rewrite_notes(connection, lambda text: pseudonymise_string(text, detector, the_key, dates))
            the_key.save(key)  # last, inside the transaction: a failed save rolls the project back
        return sum(r.replacements for r in rewrites)

    def pseudonymise_preview(self, key: str | Path | None = None, *, register: str | Path | None = None,
                             style: str = "names", dates: str = "month", allow: Iterable[str] = (),
                             ner: bool = True) -> pd.DataFrame:
        """What `pseudonymise` would replace, changing nothing (the key is read, not
        written): document, start, end, original, pseudonym."""
        from qda.pseudonymise.corpus import pseudonymise_texts

        the_key, detector = self._pseudonymiser(key, register, style, dates, allow, ner)
        corpus = self.corpus()
        done = pseudonymise_texts([doc.text for doc in corpus], corpus, detector, the_key, dates)
        rows = [(doc.id, r.old_start, r.old_end, r.original, r.pseudonym)
                for doc, (_, replacements) in zip(corpus, done) for r in replacements]
        return pd.DataFrame(rows, columns=["document", "start", "end", "original", "pseudonym"])

    def _pseudonymiser(self, key, register, style: str, dates: str, allow: Iterable[str], ner: bool):
        """The key (read from `key`, extended by `register`) and a detector using it."""
        from qda import nlp
        from qda.pseudonymise import AllowList, Detector, Key, read_key
        from qda.pseudonymise.files import check_options

        check_options(style, dates)
        the_key = read_key(Path(key), style=style) if key is not None else Key(style=style)
        if register is not None:
            for entry in read_key(Path(register), style=style, must_exist=True).entries.values():
                the_key.add(entry)
        return the_key, Detector(the_key, AllowList().extended(allow), nlp.load_ner() if ner else None)

    # -- output -----------------------------------------------------------------------

    def coded_table(self, **filters) -> pd.DataFrame:
        """The coded table (qda.table) of the project's codings, filtered as `codings()`."""
        return self._coded(filters)[2]

    def _coded(self, filters: dict) -> tuple[Corpus, Codebook, pd.DataFrame]:
        """Corpus, codebook and coded table from one read of the store."""
        with _paused_gc(), self._read() as connection:
            found = codings.select_codings_frame(connection, **filters)
            corpus, book = documents.load_corpus(connection), self._codebook(connection)
            return corpus, book, table.coded_table(corpus, found, book)

    def code_document_matrix(self, **filters) -> pd.DataFrame:
        """Codings per code (rows, codebook order) and document (columns, import order),
        counted by the database (filters as `codings()`); equals
        `analysis.code_document_matrix` of the coded table, without building it."""
        with self._read() as connection:
            counts = codings.count_by_code_and_document(connection, **filters)
        corpus, book = self.corpus(), self.codebook
        return analysis.matrix_from_counts(counts, documents=[d.id for d in corpus], codes=list(book.codes))

    def export(self, out: str | Path, **filters) -> Path:
        """Write the coded table as .csv, .xlsx or .parquet, or the project as REFI-QDA
        .qdpx (filters as `codings()`; for .qdpx the default is accepted codings only)."""
        if Path(out).suffix.lower() in writers.EXCHANGE:
            if filters.get("status") is None:
                filters["status"] = ["accepted"]
            return writers.write_coded(out, self.corpus(), self.codings(**filters), self.codebook, self.memos())
        writers.check_target(out)
        corpus, book, coded = self._coded(filters)
        return writers.write_table(coded, out, documents=[d.id for d in corpus], codes=list(book.codes))

    # -- helpers ----------------------------------------------------------------------

    def _person(self, connection: Connection, name: str) -> int:
        return coders.coder_id(connection, coders.check_person(name))

    def _check_code(self, code: str) -> None:
        if code not in self.codebook.codes:
            raise QdaError(f"no code {code!r} in the project's codebook")


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise QdaError(f"coding ids are numbers, not {text!r}") from None


@contextmanager
def _paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large table: it would scan
    every live object again and again as hundreds of thousands of tuples and strings
    (which form no cycles) are made, costing a fifth of the time in a busy process."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def _opening(target: str | Path) -> Iterator[None]:
    """Database errors on opening become one clear message naming the project."""
    try:
        yield
    except (OperationalError, DatabaseError) as exc:
        reason = str(exc.orig) if getattr(exc, "orig", None) is not None else str(exc)
        raise QdaError(f"{engine.redact(target)}: cannot open as a qda project ({reason.strip()})") from None
