"""What each view says about a model: rows, cells, state arrows, labels, numbers."""

from __future__ import annotations

import re

import pytest

from diagram_helpers import MODELS, dot_for, inferred, node_names, unroller
from netlint.drawing import DiagramOptions, diagram
from netlint.drawing.sequences import RECURRENT, SOURCE, STEPS, plan_rows


def _plan(name: str):
    return plan_rows(inferred(MODELS / f"{name}.yaml").model)


def _kinds(plan) -> list:
    return [[(r.name, r.kind, r.last_only) for r in g.rows] for g in plan.groups]


def test_stacked_lstms_are_rows_and_the_head_a_box():
    plan = _plan("stacked_lstm")
    assert _kinds(plan) == [[("input_layer", SOURCE, False), ("lstm", RECURRENT, False),
                             ("lstm_1", RECURRENT, True)]]
    assert plan.chain == ["dense"]


def test_per_step_layers_join_the_rows():
    assert _kinds(_plan("stacked_lstm_sequences")) == [[
        ("input_layer", SOURCE, False), ("lstm", RECURRENT, False), ("dropout", STEPS, False),
        ("gru", RECURRENT, False), ("dense", STEPS, False)]]


def test_repeat_vector_starts_a_second_time_axis():
    plan = _plan("encoder_decoder")
    assert [g.steps for g in plan.groups] == [3, 4]
    assert plan.groups[1].source.name == "repeat_vector"
    assert plan.chain == []


def test_strided_conv_feeds_the_lstm_its_own_timesteps():
    plan = _plan("conv_then_lstm")
    assert plan.groups[0].steps == 250 and plan.groups[0].source.name == "conv1d"
    assert plan.chain == ["input_layer", "dense"]


def test_a_conv_net_has_nothing_to_unroll():
    plan = _plan("conv_net")
    assert plan.groups == [] and len(plan.chain) == 7
    assert "no recurrent layer to unroll" in dot_for(MODELS / "conv_net.yaml", view="unrolled")


def test_lstm_cells_carry_h_and_c_between_steps():
    source = dot_for(MODELS / "stacked_lstm.yaml", view="unrolled")
    h_edges = re.findall(r"n1_lstm_t(\w) -> n1_lstm_t(\w) \[label=<" + _lane(r"h<SUB>(\S+)</SUB>")
                         + r">\]", source)
    assert h_edges == [("1", "2", "1"), ("2", "3", "2"), ("3", "e", "3"), ("e", "T", "T-1")]
    # the cell state too, in both LSTMs
    assert len(re.findall(_lane(r"c<SUB>\S+</SUB>"), source)) == 8
    assert "h<SUB>0</SUB> = 0<BR/>c<SUB>0</SUB> = 0" in source
    # return_sequences false: only lstm_1's last step leads on, to the Dense box
    assert "n2_lstm_1_tT -> n3_dense" in source
    assert not re.search(r"n2_lstm_1_t[123e] -> n3_dense", source)


def test_every_step_feeds_up_with_return_sequences():
    source = dot_for(MODELS / "stacked_lstm.yaml", view="unrolled")
    for key in "123T":
        assert f"n1_lstm_t{key} -> n2_lstm_1_t{key}\n" in source


def test_time_distributed_row_has_one_copy_per_step():
    builder = unroller(MODELS / "timedistributed.yaml")
    source = builder.graph.source
    assert "same weights at every t" in source
    assert source.count("label=<Dense(15)>") == 4  # t1 t2 t3 tT; the ellipsis is "…"
    assert "wraps" not in source  # the graph view's box, not the grid's


def _lane(pattern: str) -> str:
    """A regular expression for a state label: in a borderless table, for a margin off the
    edges, as wide as every gap between cells holds (`pattern` is a regular expression)."""
    return ('<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="3"><TR>'
            f'<TD WIDTH="\\d+">{pattern}</TD></TR></TABLE>')


def test_bidirectional_draws_both_directions_and_the_merge():
    source = dot_for(MODELS / "bidirectional.yaml", view="unrolled")
    assert "LSTM →<BR/>← LSTM" in source and "→ forward state (solid)" in source
    assert "h′<SUB>0</SUB> = 0<BR/>c′<SUB>0</SUB> = 0" in source
    backward = _lane("h′<SUB>2</SUB>, c′<SUB>2</SUB>")
    assert re.search(f"n1_bidirectional_t1 -> n1_bidirectional_t2 \\[label=<{backward}> "
                     "dir=back style=dashed\\]", source)
    assert source.count("label=<concat>") == 4
    # the GRU pair keeps only the last steps: forward's at T, backward's at 1, summed
    assert "n2_bidirectional_1_tT -> n2_bidirectional_1_mtT" in source
    assert "n2_bidirectional_1_t1 -> n2_bidirectional_1_mtT" in source


