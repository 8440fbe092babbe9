"""Variants of a template: what varies (`Vary` and its rules), per-student seeds, drawing good
and distinct variants (`draw_all`), and why a draw is not a good exercise (`problems`).

    template + Vary --draw_all(keys, seed, decimals)--> [Variant(id, key, seed, hash, exercise)]

Pure numpy: io/vary.py reads a template's `vary:` section, io/variants.py writes variant specs.
"""

from __future__ import annotations

from backcalc.core.variants.draw import ATTEMPTS, Variant, VariantError, draw, draw_all
from backcalc.core.variants.problems import CODES, Problem, problems
from backcalc.core.variants.rules import FIXED, Choice, Fixed, LayerVary, Range, Rule, Vary
from backcalc.core.variants.seeds import numbers_hash, student_seed

__all__ = [
    "ATTEMPTS",
    "CODES",
    "FIXED",
    "Choice",
    "Fixed",
    "LayerVary",
    "Problem",
    "Range",
    "Rule",
    "Variant",
    "VariantError",
    "Vary",
    "draw",
    "draw_all",
    "numbers_hash",
    "problems",
    "student_seed",
]
