//! Compilation: the host's ISA and module, each item reached from a law or
//! test translated and defined (or left to the interpreter with a reason),
//! state-only expressions memoised as thunks, sites for explanations, bulk
//! entries, and the trampolines the host enters generated code through.

use super::abi::Helper;
use super::calls::{order, Item, MAX_NATIVE_DEPTH};
use super::compile_budget::{Decision, Plan};
use super::fault::{Compiled, Fallback};
use super::pipeline::{Isas, Pipeline, Tier};
use super::translate::{self, Body, Shared};
use super::{code, hoist, mixed, sites, JitProgram, Options};
use crate::layout::Interner;
use cranelift_codegen::ir::{InstBuilder, MemFlagsData};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::FunctionBuilderContext;
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{FuncId, Linkage, Module};
use polity_compiler::ir::{Expr, Program};
use std::collections::HashMap;
use std::sync::Arc;

/// A module for the host, and the ISAs of the two tiers it compiles for
/// ([`Tier`]).
pub(super) fn new_module() -> Result<(JITModule, Isas), String> {
    let speed = host_isa(&[("opt_level", "speed")])?;
    let once = host_isa(&[("opt_level", "none"), ("regalloc_algorithm", "single_pass")])?;
    let mut builder = JITBuilder::with_isa(
        Arc::clone(&speed),
        cranelift_module::default_libcall_names(),
    );
    for h in Helper::ALL {
        builder.symbol(h.symbol(), h.address());
    }
    Ok((JITModule::new(builder), Isas { speed, once }))
}

/// The host's ISA with `settings`; the verifier on in debug builds (tests)
/// and off in release builds.
pub(super) fn host_isa(settings: &[(&str, &str)]) -> Result<OwnedTargetIsa, String> {
    let mut flags = settings::builder();
    let verify = if cfg!(debug_assertions) {
        "true"
    } else {
        "false"
    };
    for (k, v) in settings
        .iter()
        .copied()
        .chain([("enable_verifier", verify)])
    {
        flags
            .set(k, v)
            .map_err(|e| format!("cranelift setting {k}: {e}"))?;
    }
    cranelift_native::builder()
        .map_err(|e| format!("unsupported host: {e}"))?
        .finish(settings::Flags::new(flags))
        .map_err(|e| format!("cannot configure the host ISA: {e}"))
}

