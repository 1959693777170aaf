"""Compliance: sanctions lists, name and address screening.

The folder keeps a pure core (no database, no network): `lists` turns official list files into one
normalized record type, `screening` matches names against them and `addresses` blocks crypto
addresses. Persistence and scheduling belong to the services that call this core.
"""
