//! Parser: tokens to [`Tree`]s, with Go's checks (undefined variables and functions, misplaced
//! `end`/`else`/`break`, template names) and a nesting limit.

use std::rc::Rc;

use crate::ast::*;
use crate::error::{Error, ErrorKind};
use crate::lexer::{Keyword, Tok, Token, tokenize_partial};

/// Result of parsing one source: its main tree and every `define`/`block` it contains.
#[derive(Debug)]
pub struct Parsed {
    pub main: Tree,
    pub defines: Vec<Tree>,
}

pub struct ParseConfig<'a> {
    pub left_delim: &'a str,
    pub right_delim: &'a str,
    pub max_depth: usize,
    /// Whether a function name exists (Go checks at parse time).
    pub has_function: &'a dyn Fn(&str) -> bool,
}

pub fn parse(name: &str, source: &str, cfg: &ParseConfig<'_>) -> Result<Parsed, Error> {
    let (tokens, lex_error) = tokenize_partial(name, source, cfg.left_delim, cfg.right_delim);
    let last = tokens.len().saturating_sub(1);
    let src: Rc<str> = Rc::from(source);
    let mut p = Parser {
        name,
        tokens,
        i: 0,
        cfg,
        depth: 0,
        vars: vec!["$".to_string()],
        range_depth: 0,
        defines: Vec::new(),
        source: src.clone(),
    };
    let root = match (p.list(true), lex_error) {
        (Ok(_), Some(e)) => return Err(e),
        // the parser stopped before the bad character: its error comes first
        (Err(e), Some(le)) => return Err(if p.i < last { e } else { le }),
        (r, None) => r?,
    };
    Ok(Parsed {
        main: Tree {
            name: name.to_string(),
            root,
            source: src,
        },
        defines: p.defines,
    })
}

struct Parser<'a> {
    name: &'a str,
    tokens: Vec<Token>,
    i: usize,
    cfg: &'a ParseConfig<'a>,
    depth: usize,
    vars: Vec<String>,
    range_depth: usize,
    defines: Vec<Tree>,
    source: Rc<str>,
}

/// How a list ended.
#[allow(clippy::enum_variant_names)]
enum End {
    Eof,
    End,
    Else(Span),
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Text(s) => format!("{s:?}"),
        Tok::LeftDelim => "<left delimiter>".into(),
        Tok::RightDelim => "<right delimiter>".into(),
        Tok::Ident(s) => s.clone(),
        Tok::Field(s) => format!(".{s}"),
        Tok::Variable(s) => s.clone(),
        Tok::Dot => ".".into(),
        Tok::Str(s) => format!("{s:?}"),
        Tok::Char(c) => format!("{c:?}"),
        Tok::Punct(c) => format!("\"{c}\""),
        Tok::Number(n) => n.clone(),
        Tok::Bool(b) => b.to_string(),
        Tok::Nil => "nil".into(),
        Tok::Keyword(k) => format!("<{}>", kw_name(*k)),
        Tok::Pipe => "\"|\"".into(),
        Tok::LeftParen => "\"(\"".into(),
        Tok::RightParen => "\")\"".into(),
        Tok::Comma => "\",\"".into(),
        Tok::Declare => "\":=\"".into(),
        Tok::Assign => "\"=\"".into(),
        Tok::Space => "space".into(),
        Tok::Eof => "EOF".into(),
    }
}

fn kw_name(k: Keyword) -> &'static str {
    match k {
        Keyword::If => "if",
        Keyword::Else => "else",
        Keyword::End => "end",
        Keyword::Range => "range",
        Keyword::With => "with",
        Keyword::Define => "define",
        Keyword::Template => "template",
        Keyword::Block => "block",
        Keyword::Break => "break",
        Keyword::Continue => "continue",
    }
}

impl<'a> Parser<'a> {
    fn err(&self, line: usize, msg: impl Into<String>) -> Error {
        Error::syntax(self.name, line, msg)
    }

    fn peek(&self) -> &Token {
        &self.tokens[self.i.min(self.tokens.len() - 1)]
    }

    fn next(&mut self) -> Token {
        let t = self.peek().clone();
        if self.i < self.tokens.len() {
            self.i += 1;
        }
        t
    }

    fn skip_space(&mut self) {
        while matches!(self.peek().tok, Tok::Space) {
            self.i += 1;
        }
    }

    fn next_non_space(&mut self) -> Token {
        self.skip_space();
        self.next()
    }

