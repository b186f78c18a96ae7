"""Topics: what participants talk about, found bottom-up, and how it meets the codebook.

`segments(corpus)` cuts participant talk into sentence (or turn) segments with document
offsets; `fit_topics(segments)` clusters their sentence embeddings with BERTopic (UMAP,
then HDBSCAN, then c-TF-IDF words per cluster) at settings that suit one study as well as
an archive, with a fixed random state so the same input gives the same topics. The fitted
`TopicModel` gives tables (topics, assignments, share by attribute), charts, and
suggestions of which codebook code each topic resembles; a topic that resembles none is a
candidate new theme, which `promote` turns into a `Code` for the codebook.

Embeddings all come from `qda.embeddings.Embedder` (cached on disk), so a re-run embeds
nothing and BERTopic never loads a model of its own. See docs/topics.md.
"""

from __future__ import annotations

import logging
import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .codebook import CODE_ID, CODE_ID_CHARS, Code, Codebook
from .corpus import Corpus
from .embeddings import Embedder
from .errors import QdaError

UNITS = ("sentence", "turn")
SEGMENT_COLUMNS = ("document", "turn", "speaker", "start", "end", "text")
MIN_WORDS = 4
OUTLIER = -1

#: Interview filler that would otherwise top every topic's word list.
FILLER_WORDS = frozenset(
    "yeah erm um like know think just really mean gonna sort kind thing things lot bit got get actually "
    "obviously basically right okay well said say "
    # more talk and contraction fragments ("don't" is tokenised to "don")
    "er uh hmm mm mhm oh ah yes yep ok alright going want wanna stuff maybe probably quite "
    "did does doing honestly literally suppose guess "
    "don didn doesn isn wasn aren weren couldn wouldn shouldn haven hasn ve ll "
    # transcription marks such as [laughs] and [inaudible]
    "laughs laughing laughter pause inaudible crosstalk unclear".split()
)
#: English stop words kept as content: in this domain "up" and "down" carry meaning
#: ("stepped down to CiN", "escalated up to CP").
KEEP_WORDS = frozenset({"up", "down"})

#: Words of two or more characters starting with a letter: no timestamps or bare numbers.
TOKEN_PATTERN = r"(?u)\b[^\W\d_]\w+\b"
_WORD = re.compile(r"\w+(?:'\w+)?")


