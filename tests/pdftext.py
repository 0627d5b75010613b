"""Reading a printed PDF back: every word with its box, per page (``pdftotext -bbox``).

What a reader of the paper sees and what can be measured: the size of the text (the median
height of a page's word boxes, in points) and text printed over other text (two word boxes
that overlap). Used by the print tests and by ``docs/render.py``.
"""

from __future__ import annotations

import html
import re
import shutil
import statistics
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">(.*?)</page>', re.S)
_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>',
                   re.S)


@dataclass(frozen=True)
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def height(self) -> float:
        return self.y1 - self.y0

    @property
    def centre(self) -> float:
        return (self.y0 + self.y1) / 2


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    words: list[Word] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The page's words in reading order, one line per printed line: words whose vertical
        centres lie within half a word's height of each other (a large word centred in its row
        stays on the row's line)."""
        lines: list[list[Word]] = []
        for w in sorted(self.words, key=lambda w: (w.centre, w.x0)):
            if lines and abs(lines[-1][0].centre - w.centre) < min(lines[-1][0].height, w.height) / 2:
                lines[-1].append(w)
            else:
                lines.append([w])
        return "\n".join(" ".join(w.text for w in sorted(line, key=lambda w: w.x0)) for line in lines)

    @property
    def median_height(self) -> float:
        """The median height of the page's word boxes in points (0 for an empty page)."""
        return statistics.median(w.height for w in self.words) if self.words else 0.0

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def overlaps(self, share: float = 0.2, slack: float = 0.5) -> list[tuple[Word, Word]]:
        """Pairs of words printed over each other: their boxes overlap by more than ``slack``
        points across and by more than ``share`` of the lower box's height down.

        A word box is taller than the text's line pitch (ascent and descent of the font), so
        the boxes of two lines of one wrapped paragraph overlap by about a tenth of their
        height: that is normal printing, not text over text."""
        out = []
        words = sorted(self.words, key=lambda w: w.y0)
        for i, a in enumerate(words):
            for b in words[i + 1:]:
                if b.y0 >= a.y1:
                    break
                dx = min(a.x1, b.x1) - max(a.x0, b.x0)
                dy = min(a.y1, b.y1) - max(a.y0, b.y0)
                if dx > slack and dy > share * min(a.height, b.height):
                    out.append((a, b))
        return out


def read_pdf(pdf: Path) -> list[Page]:
    """Every page of ``pdf`` with its words (needs poppler-utils' ``pdftotext``)."""
    binary = shutil.which("pdftotext")
    if binary is None:
        raise RuntimeError("pdftotext (poppler-utils) is not installed")
    done = subprocess.run([binary, "-bbox", str(pdf), "-"], capture_output=True, text=True,
                          check=True, timeout=120)
    pages = []
    for n, (width, height, body) in enumerate(_PAGE.findall(done.stdout), start=1):
        words = [Word(float(a), float(b), float(c), float(d), html.unescape(t))
                 for a, b, c, d, t in _WORD.findall(body)]
        pages.append(Page(n, float(width), float(height), words))
    return pages


def measure(pages: list[Page]) -> dict[str, object]:
    """Page count, the smallest page median text height and the overlapping word pairs."""
    heights = [p.median_height for p in pages if p.words]
    return {"pages": len(pages), "min_median_pt": round(min(heights), 2) if heights else 0.0,
            "overlaps": sum(len(p.overlaps()) for p in pages)}
