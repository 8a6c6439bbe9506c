"""Polity charters from Python: compile a charter, load a snapshot, evaluate
its laws with the reasons of every failure, run its tests.

    >>> import polity
    >>> program = polity.compile('''
    ...     charter "Club" { version: 1 }
    ...     record Member { id: Text, dues_paid: Bool }
    ...     state { members: List<Member> }
    ...     law may_vote(m in members) { require "dues are paid": m.dues_paid }
    ... ''')
    >>> state = program.load_snapshot({"members": [{"id": "ana", "dues_paid": True}]})
    >>> program.eval(state)["laws"][0]["results"][0]["verdict"]
    'pass'

Every document is the one the command line prints (``polity eval --format
json``, ``polity check --format json``, ``polity test --format json``),
turned into Python data with exact numbers: a JSON number with a fraction
or an exponent becomes a ``fractions.Fraction``, never a float. Snapshots may
hold ``int``, ``Fraction``, ``decimal.Decimal``, ``datetime.date`` and
``datetime.datetime`` (written exactly), sets, tuples and lists; a ``float``
is refused, since it cannot be exact.
"""

import datetime
import decimal
import json
import os
from fractions import Fraction

from . import _polity
from ._polity import PolityError

__all__ = [
    "compile",
    "Program",
    "State",
    "PolityError",
    "CompileError",
    "SnapshotError",
    "UnknownLawError",
]
__version__ = _polity.__version__


def _loads(text):
    """JSON text to Python data, numbers exact."""
    return json.loads(text, parse_float=Fraction)


class CompileError(PolityError):
    """The charter does not compile: ``diagnostics`` lists why (each with its
    ``code``, ``message``, ``file``, ``line``, ``column`` and ``help``)."""

    def __init__(self, document):
        self.document = document
        self.diagnostics = document.get("diagnostics", [])
        first = self.diagnostics[0] if self.diagnostics else {}
        super().__init__(
            "{}:{}:{}: {} [{}]".format(
                first.get("file"), first.get("line"), first.get("column"),
                first.get("message"), first.get("code"),
            )
        )


class SnapshotError(PolityError):
    """The snapshot is not JSON (``syntax``) or does not match the charter
    (``mismatches``: each with its JSON ``path`` and ``message``)."""

    def __init__(self, document):
        self.document = document
        self.syntax = document.get("syntax")
        self.mismatches = document.get("mismatches", [])
        if self.syntax:
            message = "{}:{}: {}".format(
                self.syntax["line"], self.syntax["column"], self.syntax["message"]
            )
        else:
            message = "; ".join("{}: {}".format(m["path"], m["message"]) for m in self.mismatches)
        super().__init__(message)


class UnknownLawError(PolityError, KeyError):
    """No law has the name asked for."""


def _exact_decimal(x):
    """The exact decimal text of a Fraction, or ValueError if it has none."""
    n, d = x.numerator, x.denominator
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        raise ValueError(
            "{} has no exact decimal form; snapshots hold decimals".format(x)
        )
    places = max(twos, fives)
    scaled = abs(n) * 10 ** places // x.denominator
    digits = str(scaled).rjust(places + 1, "0")
    text = digits if places == 0 else digits[:-places] + "." + digits[-places:]
    return ("-" if n < 0 else "") + text


class _Raw(str):
    """A number's text, written into the JSON as it is."""


def _encode(value):
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        raise TypeError(
            "a float ({!r}) is not exact: pass an int, a Fraction, a Decimal or a string".format(value)
        )
    if isinstance(value, Fraction):
        return _Raw(_exact_decimal(value))
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise ValueError("{} is not a number a snapshot can hold".format(value))
        return _Raw(format(value, "f"))
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _encode(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_encode(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return [_encode(v) for v in sorted(value)]
    raise TypeError("cannot put a {} in a snapshot".format(type(value).__name__))


def _dumps(value):
    """Python data to JSON text, numbers exact."""
    out = []

    def write(v):
        if isinstance(v, _Raw):
            out.append(str(v))
        elif isinstance(v, dict):
            out.append("{")
            for i, (k, item) in enumerate(v.items()):
                if i:
                    out.append(",")
                out.append(json.dumps(k))
                out.append(":")
                write(item)
            out.append("}")
        elif isinstance(v, list):
            out.append("[")
            for i, item in enumerate(v):
                if i:
                    out.append(",")
                write(item)
            out.append("]")
        else:
            out.append(json.dumps(v))

    write(_encode(value))
    return "".join(out)


class State:
    """A snapshot checked against a program's ``state``."""

    def __init__(self, native):
        self._native = native


class Program:
    """A compiled charter."""

    def __init__(self, native):
        self._native = native

    @property
    def charter(self):
        """The charter's name."""
        return self._native.charter

    def laws(self):
        """The laws' names, in source order."""
        return list(self._native.laws())

    def load_snapshot(self, snapshot, engine="jit"):
        """Checks a snapshot (a dict, a JSON ``str`` or ``bytes``) against the
        charter's ``state``; raises ``SnapshotError`` with every mismatch."""
        if isinstance(snapshot, (bytes, bytearray)):
            data = bytes(snapshot)
        elif isinstance(snapshot, str):
            data = snapshot.encode("utf-8")
        else:
            data = _dumps(snapshot).encode("utf-8")
        try:
            return State(self._native.load_snapshot(data, engine))
        except _polity.SnapshotError as e:
            raise SnapshotError(_loads(e.args[0])) from None

    def eval(self, state, law=None, engine="jit"):
        """The verdicts of every law (or only ``law``), with the reasons of
        every failure: the ``polity eval --format json`` document as Python
        data."""
        try:
            return _loads(self._native.eval_json(state._native, law, engine))
        except _polity.UnknownLawError as e:
            raise UnknownLawError(e.args[0]) from None

    def eval_json(self, state, law=None, engine="jit"):
        """As ``eval``, the document's text, byte for byte the command line's."""
        try:
            return self._native.eval_json(state._native, law, engine)
        except _polity.UnknownLawError as e:
            raise UnknownLawError(e.args[0]) from None

    def test(self, engine="jit"):
        """Runs the charter's ``test`` blocks: the suite as ``polity test
        --format json`` writes it (``tests``: each with its ``outcome``)."""
        return _loads(self._native.tests_json(engine))


def compile(charter):
    """Compiles a charter: its source text, or the path of a ``.polity`` file
    (whose imports are resolved inside its directory). Raises
    ``CompileError`` with the diagnostics."""
    is_path = isinstance(charter, os.PathLike) or (
        isinstance(charter, str) and "\n" not in charter and charter.endswith(".polity")
    )
    try:
        if is_path:
            return Program(_polity.compile_file(os.fspath(charter)))
        return Program(_polity.compile("charter.polity", charter))
    except _polity.CompileError as e:
        raise CompileError(_loads(e.args[0])) from None
