"""Fixes as edits: `netlint check --fix`, `--diff`, `--unsafe-fixes`, and the edits in
JSON and SARIF. What a fix must keep: every byte outside its spans, the model's
meaning when it is safe (the inferred model is the same before and after), a file
it cannot read as YAML untouched."""

from __future__ import annotations

import difflib
import os
import stat
import subprocess
import sys

import pytest
import yaml

from netlint.fixes.run import fix_text
from netlint.fixes.text_edits import EditOutOfRange, apply_edits, compatible
from netlint.fixes.yaml_edits import scalar
from netlint.layers.inference import infer_shapes
from netlint.loader import load_text
from netlint.model.findings import Autofix, TextEdit
from netlint.pipeline import lint
from netlint.report.summary_table import summary_dict

STACKED = """\
# a forecaster  (comments, blank lines and odd spacing must survive)
input: {shape: [10, 8]}

layers:
  - LSTM: {units: 16}     # encoder
  - LSTM:
      units: 8
      # the decoder's comment stays under it
  - LSTM: {units: 4}
  - Dense: {units: 1}
"""

LEGACY = """\
input: {shape: [10, 8]}
layers:
  - CuDNNLSTM: {units: 4, return_sequences: true}   # old name
  - Convolution1D: {filters: 3, kernel_size: 2}
  - Bidirectional: {layer: {CuDNNGRU: {units: 2}}}
  - Flatten
  - Dense: {units: 1}
compile:
  loss: mse
  optimizer: {Adam: {learning_rate: 1e-3}}
"""


def run_netlint(*args: str, cwd=None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "netlint.cli", *args], capture_output=True,
                          text=True, cwd=cwd)


def changed_lines(before: str, after: str) -> list[str]:
    return [line for line in difflib.ndiff(before.splitlines(), after.splitlines())
            if line[:1] in "+-"]


# -- applying edits -------------------------------------------------------------------------

def test_edits_apply_by_line_and_column_and_refuse_overlaps():
    text = "ab\r\ncd\nef"
    assert apply_edits(text, [TextEdit(2, 1, 2, 3, "XY"), TextEdit(1, 3, 1, 3, "!")]) == \
        "ab!\r\nXY\nef"
    assert apply_edits(text, [TextEdit(3, 3, 3, 3, "\n")]) == text + "\n"
    with pytest.raises(EditOutOfRange):
        apply_edits(text, [TextEdit(1, 1, 1, 3, "x"), TextEdit(1, 2, 1, 3, "y")])
    with pytest.raises(EditOutOfRange):
        apply_edits(text, [TextEdit(4, 1, 4, 1, "x")])


def test_conflicting_fixes_are_both_left_out_and_same_ones_made_once():
    text = "key: 010\n"
    quote = Autofix((TextEdit(1, 6, 1, 9, "'010'"),))
    number = Autofix((TextEdit(1, 6, 1, 9, "10"),))
    elsewhere = Autofix((TextEdit(1, 1, 1, 4, "other"),))
    assert compatible(text, [quote, number, elsewhere]) == [elsewhere]
    assert compatible(text, [quote, quote]) == [quote]


@pytest.mark.parametrize("value", ["relu", "two words", "yes", "on", "1e-3", "null", "x: y",
                                   True, 16, 0.001, 1e-30])
def test_scalars_are_written_so_that_yaml_reads_them_back(value):
    assert yaml.safe_load(f"k: {scalar(value)}")["k"] == value


# -- what --fix does to a text ---------------------------------------------------------------

def test_unsafe_fix_adds_return_sequences_in_each_items_style():
    fixed = fix_text(STACKED, "m.yaml", unsafe=True)
    assert [f.code for f in fixed.applied] == ["NL104", "NL104"] and fixed.findings == []
    assert sorted(changed_lines(STACKED, fixed.text)) == sorted([
        "-   - LSTM: {units: 16}     # encoder",
        "+   - LSTM: {units: 16, return_sequences: true}     # encoder",
        "+       return_sequences: true"])
    # the block mapping's new key sits with its keys, before the comment under it
    assert "      units: 8\n      return_sequences: true\n      # the decoder" in fixed.text


def test_unsafe_fixes_wait_for_the_flag():
    fixed = fix_text(STACKED, "m.yaml", unsafe=False)
    assert fixed.text == STACKED and fixed.applied == []
    assert [f.code for f in fixed.findings] == ["NL104"]  # the second shows once it is fixed


