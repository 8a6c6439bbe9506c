//! The whole-collection built-ins: set algebra, list `+`, `distinct`,
//! `take`, `drop`, `flatten`, `last`, `at`, and `sorted`, `take` and
//! `group_by` by a key.

use crate::gen::Gen;
use crate::model::{c, t, Node, Ty};

impl Gen {
    /// A list of `e` made by a collection built-in, or `None` to let the
    /// caller choose another form.
    pub(crate) fn list_op(&mut self, e: &Ty, d: u32) -> Option<Node> {
        let ty = Ty::list(e.clone());
        Some(match self.rng.below(12) {
            0 | 1 => {
                let (a, b) = (self.gen(&ty, d), self.gen(&ty, d));
                Self::bin(ty, a, "+", b)
            }
            2 => {
                let xs = self.collection(e, d);
                Self::call(ty, "distinct", vec![xs])
            }
            3 | 4 => {
                let f = *self.rng.pick(&["take", "drop"]);
                let xs = self.collection(e, d);
                let n = self.small_int(d);
                Self::call(ty, f, vec![xs, n])
            }
            5 => {
                let inner = if self.rng.chance(1, 3) {
                    Ty::set(e.clone())
                } else {
                    ty.clone()
                };
                let xss = self.comprehension(&Ty::list(inner.clone()), &inner, d);
                Self::call(ty, "flatten", vec![xss])
            }
            6 => self.sorted_by(e, d),
            7 => {
                let xs = self.collection(e, d);
                let n = self.small_int(d);
                let key_ty = self.any_key_ty();
                let key = self.key_of(e, &key_ty, d);
                Node::new(
                    ty,
                    vec![
                        t("take("),
                        c(xs),
                        t(", "),
                        c(n),
                        t(", per: "),
                        c(key),
                        t(")"),
                    ],
                )
            }
            8 => {
                let groups = self.group_by(e, d);
                Self::call(ty, "flatten", vec![groups])
            }
            9 => match e {
                Ty::List(inner) => self.group_by(inner, d),
                _ => return None,
            },
            _ => return None,
        })
    }

    /// `group_by(xs, by: key)` of elements `e` (a list of lists of `e`),
    /// sometimes by the element itself.
    fn group_by(&mut self, e: &Ty, d: u32) -> Node {
        let xs = self.collection(e, d);
        let ty = Ty::list(Ty::list(e.clone()));
        if self.rng.chance(1, 4) {
            return Self::call(ty, "group_by", vec![xs]);
        }
        let key_ty = self.any_key_ty();
        let key = self.key_of(e, &key_ty, d);
        Node::new(ty, vec![t("group_by("), c(xs), t(", by: "), c(key), t(")")])
    }

    /// `sorted(xs, by: key)`, with `desc` or `asc` sometimes.
    fn sorted_by(&mut self, e: &Ty, d: u32) -> Node {
        let xs = self.collection(e, d);
        let key_ty = self.ordered_ty();
        let key = self.key_of(e, &key_ty, d);
        let order = *self.rng.pick(&["", "", ", desc", ", asc"]);
        Node::new(
            Ty::list(e.clone()),
            vec![t("sorted("), c(xs), t(", by: "), c(key), t(order), t(")")],
        )
    }

    /// A type to group by: ordered, or any type with equality.
    fn any_key_ty(&mut self) -> Ty {
        if self.rng.chance(1, 3) {
            self.any_ty()
        } else {
            self.ordered_ty()
        }
    }

    /// A key of type `key_ty`, with `it` an element of type `e`.
    fn key_of(&mut self, e: &Ty, key_ty: &Ty, d: u32) -> Node {
        self.scope.push(("it".into(), e.clone()));
        let key = self.gen(key_ty, d);
        self.scope.pop();
        key
    }

    /// A set of `e` by `union`, `intersection` or `difference`.
    pub(crate) fn set_op(&mut self, e: &Ty, d: u32) -> Node {
        let ty = Ty::set(e.clone());
        let f = *self.rng.pick(&["union", "intersection", "difference"]);
        let (a, b) = (self.gen(&ty, d), self.gen(&ty, d));
        Self::call(ty, f, vec![a, b])
    }

    /// `last(xs)` as a `ty?`.
    pub(crate) fn last_of(&mut self, inner: &Ty, d: u32) -> Node {
        let xs = self.collection(inner, d);
        Self::call(Ty::opt(inner.clone()), "last", vec![xs])
    }

    /// `at(xs, i)`: mostly inside the collection, sometimes past either end.
    pub(crate) fn at_of(&mut self, ty: &Ty, d: u32) -> Node {
        let xs = self.collection(ty, d);
        let i = self.small_int(d);
        Self::call(ty.clone(), "at", vec![xs, i])
    }

    /// An Int from -2 to 5, or any Int expression kept small by `mod`.
    fn small_int(&mut self, d: u32) -> Node {
        if self.rng.chance(1, 3) {
            let n = self.gen(&Ty::Int, d);
            return Node::new(Ty::Int, vec![t("(("), c(n), t(") mod 6)")]);
        }
        Node::leaf(Ty::Int, self.rng.range(-2, 6).to_string())
    }
}
