#!/usr/bin/env bash
# Builds the playground into a static site: the page, the WebAssembly package
# (wasm-pack's `--target web` build of bindings/wasm, under pkg/), both
# examples and the VS Code extension's TextMate grammar.
#
#   playground/build.sh OUT_DIR
#
# `wasm-bindgen` (the command-line tool, the version of the `wasm-bindgen`
# crate) must be on PATH (docs/testing.md: CI installs it under the target
# directory); the wasm32-unknown-unknown target must be installed.
set -euo pipefail
out="${1:?usage: playground/build.sh OUT_DIR}"
root="$(cd "$(dirname "$0")/.." && pwd)"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
rm -rf "$out/pkg" "$out/examples"
target="${CARGO_TARGET_DIR:-$root/target}"
(cd "$root" && cargo build --quiet --release -p polity-wasm --target wasm32-unknown-unknown)
wasm-bindgen --target web --out-dir "$out/pkg" "$target/wasm32-unknown-unknown/release/polity_wasm.wasm"
cp "$root"/playground/{index.html,style.css,playground.js,highlight.js} "$out/"
cp "$root/editors/vscode/syntaxes/polity.tmLanguage.json" "$out/"
for example in praxis-nova tidewater; do
  mkdir -p "$out/examples/$example"
  cp "$root/examples/$example/"{charter.polity,snapshot.json} "$out/examples/$example/"
done
