#!/usr/bin/env node
// Compile the Solidity sources with the pinned solc npm package (standard JSON, fixed settings)
// and write one artifact per contract. Run from anywhere: `node contracts/build.js [outDir]`.
// The default outDir is the Python package's artifact folder, whose files are committed; the
// Python tests rebuild into a temporary folder and compare, so the build must be reproducible:
// no timestamps, no absolute paths, sorted inputs, fixed settings.
"use strict";

const fs = require("node:fs");
const path = require("node:path");
const solc = require("solc");

const CONTRACTS_DIR = __dirname;
const SOURCE_DIR = path.join(CONTRACTS_DIR, "src");
const DEFAULT_OUT_DIR = path.join(CONTRACTS_DIR, "..", "src", "digisom", "chain", "artifacts");
const NODE_MODULES = path.join(CONTRACTS_DIR, "node_modules");
// Contracts whose artifacts the platform loads; libraries and parents are compiled but not written.
const ARTIFACT_CONTRACTS = ["KGST", "DSOM", "DigisomTimelock"];

// Cancun is the newest EVM both BNB Smart Chain and anvil run; pinning it keeps the bytecode
// independent of the compiler's default EVM version.
const SETTINGS = {
  evmVersion: "cancun",
  optimizer: { enabled: true, runs: 10000 },
  metadata: { bytecodeHash: "ipfs" },
  outputSelection: {
    "*": {
      "*": [
        "abi",
        "evm.bytecode.object",
        "evm.deployedBytecode.object",
        "evm.deployedBytecode.immutableReferences",
        "storageLayout",
      ],
    },
  },
};

function readSources() {
  const sources = {};
  for (const file of fs.readdirSync(SOURCE_DIR).sort()) {
    if (file.endsWith(".sol")) {
      sources[`src/${file}`] = { content: fs.readFileSync(path.join(SOURCE_DIR, file), "utf8") };
    }
  }
  return sources;
}

function findImports(importPath) {
  // Only OpenZeppelin from the pinned node_modules; anything else is a mistake in a source.
  if (!importPath.startsWith("@openzeppelin/contracts/")) {
    return { error: `import outside @openzeppelin/contracts: ${importPath}` };
  }
  const file = path.join(NODE_MODULES, importPath);
  if (!fs.existsSync(file)) return { error: `not found: ${importPath}` };
  return { contents: fs.readFileSync(file, "utf8") };
}

function storageLayoutOf(layout) {
  // Keep only what pins the layout: names, slots, offsets and type labels (ast ids change).
  return layout.storage.map((entry) => ({
    label: entry.label,
    slot: entry.slot,
    offset: entry.offset,
    type: layout.types[entry.type].label,
  }));
}

function main() {
  const outDir = path.resolve(process.argv[2] || DEFAULT_OUT_DIR);
  const input = { language: "Solidity", sources: readSources(), settings: SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (output.errors || []).filter((e) => e.severity === "error");
  for (const e of output.errors || []) process.stderr.write(`${e.formattedMessage}\n`);
  if (errors.length > 0) process.exit(1);

  fs.mkdirSync(outDir, { recursive: true });
  for (const [sourceName, contracts] of Object.entries(output.contracts)) {
    for (const [name, compiled] of Object.entries(contracts)) {
      if (!sourceName.startsWith("src/") || !ARTIFACT_CONTRACTS.includes(name)) continue;
      const artifact = {
        contractName: name,
        sourceName,
        compiler: { name: "solc", version: solc.version() },
        settings: { evmVersion: SETTINGS.evmVersion, optimizer: SETTINGS.optimizer, metadata: SETTINGS.metadata },
        abi: compiled.abi,
        bytecode: `0x${compiled.evm.bytecode.object}`,
        deployedBytecode: `0x${compiled.evm.deployedBytecode.object}`,
        immutableReferences: compiled.evm.deployedBytecode.immutableReferences,
        storageLayout: storageLayoutOf(compiled.storageLayout),
      };
      fs.writeFileSync(path.join(outDir, `${name}.json`), `${JSON.stringify(artifact, null, 2)}\n`);
    }
  }
}

main();
