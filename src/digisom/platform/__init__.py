"""The digital som platform: participants, wallets and tiers, payments, government programmes and
issuance, all expressed as accounts and transfers of the sovereign ledger (see docs/platform.md).
"""
