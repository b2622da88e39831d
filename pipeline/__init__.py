"""Chinese newspaper pages in, clean entity tables out."""

__version__ = "0.1.0"