    fn peek_non_space(&mut self) -> &Token {
        self.skip_space();
        self.peek()
    }

    fn span(t: &Token) -> Span {
        Span {
            pos: t.pos,
            line: t.line,
        }
    }

    fn enter(&mut self, line: usize) -> Result<(), Error> {
        self.depth += 1;
        if self.depth > self.cfg.max_depth {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "template: {}:{}: exceeded maximum nesting depth ({})",
                    self.name, line, self.cfg.max_depth
                ),
            ));
        }
        Ok(())
    }

    fn expect_right(&mut self, ctx: &str) -> Result<(), Error> {
        let t = self.next_non_space();
        if t.tok != Tok::RightDelim {
            return Err(self.err(
                t.line,
                format!("unexpected {} in {}", describe(&t.tok), ctx),
            ));
        }
        Ok(())
    }

    /// Parses nodes until EOF (top level) or `{{end}}`/`{{else}}`.
    fn list_until(&mut self, top: bool) -> Result<(Vec<Node>, End), Error> {
        let mut nodes = Vec::new();
        loop {
            let t = self.next();
            match t.tok {
                Tok::Eof => {
                    if top {
                        return Ok((nodes, End::Eof));
                    }
                    return Err(self.err(t.line, "unexpected EOF"));
                }
                Tok::Text(s) => nodes.push(Node::Text(Rc::from(s))),
                Tok::LeftDelim => {
                    let kw = self.peek_non_space().clone();
                    match kw.tok {
                        Tok::Keyword(Keyword::End) => {
                            self.i += 1;
                            if top {
                                return Err(self.err(kw.line, "unexpected {{end}}"));
                            }
                            self.expect_right("end")?;
                            return Ok((nodes, End::End));
                        }
                        Tok::Keyword(Keyword::Else) => {
                            if top {
                                return Err(self.err(kw.line, "unexpected {{else}}"));
                            }
                            self.i += 1;
                            return Ok((nodes, End::Else(Self::span(&kw))));
                        }
                        _ => {
                            if let Some(n) = self.action()? {
                                nodes.push(n);
                            }
                        }
                    }
                }
                other => {
                    return Err(self.err(t.line, format!("unexpected {}", describe(&other))));
                }
            }
        }
    }

    fn list(&mut self, top: bool) -> Result<Vec<Node>, Error> {
        Ok(self.list_until(top)?.0)
    }

    /// After `{{`: one action. Returns `None` for `define`.
    fn action(&mut self) -> Result<Option<Node>, Error> {
        let t = self.peek().clone();
        let span = Self::span(&t);
        match t.tok {
            Tok::Keyword(Keyword::If) => {
                self.i += 1;
                Ok(Some(Node::If(self.branch("if", span)?)))
            }
            Tok::Keyword(Keyword::With) => {
                self.i += 1;
                Ok(Some(Node::With(self.branch("with", span)?)))
            }
            Tok::Keyword(Keyword::Range) => {
                self.i += 1;
                Ok(Some(Node::Range(self.branch("range", span)?)))
            }
            Tok::Keyword(Keyword::Break) | Tok::Keyword(Keyword::Continue) => {
                self.i += 1;
                let is_break = t.tok == Tok::Keyword(Keyword::Break);
                let word = if is_break { "break" } else { "continue" };
                if self.range_depth == 0 {
                    return Err(self.err(t.line, format!("{{{{{word}}}}} outside {{{{range}}}}")));
                }
                let r = self.next_non_space();
                if r.tok != Tok::RightDelim {
                    return Err(self.err(
                        r.line,
                        format!("unexpected {} in {{{{{word}}}}}", describe(&r.tok)),
                    ));
                }
                Ok(Some(if is_break {
                    Node::Break(span)
                } else {
                    Node::Continue(span)
                }))
            }
            Tok::Keyword(Keyword::Template) => {
                self.i += 1;
                let (name, pipe) = self.template_args("template")?;
                Ok(Some(Node::Template { span, name, pipe }))
            }
            Tok::Keyword(Keyword::Block) => {
                self.i += 1;
                let (name, pipe) = self.template_args("block")?;
                self.define_body(&name, t.line)?;
                Ok(Some(Node::Template { span, name, pipe }))
            }
            Tok::Keyword(Keyword::Define) => {
                self.i += 1;
                let nt = self.next_non_space();
                let Tok::Str(name) = nt.tok else {
                    return Err(self.err(
                        nt.line,
                        format!("unexpected {} in define clause", describe(&nt.tok)),
                    ));
                };
                self.expect_right("define clause")?;
                if self.depth > 0 {
                    return Err(self.err(t.line, "unexpected <define> in command"));
                }
                self.define_body(&name, t.line)?;
                Ok(None)
            }
            _ => {
                let pipe = self.pipeline("command", true)?;
                Ok(Some(Node::Action(pipe)))
            }
        }
    }

    fn define_body(&mut self, name: &str, line: usize) -> Result<(), Error> {
        let saved_vars = std::mem::replace(&mut self.vars, vec!["$".to_string()]);
        let saved_range = std::mem::replace(&mut self.range_depth, 0);
        self.enter(line)?;
        let (root, end) = self.list_until(false)?;
        self.depth -= 1;
        self.vars = saved_vars;
        self.range_depth = saved_range;
        if let End::Else(s) = end {
            return Err(self.err(s.line, "unexpected {{else}}"));
        }
        self.defines.push(Tree {
            name: name.to_string(),
            root,
            source: self.source.clone(),
        });
        Ok(())
    }

    fn template_args(&mut self, ctx: &str) -> Result<(String, Option<Pipeline>), Error> {
        let nt = self.next_non_space();
        let Tok::Str(name) = nt.tok else {
            return Err(self.err(
                nt.line,
                format!("unexpected {} in {} clause", describe(&nt.tok), ctx),
            ));
        };
        if self.peek_non_space().tok == Tok::RightDelim {
            self.i += 1;
            return Ok((name, None));
        }
        let pipe = self.pipeline(ctx, false)?;
        Ok((name, Some(pipe)))
    }

    /// `if`/`with`/`range` after the keyword.
    fn branch(&mut self, ctx: &'static str, span: Span) -> Result<Branch, Error> {
        self.enter(span.line)?;
        let vars_mark = self.vars.len();
        let pipe = self.pipeline(ctx, ctx == "range")?;
        if ctx == "range" {
            self.range_depth += 1;
        }
        let (body, end) = self.list_until(false)?;
        if ctx == "range" {
            self.range_depth -= 1;
        }
        let else_body = match end {
            End::End => None,
            End::Eof => unreachable_eof(),
            End::Else(es) => {
                let nt = self.peek_non_space().clone();
                match nt.tok {
                    // `{{else if ...}}` / `{{else with ...}}`: a nested branch that shares
                    // our `{{end}}`
                    Tok::Keyword(Keyword::If) if ctx == "if" => {
                        self.i += 1;
                        let inner = self.branch("if", Self::span(&nt))?;
                        Some(vec![Node::If(inner)])
                    }
                    Tok::Keyword(Keyword::With) if ctx == "with" => {
                        self.i += 1;
                        let inner = self.branch("with", Self::span(&nt))?;
                        Some(vec![Node::With(inner)])
                    }
                    // Go reads `{{else if}}` in a `with` (or `{{else with}}` in an `if`, or
                    // either in a `range`) as `{{else}}{{if ...}}`: the inner block needs its
                    // own `{{end}}`.
                    Tok::RightDelim | Tok::Keyword(Keyword::If) | Tok::Keyword(Keyword::With) => {
                        let mut eb = Vec::new();
                        if nt.tok == Tok::RightDelim {
                            self.i += 1;
                        } else if let Some(n) = self.action()? {
                            eb.push(n);
                        }
                        let (rest, end2) = self.list_until(false)?;
                        eb.extend(rest);
                        if let End::Else(s) = end2 {
                            return Err(self.err(s.line, "expected end; found {{else}}"));
                        }
                        Some(eb)
                    }
                    other => {
                        let _ = es;
                        return Err(
                            self.err(nt.line, format!("unexpected {} in else", describe(&other)))
                        );
                    }
                }
            }
        };
        self.vars.truncate(vars_mark);
        self.depth -= 1;
        Ok(Branch {
            span,
            pipe,
            body,
            else_body,
        })
    }

    /// A pipeline up to `}}` (or `)` when `in_paren`).
    fn pipeline(&mut self, ctx: &str, allow_decl: bool) -> Result<Pipeline, Error> {
        self.pipeline_inner(ctx, allow_decl, false)
    }

    fn pipeline_inner(
        &mut self,
        ctx: &str,
        allow_decl: bool,
        in_paren: bool,
    ) -> Result<Pipeline, Error> {
        let _ = allow_decl;
        let first = self.peek_non_space().clone();
        let span = Self::span(&first);
        let mut vars = Vec::new();
        let mut is_assign = false;
        // declarations: `$x :=`, `$x =`, `$i, $v :=`
        if let Tok::Variable(_) = first.tok {
            let save = self.i;
            let mut names = Vec::new();
            let mut ok = false;
            loop {
                let v = self.next_non_space();
                let Tok::Variable(name) = v.tok else { break };
                names.push(name);
                let op = self.next_non_space();
                match op.tok {
                    Tok::Declare => {
                        ok = true;
                        break;
                    }
                    Tok::Assign => {
                        ok = true;
                        is_assign = true;
                        break;
                    }
                    Tok::Comma if names.len() == 1 && ctx == "range" => continue,
                    Tok::Comma => {
                        return Err(self.err(op.line, format!("too many declarations in {ctx}")));
                    }
                    _ => break,
                }
            }
            if ok {
                if is_assign {
                    for n in &names {
                        if !self.vars.contains(n) {
                            return Err(self.err(first.line, format!("undefined variable {n:?}")));
                        }
                    }
                } else {
                    // Go declares only after the pipeline is parsed
                }
                vars = names;
            } else {
                self.i = save;
                is_assign = false;
            }
        }
        let mut cmds = Vec::new();
        loop {
            let t = self.peek_non_space().clone();
            match t.tok {
                Tok::RightDelim if !in_paren => {
                    self.i += 1;
                    break;
                }
                Tok::RightParen if in_paren => {
                    self.i += 1;
                    break;
                }
                Tok::RightDelim | Tok::RightParen | Tok::Eof => {
                    return Err(self.err(
                        t.line,
                        format!(
                            "unexpected {} in {}",
                            describe(&t.tok),
                            if in_paren { "operand" } else { ctx }
                        ),
                    ));
                }
                _ => {}
            }
            let cmd = self.command(in_paren)?;
            cmds.push(cmd);
            // after a command: `|` continues
            let t = self.peek_non_space().clone();
            if t.tok == Tok::Pipe {
                self.i += 1;
                let n = self.peek_non_space().clone();
                if matches!(n.tok, Tok::RightDelim | Tok::RightParen) {
                    return Err(self.err(n.line, "missing command"));
                }
            }
        }
        if cmds.is_empty() {
            return Err(self.err(first.line, format!("missing value for {ctx}")));
        }
        for (i, c) in cmds.iter().enumerate().skip(1) {
            if !matches!(
                c.args[0],
                Expr::Ident(..) | Expr::Field(..) | Expr::Chain(..) | Expr::Variable(..)
            ) {
                return Err(self.err(
                    first.line,
                    format!("non executable command in pipeline stage {}", i + 1),
                ));
            }
        }
        if !is_assign {
            for v in &vars {
                self.vars.push(v.clone());
            }
        }
        Ok(Pipeline {
            span,
            vars,
            is_assign,
            cmds,
        })
    }

    fn command(&mut self, in_paren: bool) -> Result<Command, Error> {
        let first = self.peek_non_space().clone();
        let span = Self::span(&first);
        let mut args = Vec::new();
        loop {
            self.skip_space();
            let t = self.peek().clone();
            match t.tok {
                Tok::Pipe | Tok::RightDelim if !in_paren || t.tok == Tok::Pipe => break,
                Tok::RightParen if in_paren => break,
                _ => {}
            }
            let operand = self.operand()?;
            args.push(operand);
            let after = self.peek().clone();
            match after.tok {
                Tok::Space => continue,
                Tok::Pipe | Tok::RightDelim | Tok::RightParen => continue,
                other => {
                    return Err(self.err(
                        after.line,
                        format!("unexpected {} in operand", describe(&other)),
                    ));
                }
            }
        }
        if args.is_empty() {
            return Err(self.err(first.line, "empty command"));
        }
        let end = self.peek().pos.min(self.source.len());
        let text: Rc<str> = Rc::from(self.source.get(first.pos..end).unwrap_or("").trim_end());
        if args.len() == 1 && matches!(args[0], Expr::Nil(_)) {
            return Err(self.err(first.line, "nil is not a command"));
        }
        Ok(Command { span, args, text })
    }

    fn chain_span(&self, own: Span) -> Span {
        match &self.peek().tok {
            Tok::Field(_) => Self::span(self.peek()),
            _ => own,
        }
    }

    fn fields(&mut self) -> Vec<String> {
        let mut chain = Vec::new();
        while let Tok::Field(f) = &self.peek().tok {
            chain.push(f.clone());
            self.i += 1;
        }
        chain
    }

    fn operand(&mut self) -> Result<Expr, Error> {
        let t = self.next();
        let span = Self::span(&t);
        let term = match t.tok {
            Tok::Ident(name) => {
                if !(self.cfg.has_function)(&name) {
                    return Err(self.err(t.line, format!("function {name:?} not defined")));
                }
                Expr::Ident(span, name)
            }
            Tok::Dot => {
                if let Tok::Field(_) = self.peek().tok {
                    return Err(self.err(t.line, "unexpected . after term \".\""));
                }
                Expr::Dot(span)
            }
            Tok::Nil => Expr::Nil(span),
            Tok::Variable(name) => {
                if !self.vars.contains(&name) {
                    return Err(self.err(t.line, format!("undefined variable {name:?}")));
                }
                // Go positions a chained node at its first field
                let span = self.chain_span(span);
                let chain = self.fields();
                return Ok(Expr::Variable(span, name, chain));
            }
            Tok::Field(f) => {
                let span = self.chain_span(span);
                let mut chain = vec![f];
                chain.extend(self.fields());
                return Ok(Expr::Field(span, chain));
            }
            Tok::Bool(b) => Expr::Bool(span, b),
            Tok::Char(c) => Expr::Number(span, Number::Int(c as i64)),
            Tok::Number(n) => Expr::Number(span, self.number(&n, t.line)?),
            Tok::Str(s) => Expr::Str(span, Rc::from(s)),
            Tok::LeftParen => {
                self.enter(t.line)?;
                let p = self.pipeline_inner("parenthesized pipeline", false, true)?;
                self.depth -= 1;
                Expr::Pipe(span, Box::new(p))
            }
            other => {
                return Err(self.err(
                    t.line,
                    format!("unexpected {} in operand", describe(&other)),
                ));
            }
        };
        if let Tok::Field(_) = self.peek().tok {
            let span = self.chain_span(span);
            let chain = self.fields();
            match term {
                Expr::Bool(..)
                | Expr::Str(..)
                | Expr::Number(..)
                | Expr::Nil(..)
                | Expr::Dot(..) => {
                    return Err(self.err(t.line, "unexpected . after term"));
                }
                _ => return Ok(Expr::Chain(span, Box::new(term), chain)),
            }
        }
        Ok(term)
    }

    fn number(&self, text: &str, line: usize) -> Result<Number, Error> {
        let bad = || self.err(line, format!("illegal number syntax: {text:?}"));
        let (neg, body) = match text.as_bytes().first() {
            Some(b'-') => (true, &text[1..]),
            Some(b'+') => (false, &text[1..]),
            _ => (false, text),
        };
        if body.is_empty() || body.starts_with('_') || body.ends_with('_') || body.contains("__") {
            return Err(bad());
        }
        let lower = body.to_ascii_lowercase();
        let (radix, digits) = if let Some(d) = lower.strip_prefix("0x") {
            (16, d)
        } else if let Some(d) = lower.strip_prefix("0o") {
            (8, d)
        } else if let Some(d) = lower.strip_prefix("0b") {
            (2, d)
        } else if lower.len() > 1
            && lower.starts_with('0')
            && lower.bytes().all(|b| b.is_ascii_digit() || b == b'_')
        {
            (8, &lower[1..])
        } else {
            (10, lower.as_str())
        };
        let clean: String = digits
            .trim_start_matches('_')
            .chars()
            .filter(|&c| c != '_')
            .collect();
        if clean.is_empty() {
            return Err(bad());
        }
        if let Ok(v) = u64::from_str_radix(&clean, radix) {
            let v = v as i128;
            let v = if neg { -v } else { v };
            if let Ok(i) = i64::try_from(v) {
                return Ok(Number::Int(i));
            }
            // too large for int: Go makes it a float constant
            return Ok(Number::Float(v as f64));
        }
        if radix == 10
            && !lower.contains('i')
            && clean
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'+' || b == b'-')
            && let Ok(f) = clean.parse::<f64>()
        {
            return Ok(Number::Float(if neg { -f } else { f }));
        }
        Err(bad())
    }
}

fn unreachable_eof() -> Option<Vec<Node>> {
    // `list_until(false)` turns EOF into an error before returning
    None
}
