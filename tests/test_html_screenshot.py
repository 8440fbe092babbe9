"""The HTML page as a browser draws it: headless Chromium (Debian's `chromium`, which .ci/run
installs; skipped only where it is missing) screenshots reference-2-3-1's page, which must not be
blank, and a formula of it, which must be laid out as math: a 3 × 2 matrix stands three rows
tall, where the same page with MathML's elements turned into plain spans is one line of text."""

from __future__ import annotations

import re
import shutil
import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

import numpy as np
import pytest

from backcalc.render import html
from backcalc.render.document.blocks import Document, Equation
from tests.test_html import document, styled

CHROMIUM = next(
    (found for name in ("chromium", "chromium-browser") if (found := shutil.which(name))), None
)
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed")
INK = 160  # a pixel darker than this (0-255, the darkest channel) is ink


def screenshot(page: str, folder: Path, size: tuple[int, int] = (1000, 1400)) -> np.ndarray:
    """The page drawn by headless Chromium, as a (height, width) array of grey levels."""
    source, picture = folder / "page.html", folder / "page.png"
    source.write_text(page, encoding="utf-8")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                str(CHROMIUM),
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                f"--user-data-dir={profile}",
                f"--screenshot={picture}",
                f"--window-size={size[0]},{size[1]}",
                source.resolve().as_uri(),
            ],
            capture_output=True,
            timeout=120,
            check=True,
        )
    return grey(picture.read_bytes())


def grey(png: bytes) -> np.ndarray:
    """A PNG (8-bit grey, RGB or RGBA, not interlaced: what Chromium writes) as grey levels,
    the darkest channel of each pixel."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks, header = 8, [], b""
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        if kind == b"IHDR":
            header = data
        elif kind == b"IDAT":
            chunks.append(data)
        position += 12 + length
    width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", header)
    assert depth == 8 and interlace == 0 and colour in (0, 2, 6)
    channels = {0: 1, 2: 3, 6: 4}[colour]
    stride = width * channels
    raw = zlib.decompress(b"".join(chunks))
    rows = np.zeros((height, stride), dtype=np.uint8)
    previous = np.zeros(stride, dtype=np.int32)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], raw[y * (stride + 1) + 1 : (y + 1) * (stride + 1)]
        current = np.frombuffer(line, dtype=np.uint8).astype(np.int32)
        if kind == 2:  # Up
            current = (current + previous) % 256
        elif kind in (1, 3, 4):  # Sub, Average, Paeth: each byte depends on the one before
            out = current.tolist()
            above = previous.tolist()
            for x in range(stride):
                left = out[x - channels] if x >= channels else 0
                up = above[x]
                if kind == 1:
                    predicted = left
                elif kind == 3:
                    predicted = (left + up) // 2
                else:
                    corner = above[x - channels] if x >= channels else 0
                    p = left + up - corner
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                    predicted = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                out[x] = (out[x] + predicted) % 256
            current = np.array(out, dtype=np.int32)
        rows[y] = current
        previous = current
    pixels = rows.reshape(height, width, channels)[:, :, : min(channels, 3)]
    return np.asarray(pixels.min(axis=2))


def ink_rows(picture: np.ndarray) -> np.ndarray:
    return np.flatnonzero((picture < INK).any(axis=1))


def flattened(page: str) -> str:
    """The page as a browser without MathML would draw it: every MathML element a plain span
    (the TeX annotations dropped, as such a browser would show them)."""
    page = re.sub(r"<annotation\b.*?</annotation>", "", page, flags=re.S)
    elements = "math|semantics|mrow|mi|mn|mo|mtext|mspace|mfrac|msup|msub|msubsup|munder|mover"
    elements += "|munderover|mtable|mtr|mtd|msqrt|mroot|mphantom|merror"
    return re.sub(rf"<(/?)(?:{elements})\b[^>]*?(/?)>", r"<\1span\2>", page)


def test_the_reference_page_is_drawn(tmp_path: Path) -> None:
    style = styled(diagram=False)
    page = html.to_html(document("reference-2-3-1", style)[1], style, strict=True)
    picture = screenshot(page, tmp_path)
    share = float((picture < INK).mean())
    assert 0.005 < share < 0.3, f"{share:.3%} of the page is ink"  # neither blank nor black
    rows = ink_rows(picture)
    assert rows.size and rows[-1] - rows[0] > 0.8 * picture.shape[0]  # the page fills the window
    lines = np.count_nonzero(np.diff(rows) > 1) + 1  # bands of ink: lines of text and formulas
    assert lines > 15


def test_a_matrix_is_drawn_as_a_matrix(tmp_path: Path) -> None:
    """The statement's W⁽¹⁾ = (3 × 2 matrix): with MathML, three rows of numbers between tall
    parentheses; as plain text, one line."""
    style = styled(diagram=False)
    _, doc = document("reference-2-3-1", style)
    weights = next(b for b in doc.statement if isinstance(b, Equation) and "W^{(1)}" in b.math)
    page = html.to_html(Document("", (), (weights,), ()), style, strict=True)
    as_math = ink_rows(screenshot(page, tmp_path, (800, 400)))
    as_text = ink_rows(screenshot(flattened(page), tmp_path, (800, 400)))
    assert as_math.size and as_text.size
    tall, flat = as_math[-1] - as_math[0], as_text[-1] - as_text[0]
    assert flat < 40 and tall > 2 * flat, (tall, flat)


def test_the_png_reader_reads_every_filter() -> None:
    """A 3 × 2 RGB image written with each of PNG's five row filters reads back the same."""
    pixels = np.array([[[10, 20, 30], [200, 100, 50], [0, 255, 7]]] * 2, dtype=np.uint8)
    pixels[1] = pixels[1] // 2 + 3
    for kind in range(5):
        raw = b""
        previous = np.zeros(9, dtype=np.int32)
        for row in pixels.reshape(2, 9).astype(np.int32):
            encoded = []
            for x, value in enumerate(row):
                left = int(row[x - 3]) if x >= 3 else 0
                up = int(previous[x])
                corner = int(previous[x - 3]) if x >= 3 else 0
                p = left + up - corner
                paeth = min(
                    (abs(p - left), 0, left), (abs(p - up), 1, up), (abs(p - corner), 2, corner)
                )[2]
                predicted = [0, left, up, (left + up) // 2, paeth][kind]
                encoded.append((int(value) - predicted) % 256)
            raw += bytes([kind, *encoded])
            previous = row

        def chunk(name: bytes, data: bytes) -> bytes:
            return struct.pack(">I", len(data)) + name + data + b"\0\0\0\0"

        png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 3, 2, 8, 2, 0, 0, 0))
        png += chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
        assert (grey(png) == pixels.min(axis=2)).all(), kind