@pytest.mark.parametrize("layer, written", [
    ("- GRU: {units: 4, return_sequences: false}", "- GRU: {units: 4, return_sequences: true}"),
    ("- GRU: {units: 4, return_sequences: no}", "- GRU: {units: 4, return_sequences: true}"),
    ("- Bidirectional: {layer: {GRU: {units: 4}}}",
     "- Bidirectional: {layer: {GRU: {units: 4, return_sequences: true}}}"),
    ("- Bidirectional:\n      layer:\n        GRU:\n          units: 4",
     "- Bidirectional:\n      layer:\n        GRU:\n          units: 4\n"
     "          return_sequences: true"),
])
def test_return_sequences_is_written_whatever_the_item_looks_like(layer, written):
    text = f"input: {{shape: [10, 8]}}\nlayers:\n  {layer}\n  - LSTM: {{units: 2}}\n"
    fixed = fix_text(text, "m.yaml", unsafe=True)
    assert fixed.text == text.replace(layer, written) and fixed.findings == []


@pytest.mark.parametrize("item, expected", [
    ("- Flatten", "- Flatten: {data_format: channels_last}"),
    ("- Flatten:", "- Flatten: {data_format: channels_last}"),
    ("- Flatten: null", "- Flatten: {data_format: channels_last}"),
    ("- Flatten: ~   # none", "- Flatten: {data_format: channels_last}   # none"),
    ("- Flatten: {}", "- Flatten: {data_format: channels_last}"),
])
def test_an_argument_is_added_to_items_written_without_arguments(item, expected):
    from netlint.fixes.layer_edits import add_argument

    text = f"input: {{shape: [4, 2]}}\nlayers:\n  {item}\n"
    loaded = load_text(text)
    edit = add_argument(loaded.document, loaded.model.layers[0], "data_format",
                        "channels_last")
    assert apply_edits(text, [edit]) == text.replace(item, expected)


def test_safe_fixes_keep_the_model_netlint_and_yaml_11_readers_see():
    fixed = fix_text(LEGACY, "m.yaml")
    assert sorted(f.code for f in fixed.applied) == ["NL902", "NL902", "NL902", "NL903"]
    before, after = load_text(LEGACY), load_text(fixed.text)
    assert summary_dict(infer_shapes(before.model)) == summary_dict(infer_shapes(after.model))
    def layers(loaded):  # classes and arguments, the wrapped layer's by its class
        return [(s.class_name, s.wrapped and (s.wrapped.class_name, s.wrapped.kwargs),
                 {k: v for k, v in s.kwargs.items() if k != "layer"})
                for s in loaded.model.layers]

    assert layers(before) == layers(after)
    # PyYAML (YAML 1.1) now reads the learning rate as the number netlint reads
    assert yaml.safe_load(fixed.text)["compile"]["optimizer"]["Adam"]["learning_rate"] == 0.001
    assert "# old name" in fixed.text and len(fixed.text.splitlines()) == len(LEGACY.splitlines())


def test_a_legacy_name_whose_arguments_mean_something_else_is_not_renamed():
    # Keras 1's Convolution2D(32, 3, 3) is filters, rows, columns; Conv2D(32, 3, 3) is not
    text = "input: {shape: [28, 28, 1]}\nlayers:\n  - Convolution2D: [32, 3, 3]\n"
    findings = lint(text).findings
    assert any(f.code == "NL902" for f in findings)
    assert all(f.autofix is None for f in findings if f.code == "NL902")


def test_a_fix_that_would_not_read_back_is_never_kept(monkeypatch):
    from netlint.fixes import run

    broken = Autofix((TextEdit(1, 1, 1, 1, "{["),))
    real = run.applicable
    monkeypatch.setattr(run, "applicable", lambda f, unsafe: real(f, True))
    findings = lint(STACKED).findings
    monkeypatch.setattr(run, "compatible", lambda text, fixes: [broken])
    fixed = fix_text(STACKED, "m.yaml", unsafe=True)
    assert fixed.text == STACKED and fixed.applied == [] and findings


# -- the command line --------------------------------------------------------------------------