impl JitProgram {
    /// Translates `program` into `module`, handing each function to `pipe`
    /// for Cranelift as soon as it is translated.
    pub(super) fn compile_in(
        program: &Program,
        mut module: JITModule,
        mut pipe: Pipeline<'_, '_>,
        options: Options,
    ) -> Result<JitProgram, String> {
        let mut helpers = Vec::with_capacity(Helper::ALL.len());
        for h in Helper::ALL {
            let mut sig = module.make_signature();
            for _ in 0..=h.arity() {
                sig.params.push(cranelift_codegen::ir::AbiParam::new(
                    cranelift_codegen::ir::types::I64,
                ));
            }
            sig.returns.push(cranelift_codegen::ir::AbiParam::new(
                cranelift_codegen::ir::types::I64,
            ));
            let id = module
                .declare_function(h.symbol(), Linkage::Import, &sig)
                .map_err(|e| e.to_string())?;
            helpers.push(id);
        }
        let mut shared = Shared {
            module,
            helpers,
            fns: vec![None; program.fns.len()],
            fns_left: vec![None; program.fns.len()],
            consts: vec![None; program.consts.len()],
            laws: vec![None; program.laws.len()],
            sites: Vec::new(),
            types: Vec::new(),
            texts: Interner::default(),
            decs: Vec::new(),
            pending: Vec::new(),
            memoised: HashMap::new(),
            kept_lists: 0,
            fn_builds: vec![false; program.fns.len()],
        };
        let (items, depths) = order(program);
        if depths.native > MAX_NATIVE_DEPTH {
            return Err(format!(
                "calls nest {} deep; the JIT compiles at most {MAX_NATIVE_DEPTH}",
                depths.native
            ));
        }
        let mut plan = Plan::new(program, &items);
        let mut fallbacks = Vec::new();
        let mut test_ids = vec![None; program.tests.len()];
        // Memo slots: constants, parameterless fns, then memoised
        // state-only expressions (`hoist.rs`), which add at most one native
        // frame per item on a chain of calls.
        let mut memo_slots = program.consts.len() + program.fns.len();
        let hoisting =
            options.memoise_state_only && depths.native.saturating_mul(2) <= MAX_NATIVE_DEPTH;
        for item in items {
            let compiled = match plan.decide(item) {
                Decision::Skip => continue,
                Decision::Leave(why) => Err(why.to_string()),
                Decision::Compile => Ok(()),
            };
            if hoisting && compiled.is_ok() {
                memo_slots += memoise_state_only(&mut shared, program, item, memo_slots);
            }
            let (body, frame, params) = match item {
                Item::Fn(i) => {
                    let Some(f) = program.fns.get(i as usize) else {
                        continue;
                    };
                    let builds = translate::builds_calling(&f.body, &shared.fn_builds);
                    if let Some(slot) = shared.fn_builds.get_mut(i as usize) {
                        *slot = builds;
                    }
                    if f.params.is_empty() {
                        let slot = program.consts.len() as u32 + i;
                        (Body::Thunk(slot, &f.body, &f.ret), f.frame_size, 0)
                    } else {
                        let n = f.params.len();
                        (Body::Fn(&f.body, n, &f.ret), f.frame_size, n)
                    }
                }
                Item::Const(i) => {
                    let Some(c) = program.consts.get(i as usize) else {
                        continue;
                    };
                    (Body::Thunk(i, &c.value, &c.ty), c.frame_size, 0)
                }
                Item::Law(i) => {
                    let Some(l) = program.laws.get(i as usize) else {
                        continue;
                    };
                    (Body::Law(l), l.frame_size, 2)
                }
                Item::Test(i) => {
                    let Some(t) = program.tests.get(i as usize) else {
                        continue;
                    };
                    (Body::Test(t), t.frame_size, 0)
                }
            };
            match compiled.and_then(|()| define(&mut shared, program, &body, frame, params)) {
                Ok(id) => match item {
                    Item::Fn(i) => set(&mut shared.fns, i, id),
                    Item::Const(i) => set(&mut shared.consts, i, id),
                    Item::Law(i) => set(&mut shared.laws, i, id),
                    Item::Test(i) => set(&mut test_ids, i, id),
                },
                Err(e) => match item {
                    Item::Law(i) => {
                        let name = program.laws.get(i as usize).map_or("?", |l| &l.name);
                        fallbacks.push(Fallback {
                            item: Compiled::Law(name.to_string()),
                            reason: e,
                        });
                    }
                    Item::Test(i) => {
                        let name = program.tests.get(i as usize).map_or("?", |t| &t.name);
                        fallbacks.push(Fallback {
                            item: Compiled::Test(name.to_string()),
                            reason: e,
                        });
                    }
                    Item::Const(i) => {
                        if let Some(c) = program.consts.get(i as usize).filter(|c| c.figure) {
                            fallbacks.push(Fallback {
                                item: Compiled::Figure(c.name.clone()),
                                reason: e,
                            });
                        }
                    }
                    Item::Fn(i) => {
                        if let Some(slot) = shared.fns_left.get_mut(i as usize) {
                            *slot = Some(e);
                        }
                    }
                },
            }
            pipe.feed(&mut shared.pending);
        }
        // Expressions the interpreter hands to compiled code when it
        // explains (`sites.rs`); one that does not translate stays with it.
        let mut site_ids = Vec::new();
        let found = if options.explain_sites {
            let compiled: Vec<bool> = shared.laws.iter().map(Option::is_some).collect();
            sites::find_for(program, &compiled)
        } else {
            Vec::new()
        };
        for site in found {
            if !plan.take_site(site.expr) {
                continue;
            }
            if let Ok(id) = define(
                &mut shared,
                program,
                &Body::Site(site.expr, &site.free),
                1,
                1,
            ) {
                site_ids.push((id, site));
            }
            pipe.feed(&mut shared.pending);
        }
        // The host enters a law, collection, test or site through one of
        // three trampolines, passing the function's address.
        let trampolines = Trampolines {
            law: trampoline(&mut shared, 2)?,
            thunk: trampoline(&mut shared, 0)?,
            site: trampoline(&mut shared, 1)?,
        };
        let mut entries = Vec::new();
        let mut site_code = foldhash::HashMap::default();
        for (id, site) in site_ids {
            entries.push((trampolines.site, id));
            let frame = site.free.iter().map(|(s, _)| *s as usize + 1).max();
            site_code.insert(
                site.expr as *const Expr as usize,
                mixed::SiteCode {
                    entry: entries.len() - 1,
                    span: site.expr.span,
                    free: site.free.iter().map(|(s, t)| (*s, (*t).clone())).collect(),
                    frame: frame.unwrap_or(0),
                },
            );
        }
        let mut laws = Vec::new();
        let mut bulk_ids = Vec::new();
        let mut bulks = vec![None; program.laws.len()];
        for (i, def) in program.laws.iter().enumerate() {
            pipe.feed(&mut shared.pending);
            let Some(Some(body)) = shared.laws.get(i).copied() else {
                laws.push(None);
                continue;
            };
            let coll = match &def.param {
                Some(p) => {
                    let c = define(
                        &mut shared,
                        program,
                        &Body::Collection(&p.collection),
                        def.frame_size,
                        0,
                    );
                    match c {
                        Ok(id) => Some(id),
                        Err(e) => {
                            fallbacks.push(Fallback {
                                item: Compiled::Law(def.name.clone()),
                                reason: e,
                            });
                            laws.push(None);
                            continue;
                        }
                    }
                }
                None => None,
            };
            match define_bulk(&mut shared, program, def, Some(body)) {
                Ok(id) => {
                    bulk_ids.push(id);
                    if let Some(slot) = bulks.get_mut(i) {
                        *slot = Some(bulk_ids.len() - 1);
                    }
                }
                Err(e) => {
                    fallbacks.push(Fallback {
                        item: Compiled::Law(def.name.clone()),
                        reason: e,
                    });
                    laws.push(None);
                    continue;
                }
            }
            entries.push((trampolines.law, body));
            let law_index = entries.len() - 1;
            let coll_index = match coll {
                Some(c) => {
                    entries.push((trampolines.thunk, c));
                    Some(entries.len() - 1)
                }
                None => None,
            };
            laws.push(Some((law_index, coll_index)));
        }
        let mut tests = Vec::new();
        for id in test_ids {
            tests.push(match id {
                Some(id) => {
                    entries.push((trampolines.thunk, id));
                    Some(entries.len() - 1)
                }
                None => None,
            });
        }
        // A figure is entered through its constant's function.
        let mut figures = Vec::new();
        for (id, _) in program.figures() {
            figures.push(match shared.consts.get(id.0 as usize).copied().flatten() {
                Some(f) => {
                    entries.push((trampolines.thunk, f));
                    Some(entries.len() - 1)
                }
                None => None,
            });
        }
        for (id, align, bytes, relocs) in pipe.finish(&mut shared.pending)? {
            shared
                .module
                .define_function_bytes(id, align, &bytes, &relocs)
                .map_err(|e| format!("cranelift: {e:?}"))?;
        }
        let code = code::Code::finalize(shared.module, &entries)?;
        let code = code.with_bulks(&bulk_ids);
        Ok(JitProgram {
            code,
            bulks,
            laws,
            tests,
            figures,
            sites: shared.sites,
            types: shared.types,
            texts: shared.texts,
            _decs: shared.decs,
            max_depth: depths.call,
            test_depth: depths.test,
            fallbacks,
            memo_slots,
            memoised: shared.memoised.len(),
            site_code,
            ir: (program.laws.as_ptr() as usize, program.laws.len()),
        })
    }
}

