"""The chain layer: the KGST and DSOM contracts' artifacts, a managed local anvil, network
profiles, deployment and bytecode verification.

Nothing here compiles Solidity: the artifacts under `artifacts/` are built by `contracts/build.js`
and committed, so a user of the package needs neither node nor solc (see docs/chain.md).
"""
