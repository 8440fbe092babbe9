"""backcalc: a backprop calculator showing every intermediate of the forward and backward pass."""

__version__ = "0.1.0"
