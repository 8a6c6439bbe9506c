// The same answers everywhere (issue 19, item 6): both examples and every
// case of the eval corpus evaluated through the built WebAssembly package in
// Node, compared byte for byte with `polity eval --format json`.
//
//   node bindings/wasm/tests/corpus.mjs PKG_DIR POLITY_BIN
//
// PKG_DIR is `wasm-pack build --target nodejs`'s output; run from anywhere.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const [pkgDir, polity] = process.argv.slice(2);
if (!pkgDir || !polity) {
  console.error("usage: node corpus.mjs PKG_DIR POLITY_BIN");
  process.exit(2);
}
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const require = createRequire(import.meta.url);
const wasm = require(join(resolve(pkgDir), "polity_wasm.js"));

const cases = [
  ["examples/praxis-nova/charter.polity", "examples/praxis-nova/snapshot.json"],
  ["examples/tidewater/charter.polity", "examples/tidewater/snapshot.json"],
];
for (const f of readdirSync(join(root, "tests/eval")).sort()) {
  if (f.endsWith(".polity")) {
    cases.push([`tests/eval/${f}`, `tests/eval/${f.replace(/\.polity$/, ".json")}`]);
  }
}

let failed = 0;
for (const [charter, snapshot] of cases) {
  // The CLI names the charter as given: the same relative path here.
  const cli = execFileSync(polity, ["eval", "--format", "json", "--snapshot", snapshot, charter], {
    cwd: root,
    encoding: "utf8",
    maxBuffer: 1 << 28,
  });
  const program = wasm.Charter.compile(charter, readFileSync(join(root, charter), "utf8"));
  const loaded = program.loadSnapshot(readFileSync(join(root, snapshot), "utf8"));
  if (!loaded.ok) {
    console.error(`${charter}: the snapshot was rejected: ${JSON.stringify(loaded)}`);
    failed++;
    continue;
  }
  const ours = program.evalJson();
  if (ours !== cli) {
    console.error(`${charter}: the package's document differs from the CLI's`);
    failed++;
  }
  // The typed object is the same document.
  const doc = program.eval();
  if (JSON.stringify(doc.laws.map((l) => l.law)) !== JSON.stringify(JSON.parse(cli).laws.map((l) => l.law))) {
    console.error(`${charter}: eval() is not the document`);
    failed++;
  }
  program.free();
}
console.log(`${cases.length - failed} of ${cases.length} charters give the CLI's document byte for byte`);
process.exit(failed === 0 ? 0 : 1);
