"""Headless Chromium for tests: render a page to its DOM or a PNG, and read pixels back.

Chromium is installed by ``make test`` (Debian's package); a test that needs it fails,
never skips, when it is missing. ``SOLVENT_CHROMIUM`` may name another binary.
"""

from __future__ import annotations

import struct
import subprocess
import tempfile
import zlib
from pathlib import Path

from solvent.web.browser import chromium_binary  # noqa: F401  (the tests' and the demo's one lookup)

TIMEOUT_S = 90


def _run(binary: str, page: Path, *args: str) -> subprocess.CompletedProcess:
    with tempfile.TemporaryDirectory(prefix="solvent-chromium-") as profile:
        cmd = [binary, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-extensions",
               "--disable-background-networking", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
               *args, page.resolve().as_uri()]
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT_S, check=False)
    if res.returncode != 0:
        raise RuntimeError(f"chromium exited {res.returncode}: {res.stderr[-2000:]}")
    return res


def dump_dom(binary: str, page: Path) -> str:
    """The DOM after Chromium parsed and laid out the page, serialized."""
    return _run(binary, page, "--dump-dom").stdout


def screenshot(binary: str, page: Path, out: Path, width: int = 1200, height: int = 1800) -> Path:
    _run(binary, page, f"--screenshot={out}", f"--window-size={width},{height}", "--hide-scrollbars")
    if not out.exists():
        raise RuntimeError("chromium wrote no screenshot")
    return out


def read_png(path: Path, max_rows: int | None = None) -> tuple[int, int, list[bytes]]:
    """(width, height, the first ``max_rows`` rows as RGB bytes) of an 8-bit RGB/RGBA
    non-interlaced PNG, which is what Chromium writes; enough to check colours without an
    imaging library (pure Python: decode only the rows you need)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, header = 8, b"", None
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    assert header is not None
    width, height, depth, colour, _, _, interlace = header
    assert depth == 8 and colour in (2, 6) and interlace == 0, f"unsupported PNG {header}"
    bpp = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    rows, prev = [], bytearray(stride)
    for y in range(min(height, max_rows or height)):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 0xFF
            elif f == 2:
                line[i] = (line[i] + b) & 0xFF
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xFF
        rows.append(bytes(line if bpp == 3 else bytes(v for j, v in enumerate(line) if j % 4 != 3)))
        prev = line
    return width, height, rows


def count_colour(rows: list[bytes], rgb: tuple[int, int, int]) -> int:
    target = bytes(rgb)
    return sum(sum(1 for x in range(0, len(row), 3) if row[x:x + 3] == target) for row in rows)
