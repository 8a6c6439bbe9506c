//! Rounding to places: `round(d, places)`, `round(d, places, mode)`,
//! `floor(d, places)` and `ceil(d, places)`. The mode is a bare name that
//! only this position knows (never a value), so a wrong one is reported with
//! the accepted ones.

use super::error::CheckError;
use super::expr::{node, poisoned};
use super::Checker;
use crate::diagnostic::did_you_mean;
use crate::ir::{self, Builtin, ExprKind};
use crate::num::{RoundMode, MAX_PLACES};
use crate::span::Span;
use crate::syntax::ast;
use crate::types::Type;

impl Checker<'_> {
    /// `name(d, places[, mode])` with at least two arguments: a Decimal
    /// (an Int widens) rounded to `places` (an Int) as a Decimal.
    pub(crate) fn round_to(
        &mut self,
        callee: &ast::Ident,
        list: &[ast::Expr],
        span: Span,
    ) -> ir::Expr {
        let name = callee.name.as_str();
        let (most, expected) = match name {
            "round" => (3, "1 to 3 arguments"),
            _ => (2, "1 or 2 arguments"),
        };
        if list.len() > most {
            self.error(CheckError::ArgCount {
                span,
                callee: callee.name.clone(),
                expected: expected.into(),
                found: list.len(),
            });
            return poisoned(span);
        }
        let (Some(x), Some(places)) = (list.first(), list.get(1)) else {
            return poisoned(span);
        };
        let x = self.check_expr(x, Some(&Type::Decimal));
        let x = self.coerce(x, &Type::Decimal);
        let places = self.check_expr(places, Some(&Type::Int));
        let places = self.coerce(places, &Type::Int);
        let mode = match (name, list.get(2)) {
            ("floor", _) => Some(RoundMode::Floor),
            ("ceil", _) => Some(RoundMode::Ceil),
            (_, None) => Some(RoundMode::HalfAwayFromZero),
            (_, Some(m)) => self.round_mode(m),
        };
        if let ExprKind::Lit(ir::Lit::Int(n)) = places.kind {
            if n.unsigned_abs() > MAX_PLACES.unsigned_abs() {
                self.error(CheckError::PlacesOutOfRange {
                    span: places.span,
                    places: n,
                });
                return poisoned(span);
            }
        }
        let Some(mode) = mode else {
            return poisoned(span);
        };
        if x.ty.has_error() || places.ty.has_error() {
            return poisoned(span);
        }
        let b = Builtin::RoundTo(mode);
        node(ExprKind::Builtin(b, vec![x, places]), Type::Decimal, span)
    }

    /// The mode named by `round`'s third argument, reporting anything else.
    fn round_mode(&mut self, arg: &ast::Expr) -> Option<RoundMode> {
        let found = match &arg.kind {
            ast::ExprKind::Name(id) => {
                if let Some(m) = RoundMode::from_name(&id.name) {
                    return Some(m);
                }
                Some(id.name.clone())
            }
            _ => None,
        };
        let suggestion = found.as_deref().and_then(|f| {
            let known = other_spelling(f).map(RoundMode::name);
            let near = || did_you_mean(f, RoundMode::ALL.iter().map(|m| m.name()));
            known.or_else(near).map(str::to_string)
        });
        self.error(CheckError::UnknownRoundMode {
            span: arg.span,
            found,
            suggestion,
        });
        None
    }
}

/// The mode that another language's name for it means (Python's `decimal`
/// `ROUND_HALF_EVEN`, Java's `HALF_UP`; their "up" and "down" are away from
/// and toward zero).
fn other_spelling(name: &str) -> Option<RoundMode> {
    let lower = name.to_ascii_lowercase();
    let bare = lower.trim_start_matches("round_");
    RoundMode::from_name(bare).or(match bare {
        "half_up" => Some(RoundMode::HalfAwayFromZero),
        "bankers" | "half_to_even" => Some(RoundMode::HalfEven),
        "down" | "truncate" | "trunc" => Some(RoundMode::TowardZero),
        "ceiling" => Some(RoundMode::Ceil),
        _ => None,
    })
}
