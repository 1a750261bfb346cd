"""Crashes and hangs the fuzzing found, each as the smallest input that showed it.

Every case here once raised (a traceback instead of a finding), hung or grew
without bound; the fix is named beside it.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from netlint.api import check, model_files
from netlint.loader import load, load_text, yaml_source


def codes(text: str) -> list[str]:
    return [f.code for f in load_text(text).findings]


@pytest.mark.parametrize("layers", ["5", "true", "1.5", "'text'"])
def test_layers_that_is_not_a_list(layers):
    """build.py tested `from:` on each item of `layers` before knowing it was a list."""
    loaded = load_text(f"input: {{shape: [4]}}\nlayers: {layers}\n")
    assert "NL001" in [f.code for f in loaded.findings]
    assert check(f"input: {{shape: [4]}}\nlayers: {layers}\n")  # the rules run too


@pytest.mark.parametrize("scalar, said", [
    ("!!float 1 optimizer", "'1 optimizer' cannot be read as a float"),
    ("!!int abc", "'abc' cannot be read as an int"),
    ("!!int 0x", "'0x' cannot be read as an int"),
    ("!!bool maybe", "'maybe' cannot be read as a bool"),
])
def test_an_explicit_tag_on_a_value_of_another_type(scalar, said):
    """PyYAML's constructors raise ValueError/KeyError; the reader now says where."""
    loaded = load_text(f"input: {{shape: [4]}}\nlayers:\n  - Dense: {{units: {scalar}}}\n")
    assert [f.code for f in loaded.findings] == ["NL001"]
    finding = loaded.findings[0]
    assert said in finding.message and (finding.line, finding.column) == (3, 20)


def test_the_yaml_constructor_keeps_no_memory_of_past_files():
    """SafeConstructor.construct_object remembered every node it ever built: a leak
    across the files of a long run. Scalars are now built without it."""
    for index in range(300):
        load_text(f"input: {{shape: [{index + 1}]}}\nlayers:\n  - Dense: {{units: {index}, "
                  f"use_bias: true, rate: 0.{index}}}\n")
    assert len(yaml_source._CONSTRUCTOR.constructed_objects) == 0
    assert len(yaml_source._scalars) <= yaml_source._CACHE_LIMIT


def test_a_device_named_on_the_command_line_is_refused_unread():
    """`netlint check /dev/zero` read forever: the size of a device is 0."""
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero")
    loaded = load("/dev/zero")
    assert loaded.model is None and "not a regular file" in loaded.findings[0].message


def test_a_pipe_is_read_with_the_size_limit(tmp_path):
    """Process substitution (`netlint check <(gen)`) is a pipe: read it, but at most 8 MiB."""
    fifo = tmp_path / "model.yaml"
    os.mkfifo(fifo)
    writer = subprocess.Popen([sys.executable, "-c",
                               f"open({str(fifo)!r}, 'w').write('input: {{shape: [3]}}\\n"
                               f"layers: [Dense]\\n' + '#' * (9 * 1024 * 1024))"])
    loaded = load(fifo)
    writer.wait(timeout=30)
    assert loaded.model is None and "over the 8 MiB limit" in loaded.findings[0].message


def test_a_pipe_in_a_scanned_folder_is_never_opened(tmp_path):
    """A FIFO named *.yaml in a folder blocked the scan forever (open() waits for a writer)."""
    (tmp_path / "model.yaml").write_text("input: {shape: [3]}\nlayers: [Dense]\n")
    os.mkfifo(tmp_path / "pipe.yaml")
    code = f"from netlint.api import model_files; print(model_files({str(tmp_path)!r}))"
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         timeout=30)
    assert run.returncode == 0 and "pipe.yaml" not in run.stdout and "model.yaml" in run.stdout
    assert model_files(tmp_path) == [tmp_path / "model.yaml"]


@pytest.mark.parametrize("layer, said", [
    ("Dense: {output_dim: relu}", "layers[0].Dense.units: expected an integer, got 'relu'"),
    ("Dense: [relu]", "layers[0].Dense.units: expected an integer, got 'relu'"),
    ("TimeDistributed: {layer: {Dense: {output_dim: -2}}}",
     "layers[0].TimeDistributed.layer.Dense.units: -2 is below the minimum 1"),
])
def test_arguments_the_loader_rewrote_meet_the_schema_under_their_new_name(layer, said):
    """Fuzz case 6642 (seed 1): `output_dim: *v` with v = relu passed the schema as
    written (Dense has no output_dim), became `units: 'relu'`, and NL301 crashed
    comparing 'relu' > 1. Rewritten arguments are now checked as Keras 3 spells them."""
    loaded = load_text(f"input: {{shape: [4]}}\nlayers:\n  - {layer}\n")
    assert [f.message for f in loaded.findings if f.code == "NL001"] == [said]
    assert not loaded.ok
    assert "written as" in loaded.findings[0].fix
    assert check(f"input: {{shape: [4]}}\nlayers:\n  - {layer}\n")  # no RuleCrash


def test_keras_2_spellings_with_good_values_still_load():
    loaded = load_text("input: {shape: [28, 28, 1]}\nlayers:\n"
                       "  - Convolution2D: [32, 3, 3]\n  - Flatten\n  - Dense: {output_dim: 10}\n")
    assert loaded.ok, loaded.findings
    assert loaded.model.layers[0].kwargs["kernel_size"] == [3, 3]
    assert loaded.model.layers[2].kwargs["units"] == 10


