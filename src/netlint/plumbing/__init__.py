"""Shared plumbing, no stage of its own: records (a measured stand-in for dataclasses),
paths, atomic output files, count formatting and the worker pool."""
