#!/usr/bin/env node
// Snapshot tests of the grammar on real charters: both examples and a
// standard library module, tokenized by vscode-tmgrammar-snap and compared
// with the snapshots in test/snap/.
//
// The charters stay where they are (examples/, stdlib/): each is copied into
// a temporary directory with its committed snapshot beside it, because
// vscode-tmgrammar-snap keeps `FILE.snap` next to `FILE`.
//
//   node scripts/snap.js            compare; exit 1 on any difference or missing snapshot
//   node scripts/snap.js --update   write test/snap/*.snap from the current grammar

'use strict';

const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { spawnSync } = require('node:child_process');

const ROOT = path.resolve(__dirname, '..');
const REPO = path.resolve(ROOT, '..', '..');
const SNAPS = path.join(ROOT, 'test', 'snap');

// The charters under snapshot, by the name of their snapshot.
const CASES = {
  'praxis-nova.polity': 'examples/praxis-nova/charter.polity',
  'tidewater.polity': 'examples/tidewater/charter.polity',
  'std-census.polity': 'stdlib/census.polity',
};

function main() {
  const update = process.argv.includes('--update');
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'polity-snap-'));
  try {
    const missing = [];
    for (const [name, source] of Object.entries(CASES)) {
      fs.copyFileSync(path.join(REPO, source), path.join(work, name));
      const snap = path.join(SNAPS, `${name}.snap`);
      if (fs.existsSync(snap)) fs.copyFileSync(snap, path.join(work, `${name}.snap`));
      else if (!update) missing.push(path.relative(ROOT, snap));
    }
    if (missing.length > 0) {
      console.error(`missing snapshots (run \`npm run test:snap -- --update\`): ${missing.join(', ')}`);
      return 1;
    }
    const bin = path.join(ROOT, 'node_modules', 'vscode-tmgrammar-test', 'dist', 'snapshot.js');
    const args = [
      bin,
      '--grammar', path.join(ROOT, 'syntaxes', 'polity.tmLanguage.json'),
      '--scope', 'source.polity',
      '--config', path.join(ROOT, 'package.json'),
      ...(update ? ['--updateSnapshot'] : []),
      path.join(work, '*.polity'),
    ];
    const run = spawnSync(process.execPath, args, { stdio: 'inherit' });
    if (run.status !== 0) {
      console.error(
        'The scopes of a charter under snapshot changed (above). When the charter ' +
          `(${Object.values(CASES).join(', ')}) or the grammar changed on purpose, run ` +
          '`npm run test:snap -- --update` in editors/vscode and read the diff of test/snap/.',
      );
      return run.status ?? 1;
    }
    if (update) {
      fs.mkdirSync(SNAPS, { recursive: true });
      for (const name of Object.keys(CASES)) {
        fs.copyFileSync(path.join(work, `${name}.snap`), path.join(SNAPS, `${name}.snap`));
      }
      console.log(`updated ${Object.keys(CASES).length} snapshots in ${path.relative(process.cwd(), SNAPS)}`);
    }
    return 0;
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

process.exitCode = main();
