"""Tutor plugin that installs the NatAlli XBlocks (and the content they read) into the openedx image."""

__version__ = "0.1.0"
