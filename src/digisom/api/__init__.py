"""The REST API (FastAPI, OpenAPI at /docs): one router per area under `routes/`."""
