#!/usr/bin/env node
// Writes syntaxes/polity.tmLanguage.json, the TextMate grammar of Polity.
//
// The token classes (keywords, operators, literals, comments) follow the
// lexer, compiler/src/syntax/lexer.rs, and are written out here once:
// KEYWORDS, SOFT_KEYWORDS, OPERATORS and the duration units below are the
// only lists of them. test/lexer-sync.test.js reads the lexer and fails when
// it has a keyword, an operator or a unit that these tables lack, and when
// the committed grammar is not what this script writes.
//
// Names that are not tokens are read from the compiler and the standard
// library when the grammar is built: the built-in functions and types
// (compiler/src/resolve/decls.rs) and the public fns of stdlib/*.polity (so
// that a call of a `std.*` rule is scoped support.function.std).
//
//   node scripts/build-grammar.js           write the grammar
//   node scripts/build-grammar.js --stdout  print it instead

'use strict';

const fs = require('node:fs');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..', '..', '..');
const OUT = path.resolve(__dirname, '..', 'syntaxes', 'polity.tmLanguage.json');

// Every keyword of the lexer, with its scope (".polity" is appended).
// `figure` (soft) is the keyword of the `figure NAME: Type = expr` item.
const KEYWORDS = {
  charter: 'storage.type.charter',
  import: 'keyword.control.import',
  enum: 'storage.type.enum',
  record: 'storage.type.record',
  state: 'storage.type.state',
  const: 'storage.type.const',
  figure: 'storage.type.figure',
  fn: 'storage.type.function',
  law: 'storage.type.law',
  test: 'storage.type.test',
  let: 'storage.type.let',
  require: 'keyword.other.require',
  should: 'keyword.other.should',
  unless: 'keyword.other.unless',
  given: 'keyword.other.given',
  expect: 'keyword.other.expect',
  when: 'keyword.control.conditional.when',
  if: 'keyword.control.conditional',
  then: 'keyword.control.conditional',
  else: 'keyword.control.conditional',
  match: 'keyword.control.conditional.match',
  for: 'keyword.control.loop.for',
  where: 'keyword.control.where',
  fold: 'keyword.control.fold',
  and: 'keyword.operator.logical',
  or: 'keyword.operator.logical',
  not: 'keyword.operator.logical',
  in: 'keyword.operator.word.in',
  with: 'keyword.operator.word.with',
  div: 'keyword.operator.arithmetic.word',
  mod: 'keyword.operator.arithmetic.word',
  true: 'constant.language.boolean',
  false: 'constant.language.boolean',
  none: 'constant.language.none',
  private: 'storage.modifier.private',
};

// `not in`, one token of the lexer (`not` and `in` merged).
const NOT_IN_SCOPE = 'keyword.operator.word.not-in';

// Soft keywords (the lexer's "also a name"): a keyword only where what
// follows shows it is one, a name elsewhere.
const SOFT_KEYWORDS = {
  // a guard: `when cond {` or `require "label" when cond: ...`; not a name
  // followed by what ends or continues an operand
  when: '(?![ \\t]*(?:[:,)\\]}.?+*/%<>!]|=(?!=)|-(?!\\d)|$))',
  // advice: `should "label": cond`
  should: '(?=[ \\t]*")',
  // `private fn`, `private const`, `private figure`
  private: '(?=[ \\t]+(?:fn|const|figure)(?![A-Za-z0-9_]))',
  // the item `figure NAME: Type = e`; `figure` is a name elsewhere
  figure: '(?=[ \\t]+[A-Za-z_][A-Za-z0-9_]*[ \\t]*:)',
};

