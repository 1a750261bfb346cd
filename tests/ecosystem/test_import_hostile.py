"""`netlint import` on hostile input: bounded reads, located messages, linear time.

Every refusal is exit 2 with one `netlint: FILE: ...` line that says what is
wrong and where, never a traceback; the words checked are netlint's own.
"""

from __future__ import annotations

import errno
import io
import json
import os
import threading
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from netlint.cli import app
from netlint.importer.source import MAX_CONFIG_BYTES
from netlint.importer.graph import flatten
from netlint.importer.tensors import implicit_mask_ops

DATA = Path(__file__).resolve().parent / "data"
MIB = 1024 * 1024
runner = CliRunner()


def import_cli(source: Path | str, target: Path, *extra: str):
    return runner.invoke(app, ["import", str(source), "-o", str(target), *extra])


def refused(result, *words: str) -> str:
    """The one message line of a refusal (exit 2), holding every word."""
    assert result.exit_code == 2, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("netlint: "), result.stderr
    assert "Traceback" not in result.output
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def dense_stack(count: int, named: bool = False) -> dict:
    layers = [{"class_name": "InputLayer", "config": {"batch_shape": [None, 3],
                                                      "name": "input_layer"}}]
    layers += [{"class_name": "Dense", "config": {"units": 3, **(
        {"name": f"d{i}"} if named else {})}} for i in range(count)]
    return {"class_name": "Sequential", "config": {"name": "sequential", "layers": layers}}


def minimal() -> dict:
    return dense_stack(2)


def keras_zip(members: dict, compression: int = zipfile.ZIP_STORED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# -- item 1: reads are bounded as `check` bounds them --------------------------------------
@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_a_device_is_refused_unread(tmp_path):
    began = time.perf_counter()
    refused(import_cli("/dev/zero", tmp_path / "m.yaml"), "/dev/zero",
            "not a regular file")
    assert time.perf_counter() - began < 10


def test_an_existing_output_is_one_message(tmp_path):
    (tmp_path / "m.yaml").write_text("keep\n")
    (tmp_path / "m.json").write_text(json.dumps(minimal()))
    refused(import_cli(tmp_path / "m.json", tmp_path / "m.yaml"), "exists", "--force")


def test_a_folder_that_cannot_be_entered_is_one_message(tmp_path, monkeypatch):
    def denied(path: Path) -> bool:  # what stat says below a folder without x permission
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(path))

    monkeypatch.setattr(Path, "exists", denied)
    refused(import_cli(tmp_path / "locked" / "m.json", tmp_path / "m.yaml"), "locked",
            "cannot read", os.strerror(errno.EACCES))


def test_a_file_over_the_cap_is_refused_before_it_is_read(tmp_path, monkeypatch):
    source = tmp_path / "big.json"
    with open(source, "wb") as handle:
        handle.truncate(MAX_CONFIG_BYTES + MIB)  # sparse: nothing is written
    monkeypatch.setattr(os, "read", lambda *_: pytest.fail("read a file over the cap"))
    refused(import_cli(source, tmp_path / "m.yaml"), str(source),
            f"{MAX_CONFIG_BYTES // MIB + 1} MiB, over the {MAX_CONFIG_BYTES // MIB} MiB limit")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_an_endless_pipe_is_read_only_to_the_cap(tmp_path):
    pipe = tmp_path / "endless.json"
    os.mkfifo(pipe)
    written = [0]

    def feed() -> None:
        try:
            with open(pipe, "wb") as handle:
                while written[0] < 10 * MAX_CONFIG_BYTES:
                    written[0] += handle.write(b" " * 65536)
        except (BrokenPipeError, OSError):
            pass

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    began = time.perf_counter()
    refused(import_cli(pipe, tmp_path / "m.yaml"), "over the", "MiB limit")
    writer.join(30)
    assert time.perf_counter() - began < 30
    assert written[0] < 2 * MAX_CONFIG_BYTES  # what was read, and the pipe's buffer


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes")
def test_a_config_piped_in_is_imported(tmp_path):
    pipe = tmp_path / "piped.json"
    os.mkfifo(pipe)
    writer = threading.Thread(target=lambda: pipe.write_text(json.dumps(minimal())))
    writer.start()
    result = import_cli(pipe, tmp_path / "m.yaml")
    writer.join(30)
    assert result.exit_code == 0, result.output
    assert "Dense" in (tmp_path / "m.yaml").read_text()


def test_a_keras_config_member_over_the_cap_is_refused_unread(tmp_path):
    """A zip bomb: 64 MiB of config.json deflated to ~64 KiB."""
    source = tmp_path / "bomb.keras"
    source.write_bytes(keras_zip({"config.json": b" " * (64 * MIB)}, zipfile.ZIP_DEFLATED))
    began = time.perf_counter()
    refused(import_cli(source, tmp_path / "m.yaml"), "config.json", "64 MiB, over the")
    assert time.perf_counter() - began < 10


