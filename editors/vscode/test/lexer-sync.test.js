// The grammar against the lexer: every keyword, soft keyword, operator,
// duration unit, escape and literal form of compiler/src/syntax/lexer.rs must
// be in the tables of scripts/build-grammar.js, and the committed grammar
// must be what that script writes.

'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const grammar = require('../scripts/build-grammar.js');

const LEXER = path.join(grammar.REPO, 'compiler', 'src', 'syntax', 'lexer.rs');

// The literal forms of the lexer (its `#[regex]` patterns) that the number
// rules of the grammar were written from. A new or changed pattern fails
// the test until the grammar's `numbers` rules are updated and the pattern
// recorded here.
const KNOWN_REGEXES = [
  '//[^\\n]*',
  '[A-Za-z_][A-Za-z0-9_]*',
  '[0-9][0-9_]*',
  '[0-9][0-9_]*\\.[0-9][0-9_]*',
  '[0-9][0-9_]*(\\.[0-9][0-9_]*)?%',
  '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]',
  '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9](:[0-9][0-9])?Z',
];

const unique = (xs) => [...new Set(xs)].sort();
const missing = (want, have) => unique(want).filter((x) => !have.includes(x));

// What the lexer has that the grammar's tables lack, as messages.
function drift(lexer, tables) {
  const problems = [];
  const keywords = Object.keys(tables.KEYWORDS);
  const operators = tables.OPERATORS.map(([op]) => op);

  // The tokens logos matches literally, and the spellings of `Tok::symbol`
  // (which adds the merged `not in`).
  const tokens = [...lexer.matchAll(/#\[token\("((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`));
  const symbols = [...lexer.matchAll(/Tok::\w+ => "((?:[^"\\]|\\.)*)"/g)].map((m) => JSON.parse(`"${m[1]}"`));
  const spellings = [...tokens, ...symbols].filter((s) => s !== '"' && s !== '');
  const isWord = (s) => /^[A-Za-z_]+$/.test(s);
  for (const w of missing(spellings.filter(isWord), keywords)) {
    problems.push(`keyword \`${w}\` of the lexer is not in KEYWORDS`);
  }
  for (const op of missing(spellings.filter((s) => !isWord(s) && s !== 'not in'), operators)) {
    problems.push(`operator \`${op}\` of the lexer is not in OPERATORS`);
  }
  if (symbols.includes('not in') && !tables.NOT_IN_SCOPE) problems.push('`not in` has no scope');

  const soft = [...lexer.matchAll(/`(\w+)` \(a soft keyword/g)].map((m) => m[1]);
  for (const w of missing(soft, Object.keys(tables.SOFT_KEYWORDS))) {
    problems.push(`soft keyword \`${w}\` of the lexer is not in SOFT_KEYWORDS`);
  }
  for (const w of missing(Object.keys(tables.SOFT_KEYWORDS), soft)) {
    problems.push(`SOFT_KEYWORDS has \`${w}\`, which the lexer treats as a hard keyword`);
  }

  const unitFn = /fn duration_unit[\s\S]*?\n}/.exec(lexer);
  const units = unitFn ? [...unitFn[0].matchAll(/"(\w+)"/g)].map((m) => m[1]) : [];
  for (const u of missing(units, tables.DURATION_UNITS)) problems.push(`unit \`${u}\` is not in DURATION_UNITS`);
  for (const u of missing(tables.DURATION_UNITS, units)) problems.push(`DURATION_UNITS has \`${u}\`, not a unit of the lexer`);

  const notUnitsList = /const NOT_UNITS: &\[&str\] = &\[([^\]]*)\]/.exec(lexer);
  const notUnits = notUnitsList ? [...notUnitsList[1].matchAll(/"(\w+)"/g)].map((m) => m[1]) : [];
  for (const u of missing(notUnits, tables.NOT_UNITS)) problems.push(`non-unit \`${u}\` is not in NOT_UNITS`);

  const lexText = /fn lex_text[\s\S]*?\n}/.exec(lexer);
  const escapes = lexText
    ? [...lexText[0].matchAll(/Some\(\(_, '((?:[^'\\]|\\.))'\)\) => scan\.value\.push/g)].map((m) =>
        m[1].replace(/^\\/, ''),
      )
    : [];
  for (const e of missing(escapes, tables.ESCAPES)) problems.push(`escape \`\\${e}\` is not in ESCAPES`);

  const regexes = [...lexer.matchAll(/#\[regex\(r?"((?:[^"\\]|\\.)*)"\)\]/g)].map((m) => m[1]);
  for (const r of missing(regexes, KNOWN_REGEXES)) {
    problems.push(`literal form \`${r}\` of the lexer is new: scope it in the grammar's numbers rules`);
  }
  // A lexer this script can no longer read must not pass unnoticed.
  if (keywords.length === 0 || tokens.length < 40 || units.length < 14 || escapes.length < 4) {
    problems.push(`the lexer was not read (${tokens.length} tokens, ${units.length} units, ${escapes.length} escapes)`);
  }
  return problems;
}

const lexer = fs.readFileSync(LEXER, 'utf8');

test('every token class of the lexer is in the grammar tables', () => {
  assert.deepEqual(drift(lexer, grammar), []);
});

test('a keyword, operator, unit or literal form added to the lexer is reported', () => {
  const grown = lexer
    .replace('#[token("charter")]', '#[token("amend")]\n    Amend,\n    #[token("charter")]')
    .replace('#[token("?.")]', '#[token("|>")]\n    Pipe,\n    #[token("?.")]')
    .replace('"day" | "days"', '"day" | "days" | "fortnight"')
    .replace('#[regex("[0-9][0-9_]*")]', '#[regex("0x[0-9a-f]+")]\n    Hex,\n    #[regex("[0-9][0-9_]*")]');
  assert.deepEqual(drift(grown, grammar), [
    'keyword `amend` of the lexer is not in KEYWORDS',
    'operator `|>` of the lexer is not in OPERATORS',
    'unit `fortnight` is not in DURATION_UNITS',
    'literal form `0x[0-9a-f]+` of the lexer is new: scope it in the grammar\'s numbers rules',
  ]);
});

test('a lexer that cannot be read fails the check', () => {
  assert.notDeepEqual(drift('', grammar), []);
});

test('the committed grammar is what scripts/build-grammar.js writes', () => {
  const committed = fs.readFileSync(grammar.OUT, 'utf8');
  assert.ok(
    committed === grammar.render(),
    'syntaxes/polity.tmLanguage.json is stale: run `npm run grammar` in editors/vscode',
  );
});

test('every scope the grammar gives is asserted in test/cases', () => {
  const names = new Set();
  (function walk(node) {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'name' && typeof value === 'string') names.add(value);
        else walk(value);
      }
    }
  })(JSON.parse(grammar.render()).repository);
  const dir = path.join(__dirname, 'cases');
  const asserted = new Set();
  for (const file of fs.readdirSync(dir)) {
    for (const line of fs.readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const m = /^\/\/\s*(?:\^+|<[-~]+)\s+(.*)$/.exec(line);
      // scopes before ` - ` are required; after it, forbidden
      if (m) m[1].split(/(?:^|\s+)-\s+/)[0].split(/\s+/).forEach((s) => asserted.add(s));
    }
  }
  assert.ok(names.size > 50, `${names.size} scopes`);
  assert.deepEqual([...names].filter((n) => !asserted.has(n)), []);
});
