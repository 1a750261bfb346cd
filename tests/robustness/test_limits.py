"""Resource limits: hostile inputs are refused (or handled) in bounded time and memory.

Each case runs the real command in a child process and reads the child's own
peak resident memory (ru_maxrss from wait4) and wall time, so a crash of the
interpreter (libyaml's recursive composer on deep nesting), a blow-up of
memory (alias expansion) or a read of a 100 MB file shows as a failure, not as
a hung or killed test run. The limits are stated in docs/limits.md.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from netlint.loader import load, load_text
from netlint.loader.yaml_source import (
    MAX_ALIAS_NODES,
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_NODES,
)

# A bare `netlint check` of a small model peaks near 17 MiB on Linux (Python: 9 MiB):
# a refused bomb must stay close to that, not grow with what the file asks for.
SMALL_MIB = 40
QUICK_SECONDS = 5.0  # generous for a loaded CI machine; typical figures are ~0.1 s
NUMPY_MIB = 120  # a `data:` file path brings numpy in (~60 MiB of its own)


# Linux starts a child's ru_maxrss at its parent's resident size (pytest's, here: hundreds
# of MiB once Keras is loaded), so the command is started by a minimal launcher
# (python -S) that reports its child's figures.
LAUNCHER = r"""
import os, sys, time
start = time.perf_counter()
read, write = os.pipe()
pid = os.fork()
if pid == 0:
    os.dup2(write, 1)
    os.dup2(write, 2)
    os.execv(sys.executable, [sys.executable, "-m", "netlint.cli", "check", *sys.argv[1:]])
os.close(write)
output = b""
while chunk := os.read(read, 1 << 16):
    output += chunk
_, status, usage = os.wait4(pid, 0)
sys.stdout.write(f"{time.perf_counter() - start} {usage.ru_maxrss} "
                 f"{os.waitstatus_to_exitcode(status)}\n")
