//! The `polity` command line: one module per command; this module parses the
//! arguments and dispatches.

/// `eprint!` that never panics: when stderr itself cannot be written (`2>/dev/full`),
/// there is nowhere left to report it, so the failure is ignored.
macro_rules! stderr {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr(), $($arg)*);
    }};
}

/// `eprintln!` that never panics (see `stderr!`).
macro_rules! stderrln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}

mod census;
mod check;
mod coverage;
mod diff;
mod diff_report;
mod doc;
pub(crate) mod eval;
mod fmt;
mod github;
mod history;
mod history_out;
mod junit;
mod located;
mod lsp;
mod output;
mod repl;
pub(crate) mod report;
mod sarif;
mod streamed_json;
mod test;
pub(crate) use crate::api::{test_report, verdict_json};

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

/// Polity: check charters, evaluate their laws over snapshots, run their tests.
#[derive(Parser, Debug)]
#[command(name = "polity", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Check that charters compile; print their diagnostics.
    Check {
        /// Charter files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = CheckFormat::Human)]
        format: CheckFormat,
        /// Also compile each charter that checks to machine code and report
        /// what is left to the interpreter.
        #[arg(long)]
        jit: bool,
        /// Diagnostics shown per file; one more line says how many were left out.
        #[arg(long, value_name = "N", default_value_t = polity_compiler::diagnostic::MAX_DIAGNOSTICS)]
        max_diagnostics: usize,
        /// Imports must stay inside this directory (default: each charter's own).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Evaluate a charter's laws over a JSON snapshot.
    Eval {
        /// The charter file.
        charter: PathBuf,
        /// The JSON snapshot.
        #[arg(
            long,
            required_unless_present = "snapshots",
            conflicts_with = "snapshots"
        )]
        snapshot: Option<PathBuf>,
        /// A series of snapshots (files, directories of `*.json`, `.jsonl`
        /// files of one snapshot a line), evaluated in the order of `now`.
        #[arg(long, num_args = 1.., value_name = "FILES")]
        snapshots: Vec<PathBuf>,
        /// With `--snapshots`: the field that orders them (default `now`).
        #[arg(long, value_name = "FIELD", requires = "snapshots")]
        order_by: Option<String>,
        /// With `--snapshots`: stop at the first snapshot that cannot be read
        /// or does not match.
        #[arg(long, requires = "snapshots")]
        fail_fast: bool,
        /// Only this law.
        #[arg(long)]
        law: Option<String>,
        /// Only this figure (repeatable); without `--law`, no law is evaluated.
        #[arg(long = "figure", value_name = "NAME")]
        figures: Vec<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = EvalFormat::Table)]
        format: EvalFormat,
        #[command(flatten)]
        eval: EvalArgs,
    },
    /// Compare two charters over a snapshot (what an amendment changes), or
    /// one charter over two snapshots (who changed status): the subjects
    /// whose verdict changes, with the reasons on both sides.
    Diff {
        /// `OLD.polity NEW.polity` (with one `--snapshot`), or one charter
        /// (with two).
        #[arg(required = true, num_args = 1..=2, value_name = "CHARTER")]
        charters: Vec<PathBuf>,
        /// The JSON snapshot; given twice (before, after) with one charter.
        #[arg(long, required = true, value_name = "FILE")]
        snapshot: Vec<PathBuf>,
        /// Only this law.
        #[arg(long)]
        law: Option<String>,
        /// Output format.
        #[arg(long, value_enum, default_value_t = EvalFormat::Table)]
        format: EvalFormat,
        /// Also list subjects that fail on both sides for other requirements.
        #[arg(long)]
        reasons: bool,
        /// Exit 1 when any verdict changed or a law was added or removed
        /// (as `git diff --exit-code`).
        #[arg(long)]
        exit_code: bool,
        #[command(flatten)]
        eval: EvalArgs,
    },
    /// Run the `test` blocks of charters (and of the standard library).
    Test {
        /// Charter files.
        #[arg(required_unless_present = "stdlib")]
        files: Vec<PathBuf>,
        /// Also run the tests of every `std.*` module.
        #[arg(long)]
        stdlib: bool,
        /// The engine (under the JIT, a test that does not pass is re-run in
        /// the interpreter for its explanation).
        #[arg(long, value_enum, default_value_t = EngineArg::Jit)]
        engine: EngineArg,
        /// Output format.
        #[arg(long, value_enum, default_value_t = TestFormat::Human)]
        format: TestFormat,
        /// Run the charters' tests in the reference interpreter and print,
        /// per law, fn and const, which requirements, exceptions, guards and
        /// branches they reached.
        #[arg(long)]
        coverage: bool,
        /// Write that coverage as lcov (`DA`, `BRDA`, `BRF`, `BRH`) to FILE.
        #[arg(long, value_name = "FILE")]
        coverage_lcov: Option<PathBuf>,
        /// Imports must stay inside this directory (default: each charter's own).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
        #[command(flatten)]
        budget: BudgetArgs,
    },
    /// Rewrite charters in the canonical layout (lines of at most 100
    /// columns; comments kept where they are).
    Fmt {
        /// Charter files, directories (every `.polity` file under them) or
        /// `-` for standard input (formatted to standard output).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Change nothing: print a diff of what would change and exit 1 if
        /// anything would.
        #[arg(long, conflicts_with = "stdout")]
        check: bool,
        /// Print the formatted text instead of rewriting the files.
        #[arg(long)]
        stdout: bool,
    },
    /// Write the charter as a readable constitution for its members: its
    /// laws as numbered articles in plain words, its terms as a glossary.
    Doc {
        /// The charter file.
        charter: PathBuf,
        /// Markdown (the default) or one self-contained HTML page.
        #[arg(long, value_enum, default_value_t = DocFormat::Md)]
        format: DocFormat,
        /// Write to FILE instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// Imports must stay inside this directory (default: the charter's own).
        #[arg(long, value_name = "DIR")]
        root: Option<PathBuf>,
    },
    /// Write the census of a history: one self-contained HTML page (or
    /// Markdown) with the charter's figures charted over the snapshots and
    /// each law's verdict counts, the latest and over time.
    Report {
        /// The charter file.
        charter: PathBuf,
        /// The snapshots (files, directories of `*.json`, `.jsonl` files of
        /// one snapshot a line), in the order of `now`.
        #[arg(long, required = true, num_args = 1.., value_name = "FILES")]
        snapshots: Vec<PathBuf>,
        /// The field that orders the snapshots (default `now`).
        #[arg(long, value_name = "FIELD")]
        order_by: Option<String>,
        /// Stop at the first snapshot that cannot be read or does not match.
        #[arg(long)]
        fail_fast: bool,
        /// One self-contained HTML page (the default), or Markdown (with
        /// `-o FILE`, the charts as SVG files beside it).
        #[arg(long, value_enum, default_value_t = census::ReportFormat::Html)]
        format: census::ReportFormat,
        /// Write to FILE instead of standard output.
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
        /// The engine: machine code (`jit`) or the reference interpreter.
        #[arg(long, value_enum, default_value_t = EngineArg::Jit)]
        engine: EngineArg,
        #[command(flatten)]
        input: InputArgs,
    },
    /// Serve the Language Server Protocol on stdin and stdout, for an
    /// editor: diagnostics, hover, go to definition, completion, symbols,
    /// formatting and rename.
    Lsp,
    /// Ask a charter questions: evaluate expressions and law calls over a
    /// snapshot, with the reasons. Reads a script when stdin is not a terminal.
    Repl {
        /// The charter file (none: an empty charter).
        charter: Option<PathBuf>,
        /// The JSON snapshot to evaluate over.
        #[arg(long)]
        snapshot: Option<PathBuf>,
        #[command(flatten)]
        input: InputArgs,
    },
}

