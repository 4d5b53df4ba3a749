"""`--format html` / `--output report.html`: one self-contained page, checked as a person sees it.

Headless Chromium (Debian's `chromium`; .ci/run installs it) renders the page to a PNG, which must
not be blank, and dumps the DOM, which must hold the report's numbers. Without Chromium those two
tests skip; the structural checks always run.
"""

from __future__ import annotations

import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest

from llmsize.cli import main
from llmsize.units import GIB

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian package chromium is not installed")
ARGS = ["Qwen2.5-7B-Instruct", "--context", "8k", "--gpu", "RTX-4090,H100-SXM-80GB,L4"]


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    with pytest.raises(SystemExit) as ex:
        main(argv)
    out, err = capsys.readouterr()
    assert ex.value.code == 0, err
    return out


@pytest.fixture
def page(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, dict[str, object]]:
    target = tmp_path / "report.html"
    _run(["estimate", *ARGS, "--output", str(target)], capsys)
    doc = json.loads(_run(["estimate", *ARGS, "--format", "json"], capsys))
    return target, doc


def test_page_is_self_contained(page: tuple[Path, dict[str, object]]) -> None:
    html = page[0].read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    assert "<script" not in html and "<link" not in html and "@import" not in html
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", html)
    # The only URL is the SVG namespace, which browsers never fetch.
    assert set(re.findall(r"https?://[^\"' <]+", html)) <= {"http://www.w3.org/2000/svg"}
    assert html.count("<svg") >= 3  # breakdown, fit per GPU, memory against context


def test_format_html_prints_the_same_page(
    page: tuple[Path, dict[str, object]], capsys: pytest.CaptureFixture[str]
) -> None:
    printed = _run(["estimate", *ARGS, "--format", "html"], capsys)
    assert printed == page[0].read_text(encoding="utf-8")


def test_compare_page_highlights_the_recommendation(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "compare.html"
    _run(["compare", "Qwen2.5-7B-Instruct", "--gpus", "H100-SXM-80GB,L4", "--output", str(target)], capsys)
    doc = json.loads(
        _run(["compare", "Qwen2.5-7B-Instruct", "--gpus", "H100-SXM-80GB,L4", "--format", "json"], capsys)
    )
    html = target.read_text(encoding="utf-8")
    assert 'class="recommend"' in html
    from html import escape

    for line in doc["recommendation"]:  # type: ignore[union-attr]
        assert escape(str(line)) in html


def _png_pixels(path: Path) -> tuple[int, int, bytes, int]:
    """(width, height, unfiltered scanlines, bytes per pixel) of an 8-bit RGB/RGBA PNG (PNG spec, 9)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width, height, bpp = 8, b"", 0, 0, 3
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind, body = data[pos + 4 : pos + 8], data[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, out, prev = zlib.decompress(idat), width * bpp, bytearray(), bytearray(width * bpp)
    for row in range(height):
        f, line = raw[row * (stride + 1)], bytearray(raw[row * (stride + 1) + 1 : (row + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line
        prev = line
    return width, height, bytes(out), bpp


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM is not None
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        f"--user-data-dir={profile}",
    ]
    return subprocess.run([CHROMIUM, *flags, *args], capture_output=True, text=True, timeout=120, check=False)


@needs_chromium
def test_chromium_renders_a_page_that_is_not_blank(
    page: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    png = tmp_path / "page.png"
    done = _chromium(
        f"--screenshot={png}", "--window-size=1000,1600", page[0].as_uri(), profile=tmp_path / "profile"
    )
    assert png.is_file(), done.stderr[-2000:]
    width, height, pixels, bpp = _png_pixels(png)
    assert (width, height) == (1000, 1600)
    rgb = [pixels[i : i + 3] for i in range(0, len(pixels), bpp)]
    ink = sum(1 for p in rgb if p != b"\xff\xff\xff")
    colours = set(rgb)
    # Text, bars and curves: a few percent of the pixels at least, in many colours (the component palette).
    assert ink > 0.02 * len(rgb), ink
    assert len(colours) > 50
    assert bytes.fromhex("0072B2") in colours or any(
        abs(p[0] - 0x00) + abs(p[1] - 0x72) + abs(p[2] - 0xB2) < 30 for p in colours
    )


@needs_chromium
def test_the_rendered_dom_holds_the_reports_numbers(
    page: tuple[Path, dict[str, object]], tmp_path: Path
) -> None:
    done = _chromium("--dump-dom", page[0].as_uri(), profile=tmp_path / "profile")
    dom = done.stdout
    assert "<svg" in dom, done.stderr[-2000:]
    doc = page[1]
    memory = doc["memory"]
    assert isinstance(memory, dict)
    assert f"{memory['total'] / GIB:.2f} GiB" in dom
    assert f'data-bytes="{memory["weights"]}"' in dom
    assert f"{memory['kv_cache'] / GIB:.2f} GiB" in dom
    gpus = doc["gpus"]
    assert isinstance(gpus, list) and gpus
    for row in gpus:
        assert f'data-gpu="{row["gpu"]}"' in dom
        assert f'data-need="{row["per_gpu_bytes"]}"' in dom
        if row["max_context"]:
            assert f"{row['max_context']:,}" in dom