sys.stdout.write(output.decode("utf-8", "replace"))
"""


def run_check(path: Path, *extra: str) -> tuple[int, str, float, float]:
    """(exit code, stdout + stderr, seconds, peak MiB) of `netlint check path` in a child."""
    run = subprocess.run([sys.executable, "-S", "-c", LAUNCHER, str(path), *extra],
                         capture_output=True, text=True, env={**os.environ, "GITHUB_ACTIONS": ""},
                         timeout=300)
    figures, _, output = run.stdout.partition("\n")
    seconds, rss, code = figures.split()
    return int(code), output, float(seconds), int(rss) / 1024


def _laughs_sequences(levels: int = 10, width: int = 10) -> str:
    lines = ["lol0: &lol0 [lol]"]
    for level in range(1, levels):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * width) + "]")
    return "\n".join(lines) + f"\nlayers: *lol{levels - 1}\n"


def _laughs_mappings(levels: int = 12) -> str:
    lines = ["m0: &m0 {a: 1, b: 2}"]
    for level in range(1, levels):
        lines.append(f"m{level}: &m{level} {{a: *m{level - 1}, b: *m{level - 1}, "
                     f"c: *m{level - 1}}}")
    return "\n".join(lines) + f"\nlayers: [{{Dense: *m{levels - 1}}}]\n"


def _laughs_merge_keys(levels: int = 14) -> str:
    lines = ["k0: &k0 {units: 1}"]
    for level in range(1, levels):
        lines.append(f"k{level}: &k{level} {{<<: [*k{level - 1}], x{level}: *k{level - 1}, "
                     f"y{level}: *k{level - 1}}}")
    return "\n".join(lines) + f"\nlayers: [{{Dense: *k{levels - 1}}}]\n"


def _laughs_block_style(levels: int = 9) -> str:
    lines = ["b0: &b0", "  - lol"]
    for level in range(1, levels):
        lines.append(f"b{level}: &b{level}")
        lines += [f"  - *b{level - 1}"] * 9
    return "\n".join(lines) + f"\nlayers: *b{levels - 1}\n"


def _many_small_aliases(count: int = 30_000) -> str:
    return "x: &x 1\nlayers:\n" + "".join("  - *x\n" for _ in range(count))


@pytest.mark.parametrize("make", [_laughs_sequences, _laughs_mappings, _laughs_merge_keys,
                                  _laughs_block_style, _many_small_aliases],
                         ids=lambda f: f.__name__.strip("_"))
def test_billion_laughs_family_is_refused_fast_and_small(tmp_path, make):
    path = tmp_path / "bomb.yaml"
    path.write_text(make())
    code, output, seconds, mib = run_check(path)
    assert code == 1
    assert f"aliases expand to more than {MAX_ALIAS_NODES:,}".replace(",", "") in output \
        .replace(",", "") and "NL001" in output
    assert seconds < QUICK_SECONDS and mib < SMALL_MIB, (seconds, mib)


# (text, line:column of the first collection past MAX_DEPTH): `layers:`'s mapping is one level
@pytest.mark.parametrize("text, where", [
    # flow: libyaml's composer would crash; libyaml >= 0.2.5 refuses it itself at 1000 levels
    ("layers: " + "[" * 200_000 + "]" * 200_000 + "\n", f"1:{9 + MAX_DEPTH - 1}"),
    ("layers: " + "{a: " * 100_000 + "1" + "}" * 100_000 + "\n", f"1:{9 + 4 * (MAX_DEPTH - 1)}"),
    ("layers:\n" + "".join("  " * (i + 1) + f"k{i}:\n" for i in range(2_000)),  # block maps
     f"{MAX_DEPTH + 1}:{2 * MAX_DEPTH + 1}"),
    ("layers:\n  " + "- " * 100_000 + "x\n", f"2:{3 + 2 * (MAX_DEPTH - 1)}"),  # one line
], ids=["flow-sequences", "flow-mappings", "block-mappings", "block-sequences"])
def test_deep_nesting_is_refused_without_crashing(tmp_path, text, where):
    path = tmp_path / "deep.yaml"
    path.write_text(text)
    code, output, seconds, mib = run_check(path)
    assert code == 1, output[-500:]  # a crash of the interpreter would be -11 or 139
    (line,) = output.splitlines()[:1]
    assert line.startswith(f"{path}:{where}: NL001 [error]") and str(MAX_DEPTH) in line, line
    assert seconds < QUICK_SECONDS and mib < SMALL_MIB, (seconds, mib)


def test_a_100_mb_file_is_refused_by_its_size_without_reading_it(tmp_path):
    path = tmp_path / "huge.yaml"
    with open(path, "wb") as handle:
        handle.write(b"layers:\n  - Dense: {units: 1}\n")
        handle.truncate(100 * 1024 * 1024)  # sparse: 100 MB that cost no disk
    code, output, seconds, mib = run_check(path)
    assert code == 1 and "over the 8 MiB limit for a model file" in output
    assert seconds < QUICK_SECONDS and mib < SMALL_MIB, (seconds, mib)
    assert load(path).findings[0].code == "NL001"


def test_a_huge_text_given_to_the_api_is_refused_too():
    loaded = load_text("# " + "x" * (MAX_FILE_BYTES + 1) + "\nlayers: [Dense]\n")
    assert loaded.model is None and "larger than 8 MiB" in loaded.findings[0].message


def test_a_folder_scan_reads_only_the_start_of_each_file(tmp_path):
    from netlint.api import model_files

    big = tmp_path / "big.yaml"
    with open(big, "wb") as handle:
        handle.write(b"# data\n")
        handle.truncate(50 * 1024 * 1024)
    (tmp_path / "model.yaml").write_text("input: {shape: [3]}\nlayers: [Dense]\n")
    start = time.perf_counter()
    assert model_files(tmp_path) == [tmp_path / "model.yaml"]
    assert time.perf_counter() - start < QUICK_SECONDS


def test_too_many_values_are_refused_while_reading(tmp_path):
    path = tmp_path / "wide.yaml"
    path.write_text("input: {shape: [4]}\nlayers: [" + "1, " * (MAX_NODES + 10) + "]\n")
    code, output, seconds, mib = run_check(path)
    assert code == 1 and f"more than {MAX_NODES:,} values" in output
    assert seconds < 3 * QUICK_SECONDS and mib < 4 * SMALL_MIB, (seconds, mib)


def test_many_unknown_names_stay_linear(tmp_path):
    """Each did-you-mean costs up to a millisecond; past a budget findings come without."""
    path = tmp_path / "typos.yaml"
    path.write_text("input: {shape: [4]}\nlayers:\n" +
                    "".join(f"  - Dens{i}: {{}}\n" for i in range(20_000)))
    code, output, seconds, mib = run_check(path, "-q")
    assert code == 1
    assert seconds < 3 * QUICK_SECONDS, seconds
    first = load(path).findings
    assert first[0].fix == "did you mean 'Dense'?"
    assert sum(f.fix is not None and f.fix.startswith("did you mean") for f in first) <= 100


def test_integers_beyond_pythons_digit_limit_are_a_finding_not_a_crash():
    loaded = load_text("input: {shape: [" + "9" * 5000 + "]}\nlayers: [Dense]\n")
    assert [f.code for f in loaded.findings] == ["NL001"]
    assert "too many digits" in loaded.findings[0].message
    assert loaded.findings[0].position.line == 1


# -- a data file of several GB: memory-mapped and sampled ---------------------------------

GIB = 1024 ** 3


@pytest.fixture(scope="module")
def huge_npy(tmp_path_factory):
    folder = tmp_path_factory.mktemp("npy")
    free = shutil.disk_usage(folder).free
    if free < 10 * GIB:
        pytest.skip(f"needs 10 GB free for a sparse 4 GB file; {free / GIB:.1f} GB free")
    numpy = pytest.importorskip("numpy")
    rows, columns = 1_048_576, 1024  # 4 GiB of float32
    array = numpy.lib.format.open_memmap(folder / "x.npy", mode="w+", dtype=numpy.float32,
                                         shape=(rows, columns))
    array[0, :8] = 1e6  # a few written pages; the rest stays sparse (reads as zeros)
    array[-1, -8:] = -3.0
    array.flush()
    del array
    return folder, rows, columns


def test_a_4_gb_data_file_is_sampled_in_bounded_time_and_memory(huge_npy):
    folder, rows, columns = huge_npy
    model = folder / "model.yaml"
    model.write_text(f"input: {{shape: [{columns}]}}\nlayers:\n  - Dense: {{units: 1}}\n"
                     "compile: {loss: mse, optimizer: adam}\n"
                     "data:\n  x: {path: x.npy}\n")
    assert (folder / "x.npy").stat().st_size > 4 * GIB
    code, output, seconds, mib = run_check(model, "--format", "json")
    assert code in (0, 1), output[-1000:]
    assert "cannot read" not in output and "Traceback" not in output
    # the scan reads at most 64 MiB of values, through a memory map
    assert seconds < 6 * QUICK_SECONDS and mib < NUMPY_MIB + 64, (seconds, mib)


def test_a_header_that_promises_more_than_the_file_holds(tmp_path):
    numpy = pytest.importorskip("numpy")
    path = tmp_path / "lies.npy"
    with open(path, "wb") as handle:
        numpy.lib.format.write_array_header_1_0(
            handle, {"descr": "<f4", "fortran_order": False, "shape": (2**40, 2**20)})
        handle.write(b"\0" * 64)
    model = tmp_path / "model.yaml"
    model.write_text("input: {shape: [4]}\nlayers:\n  - Dense: {units: 1}\n"
                     "data:\n  x: {path: lies.npy}\n")
    code, output, seconds, mib = run_check(model)
    assert code in (0, 1) and "Traceback" not in output
    assert "cannot read lies.npy" in output
    assert seconds < QUICK_SECONDS and mib < NUMPY_MIB, (seconds, mib)


@pytest.mark.parametrize("target", ["/dev/zero", "/dev/urandom", "fifo"])
def test_data_paths_that_are_not_regular_files_are_never_opened(tmp_path, target):
    link = tmp_path / "x.npy"
    if target == "fifo":
        os.mkfifo(link)  # opening it would block forever
    else:
        if not Path(target).exists():
            pytest.skip(f"no {target}")
        link.symlink_to(target)
    model = tmp_path / "model.yaml"
    model.write_text("input: {shape: [4]}\nlayers:\n  - Dense: {units: 1}\n"
                     "data:\n  x: {path: x.npy}\n")
    code, output, seconds, mib = run_check(model)
    assert code in (0, 1) and "is not a regular file" in output
    assert seconds < QUICK_SECONDS and mib < NUMPY_MIB, (seconds, mib)


def test_layers_written_in_shorthand_are_read_in_linear_time():
    """`- Dense: 16` is rewritten to `units: 16` and that value checked against the schema:
    once checked at its own place in a document padded up to it, 4,000 such layers took
    50 s. Checked as the first item, the finding still names the layer's own place."""
    lines = ["input: {shape: [4]}\nlayers:\n"] + ["  - Dense: 16\n"] * 4000
    lines[2501] = "  - Dense: relu\n"  # layers[2500]
    start = time.perf_counter()
    loaded = load_text("".join(lines))
    seconds = time.perf_counter() - start
    assert [(f.code, f.line) for f in loaded.findings] == [("NL001", 2503)]
    assert loaded.findings[0].message.startswith("layers[2500].Dense.units: expected an integer")
    assert seconds < QUICK_SECONDS, seconds
