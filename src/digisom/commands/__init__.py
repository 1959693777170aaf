"""The `digisom` command's groups, one module per area, each exposing a `typer.Typer` named `app`.

`digisom.cli` mounts them; a module here only parses arguments, calls a service and prints.
"""
