//! Peer rule engines side by side with Polity's on one rule, Praxis Nova's
//! `may_vote`, over generated snapshots of 10,000 and 100,000 members:
//!
//! ```sh
//! cargo bench -p polity --features peers --bench peers
//! ```
//!
//! Polity's engines: the JIT's decisions (one thread), the reference
//! interpreter through the API (verdicts with reasons), and hand-written Rust
//! over the JIT's native layout (the practical limit). The peers evaluate the
//! same rule once per member, from data prepared beforehand in each engine's
//! own input form, with dates as day numbers and roles as strings:
//!
//! - CEL (`cel`): one compiled `Program`, executed per member with a
//!   `Context` whose `VariableResolver` lends the member's prebuilt map and
//!   `now` (no conversion per evaluation);
//! - Rhai (`rhai`): one compiled `AST`, evaluated per member with a `Scope`
//!   holding `now` and the member as a shared object map;
//! - Rego (`regorus`): a policy `allow if { ... }` with the member as input and
//!   `now` as data, both through the tree-walking interpreter
//!   (`Engine::set_input` + `eval_rule`) and the Rego VM (`RegoVM::set_input`
//!   + `execute` of a program compiled for `data.praxis.allow`);
//! - Cedar (`cedar-policy`): one `permit ... when { ... }` policy, every member
//!   an entity with its attributes, `now` in the context, and one prebuilt
//!   `Request` per member given to `Authorizer::is_authorized`.
//!
//! Every engine must count the same number of passing members as the
//! hand-written Rust before anything is timed. After criterion's report a
//! table gives each engine's nanoseconds per member: the median of timed runs
//! over all members (`std::time::Instant`, at least 5 runs and about 2 s per
//! engine), with its ratio to hand-written Rust and how many times faster the
//! JIT is. Figures are recorded in docs/performance.md ("Peer engines").
//!
//! The peers are heavy to build and stay out of the default build, the tests
//! and CI: the `peers` feature enables them, and this bench requires it.
// A benchmark panics on any disagreement; floating point is only for the
// table's nanoseconds and ratios.
#![allow(
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::float_arithmetic
)]

mod common;

use common::{may_vote_by_hand, setup, ACTIVE, MEMBERS, MEMBER_FIELDS, NOW};
use criterion::{Criterion, Throughput};
use polity::api::{Engine, Limits};
use polity::layout::{elements, fields, Layout};
use std::hint::black_box;
use std::time::{Duration, Instant};

const SIZES: [u64; 2] = [10_000, 100_000];

/// Praxis Nova's enums, in declaration order (their layout words).
const STATUS: [&str; 4] = ["Applicant", "Active", "Suspended", "Exited"];
const ROLES: [&str; 4] = ["Founder", "Council", "Citizen", "Resident"];

/// A member as every peer receives it: dates as day numbers, the status and
/// roles as their names.
struct Member {
    id: String,
    joined: i64,
    status: &'static str,
    roles: Vec<&'static str>,
}

/// `now` and the members, read from the layout the JIT evaluates.
fn read_members(layout: &Layout) -> (i64, Vec<Member>) {
    assert_eq!(STATUS[ACTIVE as usize], "Active");
    let now = layout.state_word(NOW).unwrap();
    let members = elements(layout, layout.state_word(MEMBERS).unwrap())
        .iter()
        .map(|m| {
            let f = fields(layout, *m, MEMBER_FIELDS);
            Member {
                id: layout.texts.text(f[0]).unwrap().to_string(),
                joined: f[1],
                status: STATUS[usize::try_from(f[2]).unwrap()],
                roles: elements(layout, f[3])
                    .iter()
                    .map(|r| ROLES[usize::try_from(*r).unwrap()])
                    .collect(),
            }
        })
        .collect();
    (now, members)
}

