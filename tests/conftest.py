"""Test set-up shared by every test: Keras runs on its numpy backend, quietly."""

import os
import sys
from pathlib import Path

os.environ.setdefault("KERAS_BACKEND", "numpy")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
