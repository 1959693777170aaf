"""Options shared by every command that touches the database."""

from typing import Annotated

import typer

DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="sqlite:///PATH or postgresql://USER@HOST/DB "
        "(default: $DIGISOM_DATABASE_URL, else ./digisom-data/digisom.sqlite3)",
    ),
]
