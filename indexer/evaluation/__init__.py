"""Measurements of the pipeline against hand-checked evaluation sets."""
