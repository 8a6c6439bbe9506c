//! Polity in WebAssembly: the `polity-wasm` npm package (wasm-bindgen).
//!
//! The compiler and the reference interpreter (no JIT: Cranelift cannot
//! generate code inside WebAssembly), behind a small JavaScript API:
//!
//! - [`check`]: a charter's diagnostics as data (code, message, line,
//!   column, end, help) and as rendered text, for an editor as the user types;
//! - [`Charter::compile`], then [`Charter::load_snapshot`] (each mismatch
//!   with its JSON path), [`Charter::eval_json`] (the bytes of `polity eval
//!   --format json`), [`Charter::eval`] (the same document as an object),
//!   [`Charter::test_json`] / [`Charter::test`] (`polity test --format
//!   json`'s suite), [`Charter::repl`] (one REPL line over the snapshot).
//!
//! Nothing here panics across the boundary: every failure is a value
//! (`ok: false` with why) or a thrown JavaScript `Error` with a message.
//! There is no clock in WebAssembly that `std::time::Instant` can read, so
//! no deadline is ever set: evaluation is bounded by the step budget.

mod repl;

use polity::api::json::{compile_error_json, snapshot_error_json};
use polity::api::{CompileError, Engine, EvalOptions, Program, State};
use polity::snapshot::SnapshotError;
use polity_compiler::diagnostic::{render, Diagnostic as Diag};
use polity_compiler::span::SourceMap;
use serde::{Deserialize, Serialize};
use tsify::{Ts, Tsify};
use wasm_bindgen::prelude::*;

/// The eval and test documents are JSON the runtime writes (they have no
/// Rust struct to derive declarations from): their shapes, by hand.
#[wasm_bindgen(typescript_custom_section)]
const DOCUMENTS: &str = r#"
/** `polity eval --format json`: every figure and law, or one law. Numbers are
 * JavaScript numbers here (exact values beyond 2^53 lose digits: read
 * `evalJson()` for the exact text). */
export interface EvalDocument {
  charter: string;
  figures: Record<string, { type: string; value?: unknown; error?: EvalFault }>;
  laws: LawDocument[];
}
/** One law's verdicts. */
export interface LawDocument {
  law: string;
  results: SubjectDocument[];
  summary: { pass: number; fail: number; error: number };
}
/** One subject's verdict with its reasons. */
export interface SubjectDocument {
  subject: string | number | null;
  verdict: "pass" | "fail" | "error";
  failed: FailureDocument[];
  error?: EvalFault;
  not_applicable: { labels: string[]; when: string; line: number; column: number; reasons: ReasonDocument[] }[];
  warnings: FailureDocument[];
}
/** A requirement that did not hold, and why. */
export interface FailureDocument {
  label: string;
  line: number;
  column: number;
  reasons: ReasonDocument[];
  exceptions: string[];
  exception_reasons: ReasonDocument[][];
}
/** One value behind a verdict (`text` is the line `polity eval` prints). */
export interface ReasonDocument {
  expr: string;
  value: string;
  needs: string | null;
  text: string;
  nested: FailureDocument[];
  inner: ReasonDocument[];
}
/** An evaluation fault, located in the charter. */
export interface EvalFault {
  kind: string;
  message: string;
  file: string;
  line: number;
  column: number;
  end_line: number;
  end_column: number;
  span: { start: number; end: number };
}
/** `polity test --format json`'s suite for one charter. */
export interface TestSuite {
  name: string;
  charter?: string;
  compiled: boolean;
  tests: {
    name: string;
    line: number;
    column: number;
    outcome: "pass" | "fail" | "error";
    failure?: { file: string; line: number; column: number; expect: string; reasons: string };
    error?: { file: string; line: number; column: number; kind: string; message: string };
  }[];
}
"#;

#[wasm_bindgen]
extern "C" {
    /// The `eval` document (declared in the TypeScript section above).
    #[wasm_bindgen(typescript_type = "EvalDocument")]
    pub type EvalDocument;
    /// The `test` suite (declared in the TypeScript section above).
    #[wasm_bindgen(typescript_type = "TestSuite")]
    pub type TestSuite;
}

/// A diagnostic as data: where (1-based lines, columns in characters, the
/// end exclusive), what, and how to fix it.
#[derive(Clone, Debug, Serialize, Tsify)]
pub struct Diagnostic {
    /// `E0001`, ... (docs/errors.md).
    pub code: String,
    /// `"error"` or `"warning"`.
    pub severity: String,
    /// One sentence.
    pub message: String,
    /// What is said at the location.
    pub label: String,
    /// How to fix it, when known.
    pub help: Option<String>,
    /// The file (the charter's name, or a `std.*` module's).
    pub file: String,
    /// Start line.
    pub line: usize,
    /// Start column.
    pub column: usize,
    /// End line.
    pub end_line: usize,
    /// End column.
    pub end_column: usize,
}

