"""Output formats: SARIF against the published schema, JSON shape, GitHub escaping, text."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote

import pytest

from netlint.model.findings import Finding
from netlint.model.graph import Position
from netlint.report import render, tally
from netlint.report.github import format_github
from netlint.report.json_format import format_json
from netlint.report.sarif import format_sarif, rule_descriptors
from netlint.report.text import format_text

HERE = Path(__file__).resolve().parent
# The SARIF 2.1.0 schema (Apache-2.0, from SchemaStore) is third-party data we do not ship:
# it is read from the shared data folder beside the checkout, never copied in here.
SCHEMA_PLACES = (HERE.parents[2] / "shared" / "data" / "sarif-2.1.0.schema.json",
                 Path("/work/shared/data/sarif-2.1.0.schema.json"))
HOSTILE = "100% sure\r\n::error file=evil.yaml,line=1::pwned, really: yes"


def finding(code="NL105", severity="error", path="models/a.yaml", line=4, column=5,
            message="LSTM 'lstm_1' needs a sequence", fix="set return_sequences: true",
            layer="lstm_1", end=True) -> Finding:
    position = Position(line, column, line, column + 4) if end else Position(line, column)
    return Finding(code=code, name="incompatible-shape" if code == "NL105" else
                   "unused-suppression", severity=severity, message=message, path=path,
                   position=position, fix=fix, layer=layer)


MIXED = [
    finding(path="models/b.yaml", line=2),
    finding(code="NL010", severity="warning", line=9, column=1, fix=None, layer=None),
    finding(line=4, column=5),
    finding(code="NL010", severity="info", path="models/a.yaml", line=1, column=1,
            end=False),
    finding(path="sub dir/ünï,c:de.yaml", message=HOSTILE, fix=HOSTILE),
]


# -- SARIF ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def sarif_validator():
    import jsonschema

    path = next((p for p in SCHEMA_PLACES if p.is_file()), None)
    if path is None:
        pytest.skip("the SARIF 2.1.0 schema is absent (../shared/data/ beside the "
                    "checkout): cannot validate")
    schema = json.loads(path.read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def test_sarif_validates_against_the_published_schema(sarif_validator):
    document = json.loads(format_sarif(MIXED))
    errors = sorted(sarif_validator.iter_errors(document), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
    # the validator really checks: a broken document is refused
    document["runs"][0]["results"][0]["level"] = "fatal"
    assert list(sarif_validator.iter_errors(document))


def test_sarif_empty_run_validates(sarif_validator):
    document = json.loads(format_sarif([]))
    assert not list(sarif_validator.iter_errors(document))
    assert document["runs"][0]["results"] == []


def test_sarif_rules_come_from_the_registry_and_cards():
    document = json.loads(format_sarif(MIXED))
    driver = document["runs"][0]["tool"]["driver"]
    assert document["version"] == "2.1.0" and driver["name"] == "netlint"
    rules = {r["id"]: r for r in driver["rules"]}
    unused = rules["NL010"]
    assert unused["name"] == "unused-suppression"
    assert unused["defaultConfiguration"]["level"] == "warning"
    assert "ruff" in unused["fullDescription"]["text"]  # the card's `why`
    assert "```yaml" in unused["help"]["markdown"] and unused["help"]["text"]
    for result in document["runs"][0]["results"]:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]


def test_sarif_results_levels_locations_and_uris():
    results = json.loads(format_sarif(MIXED))["runs"][0]["results"]
    summary = [(r["ruleId"], r["level"], r["locations"][0]["physicalLocation"])
               for r in results]
    assert [s[1] for s in summary] == ["note", "error", "warning", "error", "error"]
    first = summary[1][2]
    assert first["artifactLocation"]["uri"] == "models/a.yaml"
    assert first["region"] == {"startLine": 4, "startColumn": 5, "endLine": 4, "endColumn": 9}
    assert summary[0][2]["region"] == {"startLine": 1, "startColumn": 1}
    odd = summary[4][2]["artifactLocation"]["uri"]
    assert " " not in odd and "\\" not in odd and not odd.startswith("/")
    assert unquote(odd) == "sub dir/ünï,c:de.yaml"
    assert results[4]["message"]["text"] == f"{HOSTILE}: {HOSTILE}"


def test_sarif_uri_of_windows_style_and_absolute_paths():
    from netlint.report.sarif import artifact_uri

    assert artifact_uri("./models/a.yaml") == "models/a.yaml"
    assert artifact_uri(str(Path.cwd() / "models" / "a.yaml")) == "models/a.yaml"
    assert artifact_uri("/elsewhere/x y.yaml").startswith("file:///")


def test_every_descriptor_has_the_fields_code_scanning_shows():
    for descriptor in rule_descriptors():
        assert descriptor["shortDescription"]["text"]
        assert descriptor["fullDescription"]["text"]
        assert descriptor["help"]["text"]
        assert descriptor["defaultConfiguration"]["level"] in ("error", "warning", "note")


# -- JSON ----------------------------------------------------------------------------------

def test_json_shape():
    document = json.loads(format_json(MIXED, files=3))
    assert set(document) == {"findings", "summary"}
    keys = ["path", "line", "column", "end_line", "end_column", "code", "name", "severity",
            "message", "fix", "layer", "autofix"]
    for item in document["findings"]:
        assert list(item) == keys
    first = document["findings"][1]
    assert first == {"path": "models/a.yaml", "line": 4, "column": 5, "end_line": 4,
                     "end_column": 9, "code": "NL105", "name": "incompatible-shape",
                     "severity": "error", "message": "LSTM 'lstm_1' needs a sequence",
                     "fix": "set return_sequences: true", "layer": "lstm_1", "autofix": None}
    no_end = document["findings"][0]
    assert (no_end["end_line"], no_end["end_column"]) == (1, 1)
    assert document["findings"][2]["fix"] is None and document["findings"][2]["layer"] is None
    assert document["summary"] == {
        "files_checked": 3, "files_with_findings": 3, "total": 5,
        "by_severity": {"error": 3, "warning": 1, "info": 1},
        "by_code": {"NL010": 2, "NL105": 3}}


def test_json_of_nothing():
    assert json.loads(format_json([], files=2)) == {"findings": [], "summary": tally([], 2)}


# -- GitHub annotations ----------------------------------------------------------------------

def _unescape(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","),
                       ("%25", "%")):
        text = text.replace(code, char)
    return text


def test_github_annotation_fields():
    lines = format_github(MIXED).splitlines()
    assert lines[0] == ("::notice file=models/a.yaml,line=1,col=1,title=NL010::"
                        "LSTM 'lstm_1' needs a sequence: set return_sequences: true")
    assert lines[1] == ("::error file=models/a.yaml,line=4,col=5,endLine=4,endColumn=9,"
                        "title=NL105::LSTM 'lstm_1' needs a sequence: set return_sequences: true")
    assert lines[2].startswith("::warning file=models/a.yaml,line=9,col=1,endLine=9,")


def test_github_escapes_hostile_messages_and_paths():
    output = format_github(MIXED)
    lines = output.splitlines()
    assert len(lines) == len(MIXED) and output.endswith("\n")
    assert all(line.startswith("::") for line in lines)
    hostile = lines[4]
    # a command only starts at a line start: with CR/LF encoded, the injected
    # "::error" stays inside this annotation's message
    assert "\r" not in output and output.count("\n") == len(MIXED)
    head, message = hostile[2:].split("::", 1)
    # a CR (which rewrites the log line it is on) is shown as the escape `\r`
    assert _unescape(message) == f"{HOSTILE}: {HOSTILE}".replace("\r", "\\r")
    assert "%25 sure\\r%0A" in message
    properties = dict(part.split("=", 1) for part in head.split(" ", 1)[1].split(","))
    assert _unescape(properties["file"]) == "sub dir/ünï,c:de.yaml"
    assert properties["file"] == "sub dir/ünï%2Cc%3Ade.yaml"


# -- text ----------------------------------------------------------------------------------

def test_text_sorted_with_tally():
    lines = format_text(MIXED, files=3).splitlines()
    assert [line.split(": ", 1)[0] for line in lines[:-1]] == [
        "models/a.yaml:1:1", "models/a.yaml:4:5", "models/a.yaml:9:1", "models/b.yaml:2:5",
        "sub dir/ünï,c:de.yaml:4:5"]
    assert lines[1] == ("models/a.yaml:4:5: NL105 [error] LSTM 'lstm_1' needs a sequence: "
                        "set return_sequences: true")
    assert lines[-1] == "Found 5 problems (3 errors, 1 warning, 1 info) in 3 files."
    # a message with a newline still takes one line
    assert len(lines) == len(MIXED) + 1


def test_text_tally_singular_and_silence():
    assert format_text([], files=4) == ""
    assert format_text([finding()], files=1).splitlines()[-1] == \
        "Found 1 problem (1 error) in 1 file."
    two = [finding(code="NL010", severity="warning"), finding(code="NL010", severity="warning",
                                                              line=8)]
    assert format_text(two, 1).splitlines()[-1] == "Found 2 problems (2 warnings) in 1 file."


TERMINAL_TRICKS = ["\x1b[2J\x1b[31mred", "\x07bell", "back\x08space", "\u202eevil.yaml",
                   "csi\x9b31m", "del\x7f", "line\nbreak", "cr\rreturn"]


@pytest.mark.parametrize("trick", TERMINAL_TRICKS)
def test_text_output_never_hands_a_control_character_to_the_terminal(trick):
    text = format_text([finding(path=f"models/{trick}.yaml", message=f"layer '{trick}'")], 1)
    acting = [c for c in text if (ord(c) < 0x20 and c not in "\t\n") or 0x7F <= ord(c) < 0xA0
              or 0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069]
    assert acting == [] and text.count("\n") == 2  # the finding's line and the tally


def test_command_line_messages_escape_the_names_they_quote(tmp_path):
    missing = tmp_path / "gone\x1b[2J.yaml"
    result = subprocess.run([sys.executable, "-m", "netlint.cli", "check", str(missing)],
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": ""})
    assert result.returncode == 2 and "no such file" in result.stderr
    assert "\x1b" not in result.stderr and "gone\\x1b[2J.yaml" in result.stderr


def test_render_refuses_unknown_format():
    with pytest.raises(ValueError):
        render("xml", MIXED, 1)


# -- determinism ---------------------------------------------------------------------------

RENDER_ALL = """
import sys
from netlint.api import check
from netlint.report import render
findings = []
for path in sys.argv[1:]:
    findings += check(path)
