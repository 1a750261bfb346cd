"""Turn the items of `layers:` into LayerSpecs: class, kwargs, names, legacy spellings.

Each item is `{ClassName: kwargs, from: ...}`; kwargs may be a mapping, empty,
a scalar (`- Dropout: 0.5`, Keras's first positional argument) or a list
(positional arguments, as in pasted Keras 1 code `Convolution2D: [32, 3, 3]`).
This module decides the class, the name, what the layer consumes and the
layers it wraps; layer_kwargs rewrites the arguments as Keras 3 spells them.
"""

from __future__ import annotations

import functools
import re

from netlint.model.findings import loader_finding
from netlint.model.graph import LayerSpec, Position
from netlint.layers import declared, registry
from netlint.layers.base import default_name_class
from netlint.plumbing.records import field, record
from netlint.loader import legacy
from netlint.loader.layer_kwargs import argument_positions, read_kwargs
from netlint.loader.suggestion_budget import start_budget
from netlint.loader.suggestions import did_you_mean, suggest
from netlint.loader.yaml_source import Document

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from netlint.layers.base import LayerDef

ITEM_KEYS = ("from",)
# Arguments of a first layer that say what the model input is (Keras 2 style).
INPUT_KWARGS = ("input_shape", "input_dim", "batch_input_shape", "batch_size")
INPUT_CLASSES = ("Input", "InputLayer")


@functools.lru_cache(maxsize=512)  # a few class names, asked for once per layer
def to_snake_case(name: str) -> str:
    """Keras's default-name prefix for a class (keras.src.utils.naming)."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


@record
class Namer:
    """Keras's per-session name counter: lstm, lstm_1, lstm_2, ..."""

    counts: dict = field(default_factory=dict)

    def auto_name(self, class_name: str) -> str:
        prefix = to_snake_case(class_name)
        count = self.counts.get(prefix, 0)
        self.counts[prefix] = count + 1
        return prefix if count == 0 else f"{prefix}_{count}"


# Did-you-means by letters one file may make (see suggestion_budget: one budget per load,
# per thread). `load_text` calls reset_suggestions() before reading each file.
MAX_SUGGESTIONS = 100


def reset_suggestions() -> None:
    start_budget(MAX_SUGGESTIONS)


