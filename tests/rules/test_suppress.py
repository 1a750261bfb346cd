"""Inline `# netlint:` suppressions, and NL010 for the ones that suppress nothing."""

from __future__ import annotations

from netlint.pipeline import lint_loaded
from netlint.rules.config import Config
from netlint.loader import load_text

# SHAPE_ERROR on line 4: Reshape gets 4 values for 15 places, NL105 at 4:5 (no
# specific rule claims it).
HEAD = "input: {shape: [20, 1]}\nlayers:\n  - LSTM: {units: 4}\n"
TAIL = "  - Dense: {units: 1}\n"
BAD = "  - Reshape: {target_shape: [3, 5]}"
FILLER = "  - Dropout: {rate: 0.1}"  # a line that raises nothing


def lint(text: str, config: Config | None = None) -> list[tuple]:
    return [(f.code, f.line) for f in lint_loaded(load_text(text, "m.yaml"), config).findings]


def test_unsuppressed_baseline():
    assert lint(HEAD + BAD + "\n" + TAIL) == [("NL105", 4)]


def test_trailing_comment_suppresses_its_line():
    assert lint(HEAD + BAD + "  # netlint: disable=NL105\n" + TAIL) == []


def test_rule_names_and_lists_are_accepted():
    assert lint(HEAD + BAD + "  # netlint: disable=incompatible-shape\n"
                + TAIL) == []
    assert lint(HEAD + BAD + "  # netlint: disable=NL002, NL105\n" + TAIL) \
        == [("NL010", 4)]  # NL002 is unused on that line


def test_trailing_text_after_the_codes_is_a_reason_not_a_code():
    assert lint(HEAD + BAD + "  # netlint: disable=NL105 -- known, issue 12\n"
                + TAIL) == []


def test_standalone_comment_covers_the_next_yaml_line():
    assert lint(HEAD + "  # netlint: disable=NL105\n" + BAD + "\n" + TAIL) == []
    # blank lines and other comments in between are skipped
    assert lint(HEAD + "  # netlint: disable=NL105\n\n  # why: see issue 12\n"
                + BAD + "\n" + TAIL) == []


def test_comment_two_yaml_lines_above_does_not_cover_and_is_reported():
    text = HEAD + "  # netlint: disable=NL105\n" + FILLER + "\n" + BAD + "\n" + TAIL
    assert lint(text) == [("NL010", 4), ("NL105", 6)]


def test_comment_on_a_layer_line_covers_findings_on_its_arguments():
    # NL003 points at the argument (line 5); the comment sits on the layer's item (line 4)
    text = HEAD + "  - LSTM:  # netlint: disable=NL003\n      units: 4\n" \
                  "      return_sequence: true\n" + TAIL
    assert lint(text.replace("  # netlint: disable=NL003", "")) == [("NL003", 6)]
    assert lint(text) == []


def test_disable_file_at_the_top_covers_the_whole_file():
    body = HEAD + BAD + "\n" + TAIL
    assert lint("# netlint: disable-file=NL105\n" + body) == []
    assert lint("# model of issue 12\n# netlint: disable-file=NL105,NL003\n" + body) \
        == [("NL010", 2)]  # NL003 never fires: reported unused


def test_disable_file_below_the_first_yaml_line_is_reported_and_ignored():
    body = HEAD + "# netlint: disable-file=NL105\n" + BAD + "\n" + TAIL
    assert lint(body) == [("NL010", 4), ("NL105", 5)]


def test_disable_all():
    assert lint(HEAD + BAD + "  # netlint: disable=all\n" + TAIL) == []
    assert lint(HEAD + FILLER + "  # netlint: disable=all\n" + TAIL) \
        == [("NL010", 4)]


def test_unused_suppression_message_names_the_code_and_line():
    text = HEAD + "  # netlint: disable=NL105\n" + TAIL
    (finding,) = lint_loaded(load_text(text, "m.yaml")).findings
    assert (finding.code, finding.severity, finding.line) == ("NL010", "warning", 4)
    assert "disable=NL105" in finding.message and "line 5" in finding.message
    assert finding.fix == "remove 'NL105' from the comment"


def test_unknown_code_and_malformed_directives_are_reported():
    (unknown,) = lint_loaded(load_text(HEAD + "  # netlint: disable=NL015\n" + TAIL)).findings
    assert unknown.code == "NL010" and "NL015" in unknown.message
    (typo,) = lint_loaded(load_text(HEAD + "  # netlint: disabel=NL105\n" + TAIL)).findings
    assert typo.code == "NL010" and "not a netlint directive" in typo.message
    (bare,) = lint_loaded(load_text(HEAD + "  # netlint: disable\n" + TAIL)).findings
    assert bare.code == "NL010" and "names no rule" in bare.message


def test_rules_that_did_not_run_are_not_judged_unused():
    text = HEAD + FILLER + "  # netlint: disable=NL105\n" + TAIL
    assert lint(text) == [("NL010", 4)]
    assert lint(text, Config(select=("NL0",))) == []
    assert lint(text, Config(ignore=("NL105",))) == []


def test_nl010_can_be_ignored_or_suppressed_itself():
    text = HEAD + FILLER + "  # netlint: disable=NL105\n" + TAIL
    assert lint(text, Config(ignore=("NL010",))) == []
    assert lint("# netlint: disable-file=NL010\n" + text) == []
    assert lint(text.replace("disable=NL105", "disable=NL105,NL010")) == []


def test_loader_findings_can_be_suppressed():
    text = HEAD + "  - LTSM: {units: 4}  # netlint: disable=unknown-layer\n" + TAIL
    assert lint(text.replace("  # netlint: disable=unknown-layer", "")) == [("NL002", 4)]
    assert lint(text) == []


def test_netlint_text_inside_a_value_is_not_treated_as_a_comment_when_quoted_hash_absent():
    # "netlint:" without "# " is a value, not a directive
    text = "description: 'netlint: disable=NL105'\n" + HEAD + BAD + "\n" + TAIL
    assert lint(text) == [("NL105", 5)]


def test_suppressions_cost_work_linear_in_their_number(monkeypatch):
    """Each finding used to be held against every comment (8,000 comments: 84 s).
    Counted in calls, not seconds: the count is the same on every machine."""
    from netlint.rules import suppress

    calls = []
    real = suppress.Directive.covers
    monkeypatch.setattr(suppress.Directive, "covers",
                        lambda self, *args: calls.append(1) or real(self, *args))

    def work(count: int) -> int:
        calls.clear()
        text = "input: {shape: [4]}\nlayers:\n" + "".join(
            "  - Dense: {units: 2}  # netlint: disable=NL601\n" for _ in range(count))
        lint_loaded(load_text(text))
        return len(calls)

    small, large = work(200), work(2_000)
    assert large <= 12 * small  # linear (10x the comments), not quadratic (100x)
