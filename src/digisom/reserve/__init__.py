"""The national reserve: holdings, valuation, and proofs that liabilities are fully counted."""