for fmt in ("text", "json", "sarif", "github"):
    sys.stdout.write(render(fmt, findings, len(sys.argv) - 1))
"""


def test_output_is_byte_identical_across_hash_seeds(tmp_path):
    models = []
    for index, body in enumerate([
            "  - LSTM: {units: 4}\n  - LSTM: {units: 4}  # netlint: disable=NL010\n",
            "  - LTSM: {units: 4}\n", "  - LSTM: {units: 4, return_sequence: true}\n"]):
        path = tmp_path / f"m{index}.yaml"
        path.write_text("input: {shape: [20, 1]}\nlayers:\n" + body + "  - Dense: {units: 1}\n")
        models.append(str(path))
    outputs = []
    for seed in ("0", "12345"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        outputs.append(subprocess.run([sys.executable, "-c", RENDER_ALL, *models], env=env,
                                      capture_output=True, check=True).stdout)
    assert outputs[0] == outputs[1]
    assert outputs[0].count(b"NL105") >= 4 and b"NL002" in outputs[0]


def test_sarif_with_fixes_validates(sarif_validator):
    from netlint.pipeline import lint

    text = ("input: {shape: [10, 8]}\nlayers:\n  - CuDNNLSTM: {units: 4}\n"
            "  - LSTM: {units: 2}\ncompile: {loss: mse, optimizer: {Adam: {lr: 1e-3}}}\n")
    findings = lint(text).findings
    document = json.loads(format_sarif([f.with_path("models/m.yaml") for f in findings]))
    fixes = [r["fixes"] for r in document["runs"][0]["results"] if "fixes" in r]
    assert len(fixes) >= 2  # a safe one (the name) and an unsafe one (return_sequences)
    errors = list(sarif_validator.iter_errors(document))
    assert not errors, errors[:3]
