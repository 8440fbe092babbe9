"""The terminal format: each kind of result as rich renderables (matrices in brackets, report
tables), laid out for the terminal's width. The only place besides the CLI that uses rich."""

from backcalc.render.terminal.check import answers, check
from backcalc.render.terminal.graph import graph
from backcalc.render.terminal.network import network
from backcalc.render.terminal.train import train

__all__ = ["answers", "check", "graph", "network", "train"]
