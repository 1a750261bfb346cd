"""Rule false positives found by the keras.io example corpus (tests/ecosystem/keras_io).

Each is a case in its rule's card now, with the smallest model that showed it beside the
buggy models the rule must still catch (rules/NL501.yaml: unet-entry and the others;
rules/NL601.yaml: downsampling-conv-before-the-head; rules/NL901.yaml: leaky-relu-alpha).
What a card cannot say stays here: what the loader made of the file.
"""

from __future__ import annotations

from netlint.pipeline import lint_loaded
from netlint.rules.config import Config
from netlint.loader import load_text


def test_nl901_tells_to_write_the_files_own_leaky_relu_slope():
    loaded = load_text("input: {shape: [4]}\nlayers:\n  - LeakyReLU: {alpha: 0.2}\n"
                       "  - Dense: {units: 1}\n", "m.yaml")
    assert loaded.model.layers[0].kwargs["negative_slope"] == 0.2  # Keras: alpha=0.2 -> 0.2
    findings = lint_loaded(loaded, Config(isolated=True)).findings
    (finding,) = [f for f in findings if f.code == "NL901"]
    assert finding.fix == "write negative_slope: 0.2"
