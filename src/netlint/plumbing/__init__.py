"""Shared plumbing, no stage of its own: records (a measured stand-in for dataclasses),
atomic output files, count formatting and the worker pool."""
