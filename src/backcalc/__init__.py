"""backcalc: a backprop calculator that shows every intermediate of the forward and backward pass."""

__version__ = "0.1.0"