// Every operator and punctuation token of the lexer, with its scope,
// longest first where one is a prefix of another.
const OPERATORS = [
  ['?.', 'punctuation.accessor.optional'],
  ['??', 'keyword.operator.coalesce'],
  ['?', 'keyword.operator.optional'],
  ['->', 'keyword.operator.return-type'],
  ['=>', 'keyword.operator.arrow'],
  ['==', 'keyword.operator.comparison'],
  ['!=', 'keyword.operator.comparison'],
  ['<=', 'keyword.operator.comparison'],
  ['>=', 'keyword.operator.comparison'],
  ['<', 'keyword.operator.comparison'],
  ['>', 'keyword.operator.comparison'],
  ['=', 'keyword.operator.assignment'],
  ['+', 'keyword.operator.arithmetic'],
  ['-', 'keyword.operator.arithmetic'],
  ['*', 'keyword.operator.arithmetic'],
  ['/', 'keyword.operator.arithmetic'],
  ['%', 'keyword.operator.arithmetic'],
  ['.', 'punctuation.accessor'],
  [',', 'punctuation.separator.comma'],
  [':', 'punctuation.separator.colon'],
  ['(', 'punctuation.section.parens.begin'],
  [')', 'punctuation.section.parens.end'],
  ['[', 'punctuation.section.brackets.begin'],
  [']', 'punctuation.section.brackets.end'],
  ['{', 'punctuation.section.braces.begin'],
  ['}', 'punctuation.section.braces.end'],
];

// The units of a duration or period (`90 days`, `1 month`).
const DURATION_UNITS = [
  'day', 'days', 'week', 'weeks', 'month', 'months', 'year', 'years',
  'hour', 'hours', 'minute', 'minutes', 'second', 'seconds',
];

// Words of time that are not units: after a number the lexer reports them
// (E0010), so they are scoped invalid.
const NOT_UNITS = [
  'sec', 'secs', 's', 'min', 'mins', 'h', 'hr', 'hrs', 'fortnight', 'fortnights',
  'quarter', 'quarters', 'decade', 'decades', 'century', 'centuries', 'd', 'w',
  'wk', 'wks', 'mo', 'mos', 'y', 'yr', 'yrs', 'ms', 'millisecond', 'milliseconds',
];

// The escapes of a text literal (`\"`, `\\`, `\n`, `\t`).
const ESCAPES = ['"', '\\', 'n', 't'];

// ------------------------------------------------------------ names read from the sources

// The string items of `pub const NAME: &[&str] = &[ ... ];` in a Rust file.
function rustStrList(text, name) {
  const m = new RegExp(`pub const ${name}: &\\[&str\\] = &\\[([^\\]]*)\\]`).exec(text);
  if (!m) throw new Error(`no list ${name} in compiler/src/resolve/decls.rs`);
  return [...m[1].matchAll(/"([^"]*)"/g)].map((x) => x[1]);
}

function compilerNames() {
  const decls = fs.readFileSync(path.join(REPO, 'compiler/src/resolve/decls.rs'), 'utf8');
  return {
    builtins: [...rustStrList(decls, 'BUILTINS'), ...rustStrList(decls, 'SHADOWABLE_BUILTINS')],
    builtinTypes: rustStrList(decls, 'BUILTIN_TYPES'),
  };
}

// The public fns of the standard library, sorted.
function stdlibFns() {
  const dir = path.join(REPO, 'stdlib');
  const names = new Set();
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.polity')).sort()) {
    const text = fs.readFileSync(path.join(dir, file), 'utf8');
    for (const m of text.matchAll(/^fn[ \t]+([A-Za-z_][A-Za-z0-9_]*)/gm)) names.add(m[1]);
  }
  return [...names].sort();
}

// ------------------------------------------------------------ the grammar

