"""The demo: a small database of documentation addresses, its readable source and its build script."""
