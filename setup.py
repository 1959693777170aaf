"""Builds the ledger's native extensions (everything else is in pyproject.toml).

digisom.ledger._engine: the account table, the balance log replay and the transfer engine.
digisom.storage._sqlite_batch: SQL functions that write a batch's rows on SQLite's own side; it
links the system's libsqlite3, the library Python's sqlite3 module uses (see docs/ledger.md).
"""

from setuptools import Extension, setup

NATIVE = "src/digisom/_native"
CFLAGS = ["-O2", "-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter",
          "-Wno-missing-field-initializers", "-Wno-cast-function-type"]

setup(
    ext_modules=[
        Extension(
            "digisom.ledger._engine",
            sources=[f"{NATIVE}/engine_module.c"],
            depends=[f"{NATIVE}/{h}" for h in
                     ("u128.h", "idmap.h", "accounts.h", "balance_map.h", "record.h",
                      "engine.h", "index_entries.h", "siphash.h", "index_module.h")],
            extra_compile_args=CFLAGS,
        ),
        Extension(
            "digisom.storage._sqlite_batch",
            sources=[f"{NATIVE}/sqlite_batch_module.c"],
            depends=[f"{NATIVE}/{h}" for h in ("u128.h", "record.h", "index_entries.h")],
            libraries=["sqlite3"],
            extra_compile_args=CFLAGS,
        ),
    ],
)
