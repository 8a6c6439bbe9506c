#!/usr/bin/env python3
"""A scripted client for `polity lsp`, to try the server by hand.

    python3 lsp/smoke.py [--polity PATH] CHARTER [QUESTION LINE:COL]...

It starts `polity lsp` (the `polity` on PATH unless --polity says which),
initializes it, opens CHARTER, prints the diagnostics published for it, asks
each question (hover, definition, completion, rename=NEW, formatting) at the
1-based line and column (counted in characters, converted here to the protocol's UTF-16
units), then the document symbols, and shuts the server down. Every message
is shown as `->` (sent) or `<-` (received), shortened to one line.
Standard library only; no dependencies.
"""
import json
import os
import subprocess
import sys


def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def read(out):
    length = None
    while True:
        line = out.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(out.read(length))


def short(value, limit=160):
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


class Client:
    def __init__(self, polity):
        self.proc = subprocess.Popen(
            [polity, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE
        )
        self.next_id = 0

    def send(self, msg):
        print("->", msg["method"], short(msg.get("params")))
        self.proc.stdin.write(frame(msg))
        self.proc.stdin.flush()

    def request(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        while True:
            msg = read(self.proc.stdout)
            if msg is None:
                sys.exit("the server ended")
            self.show(msg)
            if msg.get("id") == self.next_id:
                return msg

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def wait_for(self, method):
        while True:
            msg = read(self.proc.stdout)
            if msg is None:
                sys.exit("the server ended")
            self.show(msg)
            if msg.get("method") == method:
                return msg

    @staticmethod
    def show(msg):
        if msg.get("method") == "textDocument/publishDiagnostics":
            diags = msg["params"]["diagnostics"]
            print("<-", msg["method"], "(%d)" % len(diags))
            for d in diags:
                at = d["range"]["start"]
                print("     %d:%d %s %s" % (at["line"] + 1, at["character"] + 1, d["code"], d["message"]))
        elif "method" in msg:
            print("<-", msg["method"], short(msg.get("params")))
        elif "error" in msg:
            print("<- error", short(msg["error"]))
        else:
            print("<-", short(msg.get("result")))


def position(text, line, col):
    """1-based line and character column to a protocol position."""
    lines = text.split("\n")
    before = lines[line - 1][: col - 1] if line - 1 < len(lines) else ""
    return {"line": line - 1, "character": len(before.encode("utf-16-le")) // 2}


def main(argv):
    polity = "polity"
    if argv[:1] == ["--polity"]:
        polity, argv = argv[1], argv[2:]
    if not argv or len(argv) % 2 == 0:
        sys.exit(__doc__)
    path = os.path.abspath(argv[0])
    with open(path, encoding="utf-8") as f:
        text = f.read()
    uri = "file://" + path
    c = Client(polity)
    c.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {}})
    c.notify("initialized", {})
    c.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": "polity", "version": 1, "text": text}},
    )
    c.wait_for("textDocument/publishDiagnostics")
    pairs = list(zip(argv[1::2], argv[2::2]))
    for question, at in pairs:
        line, col = (int(n) for n in at.split(":"))
        params = {"textDocument": {"uri": uri}, "position": position(text, line, col)}
        if question == "formatting":
            params = {"textDocument": {"uri": uri}, "options": {"tabSize": 2, "insertSpaces": True}}
        if question.startswith("rename="):
            params["newName"] = question.split("=", 1)[1]
            question = "rename"
        c.request("textDocument/" + question, params)
    c.request("textDocument/documentSymbol", {"textDocument": {"uri": uri}})
    c.request("shutdown", None)
    c.notify("exit", None)
    sys.exit(c.proc.wait())


if __name__ == "__main__":
    main(sys.argv[1:])
