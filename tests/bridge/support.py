"""A bridge wired to a real anvil and a real database, with helpers to drive it in tests."""

from dataclasses import dataclass
from typing import Any

from web3 import Web3

from digisom.bridge.indexer import Indexer
from digisom.bridge.model import IssueRequest, IssueResult, Token
from digisom.bridge.relayer import Relayer
from digisom.bridge.screening import BlocklistScreen
from digisom.bridge.service import BridgeService
from digisom.chain.artifacts import load_artifact
from digisom.chain.deploy import Deployment
from digisom.ledger.model import Account, AccountFlags, AccountState, Transfer
from digisom.ledger.service import Ledger
from digisom.storage.base import LedgerStore

KGS = 417
CONFIRMATIONS = 2
CENTRAL_BANK = 1
BANK = 2
ALICE_ACCOUNT = 3
BANK_FUNDS_MINOR = 10**12
SETTLE_ROUNDS_MAX = 20
BLOCKED = "0x000000000000000000000000000000000000dEaD"


def kgst_of(w3: Web3, deployment: Deployment) -> Any:
    return w3.eth.contract(address=deployment.kgst, abi=load_artifact("KGST").abi)


def dsom_of(w3: Web3, deployment: Deployment) -> Any:
    return w3.eth.contract(address=deployment.dsom, abi=load_artifact("DSOM").abi)


def holders(w3: Web3) -> list[str]:
    """anvil's unlocked development accounts 1..3 (alice, bob, carol)."""
    return [str(a) for a in w3.eth.accounts[1:4]]


def mine(w3: Web3, blocks: int) -> None:
    w3.provider.make_request("anvil_mine", [hex(blocks)])  # type: ignore[arg-type]


@dataclass
class BridgeHarness:
    db_url: str
    store: LedgerStore
    w3: Web3
    signer: Any
    deployment: Deployment
    service: BridgeService
    ledger: Ledger
    kgst: Token
    dsom: Token
    screen: BlocklistScreen

    @classmethod
    def create(
        cls, db_url: str, store: LedgerStore, w3: Web3, signer: Any, deployment: Deployment
    ) -> "BridgeHarness":
        screen = BlocklistScreen([BLOCKED])
        service = BridgeService(store, screen, int(w3.eth.chain_id))
        kgst = service.register_token("KGST", deployment.kgst, 18, deployment.block_number)
        dsom = service.register_token("DSOM", deployment.dsom, 2, deployment.block_number)
        ledger = Ledger(store)
        results = ledger.create_accounts(
            [
                Account(CENTRAL_BANK, KGS, 1),
                Account(BANK, KGS, 2, flags=AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS),
                Account(ALICE_ACCOUNT, KGS, 3, flags=AccountFlags.DEBITS_MUST_NOT_EXCEED_CREDITS),
            ]
        ).results
        assert results == ["ok", "ok", "ok"]
        funding = Transfer(1, CENTRAL_BANK, BANK, BANK_FUNDS_MINOR, KGS, 1)
        assert ledger.create_transfers([funding]).results == ["ok"]
        return cls(db_url, store, w3, signer, deployment, service, ledger, kgst, dsom, screen)

    @property
    def alice(self) -> str:
        return holders(self.w3)[0]

    def relayer(self) -> Relayer:
        return Relayer(self.store, self.w3, self.signer, CONFIRMATIONS)

    def indexer(self) -> Indexer:
        return Indexer(self.store, self.w3, self.signer.address, self.screen, CONFIRMATIONS)

    def issue(self, key: str, amount_minor: int, symbol: str = "KGST", to: str = "") -> IssueResult:
        request = IssueRequest(key, symbol, BANK, to or self.alice, amount_minor)
        return self.service.issue(request)

    def account(self, account_id: int) -> AccountState:
        state = Ledger(self.store).get_account(account_id)
        assert state is not None
        return state

    def escrow(self, token: Token) -> AccountState:
        return self.account(token.escrow_account_id)

    def contract(self, token: Token) -> Any:
        return self.w3.eth.contract(address=token.address, abi=load_artifact("KGST").abi)

    def supply(self, token: Token) -> int:
        return int(self.contract(token).functions.totalSupply().call())

    def settle(self) -> None:
        """Step relayer and indexer, mining blocks, until nothing is queued or in flight."""
        relayer, indexer = self.relayer(), self.indexer()
        for _ in range(SETTLE_ROUNDS_MAX):
            relayer.step()
            indexer.step()
            operations = self.store._query(
                "SELECT COUNT(*) FROM bridge_operations WHERE status NOT IN ('confirmed', 'failed')"
            )[0][0]
            events = self.store._query("SELECT COUNT(*) FROM bridge_events WHERE status = 'seen'")[
                0
            ][0]
            open_rows = operations + events
            if open_rows == 0:
                return
            mine(self.w3, 1)
        raise AssertionError("the bridge did not settle")

    def redeem_on_chain(self, token: Token, holder: str, units: int) -> Any:
        """`holder` sends tokens to the redemption address (the bridge's key)."""
        call = self.contract(token).functions.transfer(self.signer.address, units)
        tx_hash = call.transact({"from": holder})
        return self.w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.01)
