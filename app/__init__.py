"""cunwu (村务): the Qt-free core of the village affairs program."""

__version__ = "0.1.0"
