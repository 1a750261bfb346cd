"""Look-ups in the layer registry; importing this loads every layer family."""

from __future__ import annotations

import importlib

from netlint.layers.base import REGISTRY, LayerDef

# One module per family of Keras layers; each registers its classes on import.
FAMILIES = ("core", "reshaping", "conv", "pooling", "recurrent", "recurrent_cells", "wrappers",
            "merging", "attention", "normalization", "activations", "preprocessing", "encoding",
            "core_extra", "attention_grouped", "audio", "image_extra", "declared", "text",
            "pipeline")

_loaded = False


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