def test_a_keras_member_that_lies_about_its_size_is_read_no_further(tmp_path):
    data = bytearray(keras_zip({"config.json": b" " * (2 * MAX_CONFIG_BYTES)},
                               zipfile.ZIP_DEFLATED))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):  # the sizes
        at = data.find(signature)
        data[at + offset:at + offset + 4] = (1000).to_bytes(4, "little")
    source = tmp_path / "liar.keras"
    source.write_bytes(bytes(data))
    refused(import_cli(source, tmp_path / "m.yaml"), str(source))


def test_a_bloated_list_of_members_is_refused(tmp_path):
    source = tmp_path / "many.keras"
    members = {"config.json": json.dumps(minimal()).encode()}
    members.update({f"assets/{number}": b"" for number in range(30_000)})
    source.write_bytes(keras_zip(members))
    refused(import_cli(source, tmp_path / "m.yaml"), "list of members", "KiB")


def test_a_damaged_deflate_stream_is_a_message(tmp_path):
    data = bytearray(keras_zip({"config.json": json.dumps(minimal()).encode() * 50},
                               zipfile.ZIP_DEFLATED))
    name_length, extra_length = (int.from_bytes(data[at:at + 2], "little") for at in (26, 28))
    start = 30 + name_length + extra_length  # the member's compressed bytes
    data[start:start + 8] = b"\xff" * 8  # an invalid deflate block type
    source = tmp_path / "damaged.keras"
    source.write_bytes(bytes(data))
    refused(import_cli(source, tmp_path / "m.yaml"), str(source), "not a readable .keras")


@pytest.mark.parametrize("method", [zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA])
def test_a_config_compressed_as_keras_never_does_is_refused(method, tmp_path):
    source = tmp_path / "odd.keras"
    source.write_bytes(keras_zip({"config.json": json.dumps(minimal()).encode()}, method))
    refused(import_cli(source, tmp_path / "m.yaml"), "config.json", "compressed")


# -- item 4: a read error is a message ------------------------------------------------------
def _eio(*_args, **_kwargs):
    raise OSError(errno.EIO, os.strerror(errno.EIO))


def test_a_read_error_in_a_json_file_is_one_line(tmp_path, monkeypatch):
    source = tmp_path / "m.json"
    source.write_text(json.dumps(minimal()))
    monkeypatch.setattr("netlint.loader.read_at_most", _eio)
    refused(import_cli(source, tmp_path / "m.yaml"), str(source), "cannot read the file",
            os.strerror(errno.EIO))


def test_a_read_error_inside_a_keras_file_is_one_line(tmp_path, monkeypatch):
    source = tmp_path / "m.keras"
    source.write_bytes(keras_zip({"config.json": json.dumps(minimal()).encode()}))
    monkeypatch.setattr(zipfile.ZipExtFile, "read", _eio)
    refused(import_cli(source, tmp_path / "m.yaml"), str(source), "cannot read the file",
            os.strerror(errno.EIO))


# -- item 3: malformed configs are located errors --------------------------------------------
def _with_layer(change) -> dict:
    document = minimal()
    change(document["config"]["layers"][1])
    return document


def _nested(depth: int) -> str:
    document = json.dumps(minimal()).replace('"units": 3', '"units": @')
    return document.replace("@", "[" * depth + "1" + "]" * depth)


MALFORMED = [
    ("config-null", json.dumps({"class_name": "Sequential", "config": None}),
     ["config: null", "nothing to import"]),
    ("no-layers", json.dumps({"class_name": "Sequential", "config": {"name": "s"}}),
     ["config.layers: missing", "nothing to import"]),
    ("inputs-only", json.dumps(dense_stack(0)), ["no layers besides its inputs"]),
    ("layer-config-list", json.dumps(_with_layer(lambda l: l.update(config=[1, 2]))),
     ["config.layers[1].config: expected a mapping", "got a list"]),
    ("layer-a-string", json.dumps({"class_name": "Sequential",
                                   "config": {"layers": ["Dense"]}}),
     ["config.layers[0]: expected a mapping (a serialized layer), got a string"]),
    ("no-class-name", json.dumps(_with_layer(lambda l: l.pop("class_name"))),
     ["config.layers[1]: no class_name"]),
    ("class-name-a-number", json.dumps(_with_layer(lambda l: l.update(class_name=7))),
     ["config.layers[1].class_name: expected a string, got a number"]),
    ("nested-700", _nested(700), ["nested deeper than 100 levels"]),
    ("nested-5000", _nested(5000), ["nested too deeply"]),
    ("nested-150", _nested(150), ["nested deeper than 100 levels", "].config.units[0]",
                                  "levels more)"]),
    ("digits-5000", json.dumps(minimal()).replace('"units": 3', '"units": ' + "7" * 5000),
     ["a number with over", "digits", ":1:"]),
    ("surrogate", json.dumps(_with_layer(lambda l: l["config"].update(name="a\ud800"))),
     ["config.layers[1].config.name", "lone surrogate"]),
    ("inbound-a-number", json.dumps(_with_layer(lambda l: l.update(inbound_nodes=3))),
     ["config.layers[1].inbound_nodes: expected a list of calls, got a number"]),
    ("history-short", json.dumps(_with_layer(lambda l: l.update(inbound_nodes=[{"args": [
        {"class_name": "__keras_tensor__", "config": {"keras_history": ["x", 0]}}]}]))),
     ["inbound_nodes[0].args[0].config.keras_history: expected [layer name, call index"]),
    ("history-index-a-string", json.dumps(_with_layer(lambda l: l.update(inbound_nodes=[
        [["input_layer", "0", 0, {}]]]))),
     ["config.layers[1].inbound_nodes[0][0][1]: expected an index"]),
    ("outputs-a-string", json.dumps({"class_name": "Functional", "config": {
        "layers": [], "output_layers": "dense"}}),
     ["config.output_layers: expected [layer name, call index, output index]"]),
    ("top-level-list", "[1, 2]", ["not a Keras model config", "found 'list'"]),
    ("a-million-values", json.dumps(minimal()).replace('"units": 3', '"units": [' + ",".join(
        ["0"] * 1_000_001) + "]"), ["config.layers[", "more than 1,000,000 values"]),
]