/// CEL: one compiled program, the members lent by a variable resolver.
mod cel_peer {
    use super::Member;
    use cel::common::value::{CowVal, Val};
    use cel::context::VariableResolver;
    use cel::{Context, Env, Program, Value};
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    pub const RULE: &str = r#"m.status == "Active" && "Citizen" in m.roles && (now - m.joined >= 90 || "Founder" in m.roles)"#;

    /// The prebuilt values; `current` picks the member `m` resolves to.
    struct Members {
        now: Box<dyn Val>,
        members: Vec<Box<dyn Val>>,
        current: AtomicUsize,
    }

    impl VariableResolver for Members {
        fn resolve<'b>(&'b self, variable: &str) -> Option<CowVal<'b, 'b>> {
            match variable {
                "m" => {
                    let m = self.members.get(self.current.load(Ordering::Relaxed))?;
                    Some(CowVal::Borrowed(m.as_ref()))
                }
                "now" => Some(CowVal::Borrowed(self.now.as_ref())),
                _ => None,
            }
        }
    }

    pub struct Peer {
        env: Arc<Env>,
        program: Program,
        members: Members,
    }

    impl Peer {
        pub fn new(now: i64, members: &[Member]) -> Peer {
            let env = Arc::new(Env::stdlib());
            let program = env.compile(RULE).unwrap();
            let members = members
                .iter()
                .map(|m| {
                    let map: HashMap<&str, Value> = HashMap::from([
                        ("status", Value::from(m.status)),
                        ("roles", Value::from(m.roles.clone())),
                        ("joined", Value::Int(m.joined)),
                    ]);
                    Value::from(map).try_into().unwrap()
                })
                .collect();
            let members = Members {
                now: Value::Int(now).try_into().unwrap(),
                members,
                current: AtomicUsize::new(0),
            };
            Peer {
                env,
                program,
                members,
            }
        }

        /// How many members pass.
        pub fn count(&self) -> usize {
            let mut context = Context::with_env(self.env.clone());
            context.set_variable_resolver(&self.members);
            let mut n = 0;
            for i in 0..self.members.members.len() {
                self.members.current.store(i, Ordering::Relaxed);
                match self.program.execute(&context) {
                    Ok(Value::Bool(pass)) => n += usize::from(pass),
                    other => panic!("cel: member {i}: {other:?}"),
                }
            }
            n
        }
    }
}

/// Rhai: one compiled AST, evaluated with the member in the scope.
mod rhai_peer {
    use super::Member;
    use rhai::{Dynamic, Engine, Map, Scope, AST};

    pub const RULE: &str = r#"m.status == "Active" && "Citizen" in m.roles && (now - m.joined >= 90 || "Founder" in m.roles)"#;

    pub struct Peer {
        engine: Engine,
        ast: AST,
        scope: Scope<'static>,
        members: Vec<Dynamic>,
    }

    impl Peer {
        pub fn new(now: i64, members: &[Member]) -> Peer {
            let engine = Engine::new();
            let ast = engine.compile(RULE).unwrap();
            let mut scope = Scope::new();
            scope.push("now", now);
            scope.push("m", Dynamic::UNIT);
            // Shared (reference-counted) maps: putting one in the scope
            // copies a pointer, not the map.
            let members = members
                .iter()
                .map(|m| {
                    let mut map = Map::new();
                    map.insert("status".into(), m.status.into());
                    let roles: rhai::Array = m.roles.iter().map(|r| (*r).into()).collect();
                    map.insert("roles".into(), roles.into());
                    map.insert("joined".into(), m.joined.into());
                    Dynamic::from_map(map).into_shared()
                })
                .collect();
            Peer {
                engine,
                ast,
                scope,
                members,
            }
        }

        /// How many members pass.
        pub fn count(&mut self) -> usize {
            let mut n = 0;
            for (i, m) in self.members.iter().enumerate() {
                self.scope.set_value("m", m.clone());
                match self
                    .engine
                    .eval_ast_with_scope::<bool>(&mut self.scope, &self.ast)
                {
                    Ok(pass) => n += usize::from(pass),
                    Err(e) => panic!("rhai: member {i}: {e}"),
                }
            }
            n
        }
    }
}

