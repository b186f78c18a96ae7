"""What every benchmark script shares: the repository root on sys.path, paths, peak RSS."""

from __future__ import annotations

import resource
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def resolve(path: str) -> Path:
    """A path as given if it exists, else relative to the repository root."""
    given = Path(path)
    if given.exists() or given.is_absolute():
        return given
    return ROOT / given


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident set size of this process so far (ru_maxrss: KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(who).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def children_peak_rss_mb() -> float:
    """Peak resident set size of the largest child process that has ended."""
    return peak_rss_mb(resource.RUSAGE_CHILDREN)
