"""KGST minting and burning: minter allowances, the reserve cap and its staleness, rate limits,
and seizure of blacklisted balances."""

from typing import Any

from tests.chain.support import (
    MINTER_ALLOWANCE_DEFAULT,
    RESERVES_DEFAULT,
    STARTING_BALANCE,
    UNIT,
    Chain,
)

ZERO = "0x0000000000000000000000000000000000000000"
DAY_S = 86_400
CASE_REF = b"FIU-2025-0042".ljust(32, b"\x00")


def test_mint_lowers_the_minter_allowance(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    minter, carol = accounts["minter"], accounts["carol"]
    before = kgst.functions.minterAllowance(minter).call()
    assert before == MINTER_ALLOWANCE_DEFAULT - 3 * STARTING_BALANCE
    receipt = chain.send(kgst.functions.mint(carol, 7 * UNIT), minter)
    (event,) = chain.events(kgst, "Mint", receipt)
    assert (event.args.minter, event.args.to, event.args.amount) == (minter, carol, 7 * UNIT)
    assert kgst.functions.minterAllowance(minter).call() == before - 7 * UNIT
    assert kgst.functions.balanceOf(carol).call() == 7 * UNIT


def test_mint_within_allowance_only(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    admin, minter, carol = accounts["admin"], accounts["minter"], accounts["carol"]
    chain.send(kgst.functions.configureMinter(minter, 10), admin)
    chain.reverts(
        kgst, "MinterAllowanceExceeded", kgst.functions.mint(carol, 11), minter, minter, 10, 11
    )
    chain.send(kgst.functions.mint(carol, 10), minter)
    chain.reverts(kgst, "MinterAllowanceExceeded", kgst.functions.mint(carol, 1), minter)


def test_mint_refuses_zero_amount_and_zero_address(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    minter, carol = accounts["minter"], accounts["carol"]
    chain.reverts(kgst, "ZeroAmount", kgst.functions.mint(carol, 0), minter)
    chain.reverts(kgst, "ZeroAddress", kgst.functions.mint(ZERO, 1), minter)


def test_removed_minter_cannot_mint(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    admin, minter, carol = accounts["admin"], accounts["minter"], accounts["carol"]
    assert kgst.functions.isMinter(minter).call() is True
    receipt = chain.send(kgst.functions.removeMinter(minter), admin)
    assert len(chain.events(kgst, "MinterRemoved", receipt)) == 1
    assert kgst.functions.isMinter(minter).call() is False
    assert kgst.functions.minterAllowance(minter).call() == 0
    chain.reverts(kgst, "CallerNotMinter", kgst.functions.mint(carol, 1), minter, minter)


def test_burn_takes_the_minters_own_balance(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    minter, alice = accounts["minter"], accounts["alice"]
    chain.send(kgst.functions.transfer(minter, 10 * UNIT), alice)
    supply = kgst.functions.totalSupply().call()
    receipt = chain.send(kgst.functions.burn(4 * UNIT), minter)
    (event,) = chain.events(kgst, "Burn", receipt)
    assert (event.args.burner, event.args.amount) == (minter, 4 * UNIT)
    assert kgst.functions.balanceOf(minter).call() == 6 * UNIT
    assert kgst.functions.totalSupply().call() == supply - 4 * UNIT
    chain.reverts(
        kgst,
        "ERC20InsufficientBalance",
        kgst.functions.burn(7 * UNIT),
        minter,
        minter,
        6 * UNIT,
        7 * UNIT,
    )
    chain.reverts(kgst, "ZeroAmount", kgst.functions.burn(0), minter)


def test_reserve_cap(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    admin, minter, carol = accounts["admin"], accounts["minter"], accounts["carol"]
    supply = kgst.functions.totalSupply().call()
    receipt = chain.send(kgst.functions.reportReserves(supply + 100), admin)
    (event,) = chain.events(kgst, "ReservesReported", receipt)
    assert event.args.reserves == supply + 100
    assert kgst.functions.reserves().call() == supply + 100
    assert kgst.functions.reservesUpdatedAt().call() == chain.now()
    chain.reverts(
        kgst,
        "ReservesExceeded",
        kgst.functions.mint(carol, 101),
        minter,
        supply + 101,
        supply + 100,
    )
    chain.send(kgst.functions.mint(carol, 100), minter)  # exactly at the cap
    chain.reverts(kgst, "ReservesExceeded", kgst.functions.mint(carol, 1), minter)


def test_reserves_below_supply_stop_minting_not_transfers(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    admin, minter, alice, bob = (accounts[n] for n in ("admin", "minter", "alice", "bob"))
    chain.send(kgst.functions.reportReserves(0), admin)
    chain.reverts(kgst, "ReservesExceeded", kgst.functions.mint(bob, 1), minter)
    chain.send(kgst.functions.transfer(bob, 1), alice)


def test_stale_reserve_report_stops_minting(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    admin, minter, carol = accounts["admin"], accounts["minter"], accounts["carol"]
    max_age = kgst.functions.reserveMaxAge().call()
    assert max_age == DAY_S
    chain.travel(max_age - 60)
    chain.send(kgst.functions.mint(carol, 1), minter)
    chain.travel(61)
    updated_at = kgst.functions.reservesUpdatedAt().call()
    chain.reverts(kgst, "ReservesStale", kgst.functions.mint(carol, 1), minter, updated_at, max_age)
    chain.send(kgst.functions.reportReserves(RESERVES_DEFAULT), admin)
    chain.send(kgst.functions.mint(carol, 1), minter)


def test_reserve_max_age_is_bounded(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    admin = accounts["admin"]
    limit = kgst.functions.RESERVE_MAX_AGE_LIMIT().call()
    chain.reverts(kgst, "InvalidReserveMaxAge", kgst.functions.updateReserveMaxAge(0), admin, 0)
    chain.reverts(
        kgst,
        "InvalidReserveMaxAge",
        kgst.functions.updateReserveMaxAge(limit + 1),
        admin,
        limit + 1,
    )
    receipt = chain.send(kgst.functions.updateReserveMaxAge(3600), admin)
    assert len(chain.events(kgst, "ReserveMaxAgeChanged", receipt)) == 1
    assert kgst.functions.reserveMaxAge().call() == 3600


def test_rate_limit_bounds_and_refills(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    admin, minter, carol = accounts["admin"], accounts["minter"], accounts["carol"]
    capacity, refill = 100 * UNIT, UNIT
    receipt = chain.send(kgst.functions.configureMinterRateLimit(minter, capacity, refill), admin)
    assert len(chain.events(kgst, "MinterRateLimitConfigured", receipt)) == 1
    assert kgst.functions.minterRateLimit(minter).call() == [capacity, refill, capacity]
    chain.send(kgst.functions.mint(carol, capacity), minter)
    chain.reverts(
        kgst, "MinterRateLimitExceeded", kgst.functions.mint(carol, UNIT), minter, minter, 0, UNIT
    )
    chain.travel(10)  # ten seconds (or one more, as blocks tick): ten tokens refilled
    chain.send(kgst.functions.mint(carol, 10 * UNIT), minter)
    # Only a second or two have refilled since; the margin keeps the test clock-proof.
    chain.reverts(kgst, "MinterRateLimitExceeded", kgst.functions.mint(carol, 5 * UNIT), minter)
    chain.travel(DAY_S // 2)  # refill stops at capacity
    assert kgst.functions.minterRateLimit(minter).call()[2] == capacity
    chain.reverts(kgst, "MinterRateLimitExceeded", kgst.functions.mint(carol, capacity + 1), minter)


def test_rate_limit_removal_leaves_the_allowance(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    admin, minter, carol = accounts["admin"], accounts["minter"], accounts["carol"]
    chain.send(kgst.functions.configureMinterRateLimit(minter, UNIT, 0), admin)
    chain.reverts(kgst, "MinterRateLimitExceeded", kgst.functions.mint(carol, 2 * UNIT), minter)
    chain.send(kgst.functions.configureMinterRateLimit(minter, 0, 0), admin)
    assert kgst.functions.minterRateLimit(minter).call() == [0, 0, 0]
    chain.send(kgst.functions.mint(carol, 1000 * UNIT), minter)


def test_rate_limit_with_a_huge_refill_does_not_overflow(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    admin, minter, carol = accounts["admin"], accounts["minter"], accounts["carol"]
    chain.send(kgst.functions.configureMinterRateLimit(minter, UNIT, 2**256 - 1), admin)
    chain.send(kgst.functions.mint(carol, UNIT), minter)
    chain.travel(3600)  # elapsed * refill would overflow a naive bucket
    chain.send(kgst.functions.mint(carol, UNIT), minter)


def test_rate_limit_only_for_minters(chain: Chain, kgst: Any, accounts: dict[str, str]) -> None:
    admin, carol = accounts["admin"], accounts["carol"]
    chain.reverts(
        kgst, "NotMinter", kgst.functions.configureMinterRateLimit(carol, 1, 1), admin, carol
    )


def test_seize_moves_a_blacklisted_balance_to_custody(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    admin, mallory, custody = accounts["admin"], accounts["mallory"], accounts["custody"]
    chain.send(kgst.functions.blacklist(mallory), admin)
    chain.send(kgst.functions.pause(), admin)  # seizure works during an incident too
    receipt = chain.send(kgst.functions.seize(mallory, custody, CASE_REF), admin)
    (event,) = chain.events(kgst, "Seized", receipt)
    assert (event.args["from"], event.args.to) == (mallory, custody)
    assert (event.args.amount, event.args.caseRef) == (STARTING_BALANCE, CASE_REF)
    assert kgst.functions.balanceOf(mallory).call() == 0
    assert kgst.functions.balanceOf(custody).call() == STARTING_BALANCE


def test_seize_refuses_unblacklisted_and_bad_custody(
    chain: Chain, kgst: Any, accounts: dict[str, str]
) -> None:
    admin, alice, mallory, bob = (accounts[n] for n in ("admin", "alice", "mallory", "bob"))
    chain.reverts(
        kgst, "AccountNotBlacklisted", kgst.functions.seize(alice, bob, CASE_REF), admin, alice
    )
    chain.send(kgst.functions.blacklist(mallory), admin)
    chain.send(kgst.functions.blacklist(bob), admin)
    chain.reverts(kgst, "ZeroAddress", kgst.functions.seize(mallory, ZERO, CASE_REF), admin)
    chain.reverts(
        kgst, "AccountBlacklisted", kgst.functions.seize(mallory, bob, CASE_REF), admin, bob
    )
