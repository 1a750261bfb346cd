"""Assemble the training script: header, settings, functions, main().

The fixed text lives in templates.py; the model-dependent functions come from
model_code, data_code and compile_code. The result is checked with
`ast.parse` before anyone sees it.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path

from netlint.codegen import templates
from netlint.codegen.compile_code import compile_function
from netlint.codegen.data_code import LOAD_ARRAY, load_function, synthetic_function
from netlint.codegen.feed_code import INPUT_PIPELINE, steps_per_execution
from netlint.codegen.gpu_code import (
    FIND_GPUS,
    MIXED_POLICIES,
    REPORT_RNNS,
    choose_precision,
    precision_main,
    precision_settings,
    rnn_notes,
    rnn_settings,
    slow_rnns,
)
from netlint.codegen.emitter import (
    INDENT,
    ExportError,
    comment,
    literal,
    quoted,
    render,
)
from netlint.codegen.model_code import build_model_function
from netlint.codegen.plan import TrainingPlan, make_plan
from netlint.layers.inference import InferredModel
from netlint.plumbing.records import record

BACKENDS = ("jax", "torch", "tensorflow")
SEED = 1234
SYNTHETIC_SAMPLES = 1024


@record(frozen=True)
class ScriptOptions:
    backend: str = "jax"
    mixed_precision: str | None = None  # "float16" | "bfloat16"
    epochs: int | None = None
    batch_size: int | None = None
    synthetic: bool = False
    # where the script will live, to find the data paths (relative to the model file)
    script_dir: str | None = None


def check_options(options: ScriptOptions) -> None:
    if options.backend not in BACKENDS:
        raise ExportError(f"unknown backend {quoted(options.backend)}; use one of "
                          f"{', '.join(BACKENDS)}")
    if options.mixed_precision is not None and options.mixed_precision not in MIXED_POLICIES:
        raise ExportError(f"unknown mixed precision {quoted(options.mixed_precision)}; use "
                          "float16 or bfloat16")
    for label, value in (("--epochs", options.epochs), ("--batch-size", options.batch_size)):
        if value is not None and (not isinstance(value, int) or value < 1):
            raise ExportError(f"{label} must be a positive whole number")


def _constant(name: str, value: object, note: str | None = None) -> list[str]:
    lines = comment(note, "") if note else []
    return lines + render(literal(value), "", f"{name} = ")


def data_dir_lines(model_path: str, script_dir: str | None) -> list[str]:
    """DATA_DIR: the model file's folder, as seen from the script's folder."""
    model_dir = os.path.dirname(os.path.abspath(model_path))
    base = os.path.abspath(script_dir or os.getcwd())
    try:
        relative = Path(os.path.relpath(model_dir, base)).as_posix()
    except ValueError:  # another drive (Windows): no relative path exists
        relative = Path(model_dir).as_posix()
    lines = comment("Data paths in the model file are relative to it; this is its folder "
                    "(relative to this script).", "")
    lines.append("HERE = os.path.dirname(os.path.abspath(__file__))")
    return lines + render(literal(relative), "", "DATA_DIR = os.path.join(HERE, ", ")")


def settings_lines(inferred: InferredModel, plan: TrainingPlan, options: ScriptOptions,
                   gpu: tuple) -> list[str]:
    """The constants at the top; `gpu` is (Precision, the slow RNNs)."""
    model = inferred.model
    lines = _constant("MODEL_FILE", os.path.basename(model.path),
                      "The netlint model file this script was exported from.")
    lines += _constant("SEED", SEED)
    lines += _constant("EPOCHS", plan.epochs)
    batch_note = templates.FIXED_BATCH_COMMENT if plan.fixed_batch else templates.BATCH_COMMENT
    lines += batch_note.splitlines()
    if not plan.fixed_batch and plan.batch_size % 8:
        lower, upper = plan.batch_size // 8 * 8, plan.batch_size // 8 * 8 + 8
        nearest = f"{lower} or {upper}" if lower else str(upper)
        lines += comment(f"{plan.batch_size} is not a multiple of 8: {nearest} would fill "
                         "those tiles.", "")
    lines += _constant("BATCH_SIZE", plan.batch_size)
    lines += _constant("VALIDATION_SPLIT", plan.validation_split,
                       "The last fraction of the samples, held out to watch for overfitting.")
    lines += _constant("MONITOR", "val_loss" if plan.validation_split > 0 else "loss")
    lines += precision_settings(gpu[0])
    lines += rnn_settings(gpu[1])
    if options.synthetic:
        lines += _constant("NUM_SAMPLES", SYNTHETIC_SAMPLES)
    else:
        lines += data_dir_lines(model.path, options.script_dir)
    return lines


def parse_args_lines(plan: TrainingPlan, options: ScriptOptions) -> list[str]:
    lines = templates.PARSE_ARGS_HEAD.splitlines()
    if not plan.fixed_batch:
        lines += templates.PARSE_ARGS_BATCH.splitlines()
    if options.synthetic:
        lines += templates.PARSE_ARGS_SAMPLES.splitlines()
    return lines + templates.PARSE_ARGS_TAIL.splitlines()


def main_lines(plan: TrainingPlan, options: ScriptOptions, gpu: tuple) -> list[str]:
    lines = ["def main(argv=None):", f"{INDENT}args = parse_args(argv)",
             f"{INDENT}# The same initial weights, dropout masks and synthetic data on "
             "every run.",
             f"{INDENT}keras.utils.set_random_seed(SEED)"]
    lines += precision_main(gpu[0])
    if gpu[1]:
        lines.append(f"{INDENT}report_slow_rnns()")
    lines += (templates.MAIN_FIXED_BATCH if plan.fixed_batch else
              templates.MAIN_DEVICES).splitlines()
    lines += templates.MAIN_MODEL.splitlines()
    lines.append(f"{INDENT}x, y = make_synthetic_data(args.samples)" if options.synthetic
                 else f"{INDENT}x, y = load_data()")
    lines += templates.MAIN_FIT.splitlines()
    if plan.stateful:
        lines.append(f"{INDENT}callbacks.append(ResetRNNStates())")
        lines.append(f"{INDENT}# A stateful RNN needs its batches in order: no shuffling.")
    lines += _fit_lines(plan, options)
    return lines + templates.MAIN_END.splitlines()


def _fit_lines(plan: TrainingPlan, options: ScriptOptions) -> list[str]:
    """model.fit(...): on the arrays (synthetic ones are in memory), or on what
    input_pipeline() makes of the memory-mapped data files."""
    if options.synthetic:
        lines = templates.PREFETCH_COMMENT.splitlines()
        data = [f"{INDENT * 2}x_train,", f"{INDENT * 2}y_train,",
                f"{INDENT * 2}batch_size=global_batch,"]
    else:
        lines = templates.PIPELINE_COMMENT.splitlines()
        data = [f"{INDENT * 2}**input_pipeline((x_train, y_train), validation, global_batch, "
                f"shuffle={plan.shuffle!r}),"]
    lines += [f"{INDENT}model.fit(", *data, f"{INDENT * 2}epochs=args.epochs,"]
    if options.synthetic:
        lines += [f"{INDENT * 2}validation_data=validation,",
                  f"{INDENT * 2}shuffle={plan.shuffle!r},"]
    return lines + [f"{INDENT * 2}callbacks=callbacks,", f"{INDENT * 2}verbose=2,",
                    f"{INDENT})"]


def training_script(inferred: InferredModel, options: ScriptOptions) -> str:
    """The whole script as text; raises ExportError for anything it cannot write safely."""
    check_options(options)
    model = inferred.model
    plan = make_plan(inferred, epochs=options.epochs, batch_size=options.batch_size,
                     synthetic=options.synthetic)
    precision = choose_precision(model, options.mixed_precision)
    slow = slow_rnns(inferred)
    steps = steps_per_execution(inferred.total_params,
                                model.compile.values if model.compile else {})
    try:
        compile_lines = compile_function(model, plan, precision.mixed, steps)
    except ExportError as problem:
        raise problem.located(model.compile.position if model.compile else None,
                              "compile") from None
    try:
        data_lines = synthetic_function(plan, {i.name: tuple(i.shape) for i in model.inputs}) \
            if options.synthetic else LOAD_ARRAY.splitlines() + ["", ""] + load_function(plan)
    except ExportError as problem:
        raise problem.located(model.data.position if model.data else None, "data") from None
    sections = [
        templates.HEADER.replace("{backend}", quoted(options.backend)).splitlines(),
        settings_lines(inferred, plan, options, (precision, slow)),
        parse_args_lines(plan, options),
        FIND_GPUS.splitlines() if precision.policy == "auto" else [],
        REPORT_RNNS.splitlines() if slow else [],
        templates.USE_ALL_DEVICES.splitlines() if not plan.fixed_batch else [],
        build_model_function(inferred, precision.mixed, rnn_notes(slow)),
        compile_lines,
        data_lines,
        templates.SPLIT_VALIDATION.splitlines(),
        [] if options.synthetic else INPUT_PIPELINE.splitlines(),
        templates.RESET_STATES.splitlines() if plan.stateful else [],
        templates.WRITE_LAYER_TABLE.splitlines(),
        main_lines(plan, options, (precision, slow)),
    ]
    text = "\n\n\n".join("\n".join(section).rstrip("\n") for section in sections if section)
    text += "\n"
    try:
        ast.parse(text)  # a bug in this package must never reach a user as broken code
    except SyntaxError as error:
        raise ExportError(f"internal error: the generated script does not parse ({error.msg}, "
                          f"line {error.lineno}); please report this with the model file") \
            from None
    return text
