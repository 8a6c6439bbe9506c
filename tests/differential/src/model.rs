//! A generated case as data: types, expressions as text with typed holes,
//! declarations, and a small JSON tree for the snapshot. Rendering turns them
//! into source text; the minimiser edits them structurally.

use std::fmt::Write as _;

/// A Polity type, as the generator tracks it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ty {
    Bool,
    Int,
    Dec,
    Date,
    Dur,
    Text,
    List(Box<Ty>),
    Set(Box<Ty>),
    Opt(Box<Ty>),
    Rec(usize),
    Enum(usize),
}

impl Ty {
    pub fn list(t: Ty) -> Ty {
        Ty::List(Box::new(t))
    }

    pub fn set(t: Ty) -> Ty {
        Ty::Set(Box::new(t))
    }

    /// `t?`, never nested (as in the checker).
    pub fn opt(t: Ty) -> Ty {
        match t {
            Ty::Opt(_) => t,
            t => Ty::Opt(Box::new(t)),
        }
    }

    pub fn is_ordered(&self) -> bool {
        matches!(self, Ty::Int | Ty::Dec | Ty::Date | Ty::Dur | Ty::Text)
    }

    pub fn elem(&self) -> Option<&Ty> {
        match self {
            Ty::List(t) | Ty::Set(t) => Some(t),
            _ => None,
        }
    }
}

/// An expression: source text with typed sub-expressions (the holes the
/// minimiser may replace).
#[derive(Clone, Debug)]
pub struct Node {
    pub ty: Ty,
    pub parts: Vec<Part>,
}

#[derive(Clone, Debug)]
pub enum Part {
    Text(String),
    Node(Node),
}

/// Text part.
pub fn t(s: impl Into<String>) -> Part {
    Part::Text(s.into())
}

/// Sub-expression part.
pub fn c(n: Node) -> Part {
    Part::Node(n)
}

impl Node {
    pub fn new(ty: Ty, parts: Vec<Part>) -> Node {
        Node { ty, parts }
    }

    /// A leaf: plain text of a type.
    pub fn leaf(ty: Ty, text: impl Into<String>) -> Node {
        Node {
            ty,
            parts: vec![t(text)],
        }
    }

    pub fn render(&self, out: &mut String) {
        for p in &self.parts {
            match p {
                Part::Text(s) => out.push_str(s),
                Part::Node(n) => n.render(out),
            }
        }
    }

    pub fn text(&self) -> String {
        let mut s = String::new();
        self.render(&mut s);
        s
    }

    /// Pre-order walk over this node and every sub-expression.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Node) -> bool) -> bool {
        if f(self) {
            return true;
        }
        for p in &mut self.parts {
            if let Part::Node(n) = p {
                if n.walk_mut(f) {
                    return true;
                }
            }
        }
        false
    }

    /// The direct sub-expressions.
    pub fn children(&self) -> impl Iterator<Item = &Node> {
        self.parts.iter().filter_map(|p| match p {
            Part::Node(n) => Some(n),
            Part::Text(_) => None,
        })
    }
}

#[derive(Clone, Debug)]
pub struct EnumDef {
    pub name: String,
    pub cases: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    pub ty: Ty,
}

#[derive(Clone, Debug)]
pub struct RecordDef {
    pub name: String,
    pub fields: Vec<Field>,
}

impl RecordDef {
    /// The type of the `id` field, when it makes the record indexable.
    pub fn id_ty(&self) -> Option<&Ty> {
        self.fields
            .iter()
            .find(|f| f.name == "id")
            .map(|f| &f.ty)
            .filter(|t| matches!(t, Ty::Text | Ty::Int))
    }
}

#[derive(Clone, Debug)]
pub struct Let {
    pub name: String,
    pub annotate: bool,
    pub value: Node,
}

#[derive(Clone, Debug)]
pub struct ConstDef {
    pub name: String,
    pub value: Node,
    /// Declared with `figure` (and a doc comment): a const that is published.
    pub figure: bool,
}

#[derive(Clone, Debug)]
pub struct FnDef {
    pub name: String,
    pub params: Vec<(String, Ty)>,
    pub ret: Ty,
    /// Written with a block body `{ let ... result }` rather than `= expr`.
    pub block: bool,
    pub lets: Vec<Let>,
    pub body: Node,
}

#[derive(Clone, Debug)]
pub enum Stmt {
    Let(Let),
    Require {
        label: String,
        /// `require "label" when guard: ...`
        guard: Option<Node>,
        /// Written `should` (advice).
        advisory: bool,
        cond: Node,
        unless: Vec<(String, Node)>,
    },
    /// `when cond { requirements }`
    When {
        cond: Node,
        body: Vec<Stmt>,
    },
}

