//! Markdown text: escaping what the charter wrote, code spans, and the
//! words a reader sees for names, dates and numbers.

use polity_compiler::num::{civil_from_days, days_from_civil};

/// `text` as Markdown that shows exactly `text`: every ASCII punctuation
/// character that Markdown could read as syntax is backslash-escaped.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(
            c,
            '\\' | '`'
                | '*'
                | '_'
                | '{'
                | '}'
                | '['
                | ']'
                | '<'
                | '>'
                | '('
                | ')'
                | '#'
                | '+'
                | '!'
                | '|'
                | '&'
                | '~'
                | '$'
        ) {
            out.push('\\');
        }
        // A line break would end a list item or a heading.
        out.push(if c == '\n' || c == '\r' { ' ' } else { c });
    }
    out
}

/// `source` as an inline code span, its whitespace runs (line breaks
/// included) collapsed to single spaces, fenced by more backticks than it
/// holds in a row.
pub fn code(source: &str) -> String {
    let flat = source.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut longest = 0;
    let mut run = 0;
    for c in flat.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest + 1);
    // A code span that starts or ends with a backtick needs a space inside.
    let pad = if flat.starts_with('`') || flat.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{flat}{pad}{fence}")
}

/// A name as words: `may_vote` is "may vote", `VoteRecord` "vote record".
pub fn words(name: &str) -> String {
    let mut out = String::new();
    let mut prev_lower = false;
    for c in name.chars() {
        if c == '_' {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower {
            out.push(' ');
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        out.push(c.to_ascii_lowercase());
    }
    out.trim_end().to_string()
}

/// The first letter upper-cased (`may vote` is "May vote").
pub fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// "a" or "an" before `word`.
pub fn article(word: &str) -> &'static str {
    let first = word
        .trim_start_matches(['[', '*', '_'])
        .chars()
        .next()
        .map(|c| c.to_ascii_lowercase());
    if matches!(first, Some('a' | 'e' | 'i' | 'o' | 'u')) {
        "an"
    } else {
        "a"
    }
}

/// The plural of a type's name (`Member` is "Members", `Status` "Statuses").
pub fn plural(name: &str) -> String {
    if ["s", "x", "z", "ch", "sh"]
        .iter()
        .any(|e| name.ends_with(e))
    {
        format!("{name}es")
    } else {
        format!("{name}s")
    }
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// A date as people write it: day number 19875 is "1 June 2024".
pub fn date(day: i64) -> String {
    let (y, m, d) = civil_from_days(day);
    let month = MONTHS
        .get((m as usize).saturating_sub(1))
        .copied()
        .unwrap_or("?");
    format!("{d} {month} {y}")
}

/// A date literal as written (`2024-06-01`) as people write it, if valid.
pub fn date_literal(text: &str) -> Option<String> {
    let mut parts = text.splitn(3, '-');
    let y: i64 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let d: u32 = parts.next()?.parse().ok()?;
    days_from_civil(y, m, d).map(date)
}

/// Digits as written (`1_000`) grouped in thousands for reading (`1,000`);
/// numbers under 10,000 stay as they are.
pub fn grouped(digits: &str) -> String {
    let plain: String = digits.chars().filter(|c| *c != '_').collect();
    let (sign, body) = match plain.strip_prefix('-') {
        Some(rest) => ("-", rest.to_string()),
        None => ("", plain.clone()),
    };
    let (whole, frac) = match body.split_once('.') {
        Some((w, f)) => (w.to_string(), Some(f.to_string())),
        None => (body.clone(), None),
    };
    if whole.len() < 5 || !whole.bytes().all(|b| b.is_ascii_digit()) {
        return plain;
    }
    let mut out = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{out}.{f}"),
        None => format!("{sign}{out}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_as_words() {
        assert_eq!(words("may_vote"), "may vote");
        assert_eq!(words("VoteRecord"), "vote record");
        assert_eq!(words("area_m2"), "area m2");
        assert_eq!(capitalised("may vote"), "May vote");
        assert_eq!(plural("Status"), "Statuses");
        assert_eq!(plural("Member"), "Members");
        assert_eq!(article("optional text"), "an");
    }

    #[test]
    fn escaping_keeps_every_character() {
        assert_eq!(escape("a*b_[c]<d>"), "a\\*b\\_\\[c\\]\\<d\\>");
        assert_eq!(code("a `b`"), "`` a `b` ``");
        assert_eq!(code("x\n   y"), "`x y`");
    }

    #[test]
    fn numbers_and_dates_read_as_people_write_them() {
        assert_eq!(grouped("40000"), "40,000");
        assert_eq!(grouped("1_000_000.5"), "1,000,000.5");
        assert_eq!(grouped("2500"), "2500");
        assert_eq!(date_literal("2024-06-01").as_deref(), Some("1 June 2024"));
        assert_eq!(date_literal("2024-02-30"), None);
    }
}
