// The snapshot of `state_only.polity` (included by the tests that use it).

/// `n` members (some ids in capitals, so that `lower` makes new texts;
/// vouchers duplicated and missing) and `n` ballots (voters duplicated and
/// missing).
fn snapshot(n: usize) -> String {
    let member = |i: usize| {
        let id = match i % 4 {
            1 => format!("M{i}"),
            _ => format!("m{i}"),
        };
        let third = match i % 5 {
            0 => "ghost".to_string(),
            _ => format!("m{}", (i * 13 + 1) % n),
        };
        let first = format!("m{}", (i * 7 + 3) % n);
        format!(
            r#"{{"id": "{id}", "stake": {}, "vouched_by": ["{first}", "{first}", "{third}"]}}"#,
            (i * 7) % 10
        )
    };
    let ballot = |j: usize| {
        let voter = match j % 6 {
            0 => "nobody".to_string(),
            _ => format!("m{}", (j * 3 + 1) % n),
        };
        format!(
            r#"{{"id": "b{j}", "voter": "{voter}", "weight": {}}}"#,
            j % 5 + 1
        )
    };
    let members: Vec<String> = (0..n).map(member).collect();
    let ballots: Vec<String> = (0..n).map(ballot).collect();
    format!(
        r#"{{"members": [{}], "ballots": [{}], "divisor": 0}}"#,
        members.join(","),
        ballots.join(",")
    )
}
