"""`--to keras-json`: Keras's own model_from_json rebuilds exactly the model netlint infers."""

from __future__ import annotations

import json
import warnings

import keras
import numpy as np
import pytest

from export_helpers import (
    FIXTURES,
    HERE,
    clean_examples,
    cli,
    compare_layers,
    force_if_keras2,
    netlint_summary,
)

MODELS = clean_examples() + FIXTURES


def _keras_table(model) -> dict:
    """The same table the exported scripts write with --summary-json."""
    rows = []
    for layer in model.layers:
        shapes = [list(t.shape) for t in keras.tree.flatten(layer.output)]
        total = sum(int(np.prod(w.shape)) for w in layer.weights)
        trainable = sum(int(np.prod(w.shape)) for w in layer.trainable_weights)
        rows.append({"name": layer.name, "class": layer.__class__.__name__,
                     "output_shape": shapes[0] if len(shapes) == 1 else shapes,
                     "params": total, "trainable_params": trainable,
                     "non_trainable_params": total - trainable})
    return {"layers": rows}


def _load(text: str):
    keras.backend.clear_session()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return keras.models.model_from_json(text)


@pytest.mark.parametrize("path", MODELS, ids=lambda p: p.name)
def test_model_from_json_builds_netlints_model(path):
    result = cli("export", str(path), "-o", "-", "--to", "keras-json", *force_if_keras2(path))
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["class_name"] == "Functional"
    model = _load(result.stdout)
    assert compare_layers(_keras_table(model), netlint_summary(path)) == []


def test_mixed_precision_json_keeps_outputs_float32():
    path = HERE / "models" / "functional-heads.yaml"
    result = cli("export", str(path), "-o", "-", "--to", "keras-json",
                 "--mixed-precision", "bfloat16")
    assert result.exit_code == 0, result.output
    model = _load(result.stdout)
    policies = {layer.name: layer.dtype_policy.name for layer in model.layers
                if not isinstance(layer, keras.layers.InputLayer)}
    assert policies.pop("kind") == policies.pop("amount") == "float32"
    assert set(policies.values()) == {"mixed_bfloat16"}


def test_json_needs_no_data_and_no_synthetic_flag():
    # the model config carries no data: a file without `data:` paths exports fine
    path = HERE.parent.parent / "examples" / "lstm-units.yaml"
    assert cli("export", str(path), "-o", "-", "--to", "keras-json").exit_code == 0
