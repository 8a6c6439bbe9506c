//! `polity check --format github`: one GitHub Actions workflow command per
//! diagnostic (`::error file=…,line=…,col=…,endLine=…,endColumn=…,title=E0102::message`),
//! which the runner turns into an annotation on the file; warnings are
//! `::warning`. The help line follows the message on a line of its own.

use super::located::Located;
use std::io::{self, Write};

/// Writes one annotation line per diagnostic.
pub fn write(out: &mut impl Write, diagnostics: &[Located]) -> io::Result<()> {
    for d in diagnostics {
        writeln!(out, "{}", annotation(d))?;
    }
    Ok(())
}

/// The workflow command for one diagnostic.
fn annotation(d: &Located) -> String {
    let at = &d.at;
    let message = match &d.help {
        Some(help) => format!("{}\nhelp: {help}", d.message),
        None => d.message.clone(),
    };
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        if d.error { "error" } else { "warning" },
        property(&at.file),
        at.line,
        at.column,
        at.end_line,
        at.end_column,
        property(d.code),
        data(&message),
    )
}

/// A command's data escaped as the runner requires: `%`, `\r` and `\n`.
fn data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property's value: as data, and also `:` and `,`, which end a property.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::located::Place;

    #[test]
    fn escapes_what_the_runner_reads_as_syntax() {
        assert_eq!(
            data("100% sure\r\nnext: a, b"),
            "100%25 sure%0D%0Anext: a, b"
        );
        assert_eq!(property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
        let d = Located {
            code: "E0200",
            error: false,
            message: "expected `Int`, found `Text`: 5%".to_string(),
            help: Some("write a number, e.g. 1".to_string()),
            at: Place {
                file: "dir,x/a:b.polity".to_string(),
                line: 2,
                column: 3,
                end_line: 2,
                end_column: 7,
            },
            related: Vec::new(),
        };
        assert_eq!(
            annotation(&d),
            "::warning file=dir%2Cx/a%3Ab.polity,line=2,col=3,endLine=2,endColumn=7,title=E0200::\
             expected `Int`, found `Text`: 5%25%0Ahelp: write a number, e.g. 1"
        );
    }
}