const S = (scope) => `${scope}.polity`;
const esc = (s) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const words = (list) => list.map(esc).join('|');
// Names are ASCII letters, digits and `_`; a word starts and ends where no
// name character touches it.
const B = '(?<![A-Za-z0-9_])';
const E = '(?![A-Za-z0-9_])';
const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const GENERIC = '<(?:[^<>\\n]|<(?:[^<>\\n]|<[^<>\\n]*>)*>)*>';
// One type on one line: `Int`, `List<Set<Role>>`, `Text?`, `Member in members`.
const TYPE = `${IDENT}(?:[ \\t]*${GENERIC})?(?:[ \\t]*\\?|[ \\t]+in[ \\t]+${IDENT})*`;
const TYPE_CAPTURE = { patterns: [{ include: '#type' }] };
const KEYWORD_CAPTURE = { patterns: [{ include: '#keywords' }] };
// Captures 1, 2... from scopes (or capture rules such as TYPE_CAPTURE) in order.
const caps = (...xs) => Object.fromEntries(xs.map((x, i) => [i + 1, typeof x === 'string' ? { name: S(x) } : x]));

function keywordRules() {
  const byScope = new Map();
  for (const [word, scope] of Object.entries(KEYWORDS)) {
    if (word in SOFT_KEYWORDS) continue;
    if (!byScope.has(scope)) byScope.set(scope, []);
    byScope.get(scope).push(word);
  }
  const rules = [
    { match: `${B}(not)[ \\t]+(in)${E}`, name: S(NOT_IN_SCOPE) },
  ];
  for (const [scope, list] of byScope) {
    rules.push({ match: `${B}(?:${words(list)})${E}`, name: S(scope) });
  }
  for (const [word, after] of Object.entries(SOFT_KEYWORDS)) {
    rules.push({ match: `${B}${esc(word)}${E}${after}`, name: S(KEYWORDS[word]) });
  }
  return rules;
}

function operatorRules() {
  return OPERATORS.map(([op, scope]) => ({ match: esc(op), name: S(scope) }));
}

