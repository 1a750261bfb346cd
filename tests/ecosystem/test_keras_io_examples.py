"""The keras.io code examples, transcribed into model files, check clean and count exactly.

Every file in keras_io/ is a model from keras.io/examples (source file named in its header;
keras-io is Apache-2.0), with the example's compile() and, where the format can say it, a
`data:` section describing its inputs and labels as the example builds them. A linter that
flags a valid keras.io example is uninstalled the same day, so for each one:

- `netlint check` at the default --fail-on exits 0 (infos are allowed: they do not fail);
- real Keras 3 builds the same model, and netlint's per-layer output shapes and parameter
  counts, the model's totals and its output shapes equal Keras's.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from keras_model import build_keras_model
from netlint.api import infer
from netlint.cli import app
from netlint.loader import load

CORPUS_DIR = Path(__file__).resolve().parent / "keras_io"
CORPUS = sorted(CORPUS_DIR.glob("*.yaml"))
SOURCE = re.compile(r"^#.*https://keras\.io/examples/\w+/\w+/", re.M)
REPOSITORY_FILE = re.compile(r"^#.*keras-team/keras-io examples/\w+/\w+\.py", re.M)


def _ids(paths):
    return [path.stem for path in paths]


def test_the_corpus_holds_at_least_15_examples_each_with_its_source():
    assert len(CORPUS) >= 15, [p.name for p in CORPUS]
    for path in CORPUS:
        head = path.read_text(encoding="utf-8").split("\nnetlint:", 1)[0]
        assert SOURCE.search(head) and REPOSITORY_FILE.search(head), \
            f"{path.name}: the header must name the keras.io page and the keras-io file"
        assert "Apache-2.0" in head, f"{path.name}: the header must give keras-io's licence"


@pytest.mark.parametrize("path", CORPUS, ids=_ids(CORPUS))
def test_the_example_checks_clean_at_the_default_fail_on(path):
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exception is None or isinstance(result.exception, SystemExit), \
        repr(result.exception)
    assert result.exit_code == 0, \
        f"netlint flags the keras.io example {path.name}:\n{result.output}"


def _count(weights) -> int:
    return sum(math.prod(w.shape) for w in weights)


@pytest.mark.slow  # Keras builds each model: ~2-15 s apiece
@pytest.mark.parametrize("path", CORPUS, ids=_ids(CORPUS))
def test_the_example_counts_and_shapes_equal_keras(path):
    loaded = load(path)
    assert loaded.ok, [f.text() for f in loaded.findings]
    ours = infer(loaded).model
    assert ours is not None and not ours.errors, \
        [f"{n.name}: {n.error.message}" for n in (ours.errors if ours else [])]
    per_layer, keras_model = build_keras_model(loaded.model)

    for name, (shapes, trainable, frozen) in per_layer.items():
        assert name in ours.nodes, f"Keras named a layer {name!r}; netlint has " \
                                   f"{[n.name for n in ours.layers]}"
        node = ours[name]
        got = (tuple(tuple(s) for s in node.output_shapes), node.trainable_params,
               node.non_trainable_params)
        assert got == (shapes, trainable, frozen), \
            f"{path.name}, layer {name}: netlint {got} != Keras {(shapes, trainable, frozen)}"
    assert set(per_layer) == {n.name for n in ours.layers}, "layer names differ"

    assert (ours.trainable_params, ours.non_trainable_params) == (
        _count(keras_model.trainable_weights), _count(keras_model.non_trainable_weights)), \
        f"{path.name}: total parameter counts differ"
    theirs = [tuple(t.shape) for t in keras_model.outputs]
    mine = [tuple(shape) for name in loaded.model.outputs for shape in ours[name].output_shapes]
    assert mine == theirs, f"{path.name}: output shapes netlint {mine} != Keras {theirs}"
