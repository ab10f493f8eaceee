"""Readers and writers for question-bank formats other than our own JSON."""