/// How `eval` and `diff` read and evaluate: the engine, the explanations,
/// the import root, the snapshot cap and the budget.
#[derive(clap::Args, Clone, Debug)]
pub struct EvalArgs {
    /// The engine: machine code (`jit`) or the reference interpreter.
    #[arg(long, value_enum, default_value_t = EngineArg::Jit)]
    engine: EngineArg,
    /// How much each failure explains: `none` (verdicts and failed
    /// labels only), `reasons` (the default), or `full` (also how each
    /// number compared was computed).
    #[arg(long, value_enum, default_value_t = ExplainArg::Reasons)]
    explain: ExplainArg,
    #[command(flatten)]
    input: InputArgs,
}

/// How commands that read a charter and a snapshot read them, and the
/// budget they evaluate under.
#[derive(clap::Args, Clone, Debug)]
pub struct InputArgs {
    /// Imports must stay inside this directory (default: each charter's own).
    #[arg(long, value_name = "DIR")]
    root: Option<PathBuf>,
    /// The largest snapshot read, in bytes (default 1 GiB).
    #[arg(long, value_name = "BYTES", default_value_t = crate::api::files::MAX_SNAPSHOT_BYTES)]
    max_snapshot_bytes: u64,
    #[command(flatten)]
    budget: BudgetArgs,
}

