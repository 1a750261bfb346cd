"""The fixed parts of the training script: text with no value from the model file in it.

Everything that depends on the model is written by the other modules of
this package through the emitter; what is here is the same for every model.
"""

HEADER = '''\
"""Train a model exported by `netlint export` with Keras 3.

The model file it came from is MODEL_FILE below. Edit this script freely, or
re-export after changing the model file so the two never drift apart.
Run it with --help for the options.
"""

import argparse
import json
import os

# Keras reads the backend when it is first imported, so it is chosen before the import;
# a KERAS_BACKEND already set in the environment wins.
os.environ.setdefault("KERAS_BACKEND", {backend})

import keras  # noqa: E402  (imported after the backend is chosen)
import numpy as np  # noqa: E402
'''

BATCH_COMMENT = '''\
# Per device. Multiples of 8 let the matrix units of recent GPUs (tensor cores) run full
# tiles under float16/bfloat16; with several devices the global batch is this times the
# number of devices.'''

FIXED_BATCH_COMMENT = '''\
# Fixed by the model input (a stateful RNN keeps one state per sample in the batch).'''

USE_ALL_DEVICES = '''\
def use_all_devices(batch_size):
    """Train data-parallel when several accelerators are visible; return the global batch.

    DataParallel keeps a full copy of the weights on every device and splits each
    batch across them, so the global batch is the per-device batch times the number
    of devices. In Keras 3.15 keras.distribution works on the JAX backend; on one
    device, a CPU, or another backend the model trains normally.
    """
    if keras.backend.backend() != "jax":
        print(f"Training on the {keras.backend.backend()} backend's default device, "
              f"batch {batch_size} (keras.distribution needs JAX here)")
        return batch_size
    devices = keras.distribution.list_devices()
    if len(devices) > 1:
        keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
        global_batch = batch_size * len(devices)
        print(
            f"Data-parallel training with keras.distribution.DataParallel on {len(devices)} "
            f"devices: global batch {global_batch} = {batch_size} per device x {len(devices)}"
        )
        return global_batch
    print(f"Training on one device ({devices[0] if devices else 'default'}), batch {batch_size}")
    return batch_size
'''

SPLIT_VALIDATION = '''\
def split_validation(x, y, fraction, batch_size):
    """Hold out the last `fraction` of the samples, as fit(validation_split=...) would.

    Both parts keep whole batches only (the remainder is dropped). XLA compiles the
    training step once per input shape, so a smaller last batch would cost a second
    compilation; a batch split across devices must divide evenly; and a model with a
    fixed batch size accepts nothing else.
    """
    count = len(keras.tree.flatten(x)[0])
    held_out = -(-int(count * fraction) // batch_size) * batch_size
    kept = (count - held_out) // batch_size * batch_size
    if kept == 0:
        raise SystemExit(f"{count} samples are too few for batches of {batch_size} with "
                         f"{fraction:.0%} held out for validation; use more samples or a "
                         "smaller batch")

    def part(data, start, stop):
        return keras.tree.map_structure(lambda array: array[start:stop], data)

    train = (part(x, 0, kept), part(y, 0, kept))
    validation = (part(x, count - held_out, count), part(y, count - held_out, count))
    return train, validation if held_out else None
'''

RESET_STATES = '''\
class ResetRNNStates(keras.callbacks.Callback):
    """Start every epoch with fresh RNN states.

    A stateful RNN carries each sample's state over to the same row of the next
    batch; that is what it is for within an epoch, but a new epoch starts the
    sequences from their beginning again.
    """

    def on_epoch_begin(self, epoch, logs=None):
        for layer in self.model.layers:
            if getattr(layer, "stateful", False) and hasattr(layer, "reset_state"):
                layer.reset_state()
'''

WRITE_LAYER_TABLE = '''\
def write_layer_table(model, path):
    """Each layer's name, class, output shape(s) and parameter counts, as JSON.

    Compare it with `netlint summary --format json` on the model file: they agree.
    """
    layers = []
    for layer in model.layers:
        shapes = [list(tensor.shape) for tensor in keras.tree.flatten(layer.output)]
        total = sum(int(np.prod(weight.shape)) for weight in layer.weights)
        # by each weight's own flag, as model.summary() counts and fit trains: a layer's
        # trainable_weights is empty when the layer says trainable=False, even where
        # its weights are made by a layer inside it and still train (an RNN's cell)
        trainable = sum(int(np.prod(weight.shape)) for weight in layer.weights
                        if weight.trainable)
        layers.append({
            "name": layer.name,
            "class": layer.__class__.__name__,
            "output_shape": shapes[0] if len(shapes) == 1 else shapes,
            "params": total,
            "trainable_params": trainable,
            "non_trainable_params": total - trainable,
        })
    with open(path, "w", encoding="utf-8") as handle:
        json.dump({"name": model.name, "layers": layers}, handle, indent=2)
'''

PARSE_ARGS_HEAD = '''\
def parse_args(argv=None):
    parser = argparse.ArgumentParser(description="Train the model exported by netlint.")
    parser.add_argument("--epochs", type=int, default=EPOCHS, help="passes over the data")'''

PARSE_ARGS_BATCH = '''\
    parser.add_argument("--batch-size", type=int, default=BATCH_SIZE,
                        help="samples per batch on each device")'''

PARSE_ARGS_SAMPLES = '''\
    parser.add_argument("--samples", type=int, default=NUM_SAMPLES,
                        help="how many synthetic samples to make")'''

PARSE_ARGS_TAIL = '''\
    parser.add_argument("--summary-json", metavar="PATH",
                        help="write each layer's output shape and parameter count as JSON")
    return parser.parse_args(argv)
'''

MAIN_DEVICES = '''\
    global_batch = use_all_devices(args.batch_size)'''

MAIN_FIXED_BATCH = '''\
    # The model's fixed batch size rules out splitting batches across devices.
    global_batch = BATCH_SIZE'''

MAIN_MODEL = '''\
    model = build_model()
    model.summary()
    if args.summary_json:
        write_layer_table(model, args.summary_json)
    compile_model(model)'''

MAIN_FIT = '''\
    (x_train, y_train), validation = split_validation(x, y, VALIDATION_SPLIT, global_batch)
    callbacks = [
        # keeps the best model so far on disk, in case a run is cut short
        keras.callbacks.ModelCheckpoint("model.best.keras", monitor=MONITOR, save_best_only=True),
        # stops when the monitored loss has not improved for 5 epochs, with the best weights
        keras.callbacks.EarlyStopping(monitor=MONITOR, patience=5, restore_best_weights=True),
    ]'''

PREFETCH_COMMENT = '''\
    # The arrays are in memory, so fit() slices batches from them
    # directly: a tf.data pipeline or a keras.utils.PyDataset adds nothing here. Reach for
    # PyDataset(workers=..., use_multiprocessing=...) when making a batch takes real work
    # (decoding files, augmentation), so that it overlaps with the training step.'''

PIPELINE_COMMENT = '''\
    # input_pipeline() hands fit() the arrays, or, when the memory-mapped .npy files are
    # larger than memory, a keras.utils.PyDataset that reads whole batches from them on
    # worker threads while the device trains.'''

MAIN_END = '''\
    model.save("model.keras")
    print("Saved the trained model to model.keras")


if __name__ == "__main__":
    main()
'''