fn set(slots: &mut [Option<FuncId>], i: u32, id: FuncId) {
    if let Some(s) = slots.get_mut(i as usize) {
        *s = Some(id);
    }
}

/// Translates and defines one body; its id, or why it is left to the interpreter.
fn define(
    shared: &mut Shared,
    program: &Program,
    body: &Body<'_>,
    frame: u32,
    params: usize,
) -> Result<FuncId, String> {
    let mut ctx = shared.module.make_context();
    let mut fctx = FunctionBuilderContext::new();
    translate::translate(shared, program, &mut fctx, &mut ctx.func, body, frame)
        .map_err(|e| e.0)?;
    let sig = translate::signature(&shared.module, params);
    // A site runs only for subjects that are explained, so it is compiled
    // for compile time, as a test block is.
    let tier = match body {
        Body::Test(_) | Body::Site(..) => Tier::Once,
        Body::Fn(..) | Body::Thunk(..) | Body::Memo(..) | Body::Law(_) | Body::Collection(_) => {
            Tier::Speed
        }
    };
    declare_and_define(shared, &sig, ctx, tier)
}

/// Compiles the state-only expressions of `item` that are worth memoising
/// (`hoist.rs`) as thunks with memo slots from `first`, so that translating
/// the item (and its bulk entry, and any body it is translated into) reads
/// them from the memo; returns how many. One that does not compile stays
/// where it is.
fn memoise_state_only(shared: &mut Shared, program: &Program, item: Item, first: usize) -> usize {
    let (roots, include_roots, frame) = match item {
        Item::Law(i) => match program.laws.get(i as usize) {
            Some(l) => (l.stmt_exprs(), true, l.frame_size),
            None => return 0,
        },
        Item::Fn(i) => match program.fns.get(i as usize) {
            Some(f) => (vec![&f.body], !f.params.is_empty(), f.frame_size),
            None => return 0,
        },
        Item::Const(i) => match program.consts.get(i as usize) {
            Some(c) => (vec![&c.value], false, c.frame_size),
            None => return 0,
        },
        // A test runs once.
        Item::Test(_) => return 0,
    };
    let mut n = 0;
    for e in hoist::memoisable(&roots, include_roots) {
        let Ok(slot) = u32::try_from(first + n) else {
            break;
        };
        if let Ok(id) = define(shared, program, &Body::Memo(slot, e, &e.ty), frame, 1) {
            shared.memoised.insert(std::ptr::from_ref(e), (slot, id));
            n += 1;
        }
    }
    n
}

