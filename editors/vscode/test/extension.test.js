// The client without an editor: lib/binary.js on real files, and
// extension.js against stand-ins for the `vscode` API and
// vscode-languageclient that record what the extension asks of them.

'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const Module = require('node:module');

const { findBinary } = require('../lib/binary');

const posix = process.platform !== 'win32';

function tempDir() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'polity-ext-'));
  test.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function executable(dir, name, mode = 0o755) {
  const file = path.join(dir, name);
  fs.writeFileSync(file, '#!/bin/sh\n');
  fs.chmodSync(file, mode);
  return file;
}

test('a bare name is found on PATH, in PATH order', () => {
  const a = tempDir();
  const b = tempDir();
  const inB = executable(b, 'polity');
  const env = { PATH: [a, b].join(path.delimiter) };
  assert.equal(findBinary('polity', { env }), inB);
  const inA = executable(a, 'polity');
  assert.equal(findBinary('polity', { env }), inA);
  assert.equal(findBinary('', { env }), inA, 'an empty setting means `polity`');
});

test('a name that is not on PATH, or not executable, is not found', { skip: !posix }, () => {
  const dir = tempDir();
  executable(dir, 'polity', 0o644);
  fs.mkdirSync(path.join(dir, 'polity-dir'));
  assert.equal(findBinary('polity', { env: { PATH: dir } }), null);
  assert.equal(findBinary('polity-dir', { env: { PATH: dir } }), null);
  assert.equal(findBinary('polity', { env: {} }), null);
});

test('a path is taken as it is, from the home directory or the workspace folder', () => {
  const dir = tempDir();
  const bin = executable(dir, 'polity');
  assert.equal(findBinary(bin, { env: {} }), bin);
  assert.equal(findBinary(path.join(dir, 'missing'), { env: { PATH: dir } }), null);
  assert.equal(findBinary('~/polity', { env: {}, home: dir }), bin);
  assert.equal(findBinary('./polity', { env: {}, cwd: dir }), bin);
});

// ------------------------------------------------------------ extension.js with stand-ins

// Loads extension.js afresh with `vscode` and the language client replaced.
function loadExtension({ setting, folder, startError }) {
  const calls = { errors: [], output: [], clients: [], commands: new Map(), executed: [], onConfig: [] };
  const vscode = {
    window: {
      createOutputChannel: (name) => ({
        name,
        appendLine: (line) => calls.output.push(line),
        show: () => calls.executed.push('show output'),
        dispose: () => {},
      }),
      showErrorMessage: (message, ...actions) => {
        calls.errors.push({ message, actions });
        return Promise.resolve(undefined);
      },
    },
    workspace: {
      getConfiguration: (section) => ({ get: (key, dflt) => (section === 'polity' && key === 'path' ? setting() : dflt) }),
      workspaceFolders: folder ? [{ uri: { fsPath: folder } }] : undefined,
      createFileSystemWatcher: (glob) => ({ glob }),
      onDidChangeConfiguration: (listener) => {
        calls.onConfig.push(listener);
        return { dispose: () => {} };
      },
    },
    commands: {
      registerCommand: (id, fn) => {
        calls.commands.set(id, fn);
        return { dispose: () => {} };
      },
      executeCommand: (...args) => calls.executed.push(args),
    },
  };
  class LanguageClient {
    constructor(id, name, serverOptions, clientOptions) {
      Object.assign(this, { id, name, serverOptions, clientOptions, started: false, stopped: false });
      calls.clients.push(this);
    }
    async start() {
      if (startError) throw new Error(startError);
      this.started = true;
    }
    async stop() {
      this.stopped = true;
    }
  }
  const stubs = { vscode, 'vscode-languageclient/node': { LanguageClient } };
  const realLoad = Module._load;
  const file = require.resolve('../extension.js');
  delete require.cache[file];
  Module._load = function load(request, ...rest) {
    return Object.hasOwn(stubs, request) ? stubs[request] : realLoad.call(this, request, ...rest);
  };
  try {
    return { ext: require(file), calls };
  } finally {
    Module._load = realLoad;
  }
}

test('a missing binary: a clear message that names polity.path, and no client', async () => {
  const { ext, calls } = loadExtension({ setting: () => '/nowhere/polity' });
  const context = { subscriptions: [] };
  await ext.activate(context);
  assert.equal(calls.clients.length, 0);
  assert.equal(calls.errors.length, 1);
  const { message, actions } = calls.errors[0];
  assert.match(message, /binary `\/nowhere\/polity` was not found/);
  assert.match(message, /polity\.path/);
  assert.deepEqual(actions, ['Open Settings', 'Show Output']);
  assert.ok(calls.output.some((line) => line.includes('was not found')), 'the output channel says it too');
  assert.ok(calls.commands.has('polity.restartServer') && calls.commands.has('polity.showOutput'));
  assert.ok(context.subscriptions.length >= 4);
});

test('a binary on disk: `polity lsp` over stdio for .polity documents; restart and deactivate stop it', async () => {
  const dir = tempDir();
  const bin = executable(dir, 'polity');
  let setting = bin;
  const { ext, calls } = loadExtension({ setting: () => setting });
  await ext.activate({ subscriptions: [] });
  assert.equal(calls.errors.length, 0);
  assert.equal(calls.clients.length, 1);
  const [client] = calls.clients;
  assert.equal(client.id, 'polity');
  assert.deepEqual(client.serverOptions, { command: bin, args: ['lsp'] });
  assert.deepEqual(
    client.clientOptions.documentSelector.map((d) => d.language),
    ['polity', 'polity'],
  );
  assert.ok(client.started);

  // Changing polity.path restarts the server with the new binary.
  const other = executable(dir, 'polity-nightly');
  setting = other;
  await calls.onConfig[0]({ affectsConfiguration: (key) => key === 'polity.path' });
  await new Promise((resolve) => setImmediate(resolve));
  assert.ok(client.stopped);
  assert.equal(calls.clients.length, 2);
  assert.equal(calls.clients[1].serverOptions.command, other);

  await ext.deactivate();
  assert.ok(calls.clients[1].stopped);
});

test('a server that fails to start is reported, not thrown', async () => {
  const dir = tempDir();
  const bin = executable(dir, 'polity');
  const { ext, calls } = loadExtension({ setting: () => bin, startError: 'unknown command `lsp`' });
  await ext.activate({ subscriptions: [] });
  assert.equal(calls.clients.length, 1);
  assert.equal(calls.errors.length, 1);
  assert.match(calls.errors[0].message, /polity lsp` did not start: unknown command `lsp`/);
  // Nothing is left running to stop.
  await ext.deactivate();
  assert.ok(!calls.clients[0].stopped);
});
