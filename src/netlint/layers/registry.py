"""The layer registry: `register` fills it as each family module loads, and the
look-ups (`get`, `names`, `all_defs`) load every family first.

`register` lives here, not in base.py beside the entry types, because it wraps each
class's inference in the shared checks (shared_checks, whole_numbers), which build
on base.py's types: base.py stays the bottom of layers/, imported by all, importing none.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from netlint.layers.base import REGISTRY, REQUIRED, Inferred, InferFn, LayerCall, LayerDef
from netlint.layers.shared_checks import checked
from netlint.layers.whole_numbers import whole_arguments

# One module per family of Keras layers; each registers its classes on import.
FAMILIES = ("core", "reshaping", "conv", "pooling", "recurrent", "recurrent_cells", "wrappers",
            "merging", "attention", "normalization", "activations", "preprocessing", "encoding",
            "core_extra", "attention_grouped", "audio", "image_extra", "declared", "text",
            "pipeline")

_loaded = False


def register(name: str, *, family: str, params: dict | None = None, positional: tuple = (),
             required: tuple = (), min_inputs: int = 1, max_inputs: int | None = 1,
             wraps_layer: bool = False, recurrent: bool = False, kinds: dict | None = None,
             doc: str = "", base_params: bool = True, keras_class: str | None = None,
             separate_inputs: bool = False,
             owns_weights: bool = True) -> Callable[[InferFn], InferFn]:
    """Register an inference function as the entry for Keras class `name`."""

    def decorate(fn: InferFn) -> InferFn:
        if name in REGISTRY:
            raise RuntimeError(f"layer {name} registered twice")
        params_ = dict(params or {})
        whole = whole_arguments(name, family, params_)
        REGISTRY[name] = LayerDef(
            # every class's inference runs inside the checks all classes share
            name=name, params=params_, infer=checked(fn, whole), family=family,
            positional=positional,
            required=required or tuple(k for k, v in params_.items() if v is REQUIRED),
            min_inputs=min_inputs,
            max_inputs=max_inputs, wraps_layer=wraps_layer, recurrent=recurrent,
            kinds=dict(kinds or {}), doc=doc or (fn.__doc__ or "").strip(),
            base_params=base_params, keras_class=keras_class, separate_inputs=separate_inputs,
            whole_numbers=whole, owns_weights=owns_weights,
        )
        return fn

    return decorate


def _load() -> None:
    global _loaded
    if not _loaded:
        for family in FAMILIES:
            importlib.import_module(f"netlint.layers.{family}")
        _loaded = True


def get(name: str) -> LayerDef | None:
    if not _loaded:  # asked for dozens of times per file: skip the call once loaded
        _load()
    return REGISTRY.get(name)


def names() -> list[str]:
    _load()
    return sorted(REGISTRY)


def all_defs() -> dict[str, LayerDef]:
    _load()
    return dict(REGISTRY)


def infer_on(call: LayerCall, *shapes: tuple) -> Inferred:
    """Infer a wrapped layer's call (LayerCall.wrapped, a Pipeline's item) on the given
    input shapes."""
    return get(call.class_name).infer(call.with_inputs(*shapes))
