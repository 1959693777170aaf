"""digisom: a sovereign platform for a national digital currency, built first for the Kyrgyz som.

The package is layered top to bottom (api, web, cli -> services -> ledger, audit -> storage);
nothing below imports from above. See docs/architecture.md.
"""

__version__ = "0.1.0"
