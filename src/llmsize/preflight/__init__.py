"""Pre-flight: read a real launch command or training config and run the same pipeline on it.

`launch` splits a command line into the tool and its arguments; `serving_flags` and
`training_config` turn each tool's own option names, aliases and defaults into one `Setup`;
`check` runs resolve -> estimate -> fit on that setup and searches the smallest changes that
make it fit. Nothing here executes or follows anything a user gave: commands and configs are data.
"""
