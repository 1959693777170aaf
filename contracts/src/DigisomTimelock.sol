// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {TimelockController} from "@openzeppelin/contracts/governance/TimelockController.sol";

/// @title DigisomTimelock: a delay between deciding and doing for the tokens' admin roles
/// @notice OpenZeppelin's TimelockController, compiled here so that its bytecode ships with the
/// platform's artifacts. A multisig is the proposer and executor; the tokens' owner role (and any
/// other admin role) is handed to this contract, so every change of minters, roles or reserve
/// settings is public for `minDelay` seconds before it takes effect.
contract DigisomTimelock is TimelockController {
    /// @param minDelay Seconds between scheduling an operation and executing it.
    /// @param proposers Addresses that may schedule (and cancel) operations.
    /// @param executors Addresses that may execute ready operations (address(0): anyone).
    /// @param admin Optional admin for the initial setup; address(0) leaves the timelock to itself.
    constructor(uint256 minDelay, address[] memory proposers, address[] memory executors, address admin)
        TimelockController(minDelay, proposers, executors, admin)
    {}
}