def test_fix_writes_in_place_keeping_permissions_and_bytes(tmp_path):
    model = tmp_path / "legacy.yaml"
    model.write_bytes(("\ufeff" + LEGACY).replace("\n", "\r\n").encode())
    model.chmod(0o640)
    result = run_netlint("check", "--fix", str(model))
    after = model.read_bytes().decode()
    assert after.startswith("\ufeff") and "\r\n" in after and "\n" not in after.replace("\r\n", "")
    assert "Convolution1D" not in after and "1.0e-3" in after
    assert stat.S_IMODE(os.stat(model).st_mode) == 0o640
    assert "fixed 4 problems in 1 file" in result.stderr
    assert result.returncode == 0, result.stdout + result.stderr  # nothing left to fail on
    assert [p.name for p in tmp_path.iterdir()] == ["legacy.yaml"]  # no temporary left


def test_diff_prints_and_writes_nothing(tmp_path):
    model = tmp_path / "stacked.yaml"
    model.write_text(STACKED)
    result = run_netlint("check", "--diff", "--unsafe-fixes", "stacked.yaml", cwd=tmp_path)
    assert result.returncode == 1 and model.read_text() == STACKED
    assert result.stdout.startswith("--- a/stacked.yaml\n+++ b/stacked.yaml\n")
    assert "+  - LSTM: {units: 16, return_sequences: true}     # encoder" in result.stdout
    clean = run_netlint("check", "--diff", "stacked.yaml", cwd=tmp_path)  # safe only: none
    assert clean.returncode == 0 and clean.stdout == ""


@pytest.mark.parametrize("text", [
    "input: {shape: [10, 8]}\nlayers:\n  - CuDNNLSTM: {units: 4\n",  # a YAML syntax error
    "input: {shape: [10, 8]}\rlayers:\r  - CuDNNLSTM: {units: 4}\r",  # old Mac line ends
])
def test_files_netlint_cannot_place_edits_in_are_left_alone(tmp_path, text):
    model = tmp_path / "m.yaml"
    model.write_bytes(text.encode())
    result = run_netlint("check", "--fix", str(model))
    assert model.read_bytes() == text.encode()
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr


def test_text_report_marks_fixable_findings_and_counts_them():
    from netlint.report.text import format_text

    out = format_text(lint(LEGACY + "  metrics: [acc]\n").findings + lint(STACKED).findings, 2)
    assert ": NL902 [*] [error] 'CuDNNLSTM'" in out
    assert ": NL104 [error]" in out  # unsafe: not marked
    assert out.rstrip().endswith("[*] 4 fixable with --fix (1 more with --unsafe-fixes).")


def test_json_and_sarif_carry_the_edits():
    import json

    from netlint.report.json_format import format_json
    from netlint.report.sarif import format_sarif

    findings = lint(STACKED).findings
    (entry,) = json.loads(format_json(findings, 1))["findings"]
    assert entry["autofix"] == {"safe": False, "edits": [
        {"line": 5, "column": 21, "end_line": 5, "end_column": 21,
         "text": ", return_sequences: true"}]}
    (result,) = json.loads(format_sarif(findings))["runs"][0]["results"]
    (change,) = result["fixes"][0]["artifactChanges"]
    assert change["replacements"] == [{
        "deletedRegion": {"startLine": 5, "startColumn": 21, "endLine": 5, "endColumn": 21},
        "insertedContent": {"text": ", return_sequences: true"}}]
    assert "unsafe" in result["fixes"][0]["description"]["text"]


KERAS2 = """\
# pasted from a Keras 2 tutorial
layers:
  - LSTM: {units: 4, input_shape: [20, 1], init: glorot_uniform}
  - Dense:
      output_dim: 1
compile:
  loss: mse
  optimizer: {Adam: {lr: 0.001}}
train: {nb_epoch: 10, batch_size: 32}
"""


def test_keras_2_spellings_are_rewritten_and_the_model_is_the_same():
    fixed = fix_text(KERAS2, "m.yaml")
    assert sorted(f.code for f in fixed.applied) == ["NL901"] * 5 and fixed.findings == []
    assert fixed.text == """\
# pasted from a Keras 2 tutorial
input: {shape: [20, 1]}
layers:
  - LSTM: {units: 4, kernel_initializer: glorot_uniform}
  - Dense:
      units: 1
compile:
  loss: mse
  optimizer: {Adam: {learning_rate: 0.001}}
train: {epochs: 10, batch_size: 32}
"""
    before, after = load_text(KERAS2), load_text(fixed.text)
    assert summary_dict(infer_shapes(before.model)) == summary_dict(infer_shapes(after.model))
    assert before.model.train.values == after.model.train.values
    assert before.model.compile.values == after.model.compile.values