/// Rego: the policy, and the members as input documents.
mod rego_peer {
    use super::Member;
    use regorus::languages::rego::compiler::Compiler;
    use regorus::rvm::vm::RegoVM;
    use regorus::{Engine, Value};
    use std::collections::{BTreeMap, BTreeSet};

    pub const POLICY: &str = r#"package praxis

import rego.v1

default allow := false

allow if {
	input.status == "Active"
	"Citizen" in input.roles
	served_probation
}

served_probation if data.now - input.joined >= 90

served_probation if "Founder" in input.roles
"#;

    const RULE: &str = "data.praxis.allow";

    fn engine(now: i64) -> Engine {
        let mut engine = Engine::new();
        engine
            .add_policy("praxis.rego".to_string(), POLICY.to_string())
            .unwrap();
        let data = BTreeMap::from([(Value::from("now"), Value::from(now))]);
        engine.add_data(Value::from(data)).unwrap();
        engine
    }

    fn inputs(members: &[Member]) -> Vec<Value> {
        members
            .iter()
            .map(|m| {
                let roles: BTreeSet<Value> = m.roles.iter().map(|r| Value::from(*r)).collect();
                Value::from(BTreeMap::from([
                    (Value::from("status"), Value::from(m.status)),
                    (Value::from("roles"), Value::from(roles)),
                    (Value::from("joined"), Value::from(m.joined)),
                ]))
            })
            .collect()
    }

    /// The tree-walking interpreter: `set_input` and `eval_rule` per member.
    pub struct Interpreter {
        engine: Engine,
        inputs: Vec<Value>,
    }

    impl Interpreter {
        pub fn new(now: i64, members: &[Member]) -> Interpreter {
            Interpreter {
                engine: engine(now),
                inputs: inputs(members),
            }
        }

        /// How many members pass.
        pub fn count(&mut self) -> usize {
            let yes = Value::from(true);
            let mut n = 0;
            for (i, input) in self.inputs.iter().enumerate() {
                self.engine.set_input(input.clone());
                match self.engine.eval_rule(RULE.to_string()) {
                    Ok(v) => n += usize::from(v == yes),
                    Err(e) => panic!("regorus: member {i}: {e}"),
                }
            }
            n
        }
    }

    /// The Rego VM: the policy compiled for `data.praxis.allow` once, then
    /// `set_input` and `execute` per member on one VM.
    pub struct Vm {
        vm: RegoVM,
        inputs: Vec<Value>,
    }

    impl Vm {
        pub fn new(now: i64, members: &[Member]) -> Vm {
            let mut engine = engine(now);
            let compiled = engine.compile_with_entrypoint(&RULE.into()).unwrap();
            let program = Compiler::compile_from_policy(&compiled, &[RULE]).unwrap();
            let mut vm = RegoVM::new();
            vm.load_program(program);
            let data = BTreeMap::from([(Value::from("now"), Value::from(now))]);
            vm.set_data(Value::from(data)).unwrap();
            Vm {
                vm,
                inputs: inputs(members),
            }
        }

        /// How many members pass.
        pub fn count(&mut self) -> usize {
            let yes = Value::from(true);
            let mut n = 0;
            for (i, input) in self.inputs.iter().enumerate() {
                self.vm.set_input(input.clone());
                match self.vm.execute() {
                    Ok(v) => n += usize::from(v == yes),
                    Err(e) => panic!("regorus (VM): member {i}: {e}"),
                }
            }
            n
        }
    }
}

/// Cedar: the members as entities, one request per member.
mod cedar_peer {
    use super::Member;
    use cedar_policy::{
        Authorizer, Context, Decision, Entities, Entity, EntityUid, PolicySet, Request,
        RestrictedExpression,
    };
    use std::collections::{HashMap, HashSet};