@record
class ItemReader:
    """Reads layer items of one file, collecting findings instead of raising."""

    doc: Document
    namer: Namer = field(default_factory=Namer)
    findings: list = field(default_factory=list)

    def error(self, code: str, message: str, position: Position | None, *,
              fix: str | None = None, layer: str | None = None) -> None:
        self.findings.append(loader_finding(code, message, position, fix=fix, layer=layer))

    def split_item(self, item: Any, path: tuple) -> tuple | None:
        """(written class name, raw kwargs, from) of one `layers:` item, or None."""
        if isinstance(item, str):
            return item, {}, None  # `- Flatten`
        if isinstance(item, dict) and len(item) == 1 and "from" not in item:
            # the usual `- Dense: {...}`, without a list of one built for it and the
            # position looked up for errors only (~1,500 instructions a layer)
            (written, raw), = item.items()
            return written, raw, None
        if item is None:  # `-` with nothing after it; the schema leaves this one to us
            self.error("NL001", "an empty layer item: `-` with no layer after it",
                       self.doc.position_of(path),
                       fix="remove the `-`, or write the layer: `- Dense: {units: 10}`")
            return None
        if not isinstance(item, dict) or not item:
            self.error("NL001", "a layer item must be a mapping like `- Dense: {units: 10}`",
                       self.doc.position_of(path),
                       fix="write the Keras class name, a colon, and its arguments")
            return None
        classes = [k for k in item if k not in ITEM_KEYS]
        if len(classes) != 1:
            what = "no layer class" if not classes else f"several ({', '.join(classes)})"
            self.error("NL001", f"a layer item names exactly one Keras class; this one has "
                       f"{what}", self.doc.position_of(path),
                       fix="write one `- ClassName: {...}` item per layer")
            return None
        return classes[0], item[classes[0]], item.get("from")

    def read(self, item: Any, path: tuple, index: int, inbound: tuple = ()) -> LayerSpec | None:
        """The layer of one `layers:` item; `inbound` is what it takes when it has no
        `from:` (the caller's "item above")."""
        parts = self.split_item(item, path)
        if parts is None:
            return None
        written, raw, written_from = parts
        return self.read_layer(written, raw, path + (written,), index, inbound,
                               None if written_from is None else (written_from, path + ("from",)))

    def read_layer(self, written: str, raw: Any, path: tuple, index: int,
                   inbound: tuple = (), written_from: tuple | None = None,
                   nested: bool = False) -> LayerSpec | None:
        """One layer (also used for the `layer:` of a wrapper, `nested`). `written_from` is
        the item's `from:` value and its path, when it has one.

        The LayerSpec is made once, with its final `inbound`: a `replace()` afterwards cost
        ~24,000 instructions a layer, about half as much as reading it."""
        key_pos = self.doc.key_position_of(path)
        class_name = legacy.LEGACY_LAYERS.get(written, written)
        if class_name in INPUT_CLASSES:
            class_name = "InputLayer"
        definition = registry.get(class_name)
        if definition is None:
            if declared.is_ops(written) or (isinstance(raw, dict) and declared.SHAPE_KEY in raw):
                return self._declared(written, raw, path, index, inbound, written_from, nested)
            self.error("NL002", f"Keras 3 has no layer '{written}'", key_pos,
                       fix=_unknown_layer_fix(written))
            return None
        kwargs, positions, renamed = read_kwargs(self.doc, self.findings, written,
                                                 class_name, definition, raw, path)
        if kwargs is None:
            return None
        if not self._arguments_ok(class_name, definition, kwargs, path, key_pos):
            return None
        inner = self._inner_layers(class_name, definition, kwargs, path, index)
        if inner is None:
            return None
        wrapped, backward, cells = inner
        # Keras names a layer when it is constructed: the inner layer of a wrapper first.
        named = self._named_and_wired(kwargs, default_name_class(definition), written_from,
                                      inbound)
        if named is None:
            return None
        name, explicit, inbound, from_position = named
        return LayerSpec(
            name=name, class_name=class_name, kwargs=kwargs, inbound=inbound, position=key_pos,
            kwarg_positions=positions, wrapped=wrapped, backward=backward,
            written_class=written if written != class_name else None,
            legacy_kwargs=renamed, explicit_name=explicit, index=index,
            from_position=from_position, cells=cells)

    def _arguments_ok(self, class_name: str, definition: LayerDef, kwargs: dict,
                      path: tuple, key_pos: Position | None) -> bool:
        """No unknown argument (NL003 each) and none of the required ones missing (NL001)."""
        known = definition.all_params
        ok = True
        # the usual layer has no unknown argument and requires none: decided without a
        # comprehension each (~800 instructions a layer)
        unknown = () if kwargs.keys() <= known.keys() else \
            [key for key in kwargs if key not in known and key not in INPUT_KWARGS]
        hints = []
        for key in unknown:
            hint = did_you_mean(key, known)
            hints.append(hint or "")
            self.error("NL003", f"{class_name} takes no argument '{key}'",
                       self.doc.key_position_of(path + (key,)),
                       fix=hint or f"see `{class_name}`'s arguments in the Keras docs")
            ok = False
        # `unit: 4` is one mistake: its NL003 already says "did you mean 'units'?"
        missing = [k for k in definition.required if k not in kwargs
                   and f"did you mean '{k}'?" not in hints] if definition.required else ()
        if missing:
            self.error("NL001", f"{class_name} needs {', '.join(missing)}", key_pos,
                       fix=f"add {', '.join(f'{k}: ...' for k in missing)}")
            ok = False
        return ok

    def _inner_layers(self, class_name: str, definition: LayerDef, kwargs: dict,
                      path: tuple, index: int) -> tuple | None:
        """(wrapped, backward, cells): the layers a wrapper or RNN holds, read in the order
        Keras constructs them; None after a finding about one of them."""
        wrapped = backward = None
        if definition.wraps_layer and isinstance(kwargs.get("layer"), dict):
            wrapped = self._wrapped(kwargs["layer"], path + ("layer",), index)
            if wrapped is None:
                return None
        # Bidirectional's own backward layer is read like `layer:`, after it: Keras names
        # layers as they are constructed, `Bidirectional(LSTM(..), backward_layer=LSTM(..))`
        if definition.wraps_layer and isinstance(kwargs.get("backward_layer"), (dict, str)):
            backward = self._wrapped(kwargs["backward_layer"], path + ("backward_layer",), index)
            if backward is None:
                return None
        cells = ()
        if class_name in _CELL_ARGUMENTS:
            parts = self._cell_parts(class_name, kwargs, path, index)
            if parts is None:
                return None
            wrapped, cells = parts
        return wrapped, backward, cells

    def _named_and_wired(self, kwargs: dict, name_class: str, written_from: tuple | None,
                         inbound: tuple) -> tuple | None:
        """(name, whether written, inbound, position of `from:`): the `name:` taken out
        of `kwargs` (else Keras's next default name for `name_class`), and what the item
        consumes; None after a finding about its `from:`."""
        explicit = isinstance(kwargs.get("name"), str)
        name = kwargs.pop("name") if explicit else self.namer.auto_name(name_class)
        kwargs.pop("name", None)
        from_position = None
        if written_from is not None:
            consumed = self.read_from(written_from, inbound, name)
            if consumed is None:
                return None
            inbound, from_position = consumed
        return name, explicit, inbound, from_position

    def read_from(self, written_from: tuple, inbound: tuple, name: str) -> tuple | None:
        """(inbound, position of `from:`) as the item's `from:` says; None after a finding."""
        value, from_path = written_from
        names = value if isinstance(value, list) else [value]
        from_position = self.doc.position_of(from_path)
        if not all(isinstance(n, str) for n in names):
            self.error("NL001", "`from:` takes a layer or input name, or a list of names",
                       from_position, layer=name)
            return None
        return tuple(names) or inbound, from_position  # `from: []` counts as no `from:`

    def _declared(self, written: str, raw: Any, path: tuple, index: int, inbound: tuple,
                  written_from: tuple | None, nested: bool) -> LayerSpec | None:
        """A custom class or keras.ops node whose output the file declares: its arguments
        kept as written (netlint cannot know them), the declaration checked."""
        key_pos = self.doc.key_position_of(path)
        if nested:  # a wrapper infers its layer on shapes of its own making
            self.error("NL001", f"netlint cannot wrap {written}, whose shape it takes on "
                       "trust", key_pos, fix="declare the wrapper's output instead: a custom "
                       "layer item for the whole wrapped call")
            return None
        kwargs = dict(raw) if isinstance(raw, dict) else {} if raw is None else None
        problems = [(None, f"{written} takes its arguments by name, and needs output_shape")] \
            if kwargs is None else declared.declaration_problems(written, kwargs)
        for key, message in problems:
            where = self.doc.position_of(path + (key,)) if key else key_pos
            self.error("NL001", message, where, fix=None if key else
                       f"write `- {written}: {{output_shape: [...]}}`")
        if problems:
            return None
        named = self._named_and_wired(kwargs, declared.name_prefix(written), written_from,
                                      inbound)
        if named is None:
            return None
        name, explicit, inbound, from_position = named
        return LayerSpec(name=name, class_name=written, kwargs=kwargs, inbound=inbound,
                         position=key_pos,
                         kwarg_positions=argument_positions(self.doc, path, kwargs),
                         explicit_name=explicit, index=index, from_position=from_position)

    def _wrapped(self, value: dict | str, path: tuple, index: int) -> LayerSpec | None:
        parts = self.split_item(value, path)
        if parts is None:
            return None
        written, raw, _ = parts
        return self.read_layer(written, raw, path + (written,), index, nested=True)

    def _cell_parts(self, class_name: str, kwargs: dict, path: tuple,
                    index: int) -> tuple | None:
        """(wrapped, cells): RNN's `cell:` read like `layer:`, a list of cells made the
        StackedRNNCells Keras makes of it; StackedRNNCells' `cells:` and Pipeline's
        `layers:` one by one. None
        after a finding. Other values are left for inference to refuse."""
        key = _CELL_ARGUMENTS[class_name]
        value = kwargs.get(key)
        if isinstance(value, list):
            cells = self._cell_list(value, path + (key,), index)
            if cells is None or class_name != "RNN":  # StackedRNNCells, Pipeline
                return None if cells is None else (None, cells)
            # Keras names the stack after its cells and before the RNN
            where = self.doc.key_position_of(path + (key,))
            stack = LayerSpec(name=self.namer.auto_name("StackedRNNCells"),
                              class_name="StackedRNNCells", kwargs={"cells": value}, inbound=(),
                              position=where, kwarg_positions={"cells": where}, index=index,
                              cells=cells)
            return stack, ()
        if isinstance(value, (dict, str)) and class_name == "RNN":
            cell = self._wrapped(value, path + (key,), index)
            return None if cell is None else (cell, ())
        return None, ()

    def _cell_list(self, value: list, path: tuple, index: int) -> tuple | None:
        # every cell read, so that each one's mistakes are reported at once
        cells = [self._wrapped(item, path + (number,), index)
                 for number, item in enumerate(value)]
        return None if any(cell is None for cell in cells) else tuple(cells)

# The classes that hold a list of inner layers (RNN cells, a Pipeline's layers), and the
# argument they take them in: each inner item is read like a wrapper's `layer:`.
_CELL_ARGUMENTS = {"RNN": "cell", "StackedRNNCells": "cells", "Pipeline": "layers"}

# How alike a name and the Keras class it is closest to must be (difflib's ratio) to be
# taken for a typo of it alone: LTSM/LSTM 0.75; MyScale/RandomGrayscale 0.64 is a custom
# layer as likely.
TYPO_RATIO = 0.75


def _unknown_layer_fix(written: str) -> str:
    custom = f"if '{written}' is a custom layer, {declared.DECLARE_HINT}"
    best = suggest(written, registry.names())
    if best is None:
        return custom
    import difflib  # only for a name Keras does not have

    if difflib.SequenceMatcher(None, written.lower(), best.lower()).ratio() >= TYPO_RATIO:
        return f"did you mean '{best}'?"
    return f"did you mean '{best}'? Or {custom}"