/// What [`check`] found.
#[derive(Clone, Debug, Serialize, Tsify)]
pub struct Check {
    /// Whether the charter compiles (it may still have warnings).
    pub ok: bool,
    /// Errors and warnings, in the order `polity check` gives them.
    pub diagnostics: Vec<Diagnostic>,
    /// The same, rendered as `polity check` prints them (no colour).
    pub rendered: String,
    /// `polity check --format json`'s document when it does not compile
    /// (`null` when it does).
    pub json: Option<String>,
}

/// A snapshot that does not match the charter's `state`.
#[derive(Clone, Debug, Serialize, Tsify)]
pub struct SnapshotCheck {
    /// Whether it was loaded.
    pub ok: bool,
    /// Not JSON: where and why.
    pub syntax: Option<SyntaxError>,
    /// Every mismatch, in document order.
    pub mismatches: Vec<Mismatch>,
    /// The error document of `polity eval --format json` (`null` when loaded).
    pub json: Option<String>,
}

/// Text that is not JSON.
#[derive(Clone, Debug, Serialize, Deserialize, Tsify)]
pub struct SyntaxError {
    /// What the JSON reader said.
    pub message: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// A value that does not match the `state` declaration.
#[derive(Clone, Debug, Serialize, Deserialize, Tsify)]
pub struct Mismatch {
    /// Its JSON path (`$.members[3].joined`).
    pub path: String,
    /// What was expected and found.
    pub message: String,
}

/// One REPL line's answer.
#[derive(Clone, Debug, Default, Serialize, Tsify)]
pub struct ReplAnswer {
    /// Whether the line was answered (else `error` says why).
    pub ok: bool,
    /// The answer as the REPL prints it (`3 : Int`, a verdict and its reasons).
    pub output: String,
    /// Diagnostics or the evaluation fault, rendered.
    pub error: String,
}

fn diagnostic(d: &Diag, sources: &SourceMap) -> Diagnostic {
    let file = sources
        .get(d.span.file)
        .map(|f| f.name.clone())
        .unwrap_or_default();
    let (line, column) = sources.line_col(d.span.file, d.span.start);
    let (end_line, end_column) = sources.line_col(d.span.file, d.span.end);
    Diagnostic {
        code: d.code.to_owned(),
        severity: d.severity.as_str().to_owned(),
        message: d.message.clone(),
        label: d.label.clone(),
        help: d.help.clone(),
        file,
        line,
        column,
        end_line,
        end_column,
    }
}

fn check_of(diags: &[Diag], sources: &SourceMap, error: Option<&CompileError>) -> Check {
    Check {
        ok: error.is_none(),
        diagnostics: diags.iter().map(|d| diagnostic(d, sources)).collect(),
        rendered: render::render(diags, sources, false),
        json: error.map(|e| compile_error_json(e).to_string()),
    }
}

/// Checks a charter (held in memory: `std.*` imports work, file imports do
/// not) and gives its diagnostics, as an editor shows them.
#[wasm_bindgen(js_name = check)]
pub fn check_js(name: &str, source: &str) -> Result<Ts<Check>, JsError> {
    Ok(check(name, source).into_ts()?)
}

/// [`check_js`] for Rust.
pub fn check(name: &str, source: &str) -> Check {
    match Program::compile(name, source) {
        Ok(p) => check_of(p.warnings(), &p.ir().sources, None),
        Err(e) => check_of(&e.diagnostics, &e.sources, Some(&e)),
    }
}

/// A compiled charter and, once loaded, a snapshot.
#[wasm_bindgen]
pub struct Charter {
    program: Program,
    state: Option<State>,
    /// The REPL's parsed charter and bindings, made on its first line.
    repl: Option<repl::Session>,
    /// The charter's source, for the REPL (which checks lines against it).
    source: String,
    name: String,
}

#[wasm_bindgen]
impl Charter {
    /// Compiles a charter; throws an `Error` whose message is the rendered
    /// diagnostics when it does not compile ([`check`] gives them as data).
    pub fn compile(name: &str, source: &str) -> Result<Charter, JsError> {
        match Program::compile(name, source) {
            Ok(program) => Ok(Charter {
                program,
                state: None,
                repl: None,
                source: source.to_owned(),
                name: name.to_owned(),
            }),
            Err(e) => Err(JsError::new(&e.render(false))),
        }
    }

