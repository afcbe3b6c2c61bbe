"""The shared action layer: one Action per verb, used by the CLI and the TUI (never textual)."""
