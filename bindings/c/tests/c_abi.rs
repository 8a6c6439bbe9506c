//! The C ABI as C programs use it: the committed header is the one cbindgen
//! generates, and a C program compiled against it and linked with
//! `libpolity_c` prints, for both examples and every case of the eval
//! corpus, the same verdict document as
//! `polity eval --format json` (`Program::eval_json`, which
//! `runtime/tests/api_json.rs` checks against the binary), and sees every
//! error as a status.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use polity::api::{EvalOptions, Program};
use std::path::{Path, PathBuf};
use std::process::Command;

fn crate_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn header_is_up_to_date() {
    let generated = std::fs::read_to_string(env!("POLITY_GENERATED_HEADER")).unwrap();
    let committed_path = crate_dir().join("include/polity.h");
    if std::env::var_os("UPDATE_POLITY_H").is_some() {
        std::fs::write(&committed_path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&committed_path).unwrap();
    assert!(
        committed == generated,
        "bindings/c/include/polity.h is stale: run `UPDATE_POLITY_H=1 cargo test -p polity-c`"
    );
}

/// The directory holding `libpolity_c.so`: the test binary runs from
/// `target/<profile>/deps`.
fn library_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    exe.parent().and_then(Path::parent).unwrap().to_path_buf()
}

/// Compiles `tests/c/polity_eval.c` against the committed header and the
/// shared library, into the test's scratch directory.
fn c_program() -> PathBuf {
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("polity_eval");
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let lib = library_dir();
    // `cargo test` builds the crate as an rlib only; build the shared
    // library C programs link, in the same target directory (the
    // dependencies are already built, so this is the crate alone).
    let target = lib.parent().unwrap();
    let profile = lib.file_name().unwrap().to_string_lossy().into_owned();
    let mut build = Command::new(env!("CARGO"));
    build
        .args(["build", "--quiet", "-p", "polity-c", "--lib"])
        .arg("--manifest-path")
        .arg(crate_dir().join("Cargo.toml"))
        .env("CARGO_TARGET_DIR", target);
    if profile == "release" {
        build.arg("--release");
    }
    let status = build.status().unwrap();
    assert!(status.success(), "cannot build libpolity_c");
    assert!(
        lib.join("libpolity_c.so").exists() || lib.join("libpolity_c.dylib").exists(),
        "no libpolity_c in {}",
        lib.display()
    );
    let status = Command::new(&cc)
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-o"])
        .arg(&out)
        .arg(crate_dir().join("tests/c/polity_eval.c"))
        .arg("-I")
        .arg(crate_dir().join("include"))
        .arg("-L")
        .arg(&lib)
        .arg("-lpolity_c")
        .status()
        .unwrap_or_else(|e| panic!("cannot run the C compiler `{cc}`: {e}"));
    assert!(status.success(), "the C program does not compile");
    out
}

#[test]
fn a_c_program_gets_the_clis_verdicts_and_every_error_as_a_status() {
    let program = c_program();
    let root = crate_dir().join("../..");
    let mut cases: Vec<(PathBuf, PathBuf)> = ["praxis-nova", "tidewater"]
        .iter()
        .map(|n| {
            let dir = root.join("examples").join(n);
            (dir.join("charter.polity"), dir.join("snapshot.json"))
        })
        .collect();
    let mut corpus: Vec<PathBuf> = std::fs::read_dir(root.join("tests/eval"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "polity"))
        .filter(|p| p.with_extension("json").exists())
        .collect();
    corpus.sort();
    cases.extend(
        corpus
            .into_iter()
            .map(|c| (c.clone(), c.with_extension("json"))),
    );
    assert!(cases.len() > 20, "the eval corpus is there");
    for (charter, snapshot) in cases {
        let name = charter.display().to_string();
        let output = Command::new(&program)
            .arg(&charter)
            .arg(&snapshot)
            .env("LD_LIBRARY_PATH", library_dir())
            .env("DYLD_LIBRARY_PATH", library_dir())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let rust = Program::compile_file(&charter).unwrap().unwrap();
        let state = rust
            .load_snapshot(&std::fs::read(&snapshot).unwrap())
            .unwrap();
        let expected = rust
            .eval_json(&state, None, EvalOptions::default())
            .unwrap();
        // The C program named the charter by its path, as the CLI does.
        assert_eq!(
            String::from_utf8(output.stdout).unwrap(),
            expected,
            "{name}"
        );
    }
}
