//! Expressions in plain words: `m.status == Active and Citizen in m.roles`
//! reads "the member's status is Active and Citizen is among the member's
//! roles"; `quorum * count(citizens())` reads "quorum (20%) of the number of
//! citizens".
//!
//! Every form this module does not phrase (record constructions, `with`,
//! `fold`, named arguments, builtins without a phrasing, `for i, x in
//! enumerate(...)`) is shown as the charter's own source text for that
//! expression, in a code span: nothing is dropped and nothing invented.

use super::names::Names;
use super::text::{code, date_literal, escape, grouped, words};
use polity_compiler::syntax::ast::{
    BinaryOp, CallArgs, CollectionKind, DurationUnit, Expr, ExprKind, Generator, Ident, MatchArm,
    Pattern, UnaryOp,
};
use polity_compiler::types::Type;
use std::cell::RefCell;

/// How tightly a phrase holds together, loosest first: a phrase is put in
/// parentheses where it would otherwise be read as part of a larger one.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Prec {
    /// `... if ..., otherwise ...`, `depending on ...`
    Cond,
    /// `a or b`
    Or,
    /// `a and b`
    And,
    /// `it is not the case that a`
    Not,
    /// `a is at least b`, `a is among b`
    Compare,
    /// `a ÷ b, rounded down`
    Whole,
    /// `a + b`, `a − b`
    Add,
    /// `a × b`, `a ÷ b`, `20% of b`
    Mul,
    /// names, literals, `the member's status`, `the number of ...`
    Atom,
}

/// An expression in words (Markdown), with how tightly it holds together.
#[derive(Clone, Debug)]
pub struct Phrase {
    /// The words.
    pub text: String,
    prec: Prec,
}

impl Phrase {
    fn new(text: impl Into<String>, prec: Prec) -> Phrase {
        Phrase {
            text: text.into(),
            prec,
        }
    }

    fn atom(text: impl Into<String>) -> Phrase {
        Phrase::new(text, Prec::Atom)
    }

    /// The words, in parentheses unless they hold together at least as
    /// tightly as `min`.
    fn at(&self, min: Prec) -> String {
        if self.prec >= min {
            self.text.clone()
        } else {
            format!("({})", self.text)
        }
    }
}

/// How a name bound in a law or fn reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Local {
    /// A subject or parameter known by its type: "the member".
    Noun(String),
    /// A `let`, a loop variable or an ambiguous parameter, by its name: *cast*.
    Named(String),
}

/// The constants, fns and laws phrases referred to, by name, in the order
/// they were first met, and the standard-library declarations among them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Uses {
    /// Constants.
    pub consts: Vec<String>,
    /// Fns.
    pub fns: Vec<String>,
    /// Laws.
    pub laws: Vec<String>,
}

fn note(list: &mut Vec<String>, name: &str) {
    if !list.iter().any(|n| n == name) {
        list.push(name.to_string());
    }
}

/// Phrases expressions of one scope (a law, a fn, a constant).
pub struct Phraser<'a, 'p> {
    names: &'a Names<'p>,
    scope: RefCell<Vec<(String, Local)>>,
    uses: RefCell<Uses>,
}

impl<'a, 'p> Phraser<'a, 'p> {
    /// A phraser with nothing bound.
    pub fn new(names: &'a Names<'p>) -> Phraser<'a, 'p> {
        Phraser {
            names,
            scope: RefCell::new(Vec::new()),
            uses: RefCell::new(Uses::default()),
        }
    }

    /// Binds `name` for the phrases that follow.
    pub fn bind(&self, name: &str, local: Local) {
        self.scope.borrow_mut().push((name.to_string(), local));
    }

    /// Unbinds the last `n` names bound.
    fn unbind(&self, n: usize) {
        let mut scope = self.scope.borrow_mut();
        let keep = scope.len().saturating_sub(n);
        scope.truncate(keep);
    }

    /// What the phrases so far referred to.
    pub fn uses(&self) -> Uses {
        self.uses.borrow().clone()
    }

    /// `e` in words.
    pub fn words(&self, e: &Expr) -> String {
        self.expr(e).text
    }

