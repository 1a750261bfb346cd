"""The rule engine and the rules.

engine.py runs them; each rule is a card (rules/NLxxx.yaml, its metadata) and a
module of `checks/` (its check), joined by catalog.json, which
generate_catalog.py writes from the cards. The shared per-file facts the checks
read are in facts.py, compile_facts.py, data_facts.py, heads.py and
keras_identifiers.py; selection, severities and options in config.py, inline
`# netlint:` comments in suppress.py. Nothing is imported until the registry is
first asked for, so `netlint --help` stays fast.
"""
