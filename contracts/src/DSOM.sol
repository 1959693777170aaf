// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {SafeCast} from "@openzeppelin/contracts/utils/math/SafeCast.sol";

/// @title DSOM: the permissioned digital-som token for government payments
/// @notice Only allow-listed addresses (wallets the platform has onboarded) may hold, send,
/// receive or spend DSOM. The Treasury pays salaries, pensions and benefits to many recipients in
/// one transaction with `batchPayout`.
/// @dev Gas is the design driver of the storage layout. A holder's balance (uint128) and its
/// allow-list flag share one storage slot, so a payout to a recipient costs one cold slot read and
/// one non-zero to non-zero write, whether or not the recipient held DSOM before: the 20,000 gas of
/// a fresh slot is paid once, when the registrar allow-lists the address, not in every programme
/// that pays it. The payer's balance is written once per batch, and each payout entry is one packed
/// calldata word. This is why DSOM keeps its own ERC-20 storage instead of OpenZeppelin's ERC20.
contract DSOM is IERC20, IERC20Metadata, IERC20Errors, Ownable {
    /// @notice Most entries in one batchPayout: keeps a batch well inside a block's gas limit.
    uint256 public constant BATCH_PAYOUT_MAX = 2000;

    /// @notice Bits of a packed payout word that hold the recipient address (the low 160).
    uint256 private constant ADDRESS_BITS = 160;

    /// @dev One holder: balance and allow-list flag packed in a single storage slot.
    struct Account {
        uint128 balance;
        bool allowed;
    }

    uint8 private immutable _tokenDecimals;
    string private _tokenName;
    string private _tokenSymbol;
    uint256 private _supply;

    /// @notice Mints (issuance backed by the ledger escrow) and burns (redemption).
    address public issuer;
    /// @notice Adds and removes addresses on the allow-list.
    address public registrar;
    /// @notice Stops and resumes every balance and allowance change.
    address public pauser;
    bool public paused;

    mapping(address holder => Account) private _accounts;
    mapping(address holder => mapping(address spender => uint256)) private _allowances;

    event Allowed(address indexed account);
    event Disallowed(address indexed account);
    event BatchPayout(address indexed payer, uint256 recipients, uint256 total);
    event IssuerChanged(address indexed newIssuer);
    event RegistrarChanged(address indexed newRegistrar);
    event PauserChanged(address indexed newPauser);
    event Pause();
    event Unpause();

    error ZeroAddress();
    error ZeroAmount();
    error TokenPaused();
    error AccountNotAllowed(address account);
    error RecipientNotAllowed(uint256 index, address recipient);
    error PayoutAmountZero(uint256 index);
    error BatchSizeInvalid(uint256 size, uint256 maxSize);
    error CallerNotIssuer(address caller);
    error CallerNotRegistrar(address caller);
    error CallerNotPauser(address caller);
    error RenounceOwnershipDisabled();

    modifier whenNotPaused() {
        if (paused) revert TokenPaused();
        _;
    }

    modifier onlyIssuer() {
        if (msg.sender != issuer) revert CallerNotIssuer(msg.sender);
        _;
    }

    modifier onlyRegistrar() {
        if (msg.sender != registrar) revert CallerNotRegistrar(msg.sender);
        _;
    }

    modifier onlyPauser() {
        if (msg.sender != pauser) revert CallerNotPauser(msg.sender);
        _;
    }

    /// @param initialOwner Owner: appoints the issuer, registrar and pauser.
    /// @param roles Initial [issuer, registrar, pauser].
    constructor(
        string memory tokenName,
        string memory tokenSymbol,
        uint8 tokenDecimals,
        address initialOwner,
        address[3] memory roles
    ) Ownable(initialOwner) {
        for (uint256 i = 0; i < roles.length; ++i) {
            if (roles[i] == address(0)) revert ZeroAddress();
        }
        _tokenName = tokenName;
        _tokenSymbol = tokenSymbol;
        _tokenDecimals = tokenDecimals;
        issuer = roles[0];
        registrar = roles[1];
        pauser = roles[2];
    }

    // ------------------------------------------------------------------ ERC-20 views

    function name() external view returns (string memory) {
        return _tokenName;
    }

    function symbol() external view returns (string memory) {
        return _tokenSymbol;
    }

    function decimals() external view returns (uint8) {
        return _tokenDecimals;
    }

    function totalSupply() external view returns (uint256) {
        return _supply;
    }

    function balanceOf(address account) external view returns (uint256) {
        return _accounts[account].balance;
    }

    function allowance(address holder, address spender) external view returns (uint256) {
        return _allowances[holder][spender];
    }

    function isAllowed(address account) external view returns (bool) {
        return _accounts[account].allowed;
    }

    // ------------------------------------------------------------------ ERC-20 actions

    function transfer(address to, uint256 value) external returns (bool) {
        _transfer(msg.sender, to, value);
        return true;
    }

    /// @notice The spender must be allow-listed too: an allowance is a way to move DSOM.
    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        _requireAllowed(msg.sender);
        uint256 current = _allowances[from][msg.sender];
        if (current != type(uint256).max) {
            if (current < value) revert ERC20InsufficientAllowance(msg.sender, current, value);
            unchecked {
                _allowances[from][msg.sender] = current - value;
            }
        }
        _transfer(from, to, value);
        return true;
    }

    function approve(address spender, uint256 value) external whenNotPaused returns (bool) {
        _requireAllowed(msg.sender);
        _requireAllowed(spender);
        _allowances[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    /// @notice Pay many recipients from the caller's balance in one transaction.
    /// @param payouts One word per payment: amount in the high 96 bits, recipient in the low 160
    /// (`amount << 160 | recipient`). Every recipient must be allow-listed and every amount
    /// positive; otherwise the whole batch reverts and nobody is paid.
    /// @return total The sum paid.
    function batchPayout(bytes32[] calldata payouts) external whenNotPaused returns (uint256 total) {
        uint256 count = payouts.length;
        if (count == 0 || count > BATCH_PAYOUT_MAX) revert BatchSizeInvalid(count, BATCH_PAYOUT_MAX);
        Account storage payer = _accounts[msg.sender];
        if (!payer.allowed) revert AccountNotAllowed(msg.sender);
        for (uint256 i = 0; i < count;) {
            uint256 word = uint256(payouts[i]);
            address recipient = address(uint160(word));
            // The amount has at most 96 bits, so neither the cast nor the sums below can overflow
            // before the uint128 balance addition, which is checked.
            uint256 amount = word >> ADDRESS_BITS;
            if (amount == 0) revert PayoutAmountZero(i);
            Account storage account = _accounts[recipient];
            if (!account.allowed) revert RecipientNotAllowed(i, recipient);
            account.balance += uint128(amount);
            emit Transfer(msg.sender, recipient, amount);
            unchecked {
                total += amount;
                ++i;
            }
        }
        // Debit once at the end; read the payer's balance only now so that a payer who pays
        // itself is counted exactly like any other recipient.
        uint256 balance = payer.balance;
        if (balance < total) revert ERC20InsufficientBalance(msg.sender, balance, total);
        unchecked {
            payer.balance = uint128(balance - total);
        }
        emit BatchPayout(msg.sender, count, total);
    }

    // ------------------------------------------------------------------ issuance

    /// @notice Issue `amount` to allow-listed `to`; the ledger escrow backs it one to one.
    function mint(address to, uint256 amount) external whenNotPaused onlyIssuer returns (bool) {
        if (amount == 0) revert ZeroAmount();
        Account storage account = _accounts[to];
        if (!account.allowed) revert AccountNotAllowed(to);
        _supply += amount;
        account.balance += SafeCast.toUint128(amount);
        emit Transfer(address(0), to, amount);
        return true;
    }

    /// @notice Burn `amount` of the issuer's own balance (redemption back into the ledger).
    function burn(uint256 amount) external whenNotPaused onlyIssuer {
        if (amount == 0) revert ZeroAmount();
        Account storage account = _accounts[msg.sender];
        uint256 balance = account.balance;
        if (balance < amount) revert ERC20InsufficientBalance(msg.sender, balance, amount);
        unchecked {
            account.balance = uint128(balance - amount);
            _supply -= amount;
        }
        emit Transfer(msg.sender, address(0), amount);
    }

    // ------------------------------------------------------------------ allow-list

    /// @notice Allow-list `accounts`; a balance held before a removal becomes usable again.
    function allow(address[] calldata accounts) external onlyRegistrar {
        for (uint256 i = 0; i < accounts.length; ++i) {
            address account = accounts[i];
            if (account == address(0)) revert ZeroAddress();
            _accounts[account].allowed = true;
            emit Allowed(account);
        }
    }

    /// @notice Remove `accounts` from the allow-list; their balances stay but cannot move.
    function disallow(address[] calldata accounts) external onlyRegistrar {
        for (uint256 i = 0; i < accounts.length; ++i) {
            _accounts[accounts[i]].allowed = false;
            emit Disallowed(accounts[i]);
        }
    }

    // ------------------------------------------------------------------ pause and roles

    function pause() external onlyPauser {
        paused = true;
        emit Pause();
    }

    function unpause() external onlyPauser {
        paused = false;
        emit Unpause();
    }

    function updateIssuer(address newIssuer) external onlyOwner {
        if (newIssuer == address(0)) revert ZeroAddress();
        issuer = newIssuer;
        emit IssuerChanged(newIssuer);
    }

    function updateRegistrar(address newRegistrar) external onlyOwner {
        if (newRegistrar == address(0)) revert ZeroAddress();
        registrar = newRegistrar;
        emit RegistrarChanged(newRegistrar);
    }

    function updatePauser(address newPauser) external onlyOwner {
        if (newPauser == address(0)) revert ZeroAddress();
        pauser = newPauser;
        emit PauserChanged(newPauser);
    }

    /// @notice Disabled: without an owner no role could ever be reassigned.
    function renounceOwnership() public view override onlyOwner {
        revert RenounceOwnershipDisabled();
    }

    // ------------------------------------------------------------------ internals

    function _transfer(address from, address to, uint256 value) private whenNotPaused {
        Account storage source = _accounts[from];
        if (!source.allowed) revert AccountNotAllowed(from);
        Account storage target = _accounts[to];
        if (!target.allowed) revert AccountNotAllowed(to);
        uint256 balance = source.balance;
        if (balance < value) revert ERC20InsufficientBalance(from, balance, value);
        unchecked {
            source.balance = uint128(balance - value);
        }
        target.balance += uint128(value);
        emit Transfer(from, to, value);
    }

    function _requireAllowed(address account) private view {
        if (!_accounts[account].allowed) revert AccountNotAllowed(account);
    }
}