    /// A condition in words: as [`Phraser::words`], but a yes-or-no field
    /// or name standing alone says so ("the member’s dues paid is true").
    pub fn condition(&self, e: &Expr) -> String {
        self.cond(e).text
    }

    fn cond(&self, e: &Expr) -> Phrase {
        let phrase = self.expr(e);
        let bare = matches!(e.kind, ExprKind::Field { .. } | ExprKind::Name(_));
        if bare && phrase.prec == Prec::Atom && self.type_of(e) == Some(&Type::Bool) {
            return Phrase::new(format!("{} is true", phrase.text), Prec::Compare);
        }
        phrase
    }

    fn local(&self, name: &str) -> Option<Local> {
        let scope = self.scope.borrow();
        scope
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, l)| l.clone())
    }

    /// The charter's own text for `e`.
    fn source(&self, e: &Expr) -> Phrase {
        Phrase::atom(code(self.names.program.sources.snippet(e.span)))
    }

    fn expr(&self, e: &Expr) -> Phrase {
        match &e.kind {
            ExprKind::Int(s) => Phrase::atom(grouped(s)),
            ExprKind::Decimal(s) => Phrase::atom(grouped(s)),
            ExprKind::Percent(s) => Phrase::atom(format!("{}%", grouped(s))),
            ExprKind::Date(s) => Phrase::atom(date_literal(s).unwrap_or_else(|| escape(s))),
            ExprKind::Duration(n, unit) => match duration(n, *unit) {
                Some(text) => Phrase::atom(text),
                None => self.source(e),
            },
            ExprKind::Text(s) => Phrase::atom(escape(&format!("\u{201c}{s}\u{201d}"))),
            ExprKind::Bool(b) => Phrase::atom(b.to_string()),
            ExprKind::None => Phrase::atom("nothing"),
            ExprKind::Name(id) => self.name(id, e),
            ExprKind::Field {
                base,
                name,
                optional,
            } => self.field(base, name, *optional),
            ExprKind::Call { callee, args } => self.call(callee, args, e),
            ExprKind::Index { base, index } => Phrase::atom(format!(
                "the one of {} whose id is {}",
                self.expr(base).at(Prec::Atom),
                self.expr(index).at(Prec::Atom)
            )),
            ExprKind::Unary {
                op: UnaryOp::Neg,
                operand,
            } => Phrase::new(
                format!("\u{2212}{}", self.expr(operand).at(Prec::Atom)),
                Prec::Mul,
            ),
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } => self.not(operand),
            ExprKind::Binary { op, lhs, rhs, .. } => self.binary(*op, lhs, rhs),
            ExprKind::If {
                cond,
                then,
                otherwise,
            } => Phrase::new(
                format!(
                    "{} if {}, otherwise {}",
                    self.expr(then).at(Prec::Or),
                    self.cond(cond).at(Prec::Or),
                    self.expr(otherwise).at(Prec::Or)
                ),
                Prec::Cond,
            ),
            ExprKind::Match { scrutinee, arms } => self
                .match_(scrutinee, arms)
                .unwrap_or_else(|| self.source(e)),
            ExprKind::List(xs) => self.elements("list", xs),
            ExprKind::Set(xs) => self.elements("set", xs),
            ExprKind::Comprehension { kind, generator } => {
                let what = match kind {
                    CollectionKind::List => "the list of",
                    CollectionKind::Set => "the set of",
                };
                match self.generator(generator, Gen::Each) {
                    Some(g) => Phrase::atom(format!("{what} {g}")),
                    None => self.source(e),
                }
            }
            ExprKind::Where { source, cond } => {
                let source = self.expr(source).at(Prec::Atom);
                self.bind("it", Local::Named("it".into()));
                let cond = self.cond(cond).at(Prec::Or);
                self.unbind(1);
                Phrase::atom(format!("those of {source} for which {cond}"))
            }
            ExprKind::Instant(_)
            | ExprKind::Record { .. }
            | ExprKind::With { .. }
            | ExprKind::Fold(_)
            | ExprKind::Named { .. }
            | ExprKind::Error => self.source(e),
        }
    }

    fn name(&self, id: &Ident, e: &Expr) -> Phrase {
        let name = id.name.as_str();
        if let Some(local) = self.local(name) {
            return Phrase::atom(match local {
                Local::Noun(noun) => noun,
                Local::Named(n) if n == "it" => "it".to_string(),
                Local::Named(n) => format!("*{}*", escape(&n)),
            });
        }
        let names = self.names;
        if let Some((def, shown)) = names.constant(name) {
            note(&mut self.uses.borrow_mut().consts, name);
            let link = names.link("const", name, def.span);
            return Phrase::atom(match shown {
                super::values::Shown::Value(v) => format!("{link} ({v})"),
                _ => link,
            });
        }
        if let Some(s) = names.state(name) {
            if s.name == "now" && matches!(s.ty, Type::Date | Type::Instant) {
                return Phrase::atom("today");
            }
            return Phrase::atom(format!(
                "the [{}](#state-{})",
                escape(&words(name)),
                name.to_ascii_lowercase()
            ));
        }
        if names.is_case(name) {
            return Phrase::atom(escape(name));
        }
        if let Some((law, _)) = names.law(name) {
            if law.param.is_none() {
                return self.law_call(name, None, false);
            }
        }
        self.source(e)
    }

    fn field(&self, base: &Expr, name: &Ident, optional: bool) -> Phrase {
        if let ExprKind::Name(b) = &base.kind {
            if self.local(&b.name).is_none() && self.names.is_enum(&b.name) {
                return Phrase::atom(escape(&name.name));
            }
        }
        let field = escape(&words(&name.name));
        let base_words = self.expr(base);
        let possessive = matches!(base.kind, ExprKind::Name(_) | ExprKind::Field { .. });
        let text = if base_words.text == "it" {
            format!("its {field}")
        } else if possessive {
            format!("{}\u{2019}s {field}", base_words.text)
        } else {
            format!("the {field} of {}", base_words.at(Prec::Atom))
        };
        Phrase::atom(if optional {
            format!("{text} (if any)")
        } else {
            text
        })
    }

    /// `law(arg)` as "law X (Article N) holds for ARG" (or "does not hold").
    fn law_call(&self, name: &str, arg: Option<&Expr>, negated: bool) -> Phrase {
        let Some((law, article)) = self.names.law(name) else {
            return Phrase::atom(code(name));
        };
        note(&mut self.uses.borrow_mut().laws, name);
        let verb = if negated { "does not hold" } else { "holds" };
        let link = self.names.link("law", name, law.span);
        let text = match arg {
            Some(a) => format!(
                "{link} (Article {article}) {verb} for {}",
                self.expr(a).at(Prec::Atom)
            ),
            None => format!("{link} (Article {article}) {verb}"),
        };
        Phrase::new(text, Prec::Compare)
    }

    fn not(&self, operand: &Expr) -> Phrase {
        if let ExprKind::Call {
            callee,
            args: CallArgs::List(xs),
        } = &operand.kind
        {
            if xs.len() <= 1 && self.is_law(&callee.name) {
                return self.law_call(&callee.name, xs.first(), true);
            }
        }
        if let ExprKind::Name(id) = &operand.kind {
            if self.local(&id.name).is_none()
                && self
                    .names
                    .law(&id.name)
                    .is_some_and(|(l, _)| l.param.is_none())
            {
                return self.law_call(&id.name, None, true);
            }
        }
        Phrase::new(
            format!(
                "it is not the case that {}",
                self.cond(operand).at(Prec::Not)
            ),
            Prec::Not,
        )
    }

    fn is_law(&self, name: &str) -> bool {
        self.local(name).is_none() && self.names.law(name).is_some()
    }

    fn type_of(&self, e: &Expr) -> Option<&Type> {
        self.names.type_at(e.span).map(|t| t.strip_optional())
    }

    fn is_moment(&self, e: &Expr) -> bool {
        matches!(self.type_of(e), Some(Type::Date | Type::Instant))
    }

    /// Whether `e` is a share of something: a percentage, a constant written
    /// as one, or a fraction of two whole numbers (`2 / 3`).
    fn is_share(&self, e: &Expr) -> bool {
        match &e.kind {
            ExprKind::Percent(_) => true,
            ExprKind::Binary {
                op: BinaryOp::Div,
                lhs,
                rhs,
                ..
            } => is_fraction(lhs, rhs),
            ExprKind::Name(id) if self.local(&id.name).is_none() => {
                self.names.constant(&id.name).is_some_and(|(c, _)| {
                    self.names
                        .program
                        .sources
                        .snippet(c.value.span)
                        .contains('%')
                })
            }
            _ => false,
        }
    }

    fn binary(&self, op: BinaryOp, lhs: &Expr, rhs: &Expr) -> Phrase {
        let (l, r) = match op {
            BinaryOp::And | BinaryOp::Or => (self.cond(lhs), self.cond(rhs)),
            _ => (self.expr(lhs), self.expr(rhs)),
        };
        let compare = |word: &str| {
            Phrase::new(
                format!("{} {word} {}", l.at(Prec::Whole), r.at(Prec::Whole)),
                Prec::Compare,
            )
        };
        let moment = self.is_moment(lhs) && self.is_moment(rhs);
        let arith = |sym: &str, prec: Prec, right: Prec| {
            Phrase::new(format!("{} {sym} {}", l.at(prec), r.at(right)), prec)
        };
        match op {
            BinaryOp::And => Phrase::new(
                format!("{} and {}", l.at(Prec::And), r.at(Prec::And)),
                Prec::And,
            ),
            // An `and` inside an `or` is bracketed too: words have no precedence.
            BinaryOp::Or => Phrase::new(
                format!("{} or {}", l.at(Prec::Not), r.at(Prec::Not)),
                Prec::Or,
            ),
            BinaryOp::Eq => compare("is"),
            BinaryOp::Ne => compare("is not"),
            BinaryOp::Lt if moment => compare("is before"),
            BinaryOp::Le if moment => compare("is on or before"),
            BinaryOp::Gt if moment => compare("is after"),
            BinaryOp::Ge if moment => compare("is on or after"),
            BinaryOp::Lt => compare("is less than"),
            BinaryOp::Le => compare("is at most"),
            BinaryOp::Gt => compare("is more than"),
            BinaryOp::Ge => compare("is at least"),
            BinaryOp::In => compare("is among"),
            BinaryOp::NotIn => compare("is not among"),
            BinaryOp::Add => arith("+", Prec::Add, Prec::Add),
            BinaryOp::Sub if moment => match &lhs.kind {
                ExprKind::Name(_) if l.text == "today" => {
                    Phrase::atom(format!("the time since {}", r.at(Prec::Atom)))
                }
                _ => Phrase::atom(format!(
                    "the time from {} to {}",
                    r.at(Prec::Atom),
                    l.at(Prec::Atom)
                )),
            },
            BinaryOp::Sub => arith("\u{2212}", Prec::Add, Prec::Mul),
            BinaryOp::Mul if self.is_share(lhs) => Phrase::new(
                format!("{} of {}", l.at(Prec::Atom), r.at(Prec::Mul)),
                Prec::Mul,
            ),
            BinaryOp::Mul => arith("\u{d7}", Prec::Mul, Prec::Mul),
            BinaryOp::Div if is_fraction(lhs, rhs) => {
                Phrase::atom(format!("{}/{}", l.text, r.text))
            }
            BinaryOp::Div => arith("\u{f7}", Prec::Mul, Prec::Atom),
            BinaryOp::IntDiv => Phrase::new(
                format!(
                    "{} \u{f7} {}, rounded down",
                    l.at(Prec::Mul),
                    r.at(Prec::Atom)
                ),
                Prec::Whole,
            ),
            BinaryOp::Mod => Phrase::atom(format!(
                "the remainder of {} \u{f7} {}",
                l.at(Prec::Mul),
                r.at(Prec::Atom)
            )),
            BinaryOp::Coalesce => Phrase::atom(format!(
                "{} (or {} if there is none)",
                l.at(Prec::Atom),
                r.at(Prec::Atom)
            )),
        }
    }

    fn call(&self, callee: &Ident, args: &CallArgs, e: &Expr) -> Phrase {
        let name = callee.name.as_str();
        let list = match args {
            CallArgs::List(xs) => Some(xs.as_slice()),
            CallArgs::Generator(_) => None,
        };
        if list.is_some_and(|xs| xs.iter().any(|x| matches!(x.kind, ExprKind::Named { .. }))) {
            return self.source(e);
        }
        if self.is_law(name) {
            if let Some(xs) = list.filter(|xs| xs.len() <= 1) {
                return self.law_call(name, xs.first(), false);
            }
        }
        if let Some(f) = self
            .names
            .fn_def(name)
            .filter(|_| self.local(name).is_none())
        {
            let Some(xs) = list else {
                return self.source(e);
            };
            note(&mut self.uses.borrow_mut().fns, name);
            let link = self.names.link("fn", name, f.span);
            let args: Vec<String> = xs.iter().map(|x| self.expr(x).at(Prec::Atom)).collect();
            // A fn that answers yes or no reads as a law does; any other
            // as its value "of" its arguments.
            return match (f.ret == Type::Bool, args.is_empty()) {
                (true, true) => Phrase::new(format!("{link} holds"), Prec::Compare),
                (true, false) => Phrase::new(
                    format!("{link} holds for {}", and_list(&args)),
                    Prec::Compare,
                ),
                (false, true) => Phrase::atom(link),
                (false, false) => {
                    Phrase::new(format!("{link} of {}", and_list(&args)), Prec::Whole)
                }
            };
        }
        let phrased = match args {
            CallArgs::Generator(g) => self.aggregate(name, g),
            CallArgs::List(xs) => self.builtin(name, xs),
        };
        phrased.unwrap_or_else(|| self.source(e))
    }

    /// A builtin over a generator: `sum(v.weight for v in p.votes)`.
    fn aggregate(&self, name: &str, g: &Generator) -> Option<Phrase> {
        let text = match name {
            "sum" => format!("the sum of {}", self.generator(g, Gen::Each)?),
            "count" => format!("the number of {}", self.generator(g, Gen::Count)?),
            "min" => format!("the smallest {}", self.generator(g, Gen::Each)?),
            "max" => format!("the largest {}", self.generator(g, Gen::Each)?),
            "all" => return Some(Phrase::new(self.generator(g, Gen::Every)?, Prec::Cond)),
            "any" => return Some(Phrase::new(self.generator(g, Gen::Some)?, Prec::Cond)),
            _ => return None,
        };
        Some(Phrase::atom(text))
    }

    /// A builtin over arguments: `count(xs)`, `min(a, b)`, `round(x)`.
    fn builtin(&self, name: &str, xs: &[Expr]) -> Option<Phrase> {
        let args: Vec<Phrase> = xs.iter().map(|x| self.expr(x)).collect();
        let one = match args.as_slice() {
            [a] => Some(a.at(Prec::Atom)),
            _ => None,
        };
        let text = match (name, one) {
            ("count" | "len", Some(a)) => format!("the number of {a}"),
            ("sum", Some(a)) => format!("the sum of {a}"),
            ("first", Some(a)) => format!("the first of {a}"),
            ("last", Some(a)) => format!("the last of {a}"),
            ("floor", Some(a)) => format!("{a} rounded down"),
            ("ceil", Some(a)) => format!("{a} rounded up"),
            ("round", Some(a)) => format!("{a} rounded to the nearest whole number"),
            ("abs", Some(a)) => format!("the absolute value of {a}"),
            ("sorted", Some(a)) => format!("{a} in order"),
            ("min" | "max", None) if args.len() >= 2 => {
                let which = match (name, args.len()) {
                    ("min", 2) => "smaller",
                    ("min", _) => "smallest",
                    (_, 2) => "larger",
                    _ => "largest",
                };
                let all: Vec<String> = args.iter().map(|a| a.at(Prec::Atom)).collect();
                format!("the {which} of {}", and_list(&all))
            }
            ("range", None) if args.len() == 2 => format!(
                "the whole numbers from {} up to but not including {}",
                args.first()?.at(Prec::Atom),
                args.get(1)?.at(Prec::Atom)
            ),
            _ => return None,
        };
        Some(Phrase::atom(text))
    }

    /// The inside of a comprehension or aggregate, `None` when a clause
    /// names positions (`for i, x in enumerate(xs)`).
    fn generator(&self, g: &Generator, how: Gen) -> Option<String> {
        if g.clauses.iter().any(|c| c.index.is_some()) {
            return None;
        }
        let mut clauses = Vec::new();
        for c in &g.clauses {
            let source = self.expr(&c.source).at(Prec::Atom);
            self.bind(&c.var.name, Local::Named(c.var.name.clone()));
            let var = format!("*{}*", escape(&c.var.name));
            let filter = c
                .filter
                .as_ref()
                .map(|f| format!(" for which {}", self.cond(f).at(Prec::Or)));
            clauses.push((var, source, filter.unwrap_or_default()));
        }
        let elem = match how {
            Gen::Every | Gen::Some => self.cond(&g.elem),
            Gen::Each | Gen::Count => self.expr(&g.elem),
        };
        self.unbind(g.clauses.len());
        let each: Vec<String> = clauses
            .iter()
            .map(|(var, source, filter)| format!("{var} in {source}{filter}"))
            .collect();
        let only_var = match (&g.elem.kind, g.clauses.as_slice()) {
            (ExprKind::Name(n), [c]) => n.name == c.var.name,
            _ => false,
        };
        Some(match how {
            Gen::Count if only_var => each.join(", "),
            Gen::Each | Gen::Count => {
                format!(
                    "{} for each {}",
                    elem.at(Prec::Atom),
                    each.join(", for each ")
                )
            }
            Gen::Every => format!("for every {}: {}", each.join(", every "), elem.at(Prec::Or)),
            Gen::Some => format!(
                "for at least one {}: {}",
                each.join(", one "),
                elem.at(Prec::Or)
            ),
        })
    }

    fn elements(&self, what: &str, xs: &[Expr]) -> Phrase {
        if xs.is_empty() {
            return Phrase::atom(format!("an empty {what}"));
        }
        let all: Vec<String> = xs.iter().map(|x| self.expr(x).at(Prec::Atom)).collect();
        Phrase::atom(format!("the {what} of {}", and_list(&all)))
    }

    fn match_(&self, scrutinee: &Expr, arms: &[MatchArm]) -> Option<Phrase> {
        let mut cases = Vec::new();
        for arm in arms {
            let when = match &arm.pattern {
                Pattern::Name(n) | Pattern::Qualified(_, n) => format!("when {}", escape(&n.name)),
                Pattern::Bool(b, _) => format!("when {b}"),
                Pattern::None(_) => "when there is nothing".to_string(),
                Pattern::Wildcard(_) => "otherwise".to_string(),
                Pattern::Some(..) => return None,
            };
            cases.push(format!("{} {when}", self.expr(&arm.body).at(Prec::Or)));
        }
        Some(Phrase::new(
            format!(
                "depending on {}: {}",
                self.expr(scrutinee).at(Prec::Atom),
                cases.join("; ")
            ),
            Prec::Cond,
        ))
    }
}

