//! Shared by the `engines` and `peers` benchmarks: Praxis Nova, its generated
//! snapshots, and `may_vote` written by hand over the JIT's native layout (the
//! practical limit every engine is compared with).

#[path = "../../examples/gen_snapshot.rs"]
#[allow(dead_code, unused_imports)]
mod gen_snapshot;

use polity::api::{Program, State};
use polity::layout::{elements, fields, Layout};

pub const PRAXIS: &str = include_str!("../../../examples/praxis-nova/charter.polity");

// Praxis Nova's layout: state names, enum cases (in declaration order) and
// the number of fields of a `Member`.
pub const NOW: usize = 0;
pub const MEMBERS: usize = 1;
pub const MEMBER_FIELDS: usize = 7;
pub const ACTIVE: i64 = 1;
pub const FOUNDER: i64 = 0;
pub const CITIZEN: i64 = 2;
pub const PROBATION: i64 = 90;

/// `may_vote` by hand: how many members pass.
pub fn may_vote_by_hand(layout: &Layout) -> usize {
    let now = layout.state_word(NOW).unwrap();
    let members = elements(layout, layout.state_word(MEMBERS).unwrap());
    members
        .iter()
        .filter(|m| {
            let f = fields(layout, **m, MEMBER_FIELDS);
            let roles = elements(layout, f[3]);
            let citizen = f[2] == ACTIVE && roles.binary_search(&CITIZEN).is_ok();
            let Some(tenure) = now.checked_sub(f[1]) else {
                return false;
            };
            citizen && (tenure >= PROBATION || roles.binary_search(&FOUNDER).is_ok())
        })
        .count()
}

/// Praxis Nova compiled, and a generated snapshot of `members` members
/// (seed 7) loaded for it.
pub fn setup(members: u64) -> (Program, State) {
    let program = Program::compile("praxis-nova.polity", PRAXIS).unwrap();
    let mut json = Vec::new();
    gen_snapshot::write_snapshot(members, 7, &mut json).unwrap();
    let state = program.load_snapshot(&json).unwrap();
    (program, state)
}
