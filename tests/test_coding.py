"""AutoCoder's streaming: chunks of whole documents, coded here or in helper processes."""

from __future__ import annotations

import sys

import pytest

from qda import coding
from qda.coding import AutoCoder
from qda.readers import read_corpus

from conftest import SAMPLE

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="helper processes are forked; Windows has no fork")


@pytest.fixture(scope="module")
def forty_interviews():
    # About 650 participant turns: three chunks, so there is something to share out.
    return read_corpus(sorted(SAMPLE.glob("*.txt"))[:40])


@pytest.fixture
def coded_here(monkeypatch) -> list[int]:
    """Sizes of the chunks this process codes itself (helpers' work is not counted)."""
    sizes: list[int] = []
    real = coding._coded

    def spy(coder, chunk):
        sizes.append(len(chunk))
        return real(coder, chunk)

    monkeypatch.setattr(coding, "_coded", spy)
    return sizes


def test_helpers_code_the_same_as_one_process(ccin, nlp, forty_interviews, coded_here):
    alone = AutoCoder(ccin, nlp=nlp).predict(forty_interviews)
    assert len(coded_here) >= 3
    coded_here.clear()
    progress: list[int] = []
    shared = AutoCoder(ccin, nlp=nlp, workers=2).predict(forty_interviews, progress=progress.append)
    assert coded_here == [], "the chunks went to the helpers"
    assert shared == alone  # the same codings, in the same order
    assert sum(progress) == sum(1 for _ in forty_interviews.codable_turns()) and len(progress) >= 3


def test_one_chunk_is_coded_here(ccin, nlp, forty_interviews, coded_here):
    one = read_corpus(sorted(SAMPLE.glob("*.txt"))[:1])
    AutoCoder(ccin, nlp=nlp, workers=2).predict(one)
    assert len(coded_here) == 1


def test_coders_that_embed_do_not_fork(ccin, nlp):
    assert AutoCoder(ccin, nlp=nlp, workers=2).forks
    assert not AutoCoder(ccin, nlp=nlp).forks
    assert not AutoCoder(ccin, coders=("rules", "semantic"), nlp=nlp, workers=2).forks


def test_a_helpers_error_reaches_the_caller(ccin, nlp, forty_interviews, monkeypatch):
    def broken(self, chunk):
        raise RuntimeError("chunk failed")

    monkeypatch.setattr(AutoCoder, "_code_chunk", broken)
    with pytest.raises(RuntimeError, match="chunk failed"):
        AutoCoder(ccin, nlp=nlp, workers=2).predict(forty_interviews)
