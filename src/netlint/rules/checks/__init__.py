"""One module per rule, named after the rule (`stacked_rnn_missing_return_sequences.py`
for NL104 stacked-rnn-missing-return-sequences), each holding only the check.

A module defines `check(ctx)`, which yields the findings it builds with
`ctx.report(...)`, and, where the rule can only find something in some files, a
module-level `needs` (facts.has_data, facts.has_recurrent): where it is False the
engine does not run the rule. Everything else about a rule (id, name, severity,
summary, options) is its card's, rules/NLxxx.yaml; the engine imports the module
the card names (through catalog.json), so nothing here registers itself. Helpers
more than one rule uses live in the shared modules beside this package (facts,
compile_facts, data_facts, heads, keras_identifiers), never in a rule's module.
"""
