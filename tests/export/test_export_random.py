"""Random models across every layer family: the exported code builds netlint's model.

For each random model netlint can infer, the exported script is executed
in-process (Keras on its numpy backend, no training) and its `build_model()`
compared layer by layer with netlint; its synthetic data is fed through the
built model to prove the arrays fit the inputs and the labels fit the outputs;
and the keras-json export is rebuilt with `model_from_json` and compared too.
"""

from __future__ import annotations

import warnings

import keras
import numpy as np
from hypothesis import HealthCheck, assume, given, settings

from export_helpers import compare_layers
from model_strategies import random_model
from netlint.api import infer
from netlint.codegen import ScriptOptions, export_keras_json, export_script
from netlint.codegen.emitter import ExportError
from netlint.loader import load_text
from netlint.report.summary_table import summary_dict
from test_export_keras_json import _keras_table


def _built(text: str) -> dict:
    namespace = {"__name__": "exported_script", "__file__": "train.py"}
    exec(compile(text, "train.py", "exec"), namespace)  # our own generated code
    return namespace


def _check_synthetic_data(namespace: dict, model) -> None:
    x, y = namespace["make_synthetic_data"](3)
    predicted = model.predict(x, verbose=0)
    labels = y if isinstance(y, list) else [y]
    outputs = predicted if isinstance(predicted, list) else [predicted]
    assert len(labels) == len(outputs)
    for label, output in zip(labels, outputs):
        if np.issubdtype(label.dtype, np.integer):  # class ids: one per softmax row
            assert label.shape == output.shape[:-1]
        else:
            assert label.shape == output.shape


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=random_model(max_layers=4))
def test_exported_code_builds_what_netlint_infers(text):
    loaded = load_text(text)
    assume(loaded.ok)
    inferred = infer(loaded).model
    assume(not inferred.errors)
    expected = summary_dict(inferred)
    keras.backend.clear_session()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            script = export_script(inferred, ScriptOptions(synthetic=True))
        except ExportError as refused:  # an output axis no input length fixes: said so
            assert "axis of unknown length" in refused.message, refused.message
            assume(False)
        namespace = _built(script)
        model = namespace["build_model"]()
        assert compare_layers(_keras_table(model), expected) == [], text
        _check_synthetic_data(namespace, model)
        rebuilt = keras.models.model_from_json(export_keras_json(inferred))
    assert compare_layers(_keras_table(rebuilt), expected) == [], text