@pytest.mark.parametrize("layers, kept", [
    # the loader merged two old names into one new argument: no pure renaming exists
    ("  - Convolution2D: {nb_filter: 4, nb_row: 3, nb_col: 3, input_shape: [8, 8, 1]}\n",
     "nb_row: 3, nb_col: 3"),
    # batch_size beside input_shape also goes to `input:`: left to the user
    ("  - Dense: {units: 2, input_shape: [4], batch_size: 8}\n", "input_shape: [4], batch_size"),
    # a comment on the line that would go
    ("  - Dense:\n      units: 2\n      input_shape: [4]   # from the tutorial\n",
     "input_shape: [4]   # from the tutorial"),
])
def test_no_fix_where_it_would_change_or_lose_something(layers, kept):
    text = "layers:\n" + layers
    assert lint(text).findings  # there is something to say, in words
    fixed = fix_text(text, "m.yaml")
    assert kept in fixed.text and load_text(fixed.text).document is not None


UNSAFE_CASES = {
    "stacked LSTMs": (STACKED, ["NL104", "NL104"]),
    "channels first": ("input: {shape: [3, 64, 64]}\nlayers:\n"
                       "  - Conv2D: {filters: 8, kernel_size: 3}\n"
                       "  - MaxPooling2D: {pool_size: 2}\n  - Flatten\n"
                       "  - Dense: {units: 2, activation: softmax}\n", ["NL103"]),
    "ten classes on one unit": ("input: {shape: [20]}\nlayers:\n"
                                "  - Dense: {units: 64, activation: relu}\n"
                                "  - Dense: {units: 1, activation: sigmoid}\n"
                                "compile: {loss: binary_crossentropy, optimizer: adam}\n"
                                "data:\n  y: {shape: [1000], range: [0, 9], dtype: int64}\n",
                                ["NL303"]),
    "softmax on one unit": ("input: {shape: [20]}\nlayers:\n"
                            "  - Dense: {units: 1, activation: softmax}\n"
                            "compile: {loss: binary_crossentropy, optimizer: adam}\n", ["NL305"]),
    "one-hot under a sparse loss": ("input: {shape: [20]}\nlayers:\n"
                                    "  - Dense: {units: 10, activation: softmax}\n"
                                    "compile: {loss: sparse_categorical_crossentropy, "
                                    "optimizer: adam}\n"
                                    "data:\n  y: {shape: [1000, 10], encoding: one-hot}\n",
                                    ["NL303"]),
}


@pytest.mark.parametrize("name", list(UNSAFE_CASES))
def test_unsafe_fixes_leave_a_model_keras_builds_as_netlint_infers_it(name):
    from keras_model import compare_model_text

    text, codes = UNSAFE_CASES[name]
    fixed = fix_text(text, "m.yaml", unsafe=True)
    assert sorted(f.code for f in fixed.applied) == sorted(codes)
    assert not [f for f in fixed.findings if f.severity == "error"]
    assert all(not f.autofix.safe for f in fixed.applied)
    compare_model_text(fixed.text)  # real Keras builds the fixed model, same shapes and counts


def test_a_fix_that_breaks_a_layer_built_before_is_not_applied(monkeypatch):
    from netlint.fixes import run

    text = ("inputs:\n  a: {shape: [10, 8]}\n  b: {shape: [4]}\nlayers:\n"
            "  - LSTM: {units: 16}\n    from: a\n  - Concatenate: {}\n    from: [lstm, b]\n"
            "compile: {loss: mse, optimizer: {Adam: {learning_rate: 1e-3}}}\n")
    # a wrong fix that would make the LSTM hand the Concatenate a sequence, beside a good one
    wrong = Autofix((TextEdit(5, 20, 5, 20, ", return_sequences: true"),), safe=False)
    real = run.compatible
    monkeypatch.setattr(run, "compatible", lambda text, fixes: real(text, fixes) + [wrong])
    fixed = fix_text(text, "m.yaml", unsafe=True)
    assert "return_sequences" not in fixed.text  # the Concatenate was built: kept so
    assert "learning_rate: 1.0e-3" in fixed.text  # the good fix still went in
