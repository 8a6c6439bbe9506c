// The grammar over every charter that compiles: both examples, the standard
// library and the evaluation corpus (tests/eval). A valid charter has no
// token scoped invalid, and every keyword of it is scoped as a keyword.

'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const textmate = require('vscode-textmate');
const oniguruma = require('vscode-oniguruma');

const { KEYWORDS, OUT, REPO } = require('../scripts/build-grammar.js');

function polityFiles(dir) {
  const out = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const file = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...polityFiles(file));
    else if (entry.name.endsWith('.polity')) out.push(file);
  }
  return out.sort();
}

async function loadGrammar() {
  const wasm = fs.readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (sources) => new oniguruma.OnigScanner(sources),
      createOnigString: (s) => new oniguruma.OnigString(s),
    }),
    loadGrammar: async () => textmate.parseRawGrammar(fs.readFileSync(OUT, 'utf8'), OUT),
  });
  return registry.loadGrammar('source.polity');
}

// Every token of `text` as [line, text, scopes].
function tokenize(grammar, text) {
  const tokens = [];
  let stack = textmate.INITIAL;
  text.split(/\r?\n/).forEach((line, i) => {
    const result = grammar.tokenizeLine(line, stack);
    for (const t of result.tokens) {
      tokens.push([i + 1, line.slice(t.startIndex, t.endIndex), t.scopes]);
    }
    stack = result.ruleStack;
  });
  return tokens;
}

const files = ['examples', 'stdlib', path.join('tests', 'eval')].flatMap((d) => polityFiles(path.join(REPO, d)));

test('the corpus is there', () => {
  assert.ok(files.length > 20, `${files.length} charters`);
});

test('no token of a valid charter is scoped invalid', async () => {
  const grammar = await loadGrammar();
  const bad = [];
  for (const file of files) {
    for (const [line, text, scopes] of tokenize(grammar, fs.readFileSync(file, 'utf8'))) {
      if (scopes.some((s) => s.startsWith('invalid'))) {
        bad.push(`${path.relative(REPO, file)}:${line}: \`${text}\` ${scopes.join(' ')}`);
      }
    }
  }
  assert.deepEqual(bad.slice(0, 20), []);
});

test('keywords outside comments, texts and field names are scoped as their keyword', async () => {
  const grammar = await loadGrammar();
  const soft = ['when', 'should', 'private'];
  const bad = [];
  let seen = 0;
  for (const file of files) {
    for (const [line, text, scopes] of tokenize(grammar, fs.readFileSync(file, 'utf8'))) {
      const word = text.trim();
      if (!Object.hasOwn(KEYWORDS, word) || soft.includes(word)) continue;
      if (scopes.some((s) => /^(comment|string|variable\.other\.property)/.test(s))) continue;
      seen += 1;
      if (!scopes.some((s) => s.startsWith(KEYWORDS[word]))) {
        bad.push(`${path.relative(REPO, file)}:${line}: \`${word}\` ${scopes.join(' ')}`);
      }
    }
  }
  assert.ok(seen > 1000, `${seen} keywords seen`);
  assert.deepEqual(bad.slice(0, 20), []);
});
