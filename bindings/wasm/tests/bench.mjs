// A law's time per subject in WebAssembly (Node) against the native
// interpreter, measured in one run (docs/performance.md):
//
//   node bindings/wasm/tests/bench.mjs PKG_DIR POLITY_BIN WORK_DIR [COPIES]
//
// Writes praxis-nova's snapshot with its members copied COPIES times
// (default 2000: 84,000 members) into WORK_DIR, then times `may_vote` over
// all of them, whole process each (compile, load, evaluate, write the JSON
// document): `polity eval --engine interp` (the native interpreter) and a
// Node process that does the same through the package. Best of 3 each.
import { execFileSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

const [pkgDir, polity, work, copiesArg] = process.argv.slice(2);
const root = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");
const charter = join(root, "examples/praxis-nova/charter.polity");
const law = "may_vote";

if (pkgDir === "--child") {
  // the Node side: one evaluation, as an embedder would run it
  const [, pkg, snapshot] = process.argv.slice(2);
  const { createRequire } = await import("node:module");
  const wasm = createRequire(import.meta.url)(join(resolve(pkg), "polity_wasm.js"));
  const c = wasm.Charter.compile(charter, readFileSync(charter, "utf8"));
  const loaded = c.loadSnapshot(readFileSync(snapshot, "utf8"));
  if (!loaded.ok) throw new Error(JSON.stringify(loaded));
  // no process.exit: it would cut a pipe's output short
  process.stdout.write(c.evalJson(law));
} else {
  await main();
}

async function main() {

const copies = Number(copiesArg || 2000);
const base = JSON.parse(readFileSync(join(root, "examples/praxis-nova/snapshot.json"), "utf8"));
const members = [];
for (let k = 0; k < copies; k++) {
  for (const m of base.members) {
    members.push({ ...m, id: `${m.id}-${k}`, vouched_by: m.vouched_by.map((v) => `${v}-${k}`) });
  }
}
const snapshot = join(resolve(work), "bench-snapshot.json");
writeFileSync(snapshot, JSON.stringify({ ...base, members, proposals: [] }));

function best(run) {
  let t = Infinity;
  let out;
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    out = run();
    t = Math.min(t, Number(process.hrtime.bigint() - start) / 1e6);
  }
  return [t, out];
}
const opts = { encoding: "utf8", maxBuffer: 1 << 30 };
const [native, nativeOut] = best(() =>
  execFileSync(polity, ["eval", "--engine", "interp", "--law", law, "--format", "json", "--snapshot", snapshot, charter], opts));
const [wasm, wasmOut] = best(() =>
  execFileSync(process.execPath, [fileURLToPath(import.meta.url), "--child", pkgDir, snapshot], opts));
if (nativeOut !== wasmOut) throw new Error("the two documents differ");
const n = members.length;
console.log(`${n} subjects, law ${law}, whole process, best of 3:`);
console.log(`  native interpreter: ${native.toFixed(0)} ms (${((native * 1000) / n).toFixed(2)} us/subject)`);
console.log(`  wasm in Node:       ${wasm.toFixed(0)} ms (${((wasm * 1000) / n).toFixed(2)} us/subject)`);
console.log(`  ratio wasm/native:  ${(wasm / native).toFixed(2)}`);
}
