"""Proof of liabilities: the Merkle sum tree of docs/proof-of-liabilities.md and its proofs.

Modules: `limits` (every bound), `hashing` (the spec's hash rules, readable), `tree` (the fast
level-by-level builder), `proof` (the JSON model the builder emits), `verify` (an independent
verifier written from the spec alone, sharing no code with the builder), `holders` (CSV input and
proof file names), `publish` (writing a snapshot directory), `signing` (the issuer's signature over
the canonical root).
"""
