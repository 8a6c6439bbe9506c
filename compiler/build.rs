//! Generates the parser from `src/syntax/grammar.lalrpop` into `OUT_DIR`.

fn main() {
    let result = lalrpop::Configuration::new()
        .use_cargo_dir_conventions()
        .emit_rerun_directives(true)
        .process();
    if let Err(err) = result {
        eprintln!("lalrpop failed: {err}");
        std::process::exit(1);
    }
}
