"""The polity package as Python programs use it: both examples evaluate to
the command line's own document, errors carry their data, and numbers stay
exact both ways."""

import datetime
import decimal
import json
import os
import pathlib
import subprocess
from fractions import Fraction

import pytest

import polity

ROOT = pathlib.Path(__file__).resolve().parents[3]
EXAMPLES = ROOT / "examples"
CLUB = """
charter "Club" { version: 1 }
record Member { id: Text, dues: Decimal, joined: Date }
state { now: Date, members: List<Member> }
const minimum: Decimal = 12.5
law may_vote(m in members) {
  require "dues paid": m.dues >= minimum
  require "a member for a year": now - m.joined >= 365 days
}
test "ana may vote" {
  given now = 2026-03-01
  given members = [Member { id: "ana", dues: 20, joined: 2024-01-01 }]
  expect may_vote(members["ana"])
}
"""


def polity_binary():
    """The `polity` binary `cargo test --workspace` built (or $POLITY_BIN)."""
    given = os.environ.get("POLITY_BIN")
    if given:
        return given
    target = pathlib.Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    return str(target / "debug" / "polity")


CASES = [(EXAMPLES / n / "charter.polity", EXAMPLES / n / "snapshot.json")
         for n in ("praxis-nova", "tidewater")] + [
    (c, c.with_suffix(".json"))
    for c in sorted((ROOT / "tests" / "eval").glob("*.polity"))
    if c.with_suffix(".json").exists()
]


@pytest.mark.parametrize("charter,snapshot", CASES, ids=[c.stem if c.stem != "charter" else c.parent.name for c, _ in CASES])
@pytest.mark.parametrize("engine", ["jit", "interp"])
def test_examples_and_the_eval_corpus_give_the_clis_document_byte_for_byte(charter, snapshot, engine):
    program = polity.compile(charter)
    state = program.load_snapshot(snapshot.read_bytes(), engine=engine)
    cli = subprocess.run(
        [polity_binary(), "eval", "--format", "json", "--engine", engine,
         "--snapshot", str(snapshot), str(charter)],
        capture_output=True, check=False,
    )
    assert cli.stdout.decode() == program.eval_json(state, engine=engine)
    document = program.eval(state, engine=engine)
    assert document == json.loads(cli.stdout, parse_float=Fraction)
    assert [law["law"] for law in document["laws"]] == program.laws()


def test_a_snapshot_from_python_data_with_exact_numbers_and_dates():
    program = polity.compile(CLUB)
    state = program.load_snapshot({
        "now": datetime.date(2026, 3, 1),
        "members": [
            {"id": "ana", "dues": Fraction(25, 2), "joined": datetime.date(2024, 1, 1)},
            {"id": "bo", "dues": decimal.Decimal("12.49"), "joined": "2025-12-01"},
        ],
    })
    result = program.eval(state)["laws"][0]
    verdicts = {r["subject"]: r["verdict"] for r in result["results"]}
    assert verdicts == {"ana": "pass", "bo": "fail"}
    bo = next(r for r in result["results"] if r["subject"] == "bo")
    assert bo["failed"], bo
    with pytest.raises(TypeError, match="not exact"):
        program.load_snapshot({"now": "2026-03-01", "members": [
            {"id": "x", "dues": 0.1, "joined": "2024-01-01"}]})
    with pytest.raises(ValueError, match="no exact decimal"):
        program.load_snapshot({"now": "2026-03-01", "members": [
            {"id": "x", "dues": Fraction(1, 3), "joined": "2024-01-01"}]})


def test_numbers_come_back_as_fractions_never_floats():
    assert polity._loads('{"a": 0.1, "b": 2, "c": 1e-3}') == {
        "a": Fraction(1, 10), "b": 2, "c": Fraction(1, 1000)}
    assert polity._dumps({"x": Fraction(-1, 8), "y": decimal.Decimal("1E+2")}) == \
        '{"x":-0.125,"y":100}'


def test_errors_carry_their_data():
    with pytest.raises(polity.CompileError) as e:
        polity.compile('law x { require "y": nope }')
    d = e.value.diagnostics[0]
    assert d["code"].startswith("E") and d["line"] == 1 and d["help"]
    program = polity.compile(CLUB)
    with pytest.raises(polity.SnapshotError) as e:
        program.load_snapshot({"now": "2026-03-01", "members": [{"id": "x"}]})
    assert {m["path"] for m in e.value.mismatches} == {"members[0].dues", "members[0].joined"}
    with pytest.raises(polity.SnapshotError) as e:
        program.load_snapshot(b"{")
    assert e.value.syntax["line"] == 1
    state = program.load_snapshot('{"now": "2026-03-01", "members": []}')
    with pytest.raises(polity.UnknownLawError):
        program.eval(state, law="no_such_law")
    with pytest.raises(ValueError, match="unknown engine"):
        program.eval(state, engine="fast")
    assert issubclass(polity.CompileError, polity.PolityError)


def test_tests_run_on_both_engines():
    program = polity.compile(CLUB)
    for engine in ("jit", "interp"):
        suite = program.test(engine=engine)
        assert [(t["name"], t["outcome"]) for t in suite["tests"]] == [("ana may vote", "pass")]
