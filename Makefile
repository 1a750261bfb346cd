# Two commands set up a fresh machine (see README):
#   make demo  - install netlint and run it on the examples
#   make test  - install the test dependencies (real Keras 3 + JAX) and run the suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: demo test install install-test install-test-tf diagrams bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# An editable install compiles no bytecode, as a wheel install does; compile it here, so a
# machine that writes none at run time (PYTHONDONTWRITEBYTECODE=1) does not compile the
# generated schema validator (loader/model_validator.py, 1 MB) on every check.
COMPILE := $(BIN)/python -m compileall -q src/netlint

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .
	$(COMPILE)

install-test: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	$(COMPILE)

# TensorFlow too, for the text layers' oracle tests (they skip without it)
install-test-tf: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,test-tf]'
	$(COMPILE)

demo: install
	@echo "== netlint check examples/ (the fixed models: expect silence)"
	$(BIN)/netlint check examples/*.yaml
	@echo "== netlint check examples/buggy/ (the models users posted: expect findings)"
	$(BIN)/netlint check examples/buggy/ --exit-zero
	@echo "== netlint summary examples/stacked-lstm.yaml"
	$(BIN)/netlint summary examples/stacked-lstm.yaml

# every core, up to four (each worker imports Keras and JAX: more costs memory, not time);
# a test file stays on one worker, as the oracle's model count and the training runs need
test: install-test
	$(BIN)/python -m pytest --numprocesses=auto --maxprocesses=4 --dist=loadfile

diagrams: install
	$(BIN)/python -m netlint.drawing.regenerate

# speed and memory against the floor (Python + typer + YAML) and Keras: see bench/run.py
bench: install-test
	$(BIN)/python bench/run.py

clean:
	rm -rf $(VENV) build dist .pytest_cache .hypothesis
