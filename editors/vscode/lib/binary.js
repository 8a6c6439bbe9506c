// Finds the `polity` binary that the extension starts as `polity lsp`.
//
// Plain Node, no `vscode`: the setting's value, the environment and the
// platform come in as arguments, so test/extension.test.js checks every case
// without an editor.

'use strict';

const fs = require('node:fs');
const path = require('node:path');

// Whether `file` is a file this process may run.
function isExecutable(file, platform) {
  try {
    if (!fs.statSync(file).isFile()) return false;
    if (platform !== 'win32') fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// The binary named by the `polity.path` setting: a path (it holds a
// separator, or starts with `~`) is used as it is, with `~` for the home
// directory and a relative path taken from the first workspace folder; a
// bare name is looked up on PATH (with PATHEXT on Windows). Returns the
// absolute path of the binary, or null when there is none.
function findBinary(setting, { env = process.env, platform = process.platform, home = '', cwd = '' } = {}) {
  const wanted = (setting || '').trim() || 'polity';
  const exts = platform === 'win32' ? ['', ...(env.PATHEXT || '.EXE;.CMD;.BAT').split(';').filter(Boolean)] : [''];
  const candidates = (base) => exts.map((ext) => base + ext);

  const isPath = wanted.startsWith('~') || wanted.includes('/') || (platform === 'win32' && wanted.includes('\\'));
  if (isPath) {
    let full = wanted;
    if (full === '~' || full.startsWith('~/') || full.startsWith('~\\')) full = path.join(home, full.slice(1));
    if (!path.isAbsolute(full)) full = path.resolve(cwd || '.', full);
    return candidates(full).find((c) => isExecutable(c, platform)) ?? null;
  }
  const dirs = (env.PATH || env.Path || '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const found = candidates(path.join(dir, wanted)).find((c) => isExecutable(c, platform));
    if (found) return found;
  }
  return null;
}

module.exports = { findBinary };
