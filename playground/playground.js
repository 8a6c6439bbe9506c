// The playground: a charter and a snapshot edited in the page, checked and
// evaluated by the WebAssembly package (`pkg/`, wasm-pack's `--target web`
// build of bindings/wasm) as the user types. Nothing leaves the page: a
// shared link carries the charter and snapshot in its fragment, compressed.
import init, { check, Charter } from "./pkg/polity_wasm.js";
import { rules, classes } from "./highlight.js";

const $ = (id) => document.getElementById(id);
const charterBox = $("charter");
const charterView = $("charter-view");
const snapshotBox = $("snapshot");
const NAME = "charter.polity";
let grammar = [];
let diagnostics = [];

// ---- the URL fragment: `#s=` base64url of deflate-raw of JSON {charter, snapshot}

async function pack(state) {
  const bytes = new TextEncoder().encode(JSON.stringify(state));
  const stream = new Blob([bytes]).stream().pipeThrough(new CompressionStream("deflate-raw"));
  const packed = new Uint8Array(await new Response(stream).arrayBuffer());
  let bin = "";
  for (const b of packed) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function unpack(text) {
  const bin = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return JSON.parse(await new Response(stream).text());
}

// ---- the charter's view: colours and underlined diagnostics

/** UTF-16 offset of a 1-based line and column (columns count characters). */
function offset(lines, line, column) {
  let at = 0;
  for (let l = 0; l < line - 1 && l < lines.length; l++) at += lines[l].length + 1;
  const chars = Array.from(lines[line - 1] || "").slice(0, column - 1);
  return at + chars.join("").length;
}

function escape(s) {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function paint() {
  const text = charterBox.value;
  const colour = classes(text, grammar);
  const under = new Array(text.length).fill("");
  const lines = text.split("\n");
  for (const d of diagnostics) {
    if (d.file !== NAME) continue;
    const from = offset(lines, d.line, d.column);
    // an empty span (the end of the file) underlines the character before it
    let to = Math.max(offset(lines, d.end_line, d.end_column), from + 1);
    const start = Math.min(from, Math.max(text.length - 1, 0));
    to = Math.min(Math.max(to, start + 1), text.length);
    under.fill(d.severity === "error" ? "diag" : "diag warning", start, to);
  }
  let html = "";
  let i = 0;
  while (i < text.length) {
    let j = i + 1;
    while (j < text.length && colour[j] === colour[i] && under[j] === under[i]) j++;
    const c = [colour[i], under[i]].filter(Boolean).join(" ");
    const t = escape(text.slice(i, j));
    html += c ? `<span class="${c}">${t}</span>` : t;
    i = j;
  }
  // a final newline needs a line to show in the <pre>
  charterView.innerHTML = html + "\n";
}

// ---- results

function li(text, cls) {
  const e = document.createElement("li");
  if (cls) e.className = cls;
  e.textContent = text;
  return e;
}

function showDiagnostics(list) {
  const ul = $("diagnostics");
  ul.replaceChildren();
  for (const d of list) {
    const e = li(`${d.file}:${d.line}:${d.column}: ${d.severity}[${d.code}]: ${d.message}`, d.severity);
    if (d.help) e.append(document.createElement("br"), Object.assign(document.createElement("span"), { className: "help", textContent: `help: ${d.help}` }));
    ul.append(e);
  }
}

function reasonLines(reasons, indent, out) {
  for (const r of reasons) {
    out.push(" ".repeat(indent) + r.text);
    for (const n of r.nested || []) {
      out.push(" ".repeat(indent + 2) + "- " + n.label);
      reasonLines(n.reasons, indent + 6, out);
    }
    reasonLines(r.inner || [], indent + 2, out);
  }
}

function showVerdicts(doc) {
  const box = $("verdicts");
  box.replaceChildren();
  const figures = Object.entries(doc.figures);
  if (figures.length) {
    const ul = document.createElement("ul");
    for (const [name, f] of figures) {
      ul.append(li(`${name} = ${"value" in f ? JSON.stringify(f.value) : "error: " + f.error.message}`));
    }
    box.append(Object.assign(document.createElement("h3"), { textContent: "Figures" }), ul);
  }
  for (const law of doc.laws) {
    const div = document.createElement("div");
    div.className = "law";
    const s = law.summary;
    div.append(Object.assign(document.createElement("h3"), { textContent: `law ${law.law}: ${s.pass} pass, ${s.fail} fail, ${s.error} error` }));
    const ul = document.createElement("ul");
    for (const r of law.results) {
      const who = r.subject === null ? "(the charter)" : String(r.subject);
      const e = li(`${r.verdict} ${who}`, `verdict ${r.verdict}`);
      const lines = [];
      for (const f of r.failed) {
        lines.push("- " + f.label);
        reasonLines(f.reasons, 4, lines);
      }
      if (r.error) lines.push(`${r.error.message} at ${r.error.line}:${r.error.column}`);
      if (lines.length) e.append(Object.assign(document.createElement("div"), { className: "reasons", textContent: lines.join("\n") }));
      ul.append(e);
    }
    div.append(ul);
    box.append(div);
  }
}

function status(text) {
  $("status").textContent = text;
}

// ---- checking and evaluating, debounced as the user types

function run() {
  const c = check(NAME, charterBox.value);
  diagnostics = c.diagnostics;
  paint();
  showDiagnostics(diagnostics);
  if (!c.ok) {
    $("verdicts").replaceChildren(li("The charter does not compile: see the diagnostics."));
    status("");
    return;
  }
  let charter;
  try {
    charter = Charter.compile(NAME, charterBox.value);
    const loaded = charter.loadSnapshot(snapshotBox.value);
    if (!loaded.ok) {
      const ul = document.createElement("ul");
      if (loaded.syntax) ul.append(li(`snapshot ${loaded.syntax.line}:${loaded.syntax.column}: ${loaded.syntax.message}`, "error"));
      for (const m of loaded.mismatches) ul.append(li(`${m.path}: ${m.message}`, "error"));
      $("verdicts").replaceChildren(ul);
      return;
    }
    showVerdicts(charter.eval());
    status("evaluated");
  } catch (e) {
    $("verdicts").replaceChildren(li(String(e.message || e), "error"));
  } finally {
    if (charter) charter.free();
  }
}

let timer;
function later() {
  paint();
  clearTimeout(timer);
  timer = setTimeout(run, 250);
}

async function loadExample(name) {
  const [charter, snapshot] = await Promise.all([
    fetch(`examples/${name}/charter.polity`).then((r) => r.text()),
    fetch(`examples/${name}/snapshot.json`).then((r) => r.text()),
  ]);
  charterBox.value = charter;
  snapshotBox.value = snapshot;
  run();
}

async function main() {
  await init();
  const g = await fetch("polity.tmLanguage.json").then((r) => r.json());
  grammar = rules(g);
  charterBox.addEventListener("input", later);
  snapshotBox.addEventListener("input", later);
  charterBox.addEventListener("scroll", () => {
    charterView.parentElement.scrollTop = charterBox.scrollTop;
    charterView.parentElement.scrollLeft = charterBox.scrollLeft;
  });
  $("example").addEventListener("change", (e) => loadExample(e.target.value));
  $("share").addEventListener("click", async () => {
    const link = `${location.origin}${location.pathname}#s=${await pack({ charter: charterBox.value, snapshot: snapshotBox.value })}`;
    history.replaceState(null, "", link);
    try {
      await navigator.clipboard.writeText(link);
      status("link copied");
    } catch {
      status("link in the address bar");
    }
  });
  const shared = location.hash.match(/^#s=([A-Za-z0-9_-]+)$/);
  if (shared) {
    try {
      const state = await unpack(shared[1]);
      charterBox.value = String(state.charter || "");
      snapshotBox.value = String(state.snapshot || "");
      run();
      return;
    } catch {
      status("the link could not be read; showing an example");
    }
  }
  await loadExample($("example").value);
}

main().catch((e) => status(`failed to start: ${e.message || e}`));
