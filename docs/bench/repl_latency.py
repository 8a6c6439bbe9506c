"""Startup and per-answer latency of `polity repl` on the examples: piped
(a script of 200 identical lines, minus an empty script, per line) and
interactive (through a pseudo-terminal: Enter to the next prompt)."""
import os, pty, select, statistics, subprocess, sys, time
# Usage: cargo build --release -p polity && python3 docs/bench/repl_latency.py
# (run from the repository root; POLITY_BIN overrides the binary).
import tempfile
ROOT=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
B=os.environ.get("POLITY_BIN", os.path.join(os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT,"target")),"release","polity"))
E=os.path.join(ROOT,"examples")
WORK=tempfile.mkdtemp(prefix="polity-repl-latency-")
os.chdir(WORK)
def script(name, line, n=200):
    with open(name,"w") as f:
        f.write((line+"\n")*n)
open("empty.txt","w").close()
script("q1.txt","count(members)"); script("q2.txt",'may_vote(members["helena"])'); script("q3.txt",':why may_pay(proposals["p-001"])')
script("t1.txt",':why may_spend(motions["m-02-quiet-hours"])'); script("t2.txt",":why recognised"); script("t3.txt","[s.id for s in sailors if may_vote(s)]")
def args(ex):
    return [B,"repl",f"{E}/{ex}/charter.polity","--snapshot",f"{E}/{ex}/snapshot.json"]
def piped(ex, script, n=15):
    ts=[]
    for _ in range(n):
        with open(script,'rb') as f:
            t=time.perf_counter(); subprocess.run(args(ex), stdin=f, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ,NO_COLOR="1")); ts.append(time.perf_counter()-t)
    return statistics.median(ts)*1000
def pty_start(ex, n=15):
    ts=[]
    for _ in range(n):
        t=time.perf_counter()
        pid, fd = pty.fork()
        if pid==0:
            os.execve(B, args(ex), dict(os.environ, NO_COLOR="1", POLITY_HISTORY=os.path.join(WORK,"hist"), TERM="xterm"))
        buf=b""
        while b"polity> " not in buf:
            r,_,_=select.select([fd],[],[],5)
            buf+=os.read(fd,4096)
        ts.append(time.perf_counter()-t)
        os.write(fd,b"\x04"); os.waitpid(pid,0); os.close(fd)
    return statistics.median(ts)*1000
def pty_answer(ex, line, n=30):
    pid, fd = pty.fork()
    if pid==0:
        os.execve(B, args(ex), dict(os.environ, NO_COLOR="1", POLITY_HISTORY=os.path.join(WORK,"hist"), TERM="xterm"))
    def until(tok):
        buf=b""
        while tok not in buf:
            r,_,_=select.select([fd],[],[],5); buf+=os.read(fd,65536)
        return buf
    until(b"polity> ")
    ts=[]
    for _ in range(n):
        os.write(fd,line.encode()); until(line[-4:].encode())
        while select.select([fd],[],[],0.05)[0]: os.read(fd,65536)
        t=time.perf_counter(); os.write(fd,b"\r"); until(b"\x1b[?2004h"); ts.append(time.perf_counter()-t)
        while select.select([fd],[],[],0.02)[0]: os.read(fd,65536)
    os.write(fd,b"\x04"); os.waitpid(pid,0); os.close(fd)
    return statistics.median(ts)*1000, max(ts)*1000
for ex in ["praxis-nova","tidewater"]:
    print(f"{ex}: piped startup (empty script) median {piped(ex,'empty.txt'):.1f} ms")
    print(f"{ex}: interactive startup to first prompt median {pty_start(ex):.1f} ms")
for ex,s,q in [("praxis-nova","q1.txt","count(members)"),("praxis-nova","q2.txt",'may_vote(members["helena"])'),("praxis-nova","q3.txt",':why may_pay(proposals["p-001"])'),
               ("tidewater","t1.txt",':why may_spend(motions["m-02-quiet-hours"])'),("tidewater","t2.txt",":why recognised"),("tidewater","t3.txt","[s.id for s in sailors if may_vote(s)]")]:
    base=piped(ex,'empty.txt'); tot=piped(ex,s)
    med,mx=pty_answer(ex,q)
    print(f"{ex}: {q}: piped {(tot-base)/200:.2f} ms/answer; interactive Enter->prompt median {med:.2f} ms, max {mx:.2f} ms")
