"""Edits for the fixes of an output head: its units, its activation, the loss. All
unsafe (they change what the model computes or how it is trained), so `--fix` applies
them only with `--unsafe-fixes`; where the file is not written in a form these know
(a loss given as a class with arguments, an output that is not a top-level layer
item), the fix stays in words."""

from __future__ import annotations

from netlint.fixes.layer_edits import defining, set_argument
from netlint.fixes.yaml_edits import scalar, set_value, value_at
from netlint.model.findings import Autofix

TYPE_CHECKING = False
if TYPE_CHECKING:
    from netlint.model.findings import TextEdit
    from netlint.rules.engine import Context


def head_fix(ctx: Context, output: str, arguments: dict, loss: str | None = None
             ) -> Autofix | None:
    """`arguments` (name -> value) set on the output layer `output`, and `loss:` set
    to `loss` when given; None unless every edit can be made."""
    doc = ctx.document
    node = ctx.inferred.nodes.get(output)
    if doc is None or node is None or node.spec is None:
        return None
    spec = defining(ctx.model, node.spec)
    edits: list[TextEdit | None] = [set_argument(doc, spec, key, scalar(value))
                                    for key, value in arguments.items()]
    if loss is not None:
        edits.append(loss_edit(ctx, loss))
    if not edits or any(edit is None for edit in edits):
        return None
    return Autofix(tuple(edits), safe=False)


def loss_edit(ctx: Context, loss: str) -> TextEdit | None:
    """`compile: {loss: <name>}` written as a plain name, replaced by `loss`."""
    doc = ctx.document
    if doc is None or not isinstance(value_at(doc, ("compile", "loss")), str):
        return None
    return set_value(doc, ("compile", "loss"), scalar(loss))


def loss_fix(ctx: Context, loss: str) -> Autofix | None:
    edit = loss_edit(ctx, loss)
    return None if edit is None else Autofix((edit,), safe=False)
