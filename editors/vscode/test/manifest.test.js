// The extension's manifest and language configuration: everything they name
// exists and agrees, and the editing rules do what they say on real lines.

'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const read = (file) => JSON.parse(fs.readFileSync(path.join(ROOT, file), 'utf8'));
const manifest = read('package.json');
const config = read('language-configuration.json');

test('the manifest names files that exist and a grammar with its scope', () => {
  const [language] = manifest.contributes.languages;
  assert.equal(language.id, 'polity');
  assert.deepEqual(language.extensions, ['.polity']);
  assert.ok(fs.existsSync(path.join(ROOT, language.configuration)));
  const [grammar] = manifest.contributes.grammars;
  assert.equal(grammar.language, 'polity');
  assert.equal(read(grammar.path).scopeName, grammar.scopeName);
  assert.ok(fs.existsSync(path.join(ROOT, manifest.main)));
  assert.deepEqual(manifest.activationEvents, ['onLanguage:polity']);
  assert.equal(manifest.contributes.configuration.properties['polity.path'].default, 'polity');
  const commands = manifest.contributes.commands.map((c) => c.command).sort();
  const source = fs.readFileSync(path.join(ROOT, manifest.main), 'utf8');
  for (const command of commands) assert.ok(source.includes(`'${command}'`), `${command} is registered`);
});

test('dependencies are pinned to exact versions', () => {
  for (const deps of [manifest.dependencies, manifest.devDependencies]) {
    for (const [name, version] of Object.entries(deps)) {
      assert.match(version, /^\d+\.\d+\.\d+$/, `${name}@${version} is not pinned`);
    }
  }
});

test('indentation rules: in after an open bracket, out before a closing one', () => {
  const increase = new RegExp(config.indentationRules.increaseIndentPattern);
  const decrease = new RegExp(config.indentationRules.decreaseIndentPattern);
  for (const line of ['law may_vote(m in members) {', '  let x = [', '  require "x": f( // why', 'state {']) {
    assert.ok(increase.test(line), line);
  }
  for (const line of ['record A { id: Text }', '  require "x": f(a)', '  // a comment {x}', 'const a = 1']) {
    assert.ok(!increase.test(line), line);
  }
  for (const line of ['}', '  ]', '  ) == 1']) assert.ok(decrease.test(line), line);
  assert.ok(!decrease.test('  require "x": a'));
});

test('a word is a name, a number, a percentage or a date', () => {
  const word = new RegExp(`^(?:${config.wordPattern})$`);
  for (const w of ['may_vote', '_x1', '42', '12.5%', '1_000', '2024-06-01', '2026-03-01T12:00Z']) {
    assert.ok(word.test(w), w);
  }
  assert.ok(!word.test('may-vote'));
});

test('Enter in a doc comment continues it', () => {
  const [rule] = config.onEnterRules;
  assert.ok(new RegExp(rule.beforeText).test('  /// Members vote'));
  assert.ok(!new RegExp(rule.beforeText).test('  //// banner'));
  assert.equal(rule.action.appendText, '/// ');
});

test('the packed extension holds the client, the grammar and the runtime dependencies only', () => {
  const { execFileSync } = require('node:child_process');
  const vsce = path.join(ROOT, 'node_modules', '@vscode', 'vsce', 'vsce');
  const files = execFileSync(process.execPath, [vsce, 'ls'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter(Boolean);
  const own = files.filter((f) => !f.startsWith('node_modules/')).sort();
  assert.deepEqual(own, [
    'LICENSE',
    'README.md',
    'extension.js',
    'language-configuration.json',
    'lib/binary.js',
    'package.json',
    'syntaxes/polity.tmLanguage.json',
  ]);
  const packages = new Set(files.filter((f) => f.startsWith('node_modules/')).map((f) => f.split('/')[1]));
  assert.ok(packages.has('vscode-languageclient') && packages.has('vscode-languageserver-protocol'));
  for (const dev of Object.keys(manifest.devDependencies)) {
    assert.ok(!packages.has(dev.split('/')[0]), `${dev} is not packed`);
  }
});
