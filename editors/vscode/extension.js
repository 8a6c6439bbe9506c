// The Polity extension: starts `polity lsp` (the language server built into
// the `polity` binary) over stdio for every .polity file, through
// vscode-languageclient. Highlighting is the TextMate grammar of
// syntaxes/polity.tmLanguage.json and needs no server.
//
// Plain JavaScript, run as it is written: the client is small, and with no
// build step the file that is tested and reviewed is the file in the .vsix.

'use strict';

const os = require('node:os');
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');
const { findBinary } = require('./lib/binary');

const NAME = 'Polity';

// The extension's state while it is active.
const state = {
  /** @type {vscode.OutputChannel | undefined} */
  output: undefined,
  /** @type {LanguageClient | undefined} */
  client: undefined,
};

function log(line) {
  state.output?.appendLine(`[${new Date().toISOString()}] ${line}`);
}

// The binary the user asked for, found on disk, or null after telling them.
function resolveBinary() {
  const setting = vscode.workspace.getConfiguration('polity').get('path', 'polity');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
  const found = findBinary(setting, { home: os.homedir(), cwd: folder });
  if (found) return found;
  const message =
    `The Polity language server was not started: the binary \`${setting}\` was not found ` +
    `${setting.includes('/') || setting.includes('\\') || setting.startsWith('~') ? '' : 'on PATH '}` +
    '(set `polity.path` to the `polity` binary, e.g. target/release/polity). ' +
    'Highlighting works without it.';
  log(message);
  void vscode.window.showErrorMessage(message, 'Open Settings', 'Show Output').then((choice) => {
    if (choice === 'Open Settings') {
      void vscode.commands.executeCommand('workbench.action.openSettings', 'polity.path');
    } else if (choice === 'Show Output') {
      state.output?.show(true);
    }
  });
  return null;
}

// Starts `polity lsp`, unless the binary is missing. Resolves once started.
async function start() {
  const command = resolveBinary();
  if (!command) return;
  log(`starting ${command} lsp`);
  // No `transport`: stdio, without the `--stdio` argument the client would add.
  const serverOptions = { command, args: ['lsp'] };
  const clientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'polity' },
      { scheme: 'untitled', language: 'polity' },
    ],
    outputChannel: state.output,
    traceOutputChannel: state.output,
    synchronize: { fileEvents: vscode.workspace.createFileSystemWatcher('**/*.polity') },
  };
  const client = new LanguageClient('polity', NAME, serverOptions, clientOptions);
  state.client = client;
  try {
    await client.start();
    log('the language server is running');
  } catch (err) {
    state.client = undefined;
    const message =
      `\`${command} lsp\` did not start: ${err instanceof Error ? err.message : String(err)} ` +
      '(a `polity` older than `polity lsp` cannot serve the editor)';
    log(message);
    void vscode.window.showErrorMessage(message);
  }
}

async function stop() {
  const client = state.client;
  state.client = undefined;
  if (client) {
    log('stopping the language server');
    await client.stop();
  }
}

async function restart() {
  await stop();
  await start();
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  state.output = vscode.window.createOutputChannel(NAME);
  context.subscriptions.push(
    state.output,
    vscode.commands.registerCommand('polity.restartServer', restart),
    vscode.commands.registerCommand('polity.showOutput', () => state.output?.show(true)),
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration('polity.path')) {
        log('polity.path changed');
        void restart();
      }
    }),
  );
  await start();
}

async function deactivate() {
  await stop();
}

module.exports = { activate, deactivate };