impl Stmt {
    /// Every expression of the statement, outermost first.
    pub fn nodes_mut(&mut self) -> Vec<&mut Node> {
        match self {
            Stmt::Let(l) => vec![&mut l.value],
            Stmt::Require {
                guard,
                cond,
                unless,
                ..
            } => guard
                .iter_mut()
                .chain(std::iter::once(cond))
                .chain(unless.iter_mut().map(|(_, u)| u))
                .collect(),
            Stmt::When { cond, body } => std::iter::once(cond)
                .chain(body.iter_mut().flat_map(Stmt::nodes_mut))
                .collect(),
        }
    }
}

#[derive(Clone, Debug)]
pub struct LawDef {
    pub name: String,
    /// The subject's name and its collection.
    pub param: Option<(String, Node)>,
    pub stmts: Vec<Stmt>,
}

#[derive(Clone, Debug)]
pub enum TestStmt {
    Given(String, Node),
    Let(Let),
    Expect(Node),
}

#[derive(Clone, Debug)]
pub struct TestBlock {
    pub name: String,
    pub stmts: Vec<TestStmt>,
}

/// A whole generated charter.
#[derive(Clone, Debug, Default)]
#[allow(missing_docs)] // the declarations, each kind in source order
pub struct Charter {
    pub enums: Vec<EnumDef>,
    pub records: Vec<RecordDef>,
    pub state: Vec<Field>,
    pub consts: Vec<ConstDef>,
    pub fns: Vec<FnDef>,
    pub laws: Vec<LawDef>,
    pub tests: Vec<TestBlock>,
}

impl Charter {
    /// How `ty` is written in this charter.
    pub fn ty_src(&self, ty: &Ty) -> String {
        match ty {
            Ty::Bool => "Bool".into(),
            Ty::Int => "Int".into(),
            Ty::Dec => "Decimal".into(),
            Ty::Date => "Date".into(),
            Ty::Dur => "Duration".into(),
            Ty::Text => "Text".into(),
            Ty::List(t) => format!("List<{}>", self.ty_src(t)),
            Ty::Set(t) => format!("Set<{}>", self.ty_src(t)),
            Ty::Opt(t) => format!("{}?", self.ty_src(t)),
            Ty::Rec(i) => self.records[*i].name.clone(),
            Ty::Enum(i) => self.enums[*i].name.clone(),
        }
    }

    /// Every expression of the charter, in a fixed order.
    pub fn walk_mut(&mut self, f: &mut dyn FnMut(&mut Node) -> bool) -> bool {
        for k in &mut self.consts {
            if k.value.walk_mut(f) {
                return true;
            }
        }
        for g in &mut self.fns {
            for l in &mut g.lets {
                if l.value.walk_mut(f) {
                    return true;
                }
            }
            if g.body.walk_mut(f) {
                return true;
            }
        }
        for law in &mut self.laws {
            if let Some((_, coll)) = &mut law.param {
                if coll.walk_mut(f) {
                    return true;
                }
            }
            for s in &mut law.stmts {
                if s.nodes_mut().into_iter().any(|n| n.walk_mut(f)) {
                    return true;
                }
            }
        }
        for test in &mut self.tests {
            for s in &mut test.stmts {
                let node = match s {
                    TestStmt::Given(_, v) | TestStmt::Expect(v) => v,
                    TestStmt::Let(l) => &mut l.value,
                };
                if node.walk_mut(f) {
                    return true;
                }
            }
        }
        false
    }

    /// The charter's source text.
    pub fn render(&self) -> String {
        let mut o = String::from("charter \"Generated\" { version: 1 }\n");
        for e in &self.enums {
            let _ = writeln!(o, "enum {} {{ {} }}", e.name, e.cases.join(", "));
        }
        for r in &self.records {
            let fields: Vec<String> = r
                .fields
                .iter()
                .map(|f| format!("{}: {}", f.name, self.ty_src(&f.ty)))
                .collect();
            let _ = writeln!(o, "record {} {{ {} }}", r.name, fields.join(", "));
        }
        o.push_str("state {\n");
        for f in &self.state {
            let _ = writeln!(o, "  {}: {}", f.name, self.ty_src(&f.ty));
        }
        o.push_str("}\n");
        for k in &self.consts {
            let ty = self.ty_src(&k.value.ty);
            if k.figure {
                let _ = writeln!(o, "/// The figure {}.", k.name);
                let _ = writeln!(o, "figure {}: {ty} = {}", k.name, k.value.text());
            } else {
                let _ = writeln!(o, "const {}: {ty} = {}", k.name, k.value.text());
            }
        }
        for g in &self.fns {
            self.render_fn(g, &mut o);
        }
        for law in &self.laws {
            self.render_law(law, &mut o);
        }
        for test in &self.tests {
            let _ = writeln!(o, "test {:?} {{", test.name);
            for s in &test.stmts {
                match s {
                    TestStmt::Given(name, v) => {
                        let _ = writeln!(o, "  given {name} = {}", v.text());
                    }
                    TestStmt::Let(l) => self.render_let(l, "  ", &mut o),
                    TestStmt::Expect(c) => {
                        let _ = writeln!(o, "  expect {}", c.text());
                    }
                }
            }
            o.push_str("}\n");
        }
        o
    }

