"""doclint: checks that a service's markdown docs match its machine-readable sources."""

__version__ = "0.1.0"