impl EvalArgs {
    /// The engine, explanations and limits (the time limit counted from now).
    fn eval_options(&self) -> crate::api::EvalOptions {
        crate::api::EvalOptions {
            engine: self.engine.engine(),
            explain: self.explain.explain(),
            limits: self.input.budget.limits(),
        }
    }
}

/// The evaluation budget (`interp/budget.rs`): steps per evaluation and a
/// time limit for the whole command (per question in the REPL).
#[derive(clap::Args, Clone, Copy, Debug)]
pub struct BudgetArgs {
    /// The most steps (loop iterations and calls) one evaluation may take
    /// — one subject's verdict, one constant, one test — before it ends
    /// with a `limit` error; `none` for no limit.
    #[arg(long, value_name = "N|none", default_value = "100000000", value_parser = parse_steps)]
    max_steps: u64,
    /// The most bytes of values (lists, sets, records, texts) one
    /// evaluation may build, counted before each is built, before it ends
    /// with a `limit` error: a number of bytes, with an optional suffix
    /// `K`, `M` or `G` (powers of 1024: `512M`, `2G`); `none` for no limit.
    #[arg(long, value_name = "BYTES|none", default_value = "1G", value_parser = parse_memory)]
    max_memory: u64,
    /// Seconds before evaluation stops: what is still running, and what
    /// has not started, ends with a `limit` error; `none` for no limit
    /// (default: 600 for `eval` and `test`, per question in the REPL).
    #[arg(long, value_name = "SECONDS|none", default_value = "600", value_parser = parse_timeout)]
    timeout: Timeout,
}

/// `--timeout`: a time limit, or none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Timeout(Option<std::time::Duration>);

impl Default for BudgetArgs {
    fn default() -> BudgetArgs {
        BudgetArgs {
            max_steps: crate::api::Limits::default().max_steps,
            max_memory: crate::api::Limits::default().max_memory,
            timeout: Timeout(Some(std::time::Duration::from_secs(600))),
        }
    }
}

impl BudgetArgs {
    /// The limits, with the time limit counted from now.
    pub fn limits(self) -> crate::api::Limits {
        let limits = crate::api::Limits {
            max_steps: self.max_steps,
            max_memory: self.max_memory,
            ..Default::default()
        };
        match self.timeout.0 {
            Some(t) => limits.with_timeout(t),
            None => limits,
        }
    }
}

/// `--max-steps`: a count, or `none`.
fn parse_steps(s: &str) -> Result<u64, String> {
    match s {
        "none" => Ok(u64::MAX),
        _ => s
            .replace('_', "")
            .parse::<u64>()
            .map_err(|_| format!("`{s}` is not a number of steps (or `none`)")),
    }
}

/// `--max-memory`: bytes, with an optional binary suffix (`K`, `M`, `G`),
/// or `none`.
fn parse_memory(s: &str) -> Result<u64, String> {
    if s == "none" {
        return Ok(u64::MAX);
    }
    let bad = || format!("`{s}` is not a number of bytes such as `64M` or `2G` (or `none`)");
    let digits = s.replace('_', "");
    let (number, shift) = match digits.char_indices().last() {
        Some((i, 'K' | 'k')) => (digits.get(..i), 10),
        Some((i, 'M' | 'm')) => (digits.get(..i), 20),
        Some((i, 'G' | 'g')) => (digits.get(..i), 30),
        _ => (Some(digits.as_str()), 0),
    };
    let n: u64 = number.ok_or_else(bad)?.parse().map_err(|_| bad())?;
    n.checked_mul(1 << shift).ok_or_else(bad)
}

