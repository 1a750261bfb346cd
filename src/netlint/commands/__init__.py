"""One module per CLI command; shared option helpers in common.py."""