    /// The charter's name (`charter "Name"`).
    #[wasm_bindgen(getter)]
    pub fn name(&self) -> String {
        self.program.name().to_owned()
    }

    /// Its laws' names, in declaration order.
    pub fn laws(&self) -> Vec<String> {
        self.program.laws().map(str::to_owned).collect()
    }

    /// Its warnings.
    pub fn warnings(&self) -> Result<Ts<Check>, JsError> {
        Ok(check_of(self.program.warnings(), &self.program.ir().sources, None).into_ts()?)
    }

    /// Loads a snapshot (JSON text) against the charter's `state`, replacing
    /// the one loaded before; when it does not match, the one before stays.
    #[wasm_bindgen(js_name = loadSnapshot)]
    pub fn load_snapshot_js(&mut self, json: &str) -> Result<Ts<SnapshotCheck>, JsError> {
        Ok(self.load_snapshot(json).into_ts()?)
    }

    /// `polity eval --format json`'s document, byte for byte: every figure
    /// and law, or only `law`. Throws when no snapshot is loaded or there is
    /// no such law.
    #[wasm_bindgen(js_name = evalJson)]
    pub fn eval_json_js(&self, law: Option<String>) -> Result<String, JsError> {
        self.eval_json(law.as_deref())
    }

    /// The same document as an object.
    pub fn eval(&self, law: Option<String>) -> Result<EvalDocument, JsValue> {
        let text = self.eval_json(law.as_deref())?;
        Ok(js_sys::JSON::parse(&text)?.unchecked_into())
    }

    /// `polity test --format json`'s suite for this charter (named as it
    /// was compiled), as JSON text.
    #[wasm_bindgen(js_name = testJson)]
    pub fn test_json(&self) -> String {
        self.program.tests_json(&self.name, Engine::Interpreter)
    }

    /// The same suite as an object.
    pub fn test(&self) -> Result<TestSuite, JsValue> {
        Ok(js_sys::JSON::parse(&self.test_json())?.unchecked_into())
    }

    /// Answers one REPL line over the loaded snapshot (or none): an
    /// expression (`count(members)`), a law call (`may_vote("ana")`), or a
    /// `let`, which later lines see.
    #[wasm_bindgen(js_name = repl)]
    pub fn repl_js(&mut self, line: &str) -> Result<Ts<ReplAnswer>, JsError> {
        Ok(self.repl(line).into_ts()?)
    }
}

/// The same, for Rust (and the tests): values rather than JavaScript objects.
impl Charter {
    /// [`Charter::load_snapshot_js`].
    pub fn load_snapshot(&mut self, json: &str) -> SnapshotCheck {
        match self
            .program
            .load_snapshot_for(json.as_bytes(), Engine::Interpreter)
        {
            Ok(state) => {
                self.state = Some(state);
                SnapshotCheck {
                    ok: true,
                    syntax: None,
                    mismatches: Vec::new(),
                    json: None,
                }
            }
            Err(e) => snapshot_check(&e),
        }
    }

    /// [`Charter::eval_json_js`].
    pub fn eval_json(&self, law: Option<&str>) -> Result<String, JsError> {
        let state = self
            .state
            .as_ref()
            .ok_or_else(|| JsError::new("no snapshot is loaded: call loadSnapshot first"))?;
        self.program
            .eval_json(state, law, options())
            .map_err(|e| JsError::new(&e.to_string()))
    }

    /// [`Charter::repl_js`].
    pub fn repl(&mut self, line: &str) -> ReplAnswer {
        let session = match &mut self.repl {
            Some(s) => s,
            None => self
                .repl
                .insert(repl::Session::new(&self.name, &self.source)),
        };
        session.answer(self.state.as_ref(), line)
    }
}
/// The options of every evaluation here: the default budget, no deadline
/// (no clock), the interpreter.
fn options() -> EvalOptions {
    EvalOptions {
        engine: Engine::Interpreter,
        ..EvalOptions::default()
    }
}

/// The rejection as data, read back from the one document that describes
/// it (`polity eval --format json`'s snapshot error).
fn snapshot_check(e: &SnapshotError) -> SnapshotCheck {
    let doc = snapshot_error_json(e, None);
    let field = |name: &str| doc.get(name).cloned().unwrap_or_default();
    SnapshotCheck {
        ok: false,
        syntax: serde_json::from_value(field("syntax")).ok().flatten(),
        mismatches: serde_json::from_value(field("mismatches")).unwrap_or_default(),
        json: Some(doc.to_string()),
    }
}