def stop_word_list(extra: Iterable[str] = ()) -> list[str]:
    """English stop words (scikit-learn's list, less KEEP_WORDS), interview filler and `extra`."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    words = (set(ENGLISH_STOP_WORDS) - KEEP_WORDS) | FILLER_WORDS | {w.strip().lower() for w in extra if w.strip()}
    return sorted(words)


# --- segments ---------------------------------------------------------------------------


def segments(corpus: Corpus, unit: str = "sentence", nlp=None, min_words: int = MIN_WORDS) -> pd.DataFrame:
    """Participant talk as segments: one row per sentence (or turn) of at least `min_words` words.

    Columns: document, turn (index), speaker, start, end (offsets into the document's text,
    end exclusive), text == document.text[start:end]. Sentences are cut and trimmed as
    AutoCoder cuts its sentence units; interviewer turns are left out.
    """
    if unit not in UNITS:
        raise QdaError(f"unknown unit `{unit}`; choose sentence or turn")
    rows: list[tuple] = []
    turns = list(corpus.codable_turns())
    if unit == "turn":
        for doc, turn in turns:
            spans = [(0, doc.turn_text(turn))]
            rows.extend(_rows(doc, turn, spans, min_words))
    else:
        from . import nlp as qnlp

        nlp = nlp or qnlp.load()
        texts = (doc.turn_text(turn) for doc, turn in turns)
        for (doc, turn), parsed in zip(turns, qnlp.lexical(nlp, texts)):
            spans = [(s.start_char, parsed.text[s.start_char : s.end_char]) for s in parsed.sents]
            rows.extend(_rows(doc, turn, spans, min_words))
    return pd.DataFrame(rows, columns=list(SEGMENT_COLUMNS))


def _rows(doc, turn, spans, min_words):
    for offset, text in spans:
        lead = len(text) - len(text.lstrip())
        trimmed = text.strip()
        if len(_WORD.findall(trimmed)) < min_words:
            continue
        start = turn.start + offset + lead
        yield doc.id, turn.index, turn.speaker or "", start, start + len(trimmed), trimmed


# --- fitting ----------------------------------------------------------------------------


def min_cluster_size(n: int) -> int:
    """HDBSCAN's smallest topic for `n` segments: 8, or 1% of an archive."""
    return max(8, n // 100)


def _backend(embedder: Embedder):
    """A BERTopic embedding backend that embeds through qda's cached Embedder."""
    from bertopic.backend import BaseEmbedder

    class QdaEmbedder(BaseEmbedder):
        def embed(self, documents, verbose=False):
            return embedder(list(documents))

    return QdaEmbedder()


def fit_topics(
    segments: pd.DataFrame,
    embedder: Embedder | None = None,
    seed: int = 42,
    min_topic_size: int | None = None,
    stop_words: Iterable[str] = (),
    n_neighbors: int = 15,
) -> "TopicModel":
    """Fit topics over `segments` (from `segments()`); the same input and seed give the same topics.

    `min_topic_size` is HDBSCAN's min_cluster_size (default `min_cluster_size(n)`);
    `stop_words` are extra words to leave out of topic words (names, local jargon).
    """
    from bertopic import BERTopic
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import CountVectorizer
    from umap import UMAP

    segments = segments.reset_index(drop=True)
    docs = segments["text"].tolist()
    n = len(docs)
    size = min_topic_size or min_cluster_size(n)
    if n < max(2 * size, 20):
        raise QdaError(f"{n} segments are too few for topics (need at least {max(2 * size, 20)}); "
                       "add transcripts, use --unit sentence or lower --min-topic-size")
    embedder = embedder or Embedder()
    embeddings = embedder(docs)

    words = stop_word_list(stop_words)
    # min_df=2 over segments (words said once are names and slips). BERTopic fits its
    # vectorizer on one document per topic, where min_df=2 would instead drop every word
    # special to one topic, so the vocabulary is fixed here and handed over.
    counted = dict(stop_words=words, token_pattern=TOKEN_PATTERN, ngram_range=(1, 2))
    try:
        vocabulary = CountVectorizer(**counted, min_df=2).fit(docs).vocabulary_
    except ValueError:  # no word said twice: fall back to every word
        vocabulary = CountVectorizer(**counted).fit(docs).vocabulary_
    vectorizer = CountVectorizer(**counted, vocabulary=sorted(vocabulary))

    umap_model = _DistinctUMAP(UMAP(n_neighbors=min(n_neighbors, n - 1), n_components=5, min_dist=0.0,
                                    metric="cosine", random_state=seed, n_jobs=1))  # a seed makes UMAP single-threaded
    hdbscan_model = HDBSCAN(min_cluster_size=size, metric="euclidean", cluster_selection_method="eom",
                            prediction_data=True, core_dist_n_jobs=1)
    model = BERTopic(embedding_model=_backend(embedder), umap_model=umap_model, hdbscan_model=hdbscan_model,
                     vectorizer_model=vectorizer, calculate_probabilities=False, top_n_words=10)
    topics, _ = model.fit_transform(docs, embeddings=embeddings)
    before = int(sum(t == OUTLIER for t in topics))
    if before and len(set(topics) - {OUTLIER}):
        topics = model.reduce_outliers(docs, topics, strategy="embeddings", embeddings=embeddings)
        with _quiet("BERTopic"):  # its warning about custom topics is about later topic reduction
            model.update_topics(docs, topics=topics, vectorizer_model=vectorizer)
        # update_topics re-derives topic vectors from embedded top words; put back the
        # centroids of the topics' segments, as BERTopic's fit makes them (the distance map uses them).
        model.topic_embeddings_ = np.vstack([embeddings[np.asarray(topics) == t].mean(axis=0)
                                             for t in sorted(set(topics))])
    topics = np.asarray(topics, dtype=int)
    return TopicModel(segments=segments, embeddings=embeddings, topics=topics, model=model, embedder=embedder,
                      outliers_before=before, seed=seed, min_topic_size=size)


class _DistinctUMAP:
    """UMAP fitted on distinct embeddings only, duplicates mapped to their twin's point.

    Repeated segments ("Yeah, exactly.", a resampled archive) make UMAP's neighbour search
    both slow and, through ties, different from run to run despite a fixed seed; fitting on
    distinct rows keeps topics repeatable and is several times faster on such input.
    """

    def __init__(self, umap):
        self.umap = umap
        self._fitted: tuple[np.ndarray, np.ndarray] | None = None

    def fit(self, X, y=None):
        distinct, inverse = np.unique(X, axis=0, return_inverse=True)
        self.umap.fit(distinct)
        self._fitted = (np.asarray(X), inverse.reshape(-1))
        return self

    def transform(self, X):
        if self._fitted is not None and self._fitted[0].shape == np.shape(X) and np.array_equal(self._fitted[0], X):
            return self.umap.embedding_[self._fitted[1]]
        return self.umap.transform(X)

    def fit_transform(self, X, y=None):
        return self.fit(X, y).transform(X)

    def __getattr__(self, name):  # what else BERTopic asks of its UMAP
        return getattr(self.umap, name)


@contextmanager
def _quiet(name: str):
    log = logging.getLogger(name)
    level = log.level
    log.setLevel(logging.ERROR)
    try:
        yield
    finally:
        log.setLevel(level)


def _label(words: list[str], n: int = 4) -> str:
    """Top words made readable: up to `n`, skipping a word already inside a chosen phrase."""
    chosen: list[str] = []
    for word in words:
        tokens = set(word.split())
        if not word or any(tokens & set(c.split()) for c in chosen):
            continue
        chosen.append(word)
        if len(chosen) == n:
            break
    return " / ".join(chosen) or "(no words)"


# --- the fitted model -------------------------------------------------------------------


@dataclass
class TopicModel:
    """Fitted topics: the segments, their embeddings and topic ids, and the BERTopic model."""

    segments: pd.DataFrame
    embeddings: np.ndarray
    topics: np.ndarray
    model: object
    embedder: Embedder
    outliers_before: int = 0
    seed: int = 42
    min_topic_size: int = 8
    _centroids: dict[int, np.ndarray] = field(default_factory=dict, init=False, repr=False)

    @property
    def topic_ids(self) -> list[int]:
        """Topic ids (outliers, -1, last if any remain), largest topic first."""
        sizes = pd.Series(self.topics).value_counts()
        ids = sorted(sizes.index, key=lambda t: (t == OUTLIER, -sizes[t], t))
        return [int(t) for t in ids]

    @property
    def outliers(self) -> int:
        return int((self.topics == OUTLIER).sum())

    def top_words(self, topic: int, n: int = 10) -> list[str]:
        return [w for w, _ in (self.model.get_topic(topic) or [])][:n]

    def label(self, topic: int) -> str:
        return "(outliers)" if topic == OUTLIER else _label(self.top_words(topic))

    def centroid(self, topic: int) -> np.ndarray:
        """The normalised mean embedding of the topic's segments."""
        if topic not in self._centroids:
            mean = self.embeddings[self.topics == topic].mean(axis=0)
            self._centroids[topic] = mean / (np.linalg.norm(mean) or 1.0)
        return self._centroids[topic]

    def excerpts(self, topic: int, n: int = 3) -> pd.DataFrame:
        """The topic's `n` most central segments (closest to its centroid), with where they are."""
        rows = np.flatnonzero(self.topics == topic)
        order = np.argsort(-(self.embeddings[rows] @ self.centroid(topic)), kind="stable")
        picked = self.segments.iloc[rows[order]].drop_duplicates("text").head(n)
        return picked.reset_index(drop=True)

    def topics_table(self, excerpts: int = 3) -> pd.DataFrame:
        """One row per topic: id, label, size, top_words and representative excerpts."""
        rows = []
        for topic in self.topic_ids:
            row = {"topic": topic, "label": self.label(topic), "size": int((self.topics == topic).sum()),
                   "top_words": ", ".join(self.top_words(topic))}
            picked = self.excerpts(topic, excerpts)
            for i in range(excerpts):
                if i < len(picked):
                    s = picked.iloc[i]
                    row[f"excerpt_{i + 1}"] = f"{s.text} [{s.document}, {s.speaker}]"
                else:
                    row[f"excerpt_{i + 1}"] = ""
            rows.append(row)
        return pd.DataFrame(rows)

    def assignments(self) -> pd.DataFrame:
        """The segments with their topic id and label."""
        table = self.segments.copy()
        table["topic"] = self.topics
        labels = {t: self.label(t) for t in self.topic_ids}
        table["label"] = table["topic"].map(labels)
        return table

    def share_by(self, attribute: str, corpus: Corpus) -> pd.DataFrame:
        """Share of each value's segments in each topic: rows topics, columns values; columns sum to 1."""
        values = {doc.id: str(doc.attributes.get(attribute, "(missing)")) for doc in corpus}
        table = pd.crosstab(pd.Series(self.topics, name="topic"),
                            self.segments["document"].map(values).rename(attribute).reset_index(drop=True),
                            normalize="columns")
        table = table.reindex(self.topic_ids)
        table.insert(0, "label", [self.label(t) for t in table.index])
        return table

    # --- charts ---

    def charts(self, directory: str | Path) -> list[Path]:
        """Write `topics.html` (sizes and top words) and `distances.html` (intertopic map) into `directory`."""
        import plotly.graph_objects as go

        from .writers import atomic_write

        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        table = self.topics_table(excerpts=0)
        bars = go.Figure(go.Bar(
            x=table["size"][::-1], y=[f"{t}: {lab}" for t, lab in zip(table["topic"], table["label"])][::-1],
            orientation="h", hovertext=table["top_words"][::-1], hoverinfo="text+x"))
        bars.update_layout(title=f"{len(table)} topics in {len(self.segments)} segments",
                           xaxis_title="segments", height=max(400, 28 * len(table) + 120),
                           margin=dict(l=320))
        distances = self._distance_map()
        written = []
        for name, figure in (("topics.html", bars), ("distances.html", distances)):
            target = directory / name
            # plotly.js is embedded so the file opens without network access
            atomic_write(target, lambda tmp, f=figure: f.write_html(str(tmp), include_plotlyjs=True, full_html=True))
            written.append(target)
        return written

    def _distance_map(self):
        """BERTopic's intertopic distance map, or (with too few topics for its UMAP) topic
        centroids reduced to 2D by PCA."""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", UserWarning)  # UMAP's note that a seed means one thread
                return self.model.visualize_topics()
        except Exception:  # noqa: BLE001 - UMAP fails in several ways on a handful of topics
            pass
        import plotly.graph_objects as go

        ids = [t for t in self.topic_ids if t != OUTLIER]
        centroids = np.vstack([self.centroid(t) for t in ids]) if ids else np.zeros((0, 2))
        centred = centroids - centroids.mean(axis=0) if len(ids) else centroids
        if len(ids) >= 2:
            _, _, vt = np.linalg.svd(centred, full_matrices=False)
            xy = centred @ vt[:2].T
            if xy.shape[1] == 1:
                xy = np.hstack([xy, np.zeros_like(xy)])
        else:
            xy = np.zeros((len(ids), 2))
        sizes = np.array([(self.topics == t).sum() for t in ids], dtype=float)
        figure = go.Figure(go.Scatter(
            x=xy[:, 0], y=xy[:, 1], mode="markers+text", text=[str(t) for t in ids], textposition="top center",
            hovertext=[f"{t}: {self.label(t)} ({int(s)})" for t, s in zip(ids, sizes)], hoverinfo="text",
            marker=dict(size=10 + 40 * np.sqrt(sizes / (sizes.max() if len(sizes) else 1)), opacity=0.6)))
        figure.update_layout(title="Intertopic distance (topic centroids, PCA)", xaxis_title="PC1",
                             yaxis_title="PC2")
        return figure

    # --- codes ---

    def code_vectors(self, codebook: Codebook, embedder: Embedder | None = None) -> dict[str, np.ndarray]:
        """Each code as one unit vector: the normalised mean of its definition's embedding
        (name, definition, include) and its examples' embeddings."""
        embedder = embedder or self.embedder
        vectors = {}
        for code in codebook.codes.values():
            definition = ". ".join(p for p in (code.name, code.description, code.include) if p)
            mean = embedder([definition, *code.examples]).mean(axis=0)
            vectors[code.id] = mean / (np.linalg.norm(mean) or 1.0)
        return vectors

    def suggest_codes(self, codebook: Codebook, embedder: Embedder | None = None,
                      threshold: float = 0.45) -> pd.DataFrame:
        """Per topic: the most and second most similar code (cosine of topic centroid and code
        vector) and `new_theme` when even the best is below `threshold`."""
        vectors = self.code_vectors(codebook, embedder)
        ids = list(vectors)
        matrix = np.vstack([vectors[c] for c in ids])
        rows = []
        for topic in self.topic_ids:
            if topic == OUTLIER:
                continue
            similarity = matrix @ self.centroid(topic)
            order = np.argsort(-similarity, kind="stable")
            best = order[0]
            second = order[1] if len(order) > 1 else None
            rows.append({
                "topic": topic, "label": self.label(topic), "size": int((self.topics == topic).sum()),
                "best_code": ids[best], "best_name": codebook.codes[ids[best]].name,
                "similarity": round(float(similarity[best]), 4),
                "second_code": ids[second] if second is not None else "",
                "second_similarity": round(float(similarity[second]), 4) if second is not None else np.nan,
                "new_theme": bool(similarity[best] < threshold),
            })
        return pd.DataFrame(rows)

    def candidate_themes(self, codebook: Codebook, embedder: Embedder | None = None,
                         threshold: float = 0.45) -> pd.DataFrame:
        """Topics that match no code (best similarity below `threshold`), with their excerpts."""
        suggestions = self.suggest_codes(codebook, embedder, threshold)
        new = suggestions[suggestions["new_theme"]]
        table = self.topics_table().set_index("topic")
        columns = ["top_words"] + [c for c in table.columns if c.startswith("excerpt_")]
        return new.join(table[columns], on="topic").reset_index(drop=True)

    def promote(self, topic: int, code_id: str, name: str | None = None) -> Code:
        """A new code from a topic: description from its label and top words, examples its
        three most central excerpts. Add it to the codebook with `add_code`."""
        if topic == OUTLIER or topic not in set(self.topics.tolist()):
            raise QdaError(f"topic {topic} is not a topic of this model; see topics.csv for the ids")
        if not CODE_ID.match(code_id):
            raise QdaError(f"code id `{code_id}` must be {CODE_ID_CHARS}")
        label = self.label(topic)
        description = (f"Emergent theme from topic {topic} ({label}); its segments are about "
                       f"{', '.join(self.top_words(topic))}. Refine this definition before coding with it.")
        return Code(id=code_id, name=name or label, description=description,
                    examples=tuple(self.excerpts(topic, 3)["text"]))


def add_code(codebook_path: str | Path, code: Code, out: str | Path | None = None) -> Path:
    """Append `code` to the codebook YAML at `codebook_path`, writing `out` (default: in
    place) atomically. The result is validated first; comments are not kept."""
    import yaml

    from .codebook import code_entry, dump_codebook
    from .writers import atomic_write

    source = Path(codebook_path)
    target = Path(out) if out is not None else source
    try:
        data = yaml.safe_load(source.read_text(encoding="utf-8-sig")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise QdaError(f"{source}: cannot be read as YAML ({exc})") from None
    data.setdefault("codes", []).append(code_entry(code))
    text = dump_codebook(data, str(target))  # raises CodebookError (e.g. a duplicate id) before writing
    target.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(target, lambda tmp: tmp.write_text(text, encoding="utf-8"))
    return target
