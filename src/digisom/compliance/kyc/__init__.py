"""The KYC vault: personal data, encrypted at rest, read only with a purpose and a legal basis.

model.py (the record), crypto.py (envelope encryption and the key-service seam), policy.py and
policy.yaml (retention, erasure and purposes as data), vault.py (storage and audited reads).
"""
