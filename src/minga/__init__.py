"""Minga: the coordination platform of the Quito Process."""

__version__ = "0.1.0"
