"""The rule engine and the rule families.

Each family is one module here; importing it registers its rules (the
`@rule` decorator) in `engine.RULES`. The engine imports them lazily, in this
order, the first time the registry is needed, so `netlint --help` stays fast.
"""

# `builtin` holds the rules the engine itself produces: the loader's NL001-NL004, the
# generic shape error NL105 and the unused-suppression report NL010.
RULE_MODULES = (
    "builtin",
    "shapes",  # NL1xx
    "recurrent",  # NL2xx
    "head",  # NL3xx
    "training",  # NL4xx
    "data_rules",  # NL5xx
    "design",  # NL6xx
    "legacy",  # NL9xx
)
