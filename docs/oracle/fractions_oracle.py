"""Compare `polity repl` with Python's `fractions` and `datetime`.

Usage (from the repository root, after `cargo build -p polity`):

    python3 docs/oracle/fractions_oracle.py SEED COUNT [BINARY]

Generates COUNT random one-line expressions from SEED (exact decimals up to
the extremes of 256-bit numerators and denominators, powers of 2 and 5, `+ - * / div mod`, `pow`, `sum`, `<`,
`floor`, `ceil`, `round`, and date arithmetic), runs them through one
`polity repl` session (BINARY, default `target/debug/polity`) and compares
each printed value, or fault kind, with what Python computes exactly. Prints
the mismatches (at most 30) and their count; exits 1 if there are any.
docs/testing.md lists what it found."""
import datetime
import random
import subprocess
import sys
from fractions import Fraction as F

MAXI = 2**256 - 1
MINI = -(2**256 - 1)
I64 = (-2**63, 2**63 - 1)


def fits(v):
    """Whether a Decimal (numerator and denominator below 2^256 in lowest terms) holds v."""
    return MINI <= v.numerator <= MAXI and v.denominator <= MAXI


def truncated(n, d, places):
    ip, rem = divmod(abs(n), d)
    s = ("-" if n < 0 else "") + str(ip)
    if places:
        s += "." + str(rem * 10**places // d).rjust(places, "0")
    return s


def shown(v):
    """A Decimal as the REPL prints it (docs/language.md, *Exact numbers*)."""
    n, d = v.numerator, v.denominator
    rest, twos, fives = d, 0, 0
    while rest % 2 == 0:
        rest //= 2
        twos += 1
    while rest % 5 == 0:
        rest //= 5
        fives += 1
    if rest == 1:
        return truncated(n, d, max(twos, fives))
    return f"{truncated(n, d, 6)}… ({n}/{d})"


def decimal(v):
    return (shown(v) + " : Decimal") if fits(v) else "error[overflow]"


def rand_int(r):
    c = r.randrange(8)
    if c == 0:
        return r.choice([0, 1, -1, 2, 7, MAXI, -MAXI, MAXI - 1, 10**38, -10**38, 2**64, 2**63,
                         2**127, -2**127, 2**127 - 1, 10**36, 10**77, 2**255])
    if c == 1:
        return r.randrange(-10**6, 10**6)
    if c == 2:
        return r.choice([1, -1]) * r.randrange(1, 2**r.choice([127, 128, 200, 256]))
    if c == 3:
        return r.choice([1, -1]) * 2**r.randrange(0, 256)
    if c == 4:
        return r.choice([1, -1]) * 5**r.randrange(0, 111)
    return r.randrange(-10**r.randrange(1, 78), 10**r.randrange(1, 78))


def rand_value(r):
    """A representable Decimal and an expression for it."""
    c = r.randrange(7)
    if c == 0:
        k = r.randrange(-255, 256)
        return F(2) ** k, f"pow(2, {k})"
    if c == 1:
        return F(MINI), f"(0 - {MAXI})"
    while True:
        n, d = rand_int(r), abs(rand_int(r)) or 1
        if r.randrange(3) == 0:
            d = 1
        v = F(n, d)
        if fits(v):
            return v, f"({v.numerator} / {v.denominator})"


def floor_div(a, b):
    return F(int((a / b).__floor__()))


def number_case(r):
    a, ea = rand_value(r)
    b, eb = rand_value(r)
    op = r.choice(["+", "-", "*", "/", "div", "mod", "pow", "<", "floor", "round", "ceil"])
    if op == "pow":
        n = r.randrange(-6, 7)
        if a == 0 and n < 0:
            return f"pow({ea}, {n})", "error[division_by_zero]"
        return f"pow({ea}, {n})", decimal(a**n)
    if op == "<":
        return f"{ea} < {eb}", ("true" if a < b else "false") + " : Bool"
    if op in ("floor", "round", "ceil"):
        v = {"floor": a.__floor__(), "ceil": a.__ceil__(),
             "round": (abs(a) + F(1, 2)).__floor__() * (1 if a >= 0 else -1)}[op]
        return f"{op}({ea})", (f"{v} : Int" if I64[0] <= v <= I64[1] else "error[overflow]")
    if op in ("/", "div", "mod") and b == 0:
        return f"{ea} {op} {eb}", "error[division_by_zero]"
    if op == "+" and r.randrange(2):
        return f"sum([{ea}, {eb}])", decimal(a + b)
    if op == "-" and r.randrange(2):
        # A sum faults where adding one element at a time faults.
        ok = fits(a + b) and fits(a + 2 * b)
        return f"sum([{ea}, {eb}, {eb}])", decimal(a + 2 * b) if ok else "error[overflow]"
    v = {"+": lambda: a + b, "-": lambda: a - b, "*": lambda: a * b, "/": lambda: a / b,
         "div": lambda: floor_div(a, b), "mod": lambda: a - b * floor_div(a, b)}[op]()
    return f"{ea} {op} {eb}", decimal(v)


EPOCH = datetime.date(1, 1, 1)
DAYS = (datetime.date(9999, 12, 31) - EPOCH).days + 1


def date_case(r):
    d = EPOCH + datetime.timedelta(days=r.randrange(DAYS))
    d2 = EPOCH + datetime.timedelta(days=r.randrange(DAYS))
    c = r.randrange(3)
    if c == 0:
        k = r.randrange(-800000, 800000)
        e = f"{d.isoformat()} + {k} days" if k >= 0 else f"{d.isoformat()} - {-k} days"
        try:
            return e, (d + datetime.timedelta(days=k)).isoformat() + " : Date"
        except OverflowError:
            return None  # before year 1, which Python's dates do not hold
    if c == 1:
        k = (d - d2).days
        return f"{d.isoformat()} - {d2.isoformat()}", f"{k} {'day' if abs(k) == 1 else 'days'} : Duration"
    return f"{d.isoformat()} < {d2.isoformat()}", ("true" if d < d2 else "false") + " : Bool"


def main():
    seed, count = int(sys.argv[1]), int(sys.argv[2])
    binary = sys.argv[3] if len(sys.argv) > 3 else "target/debug/polity"
    r = random.Random(seed)
    cases = [c for c in (number_case(r) if i % 5 else date_case(r) for i in range(count)) if c]
    # A marker before each case tells which stdout line answers it; a case
    # without one faulted, and its fault is the next on stderr.
    script = "".join(f'"#{i}"\n{e}\n' for i, (e, _) in enumerate(cases))
    out = subprocess.run([binary, "repl"], input=script, capture_output=True, text=True,
                         env={"NO_COLOR": "1", "POLITY_HISTORY": "/dev/null"})
    faults = iter(l.split(":")[0] for l in out.stderr.splitlines() if l.startswith("error"))
    answers, current = {}, None
    for line in out.stdout.splitlines():
        if line.startswith('"#') and line.endswith('" : Text'):
            current = int(line[2:-len('" : Text')])
            answers[current] = None
        else:
            answers[current] = line
    bad = 0
    for i, (e, want) in enumerate(cases):
        got = answers.get(i) or next(faults, "<nothing>")
        if got != want:
            bad += 1
            if bad <= 30:
                print(f"MISMATCH {e}\n  want {want}\n  got  {got}")
    print(f"{len(cases)} cases, {bad} mismatches")
    sys.exit(1 if bad else 0)


main()