@pytest.mark.parametrize("text, words", [(text, words) for _, text, words in MALFORMED],
                         ids=[name for name, _, _ in MALFORMED])
def test_malformed_configs_are_located_errors(text, words, tmp_path):
    source = tmp_path / "m.json"
    source.write_text(text)
    line = refused(import_cli(source, tmp_path / "m.yaml"), str(source), *words)
    assert not (tmp_path / "m.yaml").exists(), line


def test_a_malformed_keras_config_names_the_member(tmp_path):
    source = tmp_path / "m.keras"
    document = _with_layer(lambda layer: layer.update(config="relu"))
    source.write_bytes(keras_zip({"config.json": json.dumps(document).encode()}))
    refused(import_cli(source, tmp_path / "m.yaml"),
            f"{source}: config.json: config.layers[1].config: expected a mapping")


# -- item 2: linear in the number of layers ----------------------------------------------------
def test_thirty_thousand_unnamed_layers_are_named_in_linear_time():
    """Was quadratic: each unnamed layer searched layer_2, layer_3, ... from the start
    (20,000 layers took 33 s to import, 40,000 took 284 s); now ~0.3 s to name them."""
    began = time.perf_counter()
    graph = flatten(dense_stack(30_000))
    assert time.perf_counter() - began < 30
    assert [call.name for call in graph.calls[:3]] == ["layer", "layer_2", "layer_3"]
    assert graph.calls[-1].name == "layer_30000"
    assert len(graph.notes) == 21  # the renames are summed up, not listed 30,000 times
    assert graph.notes[-1].startswith("29980 more layers are renamed")


def test_many_unnamed_layers_import_end_to_end(tmp_path):
    source = tmp_path / "m.json"
    source.write_text(json.dumps(dense_stack(5_000)))
    target = tmp_path / "m.yaml"
    result = import_cli(source, target)
    assert result.exit_code == 0, result.output
    assert len(result.stderr.splitlines()) <= 25  # notes summed up
    assert target.read_text().count("- Dense:") == 5_000


def test_a_long_chain_of_mask_ops_is_found_in_linear_time():
    """Each op feeds the next; only the last feeds a `mask=`: the fixed point was found
    one op a pass over all of them (3,000 ops: 4.3 s; now 0.05 s)."""
    count = 6000
    layers = [{"name": f"op{i:05d}", "class_name": "NotEqual", "module": "keras.src.ops",
               "config": {}, "inbound_nodes": [{"args": [{
                   "class_name": "__keras_tensor__",
                   "config": {"keras_history": [f"op{i - 1:05d}", 0, 0]}}]}]}
              for i in range(count)]
    layers.append({"name": "last", "class_name": "Dense", "config": {}, "inbound_nodes": [
        {"args": [], "kwargs": {"mask": {"class_name": "__keras_tensor__", "config": {
            "keras_history": [f"op{count - 1:05d}", 0, 0]}}}}]})
    began = time.perf_counter()
    assert len(implicit_mask_ops(layers)) == count
    assert time.perf_counter() - began < 10


def test_the_layers_are_written_as_one_dump_would_write_them():
    """to_yaml dumps the layers in chunks; the text is the same as one dump's."""
    import yaml

    from netlint.importer import yaml_out

    layers = [{"Dense": {"units": i, "name": f"a{i}" * (i % 40), "activation": "relu"},
               "from": [f"x{i}", "y\u00e9\n"]} for i in range(700)]
    document = {"netlint": 1, "input": {"shape": [3]}, "layers": layers, "outputs": ["a"]}
    whole = yaml.dump(yaml_out._styled(document), Dumper=yaml_out._Dumper, sort_keys=False,
                      default_flow_style=False, allow_unicode=True, width=100)
    assert yaml_out.to_yaml(document, ["head"]) == "# head\n" + whole