function build() {
  const { builtins, builtinTypes } = compilerNames();
  const std = stdlibFns();
  const fieldDecl = {
    comment: 'a field and its type in a record or the state',
    match: `${B}(${IDENT})[ \\t]*(:)[ \\t]*(${TYPE})`,
    captures: caps('variable.other.property', 'punctuation.separator.colon', TYPE_CAPTURE),
  };
  const fieldInit = {
    comment: 'a field given a value: `R { f: v }`, `r with { f: v }`, a charter entry',
    match: `${B}(${IDENT})[ \\t]*(:)`,
    captures: caps('variable.other.property', 'punctuation.separator.colon'),
  };
  const braces = (begin, beginCaptures, patterns, name) => ({
    ...(name ? { name: S(name) } : {}),
    begin,
    beginCaptures,
    end: '\\}',
    endCaptures: { 0: { name: S('punctuation.section.braces.end') } },
    patterns,
  });

  // A braced block whose fields are declared (`fieldDecl`) or given values
  // (`fieldInit`), with any other item inside.
  const fieldBlock = (begin, beginCaptures, field, name) =>
    braces(begin, beginCaptures, [{ include: '#comments' }, field, { include: '#item' }], name);

  return {
    name: 'Polity',
    scopeName: 'source.polity',
    fileTypes: ['polity'],
    comment:
      'Generated by scripts/build-grammar.js from its own tables; do not edit. ' +
      'Tested by test/cases/*.polity (vscode-tmgrammar-test) and test/lexer-sync.test.js.',
    patterns: [{ include: '#item' }],
    repository: {
      item: {
        patterns: [
          { include: '#comments' },
          { include: '#strings' },
          { include: '#declarations' },
          { include: '#statements' },
          { include: '#expressions' },
        ],
      },
      comments: {
        patterns: [
          {
            comment: '`///` documents the declaration that follows (`////` does not)',
            match: '(///)(?!/).*$',
            name: S('comment.line.documentation'),
            captures: caps('punctuation.definition.comment'),
          },
          {
            match: '(//).*$',
            name: S('comment.line.double-slash'),
            captures: caps('punctuation.definition.comment'),
          },
        ],
      },
      strings: {
        patterns: [
          {
            comment: 'a text literal ends at its closing quote or, unterminated, at the end of its line',
            name: S('string.quoted.double'),
            begin: '"',
            beginCaptures: { 0: { name: S('punctuation.definition.string.begin') } },
            end: '(")|$',
            endCaptures: caps('punctuation.definition.string.end'),
            patterns: [
              { match: `\\\\[${ESCAPES.map(esc).join('')}]`, name: S('constant.character.escape') },
              { match: '\\\\.?', name: S('invalid.illegal.unknown-escape') },
            ],
          },
        ],
      },
      declarations: {
        patterns: [
          {
            comment: '`charter "Name" {` and its entries',
            begin: `${B}(charter)${E}[ \\t]*("(?:[^"\\\\\\n]|\\\\.)*")?[ \\t]*(\\{)`,
            beginCaptures: caps(
              KEYWORDS.charter,
              { patterns: [{ include: '#strings' }] },
              'punctuation.section.braces.begin',
            ),
            end: '\\}',
            endCaptures: { 0: { name: S('punctuation.section.braces.end') } },
            name: S('meta.charter'),
            patterns: [{ include: '#comments' }, fieldInit, { include: '#item' }],
          },
          {
            comment: '`import std.voting` or `import "file.polity"`',
            match: `${B}(import)${E}(?:[ \\t]+(${IDENT}(?:[ \\t]*\\.[ \\t]*${IDENT})*))?`,
            captures: caps(KEYWORDS.import, {
              patterns: [
                { match: '\\.', name: S('punctuation.accessor') },
                { match: IDENT, name: S('entity.name.namespace') },
              ],
            }),
          },
          braces(
            `${B}(enum)[ \\t]+(${IDENT})[ \\t]*(\\{)`,
            caps(KEYWORDS.enum, 'entity.name.type.enum', 'punctuation.section.braces.begin'),
            [
              { include: '#comments' },
              { match: IDENT, name: S('variable.other.enummember') },
              { match: ',', name: S('punctuation.separator.comma') },
            ],
            'meta.enum',
          ),
          fieldBlock(
            `${B}(record)[ \\t]+(${IDENT})[ \\t]*(\\{)`,
            caps(KEYWORDS.record, 'entity.name.type.record', 'punctuation.section.braces.begin'),
            fieldDecl, 'meta.record',
          ),
          fieldBlock(
            `${B}(state)[ \\t]*(\\{)`,
            caps(KEYWORDS.state, 'punctuation.section.braces.begin'),
            fieldDecl, 'meta.state',
          ),
          {
            comment: 'an enum or record whose `{` is on a later line',
            match: `${B}(enum|record)[ \\t]+(${IDENT})`,
            captures: caps(KEYWORD_CAPTURE, 'entity.name.type'),
          },
          {
            comment: '`const name: Type =` and `figure name: Type =`, maybe `private`',
            match: `${B}(?:(private)[ \\t]+)?(const|figure)[ \\t]+(${IDENT})(?:[ \\t]*(:)[ \\t]*(${TYPE}))?`,
            captures: caps(
              KEYWORDS.private,
              // `figure` is soft: its own rule needs what follows it, which
              // a capture does not see, so both words are scoped here
              {
                patterns: [
                  { match: 'const', name: S(KEYWORDS.const) },
                  { match: 'figure', name: S(KEYWORDS.figure) },
                ],
              },
              'variable.other.constant',
              'punctuation.separator.colon',
              TYPE_CAPTURE,
            ),
          },
          {
            comment: 'a fn and its parameters',
            name: S('meta.function'),
            begin: `${B}(?:(private)[ \\t]+)?(fn)[ \\t]+(${IDENT})[ \\t]*(\\()`,
            beginCaptures: caps(
              KEYWORDS.private,
              KEYWORDS.fn,
              'entity.name.function',
              'punctuation.section.parens.begin',
            ),
            end: '\\)',
            endCaptures: { 0: { name: S('punctuation.section.parens.end') } },
            patterns: [
              { include: '#comments' },
              {
                match: `${B}(${IDENT})[ \\t]*(:)[ \\t]*(${TYPE})`,
                captures: caps('variable.parameter', 'punctuation.separator.colon', TYPE_CAPTURE),
              },
              { match: ',', name: S('punctuation.separator.comma') },
            ],
          },
          {
            comment: 'a fn whose `(` is on a later line',
            match: `${B}(?:(private)[ \\t]+)?(fn)[ \\t]+(${IDENT})`,
            captures: caps(KEYWORDS.private, KEYWORDS.fn, 'entity.name.function'),
          },
          {
            comment: 'a fn\'s result type',
            match: `(->)[ \\t]*(${TYPE})`,
            captures: caps('keyword.operator.return-type', TYPE_CAPTURE),
          },
          {
            comment: '`law name` and its subject, `law name(x in xs)`',
            match: `${B}(law)[ \\t]+(${IDENT})(?:[ \\t]*(\\()[ \\t]*(${IDENT})[ \\t]+(in)${E})?`,
            captures: caps(
              KEYWORDS.law,
              'entity.name.function.law',
              'punctuation.section.parens.begin',
              'variable.parameter',
              KEYWORDS.in,
            ),
          },
        ],
      },
      statements: {
        patterns: [
          {
            comment: '`let name: Type =` (also in `if let`)',
            match: `${B}(let)[ \\t]+(${IDENT})(?:[ \\t]*(:)[ \\t]*(${TYPE}))?`,
            captures: caps(
              KEYWORDS.let,
              'variable.other.readwrite',
              'punctuation.separator.colon',
              TYPE_CAPTURE,
            ),
          },
          {
            comment: '`given name =` in a test',
            match: `${B}(given)[ \\t]+(${IDENT})`,
            captures: caps(KEYWORDS.given, 'variable.other.readwrite'),
          },
          {
            comment: '`fold(acc: Type = init, x in xs)`',
            match: `${B}(fold)[ \\t]*(\\()[ \\t]*(${IDENT})(?:[ \\t]*(:)[ \\t]*(${TYPE}))?`,
            captures: caps(
              KEYWORDS.fold,
              'punctuation.section.parens.begin',
              'variable.parameter',
              'punctuation.separator.colon',
              TYPE_CAPTURE,
            ),
          },
          {
            comment: 'the variables of a comprehension: `for x in`, `for i, x in`',
            match: `${B}(for)[ \\t]+(${IDENT})(?:[ \\t]*(,)[ \\t]*(${IDENT}))?[ \\t]+(in)${E}`,
            captures: caps(
              KEYWORDS.for,
              'variable.parameter',
              'punctuation.separator.comma',
              'variable.parameter',
              KEYWORDS.in,
            ),
          },
        ],
      },
      expressions: {
        patterns: [
          fieldBlock(
            `${B}([A-Z][A-Za-z0-9_]*)[ \\t]*(\\{)`,
            caps('entity.name.type', 'punctuation.section.braces.begin'),
            fieldInit, 'meta.record-construction',
          ),
          fieldBlock(
            `${B}(with)[ \\t]*(\\{)`,
            caps(KEYWORDS.with, 'punctuation.section.braces.begin'),
            fieldInit, 'meta.record-update',
          ),
          braces('\\{', { 0: { name: S('punctuation.section.braces.begin') } }, [{ include: '#item' }]),
          { include: '#numbers' },
          {
            comment: 'an enum case named with its enum: `Status.Active`',
            match: `${B}([A-Z][A-Za-z0-9_]*)[ \\t]*(\\.)[ \\t]*([A-Za-z_][A-Za-z0-9_]*)`,
            captures: caps('entity.name.type', 'punctuation.accessor', 'variable.other.enummember'),
          },
          {
            comment: 'a field after `.` or `?.`, keywords included (`x.state`)',
            match: `(\\?\\.|\\.)[ \\t]*(${IDENT})`,
            captures: caps({ patterns: [{ include: '#operators' }] }, 'variable.other.property'),
          },
          { include: '#keywords' },
          { match: `${B}it${E}`, name: S('variable.language.it') },
          {
            comment: 'a call of a public fn of the standard library (std.*)',
            match: `${B}(${words(std)})[ \\t]*(?=\\()`,
            captures: caps('support.function.std'),
          },
          {
            comment: 'a call of a built-in function',
            match: `${B}(${words(builtins)})[ \\t]*(?=\\()`,
            captures: caps('support.function.builtin'),
          },
          {
            comment: 'a call of a fn or law of the charter',
            match: `${B}(${IDENT})[ \\t]*(?=\\()`,
            captures: caps('entity.name.function.call'),
          },
          {
            comment: 'a capitalised name in an expression is an enum case',
            match: `${B}[A-Z][A-Za-z0-9_]*`,
            name: S('variable.other.enummember'),
          },
          { match: IDENT, name: S('variable.other') },
          { include: '#operators' },
          { include: '#invalid' },
        ],
      },
      numbers: {
        comment: 'the literals of the lexer, longest first as logos reads them',
        patterns: [
          {
            match: `${B}\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}(?::\\d{2})?Z`,
            name: S('constant.numeric.instant'),
          },
          { match: `${B}\\d{4}-\\d{2}-\\d{2}`, name: S('constant.numeric.date') },
          {
            match: `${B}\\d[\\d_]*(?:\\.\\d[\\d_]*)?(%)`,
            name: S('constant.numeric.percent'),
            captures: caps('keyword.other.unit.percent'),
          },
          { match: `${B}\\d[\\d_]*\\.\\d[\\d_]*`, name: S('constant.numeric.decimal') },
          {
            comment: 'a number and its unit on one line: `90 days`',
            match: `${B}\\d[\\d_]*[ \\t]*(${words(DURATION_UNITS)})${E}`,
            name: S('constant.numeric.duration'),
            captures: caps('keyword.other.unit'),
          },
          {
            comment: 'a word of time that is not a unit (E0010)',
            match: `${B}(\\d[\\d_]*)[ \\t]*(${words(NOT_UNITS)})${E}`,
            captures: caps('constant.numeric.integer', 'invalid.illegal.unit'),
          },
          { match: `${B}\\d[\\d_]*`, name: S('constant.numeric.integer') },
        ],
      },
      keywords: { patterns: keywordRules() },
      operators: { patterns: operatorRules() },
      type: {
        comment: 'a type: built-in types, type names, `<...>` arguments, `?`, `in collection`',
        patterns: [
          {
            match: `${B}(in)[ \\t]+(${IDENT})`,
            captures: caps(KEYWORDS.in, 'variable.other'),
          },
          { match: `${B}(?:${words(builtinTypes)})${E}`, name: S('support.type.builtin') },
          { match: IDENT, name: S('entity.name.type') },
          { match: '<', name: S('punctuation.definition.typeparameters.begin') },
          { match: '>', name: S('punctuation.definition.typeparameters.end') },
          { match: ',', name: S('punctuation.separator.comma') },
          { match: '\\?', name: S('keyword.operator.optional') },
        ],
      },
      invalid: {
        comment: 'characters no token starts with (E0001): `!` alone, `&`, `|`, `\'`, `;`, non-ASCII...',
        patterns: [
          { match: '!(?!=)|[^\\sA-Za-z0-9_()\\[\\]{},:.?\\-=<>+*/%"!]', name: S('invalid.illegal.character') },
        ],
      },
    },
  };
}

function render() {
  return `${JSON.stringify(build(), null, 2)}\n`;
}

module.exports = {
  KEYWORDS, SOFT_KEYWORDS, NOT_IN_SCOPE, OPERATORS, DURATION_UNITS, NOT_UNITS, ESCAPES, OUT, REPO, render,
};

if (require.main === module) {
  if (process.argv.includes('--stdout')) {
    process.stdout.write(render());
  } else {
    fs.writeFileSync(OUT, render());
    console.log(`wrote ${path.relative(process.cwd(), OUT)}`);
  }
}