/// `--timeout`: seconds (a decimal fraction allowed), or `none`.
fn parse_timeout(s: &str) -> Result<Timeout, String> {
    if s == "none" {
        return Ok(Timeout(None));
    }
    let bad = || format!("`{s}` is not a number of seconds (or `none`)");
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let secs: u64 = whole.parse().map_err(|_| bad())?;
    if frac.len() > 9 || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let nanos: u32 = format!("{frac:0<9}").parse().map_err(|_| bad())?;
    Ok(Timeout(Some(std::time::Duration::new(secs, nanos))))
}

/// `--engine`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EngineArg {
    /// Cranelift machine code (the default).
    Jit,
    /// The reference interpreter.
    Interp,
}

impl EngineArg {
    fn engine(self) -> crate::api::Engine {
        match self {
            EngineArg::Jit => crate::api::Engine::Jit,
            EngineArg::Interp => crate::api::Engine::Interpreter,
        }
    }
}

/// `polity eval --explain`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExplainArg {
    /// Verdicts and failed labels only.
    None,
    /// Why each failure failed (the default).
    Reasons,
    /// The reasons, and how every number they compare was computed.
    Full,
}

impl ExplainArg {
    fn explain(self) -> crate::api::Explain {
        match self {
            ExplainArg::None => crate::api::Explain::None,
            ExplainArg::Reasons => crate::api::Explain::Reasons,
            ExplainArg::Full => crate::api::Explain::Full,
        }
    }
}

/// `polity check --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// Rendered diagnostics for people.
    Human,
    /// One JSON document for tools.
    Json,
    /// A SARIF 2.1.0 log (GitHub code scanning and other static-analysis viewers).
    Sarif,
    /// GitHub Actions workflow commands: one `::error`/`::warning` annotation a line.
    Github,
}

/// `polity test --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TestFormat {
    /// `test NAME ... ok` lines, failures with their reasons, and a count.
    Human,
    /// JUnit XML: a testsuite per charter, a testcase per test block.
    Junit,
    /// One JSON document for tools (the shape is in `api/test_report.rs`).
    Json,
}

/// `polity doc --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DocFormat {
    /// Markdown.
    Md,
    /// One self-contained HTML page (inline style, no script).
    Html,
}

/// `polity eval --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum EvalFormat {
    /// A summary per law and each failure with its reasons.
    Table,
    /// One JSON document for tools.
    Json,
    /// With `--snapshots`: one JSON object per snapshot, a line each.
    Jsonl,
    /// With `--snapshots`: one row per snapshot.
    Csv,
}

/// The message for a file that cannot be read (`error: cannot read `x`: no such file or directory`).
pub fn read_error(path: &std::path::Path, e: &std::io::Error) -> String {
    // Only the first letter: a size limit keeps its unit (`4 MiB`).
    let message = e.to_string();
    let mut chars = message.chars();
    let first = chars.next().map(|c| c.to_lowercase().to_string());
    format!(
        "error: cannot read `{}`: {}{}",
        path.display(),
        first.unwrap_or_default(),
        chars.as_str()
    )
}

/// Compiles the charter file `charter`, or reports why not on stderr and
/// gives the exit status: 2 when it cannot be read, 1 when it does not compile.
fn compile_or_report(
    charter: &std::path::Path,
    options: &crate::api::CompileOptions,
) -> Result<crate::api::Program, i32> {
    match crate::api::Program::compile_file_with(charter, options) {
        Err(e) => {
            stderrln!("{}", read_error(charter, &e));
            Err(2)
        }
        Ok(Err(e)) => {
            stderr!("{}", e.render(color_stderr()));
            Err(1)
        }
        Ok(Ok(p)) => Ok(p),
    }
}

