// Proof-of-liabilities verifier, written from the public spec (docs: proof-of-liabilities, v1).
//
// It runs entirely in the browser: the proof a holder pastes never leaves the page. SHA-256 comes
// from WebCrypto, integers are BigInt (balances up to 2**64, sums up to 2**128 would lose digits
// as JavaScript numbers). It is strict in the same ways as the project's Python verifier, so a
// proof has one spelling: unknown or missing fields, floats, signs, leading zeros, upper-case hex
// and 0x prefixes are refused. One difference it cannot avoid: JSON.parse keeps the last of two
// duplicate keys instead of refusing the file (the hashes are still checked on what it keeps).

const PROOF_BYTES_MAX = 1 << 20;
const PATH_STEPS_MAX = 64;
const BALANCE_LIMIT = 1n << 64n;
const SUM_LIMIT = 1n << 128n;
const LEDGER_HEIGHT_LIMIT = 1n << 64n;
const LEAF_COUNT_MAX = 1n << 64n;
const HEX_32 = /^[0-9a-f]{64}$/;
const DECIMAL = /^(0|[1-9][0-9]{0,39})$/;
const SNAPSHOT = /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(\.[0-9]{1,9})?Z$/;
const PROOF_KEYS = ["leaf", "path", "root", "version"];
const ROOT_KEYS = ["hash", "leaf_count", "ledger_height", "snapshot", "sum"];
const LEAF_KEYS = ["balance", "position", "salt", "uid"];
const STEP_KEYS = ["hash", "side", "sum"];

class Rejected extends Error {}

// A JSON number wrapped so that its exact digits survive parsing (Chromium passes the source
// text to the reviver); in browsers without that, only exactly representable integers pass.
class JsonInteger {
  constructor(value) { this.value = value; }
}

function reviver(key, value, context) {
  if (typeof value !== "number") return value;
  const source = context && typeof context.source === "string" ? context.source : null;
  if (source !== null) {
    if (!/^-?(0|[1-9][0-9]*)$/.test(source)) throw new Rejected(`non-integer number ${source}`);
    return new JsonInteger(BigInt(source));
  }
  if (!Number.isSafeInteger(value)) throw new Rejected(`number ${value} cannot be read exactly`);
  return new JsonInteger(BigInt(value));
}

function isObject(value) {
  return typeof value === "object" && value !== null && !Array.isArray(value) &&
    !(value instanceof JsonInteger);
}

function keys(value, expected, where) {
  if (!isObject(value)) throw new Rejected(`${where} must be an object`);
  const found = Object.keys(value).sort();
  if (found.length !== expected.length || found.some((k, i) => k !== expected[i])) {
    throw new Rejected(`${where} must have exactly the fields ${expected.join(", ")}`);
  }
}

