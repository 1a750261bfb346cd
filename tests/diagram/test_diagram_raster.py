"""Raster output: every raster format the local dot writes, and `--dpi` sizing it."""

from __future__ import annotations

import struct
import subprocess
import sys
from pathlib import Path

import pytest

from diagram_helpers import MODELS, needs_dot
import netlint.drawing.render  # noqa: F401 (the module, not the function of that name)
from netlint.drawing.render import RASTER, RenderError, check_dpi, output_format

render_module = sys.modules["netlint.drawing.render"]

MODEL = MODELS / "stacked_lstm.yaml"
MAGIC = {"png": b"\x89PNG", "jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff",
         "gif": b"GIF8", "bmp": b"BM", "tiff": (b"II*\x00", b"MM\x00*"), "webp": b"RIFF"}


def netlint(*args: object):
    return subprocess.run([sys.executable, "-m", "netlint.cli", "diagram", *map(str, args)],
                          capture_output=True, text=True)


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (bytes 16-24)."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def _local_formats() -> tuple:
    return (render_module.dot_formats() or ()) if render_module.dot_available() else ()


@needs_dot
@pytest.mark.parametrize("suffix", [".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif",
                                    ".tiff", ".webp"])
def test_every_raster_format_dot_writes(tmp_path, suffix):
    fmt = output_format(Path("x" + suffix))
    out = tmp_path / f"model{suffix}"
    done = netlint(MODEL, "-o", out)
    if fmt not in _local_formats():  # this Graphviz lacks the plugin: a clear usage error
        assert done.returncode == 2, done.stderr
        assert f"cannot write {fmt}" in done.stderr and not out.exists()
        return
    assert done.returncode == 0, done.stderr
    assert out.read_bytes().startswith(MAGIC[fmt])
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # written atomically


def test_a_format_dot_lacks_is_a_usage_error(tmp_path, monkeypatch):
    monkeypatch.setattr(render_module, "dot_available", lambda: True)
    monkeypatch.setattr(render_module, "dot_formats", lambda: ("svg", "png", "pdf", "dot"))
    with pytest.raises(RenderError) as caught:
        render_module.write_diagram("digraph { a }", tmp_path / "model.webp")
    assert caught.value.usage and "cannot write webp" in caught.value.message
    assert "png" in caught.value.message and not list(tmp_path.iterdir())


@needs_dot
def test_dpi_sets_the_png_pixel_size(tmp_path):
    sizes = {}
    for dpi in ("48", "96", "192"):
        out = tmp_path / f"model-{dpi}.png"
        done = netlint(MODEL, "-o", out, "--dpi", dpi)
        assert done.returncode == 0, done.stderr
        sizes[dpi] = png_size(out)
    default = tmp_path / "model.png"
    assert netlint(MODEL, "-o", default).returncode == 0
    assert png_size(default) == sizes["96"]  # Graphviz's default density
    for low, high in (("48", "96"), ("96", "192")):
        (w1, h1), (w2, h2) = sizes[low], sizes[high]
        assert abs(w2 - 2 * w1) <= 2 and abs(h2 - 2 * h1) <= 2, sizes


@needs_dot
def test_dpi_through_the_python_api(tmp_path):
    from netlint.drawing import render

    small = render(MODEL, tmp_path / "small.png", dpi=36)
    large = render(MODEL, tmp_path / "large.png", dpi=144)
    assert png_size(large)[0] > 3 * png_size(small)[0]


@pytest.mark.parametrize("output", ["model.svg", "model.pdf", "model.dot", "-"])
def test_dpi_on_vector_output_is_a_usage_error(tmp_path, output):
    target = output if output == "-" else tmp_path / output
    done = netlint(MODEL, "-o", target, "--dpi", "300")
    assert done.returncode == 2
    assert "--dpi" in done.stderr and "raster" in done.stderr
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize("dpi", [0, -5, 100_000, True, "300"])
def test_dpi_out_of_range_is_refused(dpi):
    with pytest.raises(RenderError):
        check_dpi("png", dpi)


def test_every_raster_format_has_an_extension():
    assert set(RASTER) <= set(render_module.FORMATS.values())