    pub const POLICY: &str = r#"permit (principal, action == Action::"vote", resource)
when {
  principal.status == "Active" && principal.roles.contains("Citizen") &&
  (context.now - principal.joined >= 90 || principal.roles.contains("Founder"))
};"#;

    pub struct Peer {
        authorizer: Authorizer,
        policies: PolicySet,
        entities: Entities,
        requests: Vec<Request>,
    }

    impl Peer {
        pub fn new(now: i64, members: &[Member]) -> Peer {
            let policies: PolicySet = POLICY.parse().unwrap();
            let uid = |m: &Member| -> EntityUid { format!("Member::{:?}", m.id).parse().unwrap() };
            let entities = members.iter().map(|m| {
                let roles = m
                    .roles
                    .iter()
                    .map(|r| RestrictedExpression::new_string((*r).to_string()));
                let attrs = HashMap::from([
                    (
                        "status".to_string(),
                        RestrictedExpression::new_string(m.status.to_string()),
                    ),
                    ("roles".to_string(), RestrictedExpression::new_set(roles)),
                    (
                        "joined".to_string(),
                        RestrictedExpression::new_long(m.joined),
                    ),
                ]);
                Entity::new(uid(m), attrs, HashSet::new()).unwrap()
            });
            let entities = Entities::from_entities(entities, None).unwrap();
            let action: EntityUid = r#"Action::"vote""#.parse().unwrap();
            let resource: EntityUid = r#"Charter::"praxis-nova""#.parse().unwrap();
            let context =
                Context::from_pairs([("now".to_string(), RestrictedExpression::new_long(now))])
                    .unwrap();
            let requests = members
                .iter()
                .map(|m| {
                    Request::new(
                        uid(m),
                        action.clone(),
                        resource.clone(),
                        context.clone(),
                        None,
                    )
                    .unwrap()
                })
                .collect();
            Peer {
                authorizer: Authorizer::new(),
                policies,
                entities,
                requests,
            }
        }

        /// How many members are permitted.
        pub fn count(&self) -> usize {
            let mut n = 0;
            for (i, request) in self.requests.iter().enumerate() {
                let response =
                    self.authorizer
                        .is_authorized(request, &self.policies, &self.entities);
                if let Some(e) = response.diagnostics().errors().next() {
                    panic!("cedar: member {i}: {e}");
                }
                n += usize::from(response.decision() == Decision::Allow);
            }
            n
        }
    }
}

/// One engine: its name and a run over every member returning how many pass.
struct Contender<'a> {
    name: &'static str,
    run: Box<dyn FnMut() -> usize + 'a>,
}

/// The median time of one run over all members: at least 5 runs, and more
/// while they add up to under about 2 s.
fn median_run(run: &mut dyn FnMut() -> usize) -> (Duration, usize) {
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < 5 || (started.elapsed() < Duration::from_secs(2) && times.len() < 201) {
        let t = Instant::now();
        black_box(run());
        times.push(t.elapsed());
    }
    times.sort();
    (times[times.len() / 2], times.len())
}

