"""Keeping the accelerator busy: how fit() gets its batches, and how many steps it runs
per call into the compiled training function.

`data:` arrays in .npy files are memory-mapped (data_code.LOAD_ARRAY). When they
are larger than the machine's memory can hold beside the model, the script does
not let fit() gather shuffled samples from disk: a keras.utils.PyDataset reads
each batch as one contiguous slice, in a shuffled batch order, on worker threads
while the device trains (it works on every backend; tf.data would tie the script
to TensorFlow). Small models get `steps_per_execution`, so the Python loop and the
callbacks run once per several steps instead of every step.
"""

from __future__ import annotations

# Below this many parameters a training step is short enough that the per-step work
# outside it (Python, callbacks, moving logs off the device) shows; 16 steps a call
# hide it, at the price of callbacks' on_batch hooks running every 16 batches.
SMALL_MODEL_PARAMS = 1_000_000
STEPS_PER_EXECUTION = 16


def steps_per_execution(total_params: int, compile_values: dict) -> int | None:
    """The value the script passes to compile(), unless the file sets its own."""
    if "steps_per_execution" in compile_values or total_params >= SMALL_MODEL_PARAMS:
        return None
    return STEPS_PER_EXECUTION


STEPS_COMMENT = (f"A small model (under {SMALL_MODEL_PARAMS:,} parameters): "
                 f"{STEPS_PER_EXECUTION} training steps per call into the compiled "
                 "function, so Python and the callbacks do not leave the device idle "
                 "between steps.")

JIT_COMMENT = ("jit_compile stays at Keras's default (XLA on JAX and TensorFlow), "
               "which fuses each training step into a few GPU kernels.")
NO_JIT_COMMENT = ("The model file turns XLA off (jit_compile): expect slower steps on a "
                  "GPU.")

INPUT_PIPELINE = '''\
def physical_memory():
    """The machine's memory in bytes (None where the system does not say)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):
        return None


def larger_than_memory(arrays):
    """Whether the memory-mapped arrays need more than half the memory (the model, the
    framework and the system need the rest)."""
    memory = physical_memory()
    on_disk = sum(array.nbytes for array in keras.tree.flatten(arrays)
                  if isinstance(array, np.memmap))
    return memory is not None and on_disk > memory // 2


class MemmapBatches(keras.utils.PyDataset):
    """Batches read from memory-mapped arrays, for data larger than memory.

    Each batch is one contiguous slice of the files (a sequential read); shuffling
    changes the order of the batches each epoch, not the samples within them. Worker
    threads read the next batches while the device trains on this one.
    """

    def __init__(self, x, y, batch_size, shuffle):
        super().__init__(workers=4, use_multiprocessing=False, max_queue_size=8)
        self.x, self.y, self.batch_size, self.shuffle = x, y, batch_size, shuffle
        self.order = np.arange(len(keras.tree.flatten(x)[0]) // batch_size)
        self.rng = np.random.default_rng(SEED)
        self.on_epoch_end()

    def __len__(self):
        return len(self.order)

    def __getitem__(self, index):
        start = int(self.order[index]) * self.batch_size

        def take(array):
            return np.asarray(array[start:start + self.batch_size])

        return keras.tree.map_structure(take, self.x), keras.tree.map_structure(take, self.y)

    def on_epoch_end(self):
        if self.shuffle:
            self.rng.shuffle(self.order)


def input_pipeline(train, validation, batch_size, shuffle):
    """fit()'s data arguments: the arrays themselves, or batches streamed from the
    memory-mapped files when they are larger than memory."""
    if not larger_than_memory((train, validation)):
        x, y = train
        return {"x": x, "y": y, "batch_size": batch_size, "shuffle": shuffle,
                "validation_data": validation}
    print("The data files are larger than memory: streaming batches from them "
          "(MemmapBatches, a keras.utils.PyDataset)")
    return {"x": MemmapBatches(*train, batch_size, shuffle),
            "validation_data": MemmapBatches(*validation, batch_size, False)
            if validation else None}
'''