    fn render_let(&self, l: &Let, indent: &str, o: &mut String) {
        if l.annotate {
            let ty = self.ty_src(&l.value.ty);
            let _ = writeln!(o, "{indent}let {}: {ty} = {}", l.name, l.value.text());
        } else {
            let _ = writeln!(o, "{indent}let {} = {}", l.name, l.value.text());
        }
    }

    fn render_fn(&self, g: &FnDef, o: &mut String) {
        let params: Vec<String> = g
            .params
            .iter()
            .map(|(n, t)| format!("{n}: {}", self.ty_src(t)))
            .collect();
        let head = format!(
            "fn {}({}) -> {}",
            g.name,
            params.join(", "),
            self.ty_src(&g.ret)
        );
        if !g.block && g.lets.is_empty() {
            let _ = writeln!(o, "{head} = {}", g.body.text());
            return;
        }
        let _ = writeln!(o, "{head} {{");
        for l in &g.lets {
            self.render_let(l, "  ", o);
        }
        let body = g.body.text();
        // A block's result may not start with a token that would continue the
        // previous expression; bind it first when it does.
        if body.starts_with(['(', '[', '{', '-']) {
            let ty = self.ty_src(&g.ret);
            let _ = writeln!(o, "  let out_: {ty} = {body}\n  out_");
        } else {
            let _ = writeln!(o, "  {body}");
        }
        o.push_str("}\n");
    }

    fn render_law(&self, law: &LawDef, o: &mut String) {
        match &law.param {
            Some((name, coll)) => {
                let _ = writeln!(o, "law {}({name} in {}) {{", law.name, coll.text());
            }
            None => {
                let _ = writeln!(o, "law {} {{", law.name);
            }
        }
        self.render_stmts(&law.stmts, "  ", o);
        o.push_str("}\n");
    }

    fn render_stmts(&self, stmts: &[Stmt], pad: &str, o: &mut String) {
        for s in stmts {
            match s {
                Stmt::Let(l) => self.render_let(l, pad, o),
                Stmt::Require {
                    label,
                    guard,
                    advisory,
                    cond,
                    unless,
                } => {
                    let word = if *advisory { "should" } else { "require" };
                    let guard = guard
                        .as_ref()
                        .map(|g| format!(" when ({})", g.text()))
                        .unwrap_or_default();
                    let _ = writeln!(o, "{pad}{word} {label:?}{guard}: {}", cond.text());
                    for (l, u) in unless {
                        let _ = writeln!(o, "{pad}  unless {l:?}: {}", u.text());
                    }
                }
                Stmt::When { cond, body } => {
                    let _ = writeln!(o, "{pad}when ({}) {{", cond.text());
                    self.render_stmts(body, &format!("{pad}  "), o);
                    let _ = writeln!(o, "{pad}}}");
                }
            }
        }
    }
}

/// A JSON value, kept as a tree so the minimiser can drop array elements.
#[derive(Clone, Debug)]
#[allow(missing_docs)] // JSON's own kinds of value
pub enum Json {
    Null,
    Bool(bool),
    /// A number, as its exact text.
    Num(String),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    /// Appends the JSON text to `o`.
    pub fn render(&self, o: &mut String) {
        match self {
            Json::Null => o.push_str("null"),
            Json::Bool(b) => o.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => o.push_str(n),
            Json::Str(s) => quote_json(s, o),
            Json::Arr(xs) => {
                o.push('[');
                for (i, x) in xs.iter().enumerate() {
                    if i > 0 {
                        o.push_str(", ");
                    }
                    x.render(o);
                }
                o.push(']');
            }
            Json::Obj(fields) => {
                o.push('{');
                for (i, (k, v)) in fields.iter().enumerate() {
                    if i > 0 {
                        o.push_str(", ");
                    }
                    quote_json(k, o);
                    o.push_str(": ");
                    v.render(o);
                }
                o.push('}');
            }
        }
    }

    /// The JSON text.
    pub fn text(&self) -> String {
        let mut s = String::new();
        self.render(&mut s);
        s
    }

    /// Every array in pre-order, for the minimiser.
    pub fn arrays_mut(&mut self, f: &mut dyn FnMut(&mut Vec<Json>) -> bool) -> bool {
        match self {
            Json::Arr(xs) => {
                if f(xs) {
                    return true;
                }
                xs.iter_mut().any(|x| x.arrays_mut(f))
            }
            Json::Obj(fields) => fields.iter_mut().any(|(_, v)| v.arrays_mut(f)),
            _ => false,
        }
    }
}

fn quote_json(s: &str, o: &mut String) {
    o.push('"');
    for ch in s.chars() {
        match ch {
            '"' => o.push_str("\\\""),
            '\\' => o.push_str("\\\\"),
            '\n' => o.push_str("\\n"),
            '\t' => o.push_str("\\t"),
            c => o.push(c),
        }
    }
    o.push('"');
}

/// A Polity text literal.
pub fn quote_polity(s: &str) -> String {
    let mut o = String::new();
    quote_json(s, &mut o);
    o
}