def test_a_data_range_whose_ratio_overflows():
    """tests/rules' hypothesis run: range [1.0, 2.2e-313] made 1.0 / 2.2e-313 infinite and
    NL501 crashed converting log10(inf) to an int."""
    findings = check("input: {shape: [1]}\nlayers:\n  - Dense: {units: 1}\n"
                     "compile: {loss: mse, optimizer: adam}\n"
                     "data:\n  x: {shape: [null], range: [1.0, 2.2250738585e-313]}\n")
    assert "NL501" in [f.code for f in findings]


def test_config_lookup_cache_keeps_symlinks_and_working_folders_apart(tmp_path, monkeypatch):
    """ConfigFinder resolves each folder once (a speed-up for many files); a symlinked
    model still takes the config beside its target, and a relative path is resolved
    against the working folder of the call."""
    from netlint.rules.config import ConfigFinder

    for name, code in (("a", "NL101"), ("b", "NL102")):
        (tmp_path / name).mkdir()
        (tmp_path / name / ".netlint.yaml").write_text(f"ignore: [{code}]\n")
        (tmp_path / name / "m.yaml").write_text("input: {shape: [3]}\nlayers: [Dense]\n")
    (tmp_path / "a" / "link.yaml").symlink_to(tmp_path / "b" / "m.yaml")
    finder = ConfigFinder()
    assert finder.for_file(tmp_path / "a" / "m.yaml").ignore == ("NL101",)
    assert finder.for_file(tmp_path / "a" / "link.yaml").ignore == ("NL102",)
    monkeypatch.chdir(tmp_path / "a")
    assert finder.for_file("m.yaml").ignore == ("NL101",)
    monkeypatch.chdir(tmp_path / "b")
    assert finder.for_file("m.yaml").ignore == ("NL102",)


def test_a_folder_check_finds_model_files_however_they_are_written(tmp_path):
    """A BOM, flow or JSON style, or a quoted key hid model files from `netlint check
    FOLDER`, which then printed "no model files found" and passed: a CI job checking
    nothing. Other YAML in the folder (a CI config mentioning layers) is still left out."""
    from netlint.api import model_file_names

    files = {
        "bom.yaml": b"\xef\xbb\xbflayers:\n  - Dense: 1\ninput: {shape: [3]}\n",
        "json.yaml": b'{"input": {"shape": [3]}, "layers": [{"Dense": 1}]}\n',
        "flow.yaml": b"{input: {shape: [3]}, layers: [{Dense: 1}]}\n",
        "quoted.yaml": b"'layers':\n  - Dense: 1\ninput: {shape: [3]}\n",
        "ci.yaml": b"jobs:\n  build: {runs-on: x, layers: 3}\n",
        "compose.yaml": b"services: {web: {image: nginx}}\n",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    found = [os.path.basename(name) for name in model_file_names(str(tmp_path))]
    assert found == ["bom.yaml", "flow.yaml", "json.yaml", "quoted.yaml"]


def test_load_never_raises_on_a_missing_or_unreadable_file(tmp_path):
    """netlint.load is documented never to raise on bad input; a missing file raised."""
    for path in (tmp_path / "missing.yaml", tmp_path):  # missing; a folder (EISDIR)
        loaded = load(path)
        assert loaded.model is None and loaded.findings[0].code == "NL001"


def test_a_folder_nested_1200_deep_is_walked(tmp_path):
    """The folder walk and the config walk up from each file were recursive."""
    from typer.testing import CliRunner

    from netlint.cli import app

    folders = [str(tmp_path)]
    try:
        for _ in range(1_200):  # os.makedirs itself recurses
            folders.append(os.path.join(folders[-1], "d"))
            os.mkdir(folders[-1])
        with open(os.path.join(folders[-1], "m.yaml"), "w") as handle:
            handle.write("input: {shape: [3]}\nlayers:\n  - Dense: {units: 2}\n"
                         "  - Dense: 1\n")
        result = CliRunner().invoke(app, ["check", str(tmp_path), "--format", "json"])
        assert result.exit_code == 1, result.output[-300:]  # NL601: found and checked
        assert '"NL601"' in result.stdout
    finally:  # by hand, bottom up: pytest's own clean-up (shutil.rmtree) recurses too
        for name in os.listdir(folders[-1]):
            os.unlink(os.path.join(folders[-1], name))
        for folder in reversed(folders[1:]):
            os.rmdir(folder)


@pytest.mark.skipif(sys.platform != "linux", reason="a file name of raw bytes: Linux")
@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github"])
def test_a_file_name_that_is_not_utf8_works_in_every_format(tmp_path, fmt):
    from typer.testing import CliRunner

    from netlint.cli import app

    name = os.fsdecode(os.path.join(os.fsencode(str(tmp_path)), b"m\xff.yaml"))
    with open(name, "w") as handle:
        handle.write("input: {shape: [3]}\nlayers:\n  - Dense: {units: 2}\n  - Dense: 1\n")
    result = CliRunner().invoke(app, ["check", str(tmp_path), "--format", fmt])
    assert result.exit_code == 1, result.output[-500:]
    if fmt == "sarif":
        assert "m%FF.yaml" in result.stdout