/// How the command reads and compiles charters.
fn options(root: Option<PathBuf>) -> crate::api::CompileOptions {
    crate::api::CompileOptions {
        root,
        ..Default::default()
    }
}

/// Whether to colour output written to stderr: only on a terminal, never with `NO_COLOR`.
pub fn color_stderr() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// Whether to colour output written to stdout.
pub fn color_stdout() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stdout().is_terminal()
}

/// Runs the command line and returns the process exit code.
pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // `--help` and `--version` go to stdout, usage errors to stderr.
            return match e.print() {
                Err(io) if !e.use_stderr() => output::exit_code(Err(io)),
                _ if e.use_stderr() => 2,
                _ => 0,
            };
        }
    };
    match cli.command {
        Command::Check {
            files,
            format,
            jit,
            max_diagnostics,
            root,
        } => {
            let options = crate::api::CompileOptions {
                max_diagnostics,
                ..options(root)
            };
            check::run(&files, format, jit, &options)
        }
        Command::Eval {
            charter,
            snapshot,
            snapshots,
            order_by,
            fail_fast,
            law,
            figures,
            format,
            eval,
        } => {
            let eval_options = eval.eval_options();
            let max_snapshot_bytes = eval.input.max_snapshot_bytes;
            let compile_options = options(eval.input.root);
            let select = eval::Select {
                law: law.as_deref(),
                figures: &figures,
            };
            match snapshot {
                Some(snapshot) => eval::run(
                    &charter,
                    (&snapshot, max_snapshot_bytes),
                    select,
                    format,
                    eval_options,
                    &compile_options,
                ),
                None => {
                    let history = history::History {
                        inputs: &snapshots,
                        order_by: order_by.as_deref(),
                        fail_fast,
                        max_snapshot_bytes,
                    };
                    eval::run_history(
                        &charter,
                        &history,
                        select,
                        format,
                        eval_options,
                        &compile_options,
                    )
                }
            }
        }
        Command::Diff {
            charters,
            snapshot,
            law,
            format,
            reasons,
            exit_code,
            eval,
        } => {
            let run = diff::DiffRun {
                charters,
                snapshots: snapshot,
                format,
                exit_code,
                options: crate::api::DiffOptions {
                    eval: eval.eval_options(),
                    law,
                    reasons,
                },
                max_snapshot_bytes: eval.input.max_snapshot_bytes,
            };
            diff::run(&run, &options(eval.input.root))
        }
        Command::Test {
            files,
            stdlib,
            engine,
            format,
            coverage,
            coverage_lcov,
            root,
            budget,
        } => {
            let run = test::TestRun {
                stdlib,
                engine: engine.engine(),
                format,
                coverage,
                lcov: coverage_lcov,
                limits: budget.limits(),
            };
            test::run(&files, &run, &options(root))
        }
        Command::Doc {
            charter,
            format,
            output,
            root,
        } => doc::run(&charter, format, output.as_deref(), &options(root)),
        Command::Fmt {
            files,
            check,
            stdout,
        } => {
            let mode = match (check, stdout) {
                (true, _) => fmt::Mode::Check,
                (false, true) => fmt::Mode::Stdout,
                (false, false) => fmt::Mode::Write,
            };
            fmt::run(&files, mode)
        }
        Command::Report {
            charter,
            snapshots,
            order_by,
            fail_fast,
            format,
            output,
            engine,
            input,
        } => {
            let history = history::History {
                inputs: &snapshots,
                order_by: order_by.as_deref(),
                fail_fast,
                max_snapshot_bytes: input.max_snapshot_bytes,
            };
            let eval_options = crate::api::EvalOptions {
                engine: engine.engine(),
                explain: crate::api::Explain::None,
                limits: input.budget.limits(),
            };
            census::run(
                &charter,
                &history,
                (format, output.as_deref()),
                eval_options,
                &options(input.root),
            )
        }
        Command::Lsp => lsp::run(),
        Command::Repl {
            charter,
            snapshot,
            input,
        } => repl::run(
            charter.as_deref(),
            snapshot.as_deref(),
            options(input.root),
            input.max_snapshot_bytes,
            input.budget,
        ),
    }
}