/// How a generator reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Gen {
    /// "ELEM for each x in XS for which C"
    Each,
    /// As `Each`, or "x in XS for which C" when it produces `x` itself.
    Count,
    /// "for every x in XS: ELEM"
    Every,
    /// "for at least one x in XS: ELEM"
    Some,
}

/// Whether `lhs / rhs` is a fraction of two whole numbers as written (`2 / 3`).
fn is_fraction(lhs: &Expr, rhs: &Expr) -> bool {
    matches!((&lhs.kind, &rhs.kind), (ExprKind::Int(_), ExprKind::Int(_)))
}

/// "a", "a and b", "a, b and c".
pub fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// A duration literal in words (`13 weeks`, `1 day`); `None` for a word of
/// time that is not a unit.
fn duration(digits: &str, unit: DurationUnit) -> Option<String> {
    let word = match unit {
        DurationUnit::Days => "day",
        DurationUnit::Weeks => "week",
        DurationUnit::Hours => "hour",
        DurationUnit::Minutes => "minute",
        DurationUnit::Seconds => "second",
        DurationUnit::Months => "month",
        DurationUnit::Years => "year",
        DurationUnit::Unknown => return None,
    };
    let n = grouped(digits);
    let plural = if n == "1" { "" } else { "s" };
    Some(format!("{n} {word}{plural}"))
}
