"""The embedded chain of `digisom serve`: a local anvil node, the tokens, and the bridge loop.

With the embedded default a new user needs no setup: the server starts anvil from the project's
own npm install, keeping its state under the data directory across restarts, deploys KGST and
DSOM on first start (recording them as bridge tokens, which creates their escrow accounts), and
runs the relayer, the indexer and the reconciler in a background thread.
"""

import logging
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from digisom.bridge.indexer import Indexer
from digisom.bridge.reconciler import reconcile
from digisom.bridge.relayer import Relayer
from digisom.bridge.screening import BlocklistScreen
from digisom.bridge.service import BridgeService
from digisom.chain.anvil import Anvil, AnvilConfig
from digisom.chain.client import connect
from digisom.chain.deploy import DSOM_DEFAULT, KGST_DEFAULT, deploy_tokens
from digisom.chain.keys import load_signer
from digisom.chain.profiles import LOCAL_CHAIN_ID, resolve_profile
from digisom.compliance.bridge_screen import SanctionsAddressScreen
from digisom.errors import ConfigurationError
from digisom.storage.factory import open_store
from digisom.storage.urls import DatabaseUrl

log = logging.getLogger("digisom.chain")

BRIDGE_INTERVAL_S = 2.0
"""Pause between rounds of relayer, indexer and reconciler."""
SCREEN_RELOAD_S = 600.0
"""How often the bridge loop re-reads the sanctions lists from the database."""
LOCAL_CONFIRMATIONS = 1
"""anvil mines a block per transaction and never reorganises by itself: one block suffices."""


@dataclass
class LocalChain:
    """A running local chain and the thread that bridges it to the ledger."""

    anvil: Anvil
    kgst: str
    dsom: str
    deployed_now: bool
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    @property
    def rpc_url(self) -> str:
        return self.anvil.rpc_url

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=BRIDGE_INTERVAL_S * 5)
        self.anvil.stop()


def start_local_chain(url: DatabaseUrl, state_dir: Path, *, bridge: bool = True) -> LocalChain:
    """Start anvil with its state in `state_dir`; deploy the tokens unless already recorded."""
    anvil = Anvil(AnvilConfig(state_dir=state_dir)).start()
    try:
        w3 = connect(anvil.rpc_url, LOCAL_CHAIN_ID)
        signer = load_signer(resolve_profile("local", anvil.rpc_url))
        store = open_store(url)
        try:
            service = BridgeService(store, BlocklistScreen(), LOCAL_CHAIN_ID)
            tokens = {t.symbol: t for t in service.repository.tokens(LOCAL_CHAIN_ID)}
            deployed_now = not tokens
            if deployed_now:
                deployment = deploy_tokens(w3, signer)
                service.register_token(
                    "KGST", deployment.kgst, KGST_DEFAULT.decimals, deployment.block_number
                )
                service.register_token(
                    "DSOM", deployment.dsom, DSOM_DEFAULT.decimals, deployment.block_number
                )
                tokens = {t.symbol: t for t in service.repository.tokens(LOCAL_CHAIN_ID)}
            for token in tokens.values():
                if not w3.eth.get_code(w3.to_checksum_address(token.address)):
                    raise ConfigurationError(
                        f"the local chain in {state_dir} has no {token.symbol} contract at "
                        f"{token.address}, which the database records: the chain state was "
                        "lost. Use a fresh data directory, or restore both together."
                    )
        finally:
            store.close()
        chain = LocalChain(anvil, tokens["KGST"].address, tokens["DSOM"].address, deployed_now)
    except BaseException:
        anvil.stop()
        raise
    if bridge:
        chain._thread = threading.Thread(
            target=_bridge_loop, args=(chain, url, w3, signer), name="bridge", daemon=True
        )
        chain._thread.start()
    return chain


def _bridge_loop(chain: LocalChain, url: DatabaseUrl, w3: Any, signer: Any) -> None:
    """Relay, index and reconcile until stopped; a failed round is logged and retried."""
    store = open_store(url, migrate=False)
    confirmations = LOCAL_CONFIRMATIONS
    try:
        relayer = Relayer(store, w3, signer, confirmations)
        screen = SanctionsAddressScreen.load(store)
        log.info("bridge screening against %s sanctioned addresses", len(screen))
        indexer = Indexer(store, w3, signer.address, screen, confirmations)
        loaded_at = time.monotonic()
        while not chain._stop.wait(BRIDGE_INTERVAL_S):
            try:
                if time.monotonic() - loaded_at > SCREEN_RELOAD_S:
                    # A list loaded since (digisom compliance lists load) takes effect here.
                    indexer.screen = SanctionsAddressScreen.load(store)
                    loaded_at = time.monotonic()
                relayer.step()
                indexer.step()
                for result in reconcile(store, w3):
                    if not result.ok:
                        log.error("supply gap on %s: %s units", result.symbol, result.gap_units)
            except Exception:
                log.exception("bridge round failed; retrying in %s s", BRIDGE_INTERVAL_S)
    finally:
        store.close()
