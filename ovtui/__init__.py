"""ovtui: a terminal UI and headless CLI for oVirt / RHV engines."""

__version__ = "0.1.0"
