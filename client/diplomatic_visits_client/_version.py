"""The client's version (its distribution's, diplomatic-visits-client)."""

__version__ = "0.1.0"
