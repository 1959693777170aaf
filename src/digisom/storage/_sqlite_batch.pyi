"""Types of the native module built from src/digisom/_native/sqlite_batch_module.c."""

BATCH_ABI: int
SQLITE_VERSION: str
