//! The native half of the `polity` Python package (`polity._polity`):
//! compile, load a snapshot, evaluate and run tests, with every document
//! handed to Python as the JSON the command line prints (the pure-Python
//! half, `python/polity/__init__.py`, turns it into Python data with exact
//! numbers).

use polity::api::json::{compile_error_json, snapshot_error_json};
use polity::api::{Engine, EvalOptions};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyValueError};
use pyo3::prelude::*;

create_exception!(
    _polity,
    PolityError,
    PyException,
    "Any error Polity reports."
);
create_exception!(
    _polity,
    CompileError,
    PolityError,
    "The charter does not compile; args[0] is the diagnostics as JSON."
);
create_exception!(
    _polity,
    SnapshotError,
    PolityError,
    "The snapshot does not match the charter; args[0] is why, as JSON."
);
create_exception!(
    _polity,
    UnknownLawError,
    PolityError,
    "No law has that name; args[0] says which there are."
);

/// `"jit"` or `"interp"`.
fn engine(name: &str) -> PyResult<Engine> {
    match name {
        "jit" => Ok(Engine::Jit),
        "interp" | "interpreter" => Ok(Engine::Interpreter),
        other => Err(PyValueError::new_err(format!(
            "unknown engine `{other}`: use \"jit\" or \"interp\""
        ))),
    }
}

/// A compiled charter.
#[pyclass(frozen, module = "polity._polity")]
struct Program {
    inner: polity::api::Program,
    name: String,
}

/// A snapshot checked against a program's `state`.
#[pyclass(frozen, module = "polity._polity")]
struct State {
    inner: polity::api::State,
}

#[pymethods]
impl Program {
    /// The charter's name (`charter "Name"`).
    #[getter]
    fn charter(&self) -> String {
        self.inner.name().to_owned()
    }

    /// The laws' names, in source order.
    fn laws(&self) -> Vec<String> {
        self.inner.laws().map(str::to_owned).collect()
    }

    /// Reads a JSON snapshot (bytes) for `engine`.
    #[pyo3(signature = (json, engine = "jit"))]
    fn load_snapshot(&self, json: &[u8], engine: &str) -> PyResult<State> {
        self.inner
            .load_snapshot_for(json, self::engine(engine)?)
            .map(|inner| State { inner })
            .map_err(|e| SnapshotError::new_err(snapshot_error_json(&e, None).to_string()))
    }

    /// The verdicts of every law (or of `law`) as `polity eval --format json`
    /// prints them.
    #[pyo3(signature = (state, law = None, engine = "jit"))]
    fn eval_json(&self, state: &State, law: Option<&str>, engine: &str) -> PyResult<String> {
        let options = EvalOptions {
            engine: self::engine(engine)?,
            ..EvalOptions::default()
        };
        self.inner
            .eval_json(&state.inner, law, options)
            .map_err(|e| UnknownLawError::new_err(e.to_string()))
    }

    /// The outcomes of the charter's `test` blocks as `polity test --format
    /// json` writes a suite.
    #[pyo3(signature = (engine = "jit"))]
    fn tests_json(&self, engine: &str) -> PyResult<String> {
        Ok(self.inner.tests_json(&self.name, self::engine(engine)?))
    }
}

/// Compiles the charter `source`, named `name` (`import "file"` is refused).
#[pyfunction]
fn compile(name: &str, source: &str) -> PyResult<Program> {
    polity::api::Program::compile(name, source)
        .map(|inner| Program {
            inner,
            name: name.to_owned(),
        })
        .map_err(|e| CompileError::new_err(compile_error_json(&e).to_string()))
}

/// Compiles the charter file at `path` (its imports resolved inside its
/// directory).
#[pyfunction]
fn compile_file(path: &str) -> PyResult<Program> {
    match polity::api::Program::compile_file(std::path::Path::new(path)) {
        Err(e) => Err(pyo3::exceptions::PyOSError::new_err(format!("{path}: {e}"))),
        Ok(Err(e)) => Err(CompileError::new_err(compile_error_json(&e).to_string())),
        Ok(Ok(inner)) => Ok(Program {
            inner,
            name: path.to_owned(),
        }),
    }
}

/// The native module.
#[pymodule]
fn _polity(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<Program>()?;
    m.add_class::<State>()?;
    m.add_function(wrap_pyfunction!(compile, m)?)?;
    m.add_function(wrap_pyfunction!(compile_file, m)?)?;
    let py = m.py();
    m.add("PolityError", py.get_type::<PolityError>())?;
    m.add("CompileError", py.get_type::<CompileError>())?;
    m.add("SnapshotError", py.get_type::<SnapshotError>())?;
    m.add("UnknownLawError", py.get_type::<UnknownLawError>())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