/// Declares an anonymous function with `sig`, to be compiled from `ctx`
/// for `tier` with the others (`pipeline.rs`).
fn declare_and_define(
    shared: &mut Shared,
    sig: &cranelift_codegen::ir::Signature,
    ctx: cranelift_codegen::Context,
    tier: Tier,
) -> Result<FuncId, String> {
    let id = shared
        .module
        .declare_anonymous_function(sig)
        .map_err(|e| e.to_string())?;
    shared.pending.push((id, ctx.func, tier));
    Ok(id)
}

/// Translates and defines the bulk entry of a law ([`translate::translate_bulk`]).
fn define_bulk(
    shared: &mut Shared,
    program: &Program,
    def: &polity_compiler::ir::LawDef,
    own: Option<FuncId>,
) -> Result<FuncId, String> {
    let mut ctx = shared.module.make_context();
    let mut fctx = FunctionBuilderContext::new();
    translate::translate_bulk(shared, program, &mut fctx, &mut ctx.func, def, own)
        .map_err(|e| e.0)?;
    let sig = translate::bulk_signature(&shared.module);
    declare_and_define(shared, &sig, ctx, Tier::Speed)
}

/// The trampolines the host enters generated code through
/// ([`code::Entry`]), one per signature of what it enters.
struct Trampolines {
    /// For a law: `(ctx, subject, failed) -> (value, fault)`.
    law: FuncId,
    /// For a collection or a test: `(ctx) -> (value, fault)`.
    thunk: FuncId,
    /// For a site: `(ctx, frame) -> (value, fault)`.
    site: FuncId,
}

/// An `extern "C"` trampoline `(ctx, subject, failed, out, target)` that
/// calls the function at address `target`, whose signature is
/// [`translate::signature`] with `params` parameters after the context (2:
/// `subject` and `failed`; 0: none), and stores `[value, fault]` at `out`.
/// One trampoline serves every function of that signature, where a wrapper
/// per function would cost a Cranelift compilation each.
fn trampoline(shared: &mut Shared, params: usize) -> Result<FuncId, String> {
    use cranelift_codegen::ir::{types::I64, AbiParam};
    let mut ctx = shared.module.make_context();
    let mut sig = shared.module.make_signature();
    for _ in 0..5 {
        sig.params.push(AbiParam::new(I64));
    }
    let target_sig = translate::signature(&shared.module, params);
    let mut fctx = FunctionBuilderContext::new();
    let config = shared.module.target_config();
    {
        let (mut b, ps) = translate::begin(&mut ctx.func, &mut fctx, sig.clone());
        let sig_ref = b.import_signature(target_sig);
        let (Some(out), Some(target)) = (ps.get(3).copied(), ps.get(4).copied()) else {
            return Err("a trampoline without its parameters".into());
        };
        let args: Vec<_> = ps.iter().take(params + 1).copied().collect();
        let call = b.ins().call_indirect(sig_ref, target, &args);
        let rs = b.inst_results(call).to_vec();
        if let (Some(v), Some(fault)) = (rs.first(), rs.get(1)) {
            b.ins().store(MemFlagsData::trusted(), *v, out, 0);
            b.ins().store(MemFlagsData::trusted(), *fault, out, 8);
        }
        b.ins().return_(&[]);
        b.seal_all_blocks();
        b.finalize(config);
    }
    declare_and_define(shared, &sig, ctx, Tier::Speed)
}
