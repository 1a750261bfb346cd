"""One model from every keras.applications module imports with Keras's exact totals and
passes `netlint check` at the default --fail-on: a linter that fails a published
architecture is uninstalled the same day.

Built with weights=None from each model's `to_json()`, and for the small ones also
saved as `.keras`. ConvNeXt, InceptionResNetV2 and MobileNetV3 hold custom layers or
keras.ops nodes, imported as declared shapes (issue 15). A model still failing is a
strict xfail, so the day it passes, the marker must go.
"""

from __future__ import annotations

import json

import keras
import pytest
from typer.testing import CliRunner

from netlint.api import check, infer
from netlint.cli import app
from netlint.loader import load

APPLICATIONS = [
    ("convnext", "ConvNeXtTiny", None),  # LayerScale (custom), ops Add: declared
    ("densenet", "DenseNet121", None),
    ("efficientnet", "EfficientNetB0", None),
    ("efficientnet_v2", "EfficientNetV2B0", None),
    ("inception_resnet_v2", "InceptionResNetV2", None),  # CustomScaleLayer: declared
    ("inception_v3", "InceptionV3", None),
    ("mobilenet", "MobileNet", None),
    ("mobilenet_v2", "MobileNetV2", None),
    # its x + 3.0 ops nodes declared; its 16 -> 16 -> 72 linear bottleneck is no NL601
    ("mobilenet_v3", "MobileNetV3Small", None),
    ("nasnet", "NASNetMobile", None),
    ("resnet", "ResNet50", None),
    ("resnet_v2", "ResNet50V2", None),
    ("vgg16", "VGG16", None),
    ("vgg19", "VGG19", None),
    ("xception", "Xception", None),
]
SMALL = 10_000_000  # parameters: below this, the .keras form (weights and all) is tried too


def _cases():
    for module, name, reason in APPLICATIONS:
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        yield pytest.param(module, name, marks=marks, id=name)


@pytest.mark.slow
@pytest.mark.parametrize("module, name", _cases())
def test_every_application_imports_exactly_and_checks_clean(module, name, tmp_path):
    keras.backend.clear_session()
    # keras.applications.mobilenet_v3 exports no model class: MobileNetV3Small is only
    # keras.applications'
    model = getattr(getattr(keras.applications, module), name, None) or \
        getattr(keras.applications, name)
    model = model(weights=None)
    sources = [tmp_path / f"{name}.json"]
    sources[0].write_text(model.to_json())
    if model.count_params() < SMALL:
        sources.append(tmp_path / f"{name}.keras")
        model.save(sources[1])
    for source in sources:
        target = tmp_path / f"{source.name}.yaml"
        result = CliRunner().invoke(app, ["import", str(source), "-o", str(target)])
        assert result.exit_code == 0, result.output[-2000:]
        inferred = infer(load(target)).model
        assert inferred is not None
        assert (inferred.trainable_params, inferred.non_trainable_params) == (
            sum(_count(w) for w in model.trainable_weights),
            sum(_count(w) for w in model.non_trainable_weights))
        blocking = [f.text() for f in check(target) if f.severity in ("error", "warning")]
        assert not blocking, blocking


def _count(weight) -> int:
    total = 1
    for size in weight.shape:
        total *= size
    return total


# modules that only re-export another's models (keras.applications.resnet50 is resnet's)
ALIAS_MODULES = {"resnet50"}


def test_the_table_covers_every_application_module():
    modules = {name for name in dir(keras.applications)
               if not name.startswith("_") and name not in ALIAS_MODULES | {"imagenet_utils"}
               and hasattr(getattr(keras.applications, name), "preprocess_input")}
    assert modules == {module for module, _, _ in APPLICATIONS}, json.dumps(sorted(modules))
