//! The syntax tree. Every node carries the byte offset and line where it starts; error
//! positions are derived from them as Go does (`name:line:col`, col = 0-based byte offset in
//! the line).

use std::rc::Rc;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    /// Byte offset in the template source.
    pub pos: usize,
    /// 1-based line.
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Text(Rc<str>),
    Action(Pipeline),
    If(Branch),
    With(Branch),
    Range(Branch),
    Template {
        span: Span,
        name: String,
        pipe: Option<Pipeline>,
    },
    Break(Span),
    Continue(Span),
}

/// `if`/`with`/`range`: condition, body and optional else body (`else if`/`else with` nest a
/// single node in `else_body`).
#[derive(Debug, Clone, PartialEq)]
pub struct Branch {
    pub span: Span,
    pub pipe: Pipeline,
    pub body: Vec<Node>,
    pub else_body: Option<Vec<Node>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pipeline {
    pub span: Span,
    /// Variables declared (`:=`) or assigned (`=`).
    pub vars: Vec<String>,
    pub is_assign: bool,
    pub cmds: Vec<Command>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Command {
    pub span: Span,
    pub args: Vec<Expr>,
    /// Source text of the command (what Go prints in `at <...>` for call errors).
    pub text: Rc<str>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// `.`
    Dot(Span),
    /// `.A.B` (relative to dot)
    Field(Span, Vec<String>),
    /// `$x.A.B` (empty chain for a plain variable)
    Variable(Span, String, Vec<String>),
    /// A function name.
    Ident(Span, String),
    /// `(pipeline).A.B`
    Chain(Span, Box<Expr>, Vec<String>),
    /// A parenthesised pipeline.
    Pipe(Span, Box<Pipeline>),
    Str(Span, Rc<str>),
    Number(Span, Number),
    Bool(Span, bool),
    Nil(Span),
}

/// A numeric constant: Go types integer constants as `int` and others as `float64`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Number {
    Int(i64),
    Float(f64),
}

impl Expr {
    pub fn span(&self) -> Span {
        match self {
            Expr::Dot(s)
            | Expr::Field(s, _)
            | Expr::Variable(s, _, _)
            | Expr::Ident(s, _)
            | Expr::Chain(s, _, _)
            | Expr::Pipe(s, _)
            | Expr::Str(s, _)
            | Expr::Number(s, _)
            | Expr::Bool(s, _)
            | Expr::Nil(s) => *s,
        }
    }
}

/// A parsed template: its name and top-level nodes.
#[derive(Debug, Clone, PartialEq)]
pub struct Tree {
    pub name: String,
    pub root: Vec<Node>,
    /// The source, for error positions.
    pub source: Rc<str>,
}

impl Tree {
    /// Go's error position: 1-based line and column = 0-based byte offset within the line
    /// (the whole offset on the first line).
    pub fn line_col(&self, span: Span) -> (usize, usize) {
        let pos = span.pos.min(self.source.len());
        let before = &self.source.as_bytes()[..pos];
        let line = 1 + before.iter().filter(|&&b| b == b'\n').count();
        let col = match before.iter().rposition(|&b| b == b'\n') {
            Some(nl) => pos - nl - 1,
            None => pos,
        };
        (line, col)
    }
}
