"""`NetlintError`: the one base of every exception netlint raises.

    try:
        netlint.export("model.yaml")
    except netlint.NetlintError as problem:   # ExportRefused, ExportError, ConfigError, ...
        print(problem)

Each error class keeps its other bases (`ValueError`, `AttributeError`), so code
that catches those still catches it. This module imports nothing, so any module
can derive its errors from it at no cost.
"""

__all__ = ["NetlintError"]


class NetlintError(Exception):
    """Base class of the errors netlint raises (`netlint.NetlintError`)."""