def test_a_written_backward_layer_is_drawn_as_itself():
    # the backward direction is the GRU the file writes, not a copy of the forward LSTM:
    # its cell, its note, and its one state (h′, no c′)
    source = dot_for(MODELS / "bidirectional_backward_gru.yaml", view="unrolled")
    assert "LSTM →<BR/>← GRU" in source and "backward_layer: GRU(8)" in source
    assert "h′<SUB>0</SUB> = 0" in source and "c′" not in source
    assert re.search(f"n1_bidirectional_t1 -> n1_bidirectional_t2 \\[label=<"
                     f"{_lane('h′<SUB>2</SUB>')}> dir=back style=dashed\\]", source)
    # the LSTM's two states
    assert re.search(f"n1_bidirectional_t1 -> n1_bidirectional_t2 \\[label=<"
                     f"{_lane('h<SUB>1</SUB>, c<SUB>1</SUB>')}>\\]", source)


def test_stateful_and_go_backwards_are_said_and_drawn():
    source = dot_for(MODELS / "stateful_open_length.yaml", view="unrolled")
    assert "carried in from<BR/>the previous batch" in source
    assert "go_backwards: reads the last step first" in source
    # read backwards: h_0 is on the right and step 1's output is the one that goes on
    assert re.search(r"n2_simple_rnn_tT -> n2_simple_rnn_h0 \[.*dir=back\]", source)
    assert "n2_simple_rnn_t1 -> n3_dense" in source


def test_plain_labels_have_no_markup_subscripts():
    source = dot_for(MODELS / "stacked_lstm.yaml", view="unrolled", plain_labels=True)
    assert "<SUB>" not in source
    assert "h_{T-1}" in source and "x_T" in source and "h_0 = 0<BR/>c_0 = 0" in source


def test_graph_view_numbers_come_from_the_inference():
    path = MODELS / "functional_two_inputs.yaml"
    model = inferred(path).model
    source = dot_for(path)
    assert f"Total params: {model.total_params:,}" in source
    for node in model.layers:
        assert f"<TD ALIGN=\"LEFT\">{node.params:,}</TD>" in source
    assert "[(None, 32), (None, 4)]" in source  # the merge's two input shapes
    assert len(node_names(source)) == len(model.nodes)


def test_graph_view_shows_what_a_wrapper_holds():
    td = dot_for(MODELS / "timedistributed.yaml")
    assert "wraps <B>dense</B> Dense(15)" in td
    assert "at every timestep: (None, 32) → (None, 15), same weights" in td
    bi = dot_for(MODELS / "bidirectional.yaml")
    assert "forward_lstm" in bi and "backward_lstm" in bi and "merge: sum" in bi


def test_activation_and_dtype_rows_are_optional():
    plain = dot_for(MODELS / "conv_net.yaml")
    full = dot_for(MODELS / "conv_net.yaml", show_activation=True, show_dtype=True)
    assert "activation" not in plain and "dtype" not in plain
    assert full.count(">relu<") == 2 and full.count(">float32<") == 7


def test_shape_errors_are_marked_with_their_code():
    marked = dot_for(MODELS / "shape_error.yaml")
    # the rule `check` names for this mistake (NL104), not the generic NL105
    assert marked.count("<B>NL104</B>") == 1 and "not inferred" in marked
    assert "<B>NL105</B>" not in marked
    source = diagram(MODELS / "shape_error.yaml", view="unrolled")
    assert re.search(r"<B>NL104</B>", source)


@pytest.mark.parametrize("bad", [{"view": "tree"}, {"rankdir": "XY"}, {"theme": "neon"},
                                 {"max_steps": True}])
def test_bad_options_are_refused(bad):
    with pytest.raises(ValueError):
        DiagramOptions(**bad)


def test_loader_errors_raise_with_the_findings(tmp_path):
    from netlint.drawing import DiagramError

    model = tmp_path / "broken.yaml"
    model.write_text("layers:\n  - LTSM: {units: 4}\n")
    with pytest.raises(DiagramError) as raised:
        diagram(model)
    assert "NL002" in [f.code for f in raised.value.findings]  # LTSM: did you mean LSTM


def test_a_pipeline_names_its_layers_as_a_list(tmp_path):
    # Keras code writes Pipeline([RandomFlip(), ...]): a list, not a shape's tuple
    model = tmp_path / "pipeline.yaml"
    model.write_text("input: {shape: [32, 32, 3]}\nlayers:\n  - Pipeline: {layers: "
                     "[{RandomFlip: {}}, {RandomRotation: {factor: 0.1}}]}\n", encoding="utf-8")
    source = dot_for(model)
    assert "Pipeline([RandomFlip, RandomRotation])" in source
    assert "((" not in source
