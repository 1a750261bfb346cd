"""Which layers the unrolled view draws as rows of timesteps, and which as single nodes.

A *group* is one time axis: a sequence tensor (a model input, or a layer whose
output starts a new sequence, such as a strided Conv1D or a RepeatVector) and
the layers that keep its timesteps in step with it (recurrent layers,
TimeDistributed, Dense on a sequence, dropout, merges of sequences of the same
group). Those layers become rows, one cell per timestep. A recurrent layer
without return_sequences is still a row, but only its last step goes on. A
group is drawn unrolled only when something in it works across or per
timestep (a recurrent layer or a TimeDistributed); everything else is a
single node, as in the graph view.
"""

from __future__ import annotations

from netlint.layers.inference import InferredModel, LayerResult
from netlint.layers.registry import get
from netlint.plumbing.records import field, record

SOURCE, RECURRENT, BIDIRECTIONAL, STEPS = "source", "recurrent", "bidirectional", "steps"

# Layers that act on each timestep alone (on the last axis), with the same weights at every t.
_PER_STEP_CLASSES = {
    "Dense", "Activation", "Dropout", "GaussianNoise", "GaussianDropout", "AlphaDropout",
    "SpatialDropout1D", "Masking", "Identity", "LayerNormalization", "BatchNormalization",
    "UnitNormalization", "TimeDistributed",
}
_PER_STEP_MERGES = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum",
                    "Concatenate"}
_AXIS_CLASSES = {"LayerNormalization", "BatchNormalization", "UnitNormalization",
                 "Concatenate", "Softmax"}


@record
class Row:
    name: str
    kind: str  # SOURCE, RECURRENT, BIDIRECTIONAL or STEPS
    group: int
    last_only: bool = False  # a recurrent layer that returns only its last step


@record
class Group:
    index: int
    steps: int | None  # T; None when the file leaves the time axis open
    rows: list = field(default_factory=list)  # bottom to top; rows[0] is the SOURCE

    @property
    def source(self) -> Row:
        return self.rows[0]


@record
class Plan:
    groups: list  # of Group, only those drawn unrolled
    rows: dict  # name -> Row
    chain: list  # names drawn as single nodes, in model order
    order: list  # every name, in model order (inputs, then dependency order)

    def row(self, name: str) -> Row | None:
        return self.rows.get(name)


def is_sequence(shape: tuple | None) -> bool:
    """(batch, timesteps, features...) — what an RNN reads."""
    return shape is not None and len(shape) >= 3


def _axis_is_last(node: LayerResult, rank: int) -> bool:
    axis = node.kwargs.get("axis", -1)
    axes = axis if isinstance(axis, (list, tuple)) else [axis]
    return all(isinstance(a, int) and a % rank == rank - 1 for a in axes) and bool(axes)


def _returns_sequences(node: LayerResult) -> bool:
    kwargs = node.kwargs
    if node.class_name == "Bidirectional" and node.spec is not None and node.spec.wrapped:
        kwargs = node.spec.wrapped.kwargs
    return bool(kwargs.get("return_sequences", False))


def row_kind(node: LayerResult, steps: int | None) -> tuple | None:
    """(kind, last_only) when `node`, fed by one group of length `steps`, stays in it."""
    definition = get(node.class_name)
    output = node.output_shape
    same_axis = is_sequence(output) and output[1] == steps
    if definition is None or output is None:
        return None
    if definition.recurrent or node.class_name == "Bidirectional":
        kind = RECURRENT if definition.recurrent else BIDIRECTIONAL
        if _returns_sequences(node):
            return (kind, False) if same_axis else None
        return kind, True
    per_step = node.class_name in _PER_STEP_CLASSES or definition.family == "activations" \
        or node.class_name in _PER_STEP_MERGES
    if not (per_step and same_axis):
        return None
    if node.class_name in _AXIS_CLASSES and not _axis_is_last(node, len(output)):
        return None
    return STEPS, False


def _time_aware(row: Row, inferred: InferredModel) -> bool:
    return row.kind in (RECURRENT, BIDIRECTIONAL) or \
        inferred[row.name].class_name == "TimeDistributed"


def plan_rows(inferred: InferredModel) -> Plan:
    """Sort every node into an unrolled group row or the single-node chain."""
    candidates: list[Group] = []
    sequence_group: dict[str, int] = {}  # node -> group whose per-step outputs it carries
    rows: dict[str, Row] = {}
    for node in inferred.nodes.values():
        placed = _place_in_group(node, inferred, candidates, sequence_group)
        if placed is not None:
            rows[node.name] = placed
            continue
        if node.error is None and not node.skipped and is_sequence(node.output_shape):
            group = Group(len(candidates), node.output_shape[1])
            group.rows.append(Row(node.name, SOURCE, group.index))
            candidates.append(group)
            rows[node.name] = group.rows[0]
            sequence_group[node.name] = group.index
    return _keep_time_aware(candidates, rows, inferred)


def _place_in_group(node: LayerResult, inferred: InferredModel, candidates: list,
                    sequence_group: dict) -> Row | None:
    if node.is_input or node.error is not None or node.skipped or not node.inbound:
        return None
    groups = {sequence_group.get(name) for name in node.inbound}
    if len(groups) != 1 or None in groups:
        return None
    group = candidates[groups.pop()]
    kind = row_kind(node, group.steps)
    if kind is None:
        return None
    row = Row(node.name, kind[0], group.index, last_only=kind[1])
    group.rows.append(row)
    if not row.last_only:
        sequence_group[node.name] = group.index
    return row


def _keep_time_aware(candidates: list, rows: dict, inferred: InferredModel) -> Plan:
    kept: list[Group] = []
    for group in candidates:
        if any(_time_aware(row, inferred) for row in group.rows[1:]):
            group.index = len(kept)
            for row in group.rows:
                row.group = group.index
            kept.append(group)
        else:
            for row in group.rows:
                rows.pop(row.name, None)
    order = list(inferred.nodes)
    chain = [name for name in order if name not in rows]
    return Plan(kept, rows, chain, order)
