"""carepath: adult social care pathways in England, simulated on Mesa 3.5."""

__version__ = "0.1.0"
