"""The math: activations, losses, the network and graph passes, checks and training.

Nothing here prints, rounds for display, exits or imports typer, rich or yaml."""
