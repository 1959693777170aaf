"""A local HTTP server replaying recorded Binance answers, and the mock Chainlink aggregator."""

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from web3 import Web3

FIXTURES = Path(__file__).parent / "fixtures"


@contextmanager
def recorded_binance(overrides: dict[str, tuple[int, bytes]] | None = None) -> Iterator[str]:
    """Serve `fixtures/binance_ticker.json` on 127.0.0.1; yields the base URL."""
    answers = json.loads((FIXTURES / "binance_ticker.json").read_text())
    special = overrides or {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            url = urlparse(self.path)
            symbol = parse_qs(url.query).get("symbol", [""])[0]
            if symbol in special:
                status, body = special[symbol]
            elif url.path == "/api/v3/ticker/price" and symbol in answers:
                status, body = 200, json.dumps(answers[symbol]).encode()
            else:
                status, body = 400, b'{"code":-1121,"msg":"Invalid symbol."}'
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def deploy_mock_aggregator(w3: Web3, decimals: int, answer: int, updated_at: int) -> str:
    """Deploy `fixtures/MockAggregator.sol` (compiled with the pinned solc 0.8.30)."""
    compiled = json.loads((FIXTURES / "MockAggregator.json").read_text())
    contract = w3.eth.contract(abi=compiled["abi"], bytecode=compiled["bytecode"])
    tx_hash = contract.constructor(decimals, answer, updated_at).transact(
        {"from": w3.eth.accounts[0]}
    )
    receipt = w3.eth.wait_for_transaction_receipt(tx_hash, timeout=30, poll_latency=0.01)
    assert receipt["status"] == 1
    return str(receipt["contractAddress"])
