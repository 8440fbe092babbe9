"""Renderers: each turns a Trace into text in one format. Numbers are formatted in `numbers`."""