function hex32(value, where) {
  if (typeof value !== "string" || !HEX_32.test(value)) {
    throw new Rejected(`${where} must be 64 lower-case hex digits without 0x`);
  }
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(value.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

function decimal(value, limit, where) {
  if (typeof value !== "string") throw new Rejected(`${where} must be a decimal string`);
  if (value.startsWith("-")) throw new Rejected(`${where} is negative`);
  if (!DECIMAL.test(value)) {
    throw new Rejected(`${where} must be a plain decimal integer (digits, no sign or leading 0)`);
  }
  const number = BigInt(value);
  if (number >= limit) throw new Rejected(`${where} is not below ${limit}`);
  return number;
}

function count(value, where) {
  if (!(value instanceof JsonInteger) || value.value < 0n) {
    throw new Rejected(`${where} must be a non-negative JSON integer`);
  }
  return value.value;
}

function snapshot(value, where) {
  const match = typeof value === "string" ? SNAPSHOT.exec(value) : null;
  if (match === null) {
    throw new Rejected(`${where} must be ISO-8601 UTC like 2026-11-24T00:00:00Z`);
  }
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number);
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  const real = year >= 1 && date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day && date.getUTCHours() === hour && date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second;
  if (!real) throw new Rejected(`${where} is not a real date and time`);
  return value;
}

function parseRoot(value, where) {
  keys(value, ROOT_KEYS, where);
  const leafCount = count(value.leaf_count, `${where}.leaf_count`);
  if (leafCount < 1n || leafCount > LEAF_COUNT_MAX) {
    throw new Rejected(`${where}.leaf_count must be in [1, 2**64]`);
  }
  return {
    hash: hex32(value.hash, `${where}.hash`),
    hashHex: value.hash,
    sum: decimal(value.sum, SUM_LIMIT, `${where}.sum`),
    leafCount,
    snapshot: snapshot(value.snapshot, `${where}.snapshot`),
    ledgerHeight: decimal(value.ledger_height, LEDGER_HEIGHT_LIMIT, `${where}.ledger_height`),
  };
}

function parseLeaf(value) {
  keys(value, LEAF_KEYS, "leaf");
  if (typeof value.uid !== "string") throw new Rejected("leaf.uid must be a string");
  if (/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(value.uid)) {
    throw new Rejected("leaf.uid is not encodable as UTF-8");
  }
  return {
    uid: value.uid,
    salt: hex32(value.salt, "leaf.salt"),
    balance: decimal(value.balance, BALANCE_LIMIT, "leaf.balance"),
    position: count(value.position, "leaf.position"),
  };
}

function parsePath(value) {
  if (!Array.isArray(value)) throw new Rejected("path must be a list");
  if (value.length > PATH_STEPS_MAX) throw new Rejected(`path is longer than ${PATH_STEPS_MAX} steps`);
  return value.map((step, index) => {
    const where = `path[${index}]`;
    keys(step, STEP_KEYS, where);
    if (step.side !== "left" && step.side !== "right") {
      throw new Rejected(`${where}.side must be 'left' or 'right'`);
    }
    return { side: step.side, hash: hex32(step.hash, `${where}.hash`),
      sum: decimal(step.sum, SUM_LIMIT, `${where}.sum`) };
  });
}

function bigEndian(value, bytes) {
  const out = new Uint8Array(bytes);
  let rest = value;
  for (let i = bytes - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

function concat(parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
}

function equalBytes(a, b) {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

// ceil(log2(n)) for n >= 1, in BigInt: the bit length of n - 1.
function depthFor(leafCount) {
  return leafCount === 1n ? 0 : (leafCount - 1n).toString(2).length;
}

async function check(proof) {
  keys(proof, PROOF_KEYS, "proof");
  if (!(proof.version instanceof JsonInteger) || proof.version.value !== 1n) {
    throw new Rejected("version must be the number 1");
  }
  const root = parseRoot(proof.root, "root");
  const leaf = parseLeaf(proof.leaf);
  const steps = parsePath(proof.path);
  const depth = depthFor(root.leafCount);
  if (steps.length !== depth) {
    throw new Rejected(`path has ${steps.length} steps; leaf_count ${root.leafCount} needs ${depth}`);
  }
  if (leaf.position >= root.leafCount) {
    throw new Rejected("position is not a real leaf's (it must be below leaf_count)");
  }
  steps.forEach((step, index) => {
    const bit = (leaf.position >> BigInt(index)) & 1n;
    if ((step.side === "left") !== (bit === 1n)) {
      throw new Rejected(`position bit ${index} does not match path[${index}].side`);
    }
  });
  const uidBytes = new TextEncoder().encode(leaf.uid);
  let runningHash = await sha256(concat([
    Uint8Array.of(0), leaf.salt, bigEndian(BigInt(uidBytes.length), 4), uidBytes,
    bigEndian(leaf.balance, 8),
  ]));
  let runningSum = leaf.balance;
  for (const [index, step] of steps.entries()) {
    const [left, right] = step.side === "left"
      ? [[step.hash, step.sum], [runningHash, runningSum]]
      : [[runningHash, runningSum], [step.hash, step.sum]];
    runningHash = await sha256(concat([
      Uint8Array.of(1), left[0], bigEndian(left[1], 16), right[0], bigEndian(right[1], 16),
    ]));
    runningSum += step.sum;
    if (runningSum >= SUM_LIMIT) throw new Rejected(`running sum reaches 2**128 at path[${index}]`);
  }
  if (!equalBytes(runningHash, root.hash)) {
    throw new Rejected("recomputed root hash differs from root.hash");
  }
  if (runningSum !== root.sum) throw new Rejected("recomputed root sum differs from root.sum");
  return { uid: leaf.uid, balance: leaf.balance.toString(), root: {
    hash: root.hashHex, sum: root.sum.toString(), leaf_count: root.leafCount.toString(),
    snapshot: root.snapshot, ledger_height: root.ledgerHeight.toString(),
  } };
}

// Verify the text of a proof file. Resolves to {accepted, reason, uid?, balance?, root?};
// `balance` and the root's numbers are decimal strings.
export async function verifyProofText(text) {
  try {
    if (typeof text !== "string") throw new Rejected("the proof must be text");
    if (new TextEncoder().encode(text).length > PROOF_BYTES_MAX) {
      throw new Rejected(`file is larger than ${PROOF_BYTES_MAX} bytes`);
    }
    if (!globalThis.crypto || !crypto.subtle) {
      throw new Rejected("this page needs WebCrypto: open it over HTTPS (or on localhost)");
    }
    let proof;
    try {
      proof = JSON.parse(text, reviver);
    } catch (error) {
      if (error instanceof Rejected) throw error;
      throw new Rejected(`not valid JSON: ${error.message}`);
    }
    const found = await check(proof);
    return { accepted: true, reason: "accepted", ...found };
  } catch (error) {
    if (error instanceof Rejected) return { accepted: false, reason: error.message };
    throw error;
  }
}
