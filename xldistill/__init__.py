"""xldistill: distil a translation teacher into a small, fast student, reproducibly."""

__version__ = "0.1.0"