/// Criterion's report for every engine, then the table's own timings.
fn compare(c: &mut Criterion, members: u64) -> String {
    let (program, state) = setup(members);
    let jit = program.jit().unwrap().clone();
    let layout = state.layout(program.ir(), &jit);
    let (id, _) = program.ir().law("may_vote").unwrap();
    let limits = Limits::default();
    let (now, people) = read_members(layout);
    let n = people.len();

    let started = Instant::now();
    let cel = cel_peer::Peer::new(now, &people);
    let mut rhai = rhai_peer::Peer::new(now, &people);
    let mut rego = rego_peer::Interpreter::new(now, &people);
    let mut rego_vm = rego_peer::Vm::new(now, &people);
    let cedar = cedar_peer::Peer::new(now, &people);
    let prepared = started.elapsed();

    let mut contenders = vec![
        Contender {
            name: "hand-written Rust over the layout",
            run: Box::new(|| may_vote_by_hand(black_box(layout))),
        },
        Contender {
            name: "Polity JIT (decide, 1 thread)",
            run: Box::new(|| {
                let decisions = jit
                    .decide(program.ir(), layout, id, limits.clone(), false)
                    .unwrap();
                decisions.passed()
            }),
        },
        Contender {
            name: "Polity interpreter (API, with reasons)",
            run: Box::new(|| {
                let report = program
                    .eval_law_engine(&state, "may_vote", limits.clone(), Engine::Interpreter)
                    .unwrap();
                report.counts().0
            }),
        },
        Contender {
            name: "cel 0.15 (Program::execute)",
            run: Box::new(|| cel.count()),
        },
        Contender {
            name: "rhai 1.27 (AST + Scope)",
            run: Box::new(|| rhai.count()),
        },
        Contender {
            name: "regorus 0.14 (interpreter, eval_rule)",
            run: Box::new(|| rego.count()),
        },
        Contender {
            name: "regorus 0.14 (Rego VM, execute)",
            run: Box::new(|| rego_vm.count()),
        },
        Contender {
            name: "cedar-policy 4.14 (is_authorized)",
            run: Box::new(|| cedar.count()),
        },
    ];

    // Every engine must agree with the hand-written Rust before any timing.
    let expected = (contenders[0].run)();
    assert!(expected > 0 && expected < n, "a degenerate snapshot");
    for contender in &mut contenders[1..] {
        let got = (contender.run)();
        assert_eq!(
            got, expected,
            "{} counts {got} of {n} members passing may_vote, hand-written Rust counts {expected}",
            contender.name
        );
    }

    let mut group = c.benchmark_group(format!("peers/may_vote/{members}"));
    group.sample_size(10);
    group.throughput(Throughput::Elements(n as u64));
    for contender in &mut contenders {
        let run = &mut contender.run;
        group.bench_function(contender.name, |b| b.iter(&mut *run));
    }
    group.finish();

    let timed: Vec<(&str, Duration, usize)> = contenders
        .iter_mut()
        .map(|c| {
            let (t, runs) = median_run(&mut c.run);
            (c.name, t, runs)
        })
        .collect();
    table(members, expected, prepared, &timed)
}

/// A ratio: two decimals below 10, none above.
fn times(ratio: f64) -> String {
    if ratio < 10.0 {
        format!("{ratio:.2}×")
    } else {
        format!("{ratio:.0}×")
    }
}

/// The table, in Markdown.
fn table(
    members: u64,
    passing: usize,
    prepared: Duration,
    timed: &[(&str, Duration, usize)],
) -> String {
    let per = |t: Duration| t.as_secs_f64() * 1e9 / members as f64;
    let by_hand = per(timed[0].1);
    let jit = per(timed[1].1);
    let mut out = format!(
        "\nmay_vote over {members} members ({passing} pass); peers' inputs prepared in {:.2} s;\n\
         ns per member = median of timed runs over all members\n\n\
         | engine | ns per member | runs | × hand-written Rust | JIT faster by |\n\
         | --- | ---: | ---: | ---: | ---: |\n",
        prepared.as_secs_f64()
    );
    for (name, t, runs) in timed {
        let ns = per(*t);
        out += &format!(
            "| {name} | {ns:.1} | {runs} | {} | {} |\n",
            times(ns / by_hand),
            times(ns / jit)
        );
    }
    let (fastest, ns) = timed[3..]
        .iter()
        .map(|(name, t, _)| (*name, per(*t)))
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .unwrap();
    let ratio = ns / jit;
    out += &format!(
        "\nJIT vs the fastest peer ({fastest}): {} faster per member; target 100×: {}\n",
        times(ratio),
        if ratio >= 100.0 { "met" } else { "not met" }
    );
    out
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    let tables: Vec<String> = SIZES.iter().map(|m| compare(&mut c, *m)).collect();
    c.final_summary();
    for t in tables {
        println!("{t}");
    }
}
