"""`netlint.check()` from several threads at once gives each call what it gives alone.

The loader's did-you-mean budget (100 suggestions by letters per file) was one module
counter: threads loading at the same time reset and spent each other's, and findings
lost their `did you mean` fix. It is now one budget per load, per thread.
"""

from __future__ import annotations

import threading
import time

import netlint
from netlint.loader import layer_items

WRONG = ("Dnese", "Desne", "LTSM", "Conv2d", "Flaten", "Dropot", "Embeding", "Reshpe")
RIGHT = {"Dnese": "Dense", "Desne": "Dense", "LTSM": "LSTM", "Conv2d": "Conv2D",
         "Flaten": "Flatten", "Dropot": "Dropout", "Embeding": "Embedding",
         "Reshpe": "Reshape"}


def _model(offset: int) -> str:
    """As many misspelled layers as one file's budget allows: every one gets its fix."""
    lines = ["netlint: 1", "input: {shape: [4]}", "layers:"]
    for index in range(layer_items.MAX_SUGGESTIONS):
        lines.append(f"  - {WRONG[(index + offset) % len(WRONG)]}: {{name: l{index}}}")
    return "\n".join(lines) + "\n"


def _suggestions(findings: list) -> list:
    return [(f.message.split("'")[1], f.fix) for f in findings if f.code == "NL002"]


def test_every_thread_keeps_its_own_did_you_mean_budget(tmp_path):
    paths = []
    for offset in range(8):
        path = tmp_path / f"model_{offset}.yaml"
        path.write_text(_model(offset))
        paths.append(path)
    alone = {path: _suggestions(netlint.check(path)) for path in paths}
    assert all(len(found) == layer_items.MAX_SUGGESTIONS for found in alone.values())
    assert all(fix == f"did you mean '{RIGHT[wrong]}'?"
               for found in alone.values() for wrong, fix in found)

    results: dict = {}
    errors: list = []
    start = threading.Barrier(len(paths))

    def run(path) -> None:
        try:
            start.wait(timeout=60)
            for _ in range(3):  # several rounds: loads overlap in every interleaving
                results.setdefault(path, []).append(_suggestions(netlint.check(path)))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(path,)) for path in paths]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads), "a check hung"
    assert time.monotonic() - began < 300
    assert not errors, errors
    for path in paths:
        for found in results[path]:
            assert found == alone[path], f"{path.name}: a suggestion was lost under threads"
