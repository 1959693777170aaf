// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Ownable} from "@openzeppelin/contracts/access/Ownable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {Nonces} from "@openzeppelin/contracts/utils/Nonces.sol";

/// @title KGST: the Kyrgyz som stablecoin
/// @notice An ERC-20 whose external interface follows Circle's FiatToken v2.2 (minters with
/// allowances, master minter, pauser, blacklister, rescuer, EIP-2612 permit, EIP-3009
/// authorizations), so that wallets, exchanges and custody tools built for USDC work unchanged.
/// @dev Three additions guard against the failures seen in production stablecoins:
/// - a supply cap tied to the last reserve report, refused when the report is stale (the
///   secure-mint pattern of Chainlink Proof of Reserve), so no minter can create more tokens than
///   the reserve behind them;
/// - a per-minter rate limit (token bucket), so that one mistaken or stolen minter key cannot issue
///   a huge amount in one transaction (the October 2025 PYUSD mis-mint of 300 trillion tokens);
/// - `seize`, which moves a blacklisted balance to a custody address under a court or FIU case
///   reference, instead of leaving frozen funds stranded for ever.
/// The blacklist is stricter than FiatToken's, like Paxos' freeze: a blacklisted address can
/// neither send, receive, approve, be approved, spend an allowance, nor use a signature.
/// The token is deliberately not upgradeable: see docs/chain.md for the reasons.
contract KGST is ERC20, EIP712, Nonces, Ownable {
    using SafeERC20 for IERC20;

    /// @notice Version of the EIP-712 signing domain (part of every permit and authorization).
    string public constant EIP712_VERSION = "1";

    /// @notice Longest reserve-report age the owner may allow: a stale report must stop minting.
    uint256 public constant RESERVE_MAX_AGE_LIMIT = 30 days;

    bytes32 public constant PERMIT_TYPEHASH =
        keccak256("Permit(address owner,address spender,uint256 value,uint256 nonce,uint256 deadline)");
    bytes32 public constant TRANSFER_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "TransferWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    bytes32 public constant RECEIVE_WITH_AUTHORIZATION_TYPEHASH = keccak256(
        "ReceiveWithAuthorization(address from,address to,uint256 value,uint256 validAfter,uint256 validBefore,bytes32 nonce)"
    );
    bytes32 public constant CANCEL_AUTHORIZATION_TYPEHASH =
        keccak256("CancelAuthorization(address authorizer,bytes32 nonce)");

    /// @dev Token bucket of one minter; `capacity == 0` means the minter has no rate limit.
    struct RateLimit {
        uint256 capacity;
        uint256 refillPerSecond;
        uint256 available;
        uint256 updatedAt;
    }

    uint8 private immutable _tokenDecimals;

    address public masterMinter;
    address public pauser;
    address public blacklister;
    address public rescuer;
    address public reserveReporter;
    bool public paused;

    /// @notice Reserves behind the token in token units, as last reported.
    uint256 public reserves;
    /// @notice Block timestamp of the last reserve report (0: never reported, minting refused).
    uint256 public reservesUpdatedAt;
    /// @notice Age in seconds after which a reserve report no longer allows minting.
    uint256 public reserveMaxAge;

    mapping(address account => bool) private _blacklisted;
    mapping(address minter => bool) private _minters;
    mapping(address minter => uint256) private _minterAllowed;
    mapping(address minter => RateLimit) private _rateLimits;
    mapping(address authorizer => mapping(bytes32 nonce => bool)) private _authorizationStates;

    event Mint(address indexed minter, address indexed to, uint256 amount);
    event Burn(address indexed burner, uint256 amount);
    event MinterConfigured(address indexed minter, uint256 minterAllowedAmount);
    event MinterRemoved(address indexed oldMinter);
    event MinterRateLimitConfigured(address indexed minter, uint256 capacity, uint256 refillPerSecond);
    event MasterMinterChanged(address indexed newMasterMinter);
    event Blacklisted(address indexed account);
    event UnBlacklisted(address indexed account);
    event BlacklisterChanged(address indexed newBlacklister);
    event Pause();
    event Unpause();
    event PauserChanged(address indexed newAddress);
    event RescuerChanged(address indexed newRescuer);
    event ReserveReporterChanged(address indexed newReserveReporter);
    event ReserveMaxAgeChanged(uint256 newReserveMaxAge);
    event ReservesReported(uint256 reserves, uint256 timestamp);
    event Seized(address indexed from, address indexed to, uint256 amount, bytes32 caseRef);
    event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce);
    event AuthorizationCanceled(address indexed authorizer, bytes32 indexed nonce);

    error ZeroAddress();
    error ZeroAmount();
    error CallerNotMasterMinter(address caller);
    error CallerNotMinter(address caller);
    error CallerNotPauser(address caller);
    error CallerNotBlacklister(address caller);
    error CallerNotRescuer(address caller);
    error CallerNotReserveReporter(address caller);
    error CallerNotPayee(address caller, address payee);
    error NotMinter(address account);
    error TokenPaused();
    error AccountBlacklisted(address account);
    error AccountNotBlacklisted(address account);
    error MinterAllowanceExceeded(address minter, uint256 allowance, uint256 amount);
    error MinterRateLimitExceeded(address minter, uint256 available, uint256 amount);
    error ReservesExceeded(uint256 supplyAfter, uint256 reserves);
    error ReservesStale(uint256 updatedAt, uint256 maxAge);
    error InvalidReserveMaxAge(uint256 maxAge);
    error AllowanceBelowZero(uint256 allowance, uint256 decrement);
    error PermitExpired(uint256 deadline);
    error InvalidSignature();
    error AuthorizationNotYetValid(uint256 validAfter);
    error AuthorizationExpired(uint256 validBefore);
    error AuthorizationAlreadyUsed(address authorizer, bytes32 nonce);
    error RenounceOwnershipDisabled();

    modifier whenNotPaused() {
        if (paused) revert TokenPaused();
        _;
    }

    modifier notBlacklisted(address account) {
        if (_blacklisted[account]) revert AccountBlacklisted(account);
        _;
    }

    modifier onlyMasterMinter() {
        if (msg.sender != masterMinter) revert CallerNotMasterMinter(msg.sender);
        _;
    }

    modifier onlyMinters() {
        if (!_minters[msg.sender]) revert CallerNotMinter(msg.sender);
        _;
    }

    modifier onlyPauser() {
        if (msg.sender != pauser) revert CallerNotPauser(msg.sender);
        _;
    }

    modifier onlyBlacklister() {
        if (msg.sender != blacklister) revert CallerNotBlacklister(msg.sender);
        _;
    }

    modifier onlyRescuer() {
        if (msg.sender != rescuer) revert CallerNotRescuer(msg.sender);
        _;
    }

    /// @param tokenName ERC-20 name, also the EIP-712 domain name.
    /// @param tokenSymbol ERC-20 symbol.
    /// @param tokenDecimals ERC-20 decimals (18 by default in the deploy tooling).
    /// @param initialOwner Owner: appoints every other role, seizes blacklisted balances.
    /// @param roles Initial [masterMinter, pauser, blacklister, rescuer, reserveReporter].
    /// @param initialReserveMaxAge Seconds a reserve report stays valid for minting.
    constructor(
        string memory tokenName,
        string memory tokenSymbol,
        uint8 tokenDecimals,
        address initialOwner,
        address[5] memory roles,
        uint256 initialReserveMaxAge
    ) ERC20(tokenName, tokenSymbol) EIP712(tokenName, EIP712_VERSION) Ownable(initialOwner) {
        for (uint256 i = 0; i < roles.length; ++i) {
            if (roles[i] == address(0)) revert ZeroAddress();
        }
        _checkReserveMaxAge(initialReserveMaxAge);
        _tokenDecimals = tokenDecimals;
        masterMinter = roles[0];
        pauser = roles[1];
        blacklister = roles[2];
        rescuer = roles[3];
        reserveReporter = roles[4];
        reserveMaxAge = initialReserveMaxAge;
    }

    // ------------------------------------------------------------------ ERC-20 surface

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _tokenDecimals;
    }

    /// @notice Like ERC-20 transferFrom; the spender must not be blacklisted either.
    function transferFrom(address from, address to, uint256 value)
        public
        override
        whenNotPaused
        notBlacklisted(msg.sender)
        returns (bool)
    {
        return super.transferFrom(from, to, value);
    }

    /// @notice Raise the allowance of `spender` by `increment` (FiatToken compatibility).
    function increaseAllowance(address spender, uint256 increment) external returns (bool) {
        _approve(msg.sender, spender, allowance(msg.sender, spender) + increment);
        return true;
    }

    /// @notice Lower the allowance of `spender` by `decrement`; refuses to go below zero.
    function decreaseAllowance(address spender, uint256 decrement) external returns (bool) {
        uint256 current = allowance(msg.sender, spender);
        if (decrement > current) revert AllowanceBelowZero(current, decrement);
        _approve(msg.sender, spender, current - decrement);
        return true;
    }

    // ------------------------------------------------------------------ minting

    /// @notice Mint `amount` to `to` within the caller's minter allowance, its rate limit and
    /// the last fresh reserve report.
    function mint(address to, uint256 amount)
        external
        whenNotPaused
        onlyMinters
        notBlacklisted(msg.sender)
        notBlacklisted(to)
        returns (bool)
    {
        if (to == address(0)) revert ZeroAddress();
        if (amount == 0) revert ZeroAmount();
        uint256 allowed = _minterAllowed[msg.sender];
        if (amount > allowed) revert MinterAllowanceExceeded(msg.sender, allowed, amount);
        _consumeRateLimit(msg.sender, amount);
        _checkReserves(amount);
        _minterAllowed[msg.sender] = allowed - amount;
        _mint(to, amount);
        emit Mint(msg.sender, to, amount);
        return true;
    }

    /// @notice Burn `amount` of the caller's own balance; only minters burn (redemptions).
    function burn(uint256 amount) external whenNotPaused onlyMinters notBlacklisted(msg.sender) {
        if (amount == 0) revert ZeroAmount();
        _burn(msg.sender, amount);
        emit Burn(msg.sender, amount);
    }

    /// @notice Make `minter` a minter allowed to mint `minterAllowedAmount` more (replaces the
    /// previous allowance).
    function configureMinter(address minter, uint256 minterAllowedAmount)
        external
        whenNotPaused
        onlyMasterMinter
        returns (bool)
    {
        if (minter == address(0)) revert ZeroAddress();
        _minters[minter] = true;
        _minterAllowed[minter] = minterAllowedAmount;
        emit MinterConfigured(minter, minterAllowedAmount);
        return true;
    }

    /// @notice Take the minter role, its allowance and its rate limit away from `minter`.
    function removeMinter(address minter) external onlyMasterMinter returns (bool) {
        _minters[minter] = false;
        _minterAllowed[minter] = 0;
        delete _rateLimits[minter];
        emit MinterRemoved(minter);
        return true;
    }

    /// @notice Bound how fast `minter` may mint: at most `capacity` at once, refilled by
    /// `refillPerSecond`. A capacity of 0 removes the limit (the allowance alone then bounds it).
    function configureMinterRateLimit(address minter, uint256 capacity, uint256 refillPerSecond)
        external
        onlyMasterMinter
    {
        if (!_minters[minter]) revert NotMinter(minter);
        if (capacity == 0) {
            delete _rateLimits[minter];
            emit MinterRateLimitConfigured(minter, 0, 0);
            return;
        }
        _rateLimits[minter] = RateLimit({
            capacity: capacity,
            refillPerSecond: refillPerSecond,
            available: capacity,
            updatedAt: block.timestamp
        });
        emit MinterRateLimitConfigured(minter, capacity, refillPerSecond);
    }

    function minterAllowance(address minter) external view returns (uint256) {
        return _minterAllowed[minter];
    }

    function isMinter(address account) external view returns (bool) {
        return _minters[account];
    }

    /// @notice The rate limit of `minter` and what it may mint right now under it
    /// (all zero when the minter has none).
    function minterRateLimit(address minter)
        external
        view
        returns (uint256 capacity, uint256 refillPerSecond, uint256 available)
    {
        RateLimit storage limit = _rateLimits[minter];
        return (limit.capacity, limit.refillPerSecond, _refilled(limit));
    }

    // ------------------------------------------------------------------ reserves

    /// @notice Record the reserves behind the token (token units); mint checks against it.
    function reportReserves(uint256 newReserves) external {
        if (msg.sender != reserveReporter) revert CallerNotReserveReporter(msg.sender);
        reserves = newReserves;
        reservesUpdatedAt = block.timestamp;
        emit ReservesReported(newReserves, block.timestamp);
    }

    function updateReserveReporter(address newReserveReporter) external onlyOwner {
        if (newReserveReporter == address(0)) revert ZeroAddress();
        reserveReporter = newReserveReporter;
        emit ReserveReporterChanged(newReserveReporter);
    }

    function updateReserveMaxAge(uint256 newReserveMaxAge) external onlyOwner {
        _checkReserveMaxAge(newReserveMaxAge);
        reserveMaxAge = newReserveMaxAge;
        emit ReserveMaxAgeChanged(newReserveMaxAge);
    }

    // ------------------------------------------------------------------ pause, blacklist, seize

    function pause() external onlyPauser {
        paused = true;
        emit Pause();
    }

    function unpause() external onlyPauser {
        paused = false;
        emit Unpause();
    }

    function blacklist(address account) external onlyBlacklister {
        _blacklisted[account] = true;
        emit Blacklisted(account);
    }

    function unBlacklist(address account) external onlyBlacklister {
        _blacklisted[account] = false;
        emit UnBlacklisted(account);
    }

    function isBlacklisted(address account) external view returns (bool) {
        return _blacklisted[account];
    }

    /// @notice Move the whole balance of blacklisted `from` to custody address `to` under the
    /// legal case `caseRef`. Works while paused: a court order does not wait for an incident.
    function seize(address from, address to, bytes32 caseRef) external onlyOwner {
        if (!_blacklisted[from]) revert AccountNotBlacklisted(from);
        if (to == address(0)) revert ZeroAddress();
        if (_blacklisted[to]) revert AccountBlacklisted(to);
        uint256 amount = balanceOf(from);
        // The parent's _update skips this contract's pause and blacklist checks on purpose.
        super._update(from, to, amount);
        emit Seized(from, to, amount, caseRef);
    }

    /// @notice Send tokens of another ERC-20 that were sent to this contract by mistake.
    function rescueERC20(IERC20 tokenContract, address to, uint256 amount) external onlyRescuer {
        tokenContract.safeTransfer(to, amount);
    }

    // ------------------------------------------------------------------ role management

    function updateMasterMinter(address newMasterMinter) external onlyOwner {
        if (newMasterMinter == address(0)) revert ZeroAddress();
        masterMinter = newMasterMinter;
        emit MasterMinterChanged(newMasterMinter);
    }

    function updatePauser(address newPauser) external onlyOwner {
        if (newPauser == address(0)) revert ZeroAddress();
        pauser = newPauser;
        emit PauserChanged(newPauser);
    }

    function updateBlacklister(address newBlacklister) external onlyOwner {
        if (newBlacklister == address(0)) revert ZeroAddress();
        blacklister = newBlacklister;
        emit BlacklisterChanged(newBlacklister);
    }

    function updateRescuer(address newRescuer) external onlyOwner {
        if (newRescuer == address(0)) revert ZeroAddress();
        rescuer = newRescuer;
        emit RescuerChanged(newRescuer);
    }

    /// @notice Disabled: a token without an owner could never appoint a new pauser or
    /// blacklister again.
    function renounceOwnership() public view override onlyOwner {
        revert RenounceOwnershipDisabled();
    }

    // ------------------------------------------------------------------ EIP-2612 permit

    /// @notice EIP-712 domain separator; recomputed when the chain id changes (fork safety).
    // solhint-disable-next-line func-name-mixedcase
    function DOMAIN_SEPARATOR() external view returns (bytes32) {
        return _domainSeparatorV4();
    }

    function permit(
        address owner,
        address spender,
        uint256 value,
        uint256 deadline,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        _permit(owner, spender, value, deadline, abi.encodePacked(r, s, v));
    }

    /// @notice Permit with a packed signature; accepts ERC-1271 signatures of contract wallets.
    function permit(address owner, address spender, uint256 value, uint256 deadline, bytes memory signature)
        external
    {
        _permit(owner, spender, value, deadline, signature);
    }

    // ------------------------------------------------------------------ EIP-3009 authorizations

    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        _authorizedTransfer(
            TRANSFER_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, abi.encodePacked(r, s, v)
        );
    }

    function transferWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes memory signature
    ) external {
        _authorizedTransfer(TRANSFER_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, signature);
    }

    /// @notice Like transferWithAuthorization, but only the payee may submit it, which stops a
    /// front-runner from using the payer's signature outside the payee's own call.
    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        uint8 v,
        bytes32 r,
        bytes32 s
    ) external {
        if (to != msg.sender) revert CallerNotPayee(msg.sender, to);
        _authorizedTransfer(
            RECEIVE_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, abi.encodePacked(r, s, v)
        );
    }

    function receiveWithAuthorization(
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes memory signature
    ) external {
        if (to != msg.sender) revert CallerNotPayee(msg.sender, to);
        _authorizedTransfer(RECEIVE_WITH_AUTHORIZATION_TYPEHASH, from, to, value, validAfter, validBefore, nonce, signature);
    }

    function cancelAuthorization(address authorizer, bytes32 nonce, uint8 v, bytes32 r, bytes32 s) external {
        _cancelAuthorization(authorizer, nonce, abi.encodePacked(r, s, v));
    }

    function cancelAuthorization(address authorizer, bytes32 nonce, bytes memory signature) external {
        _cancelAuthorization(authorizer, nonce, signature);
    }

    /// @notice True once the authorization `nonce` of `authorizer` was used or canceled.
    function authorizationState(address authorizer, bytes32 nonce) external view returns (bool) {
        return _authorizationStates[authorizer][nonce];
    }

    // ------------------------------------------------------------------ internals

    /// @dev Every balance change passes here: pause and blacklist hold for transfer, mint, burn.
    function _update(address from, address to, uint256 value) internal override whenNotPaused {
        if (_blacklisted[from]) revert AccountBlacklisted(from);
        if (_blacklisted[to]) revert AccountBlacklisted(to);
        super._update(from, to, value);
    }

    /// @dev Every allowance change passes here (approve, permit, spending an allowance).
    function _approve(address owner, address spender, uint256 value, bool emitEvent)
        internal
        override
        whenNotPaused
    {
        if (_blacklisted[owner]) revert AccountBlacklisted(owner);
        if (_blacklisted[spender]) revert AccountBlacklisted(spender);
        super._approve(owner, spender, value, emitEvent);
    }

    function _permit(address owner, address spender, uint256 value, uint256 deadline, bytes memory signature)
        private
        whenNotPaused
        notBlacklisted(msg.sender)
    {
        if (block.timestamp > deadline) revert PermitExpired(deadline);
        bytes32 structHash = keccak256(abi.encode(PERMIT_TYPEHASH, owner, spender, value, _useNonce(owner), deadline));
        _requireSignature(owner, structHash, signature);
        _approve(owner, spender, value);
    }

    function _authorizedTransfer(
        bytes32 typeHash,
        address from,
        address to,
        uint256 value,
        uint256 validAfter,
        uint256 validBefore,
        bytes32 nonce,
        bytes memory signature
    ) private whenNotPaused notBlacklisted(msg.sender) {
        if (block.timestamp <= validAfter) revert AuthorizationNotYetValid(validAfter);
        if (block.timestamp >= validBefore) revert AuthorizationExpired(validBefore);
        _useAuthorization(from, nonce);
        bytes32 structHash = keccak256(abi.encode(typeHash, from, to, value, validAfter, validBefore, nonce));
        _requireSignature(from, structHash, signature);
        _transfer(from, to, value);
    }

    function _cancelAuthorization(address authorizer, bytes32 nonce, bytes memory signature)
        private
        whenNotPaused
        notBlacklisted(msg.sender)
        notBlacklisted(authorizer)
    {
        if (_authorizationStates[authorizer][nonce]) revert AuthorizationAlreadyUsed(authorizer, nonce);
        _requireSignature(authorizer, keccak256(abi.encode(CANCEL_AUTHORIZATION_TYPEHASH, authorizer, nonce)), signature);
        _authorizationStates[authorizer][nonce] = true;
        emit AuthorizationCanceled(authorizer, nonce);
    }

    function _useAuthorization(address authorizer, bytes32 nonce) private {
        if (_authorizationStates[authorizer][nonce]) revert AuthorizationAlreadyUsed(authorizer, nonce);
        _authorizationStates[authorizer][nonce] = true;
        emit AuthorizationUsed(authorizer, nonce);
    }

    function _requireSignature(address signer, bytes32 structHash, bytes memory signature) private view {
        bytes32 digest = _hashTypedDataV4(structHash);
        if (!SignatureChecker.isValidSignatureNow(signer, digest, signature)) revert InvalidSignature();
    }

    function _consumeRateLimit(address minter, uint256 amount) private {
        RateLimit storage limit = _rateLimits[minter];
        if (limit.capacity == 0) return;
        uint256 available = _refilled(limit);
        if (amount > available) revert MinterRateLimitExceeded(minter, available, amount);
        limit.available = available - amount;
        limit.updatedAt = block.timestamp;
    }

    /// @dev Bucket level now; written so that a huge refill rate cannot overflow and lock minting.
    function _refilled(RateLimit storage limit) private view returns (uint256) {
        uint256 capacity = limit.capacity;
        if (capacity == 0) return 0;
        uint256 missing = capacity - limit.available;
        uint256 elapsed = block.timestamp - limit.updatedAt;
        uint256 rate = limit.refillPerSecond;
        if (rate == 0 || elapsed == 0) return limit.available;
        if (elapsed > missing / rate) return capacity;
        return limit.available + elapsed * rate;
    }

    function _checkReserves(uint256 amount) private view {
        uint256 updatedAt = reservesUpdatedAt;
        if (updatedAt == 0 || block.timestamp - updatedAt > reserveMaxAge) {
            revert ReservesStale(updatedAt, reserveMaxAge);
        }
        uint256 supplyAfter = totalSupply() + amount;
        if (supplyAfter > reserves) revert ReservesExceeded(supplyAfter, reserves);
    }

    function _checkReserveMaxAge(uint256 maxAge) private pure {
        if (maxAge == 0 || maxAge > RESERVE_MAX_AGE_LIMIT) revert InvalidReserveMaxAge(maxAge);
    }
}
