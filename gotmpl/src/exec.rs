//! The evaluator and the template set.

use std::collections::HashMap;
use std::rc::Rc;

use crate::ast::*;
use crate::env::{ArgType, Environment, MissingKey, State};
use crate::error::{Error, ErrorKind};
use crate::parser::{ParseConfig, parse};
use crate::value::Value;

/// A value during evaluation. `iface` marks a value read out of an `interface {}` slot (a map
/// entry, a list element): Go errors when a field is taken of such a slot holding nil, but
/// tolerates nil results of pipelines and variables (which become invalid values).
#[derive(Clone, Debug)]
struct Val {
    v: Value,
    iface: bool,
}

impl Val {
    fn plain(v: Value) -> Val {
        Val { v, iface: false }
    }
}

enum Flow {
    Normal,
    Break,
    Continue,
}

/// Named templates parsed together (every file under its name plus every `define`).
#[derive(Clone, Default, Debug)]
pub struct TemplateSet {
    trees: HashMap<String, Rc<Tree>>,
}

impl TemplateSet {
    /// Parses `source` under `name` and adds it and its `define`s (later definitions replace
    /// earlier ones).
    pub fn add(&mut self, env: &Environment, name: &str, source: &str) -> Result<(), Error> {
        let has = |f: &str| env.has_function(f);
        let cfg = ParseConfig {
            left_delim: &env.options().left_delim,
            right_delim: &env.options().right_delim,
            max_depth: env.options().max_parse_depth,
            has_function: &has,
        };
        let parsed = parse(name, source, &cfg)?;
        self.trees.insert(name.to_string(), Rc::new(parsed.main));
        for d in parsed.defines {
            self.trees.insert(d.name.clone(), Rc::new(d));
        }
        Ok(())
    }

    pub fn has(&self, name: &str) -> bool {
        self.trees.contains_key(name)
    }

    pub fn names(&self) -> Vec<&str> {
        let mut v: Vec<&str> = self.trees.keys().map(String::as_str).collect();
        v.sort();
        v
    }

    /// Executes the named template with `data` as `.` and `$`.
    pub fn execute(&self, env: &Environment, name: &str, data: &Value) -> Result<String, Error> {
        let mut st = State::with_set(env, self);
        st.exec_named(name, data)
    }
}

pub(crate) struct Frame {
    vars: Vec<(String, Val)>,
}

impl<'env> State<'env> {
    pub(crate) fn exec_named(&mut self, name: &str, data: &Value) -> Result<String, Error> {
        let tree = self.set().trees.get(name).cloned().ok_or_else(|| {
            Error::new(
                ErrorKind::NoSuchTemplate,
                format!("template: no template {name:?} associated with template {name:?}"),
            )
        })?;
        if self.depth >= self.env().options().max_template_depth {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "exceeded maximum template depth ({})",
                    self.env().options().max_template_depth
                ),
            ));
        }
        self.depth += 1;
        let mut out = String::new();
        let dot = Val::plain(data.clone());
        let mut frame = Frame {
            vars: vec![("$".into(), dot.clone())],
        };
        let r = self.walk_list(&tree, &tree.root, &dot, &mut frame, &mut out);
        self.depth -= 1;
        r.map(|_| out)
    }

    fn fail(&self, tree: &Tree, span: Span, node: &str, e: Error) -> Error {
        let (line, col) = tree.line_col(span);
        let mut ctx = node.to_string();
        if ctx.len() > 20 {
            let mut cut = 20;
            while !ctx.is_char_boundary(cut) {
                cut -= 1;
            }
            ctx = format!("{}...", &ctx[..cut]);
        }
        e.at(&tree.name, line, col, &tree.name, &ctx)
    }

    fn node_text(tree: &Tree, span: Span, end_hint: &str) -> String {
        let _ = end_hint;
        let rest = &tree.source[span.pos.min(tree.source.len())..];
        let end = rest.find(['}', ' ', '|', ')', '\n']).unwrap_or(rest.len());
        rest[..end].to_string()
    }

    fn walk_list(
        &mut self,
        tree: &Tree,
        nodes: &[Node],
        dot: &Val,
        frame: &mut Frame,
        out: &mut String,
    ) -> Result<Flow, Error> {
        for n in nodes {
            match self.walk(tree, n, dot, frame, out)? {
                Flow::Normal => {}
                f => return Ok(f),
            }
        }
        Ok(Flow::Normal)
    }

    fn write(&self, out: &mut String, s: &str) -> Result<(), Error> {
        if out.len() + s.len() > self.env().options().max_output_bytes {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "output exceeds the limit of {} bytes",
                    self.env().options().max_output_bytes
                ),
            ));
        }
        out.push_str(s);
        Ok(())
    }

    fn walk(
        &mut self,
        tree: &Tree,
        node: &Node,
        dot: &Val,
        frame: &mut Frame,
        out: &mut String,
    ) -> Result<Flow, Error> {
        match node {
            Node::Text(t) => self.write(out, t)?,
            Node::Action(p) => self.walk_action(tree, p, dot, frame, out)?,
            Node::If(b) | Node::With(b) => {
                let mark = frame.vars.len();
                let v = self.pipeline(tree, &b.pipe, dot, frame)?;
                let is_with = matches!(node, Node::With(_));
                let r = if v.v.is_true() {
                    let d = if is_with {
                        Val::plain(v.v)
                    } else {
                        dot.clone()
                    };
                    self.walk_list(tree, &b.body, &d, frame, out)
                } else if let Some(e) = &b.else_body {
                    self.walk_list(tree, e, dot, frame, out)
                } else {
                    Ok(Flow::Normal)
                };
                frame.vars.truncate(mark);
                return r;
            }
            Node::Range(b) => return self.walk_range(tree, b, dot, frame, out),
            Node::Template { span, name, pipe } => {
                self.walk_template(tree, *span, name, pipe.as_ref(), dot, frame, out)?
            }
            Node::Break(_) => return Ok(Flow::Break),
            Node::Continue(_) => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    #[inline(never)]
    fn walk_action(
        &mut self,
        tree: &Tree,
        p: &Pipeline,
        dot: &Val,
        frame: &mut Frame,
        out: &mut String,
    ) -> Result<(), Error> {
        let v = self.pipeline(tree, p, dot, frame)?;
        if p.vars.is_empty() {
            if v.v.is_nil() {
                let nv = self.env().options().no_value_text.clone();
                self.write(out, &nv)?;
            } else {
                let mut s = String::new();
                v.v.format_v(&mut s);
                self.write(out, &s)?;
            }
        }

        Ok(())
    }

    #[inline(never)]
    fn walk_range(
        &mut self,
        tree: &Tree,
        b: &Branch,
        dot: &Val,
        frame: &mut Frame,
        out: &mut String,
    ) -> Result<Flow, Error> {
        let mark = frame.vars.len();
        let v = self.pipeline_value(tree, &b.pipe, dot, frame)?;
        let items: Vec<(Value, Val)> = match &v.v {
            Value::List(l) => l
                .borrow()
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    (
                        Value::Int(i as i64),
                        Val {
                            v: x.clone(),
                            iface: true,
                        },
                    )
                })
                .collect(),
            Value::StringList(_) | Value::Bytes(_) => {
                v.v.items()
                    .unwrap_or_default()
                    .into_iter()
                    .enumerate()
                    .map(|(i, x)| (Value::Int(i as i64), Val::plain(x)))
                    .collect()
            }
            Value::Map(m) => m
                .borrow()
                .iter()
                .map(|(k, x)| {
                    (
                        Value::from(k.as_str()),
                        Val {
                            v: x.clone(),
                            iface: true,
                        },
                    )
                })
                .collect(),
            Value::StringMap(m) => m
                .iter()
                .map(|(k, x)| (Value::from(k.as_str()), Val::plain(Value::from(x.as_str()))))
                .collect(),
            Value::Int(n) | Value::Int64(n) => (0..(*n).max(0))
                .map(|i| (Value::Int(i), Val::plain(Value::Int(i))))
                .collect(),
            Value::Nil => Vec::new(),
            Value::Object(o) if o.range_items().is_some() => o
                .range_items()
                .unwrap_or_default()
                .into_iter()
                .map(|(k, x)| (k, Val::plain(x)))
                .collect(),
            other => {
                let e = Error::new(
                    ErrorKind::Exec,
                    format!("range can't iterate over {}", other.to_v_string()),
                );
                return Err(self.fail(tree, b.span, "range", e));
            }
        };
        if items.is_empty() {
            frame.vars.truncate(mark);
            if let Some(e) = &b.else_body {
                return self.walk_list(tree, e, dot, frame, out);
            }
            return Ok(Flow::Normal);
        }
        for (k, elem) in items {
            frame.vars.truncate(mark);
            match b.pipe.vars.len() {
                1 => frame.vars.push((b.pipe.vars[0].clone(), elem.clone())),
                2 => {
                    frame.vars.push((b.pipe.vars[0].clone(), Val::plain(k)));
                    frame.vars.push((b.pipe.vars[1].clone(), elem.clone()));
                }
                _ => {}
            }
            match self.walk_list(tree, &b.body, &elem, frame, out)? {
                Flow::Break => break,
                Flow::Continue | Flow::Normal => {}
            }
        }
        frame.vars.truncate(mark);

        Ok(Flow::Normal)
    }

    #[inline(never)]
    #[allow(clippy::too_many_arguments)]
    fn walk_template(
        &mut self,
        tree: &Tree,
        span: Span,
        name: &str,
        pipe: Option<&Pipeline>,
        dot: &Val,
        frame: &mut Frame,
        out: &mut String,
    ) -> Result<(), Error> {
        let data = match pipe {
            Some(p) => self.pipeline(tree, p, dot, frame)?.v,
            None => Value::Nil,
        };
        if !self.set().has(name) {
            let e = Error::new(
                ErrorKind::NoSuchTemplate,
                format!("template {name:?} not defined"),
            );
            let ctx = match pipe {
                Some(p) => format!(
                    "{{{{template {name:?} {}}}}}",
                    p.cmds
                        .iter()
                        .map(|c| &*c.text)
                        .collect::<Vec<_>>()
                        .join(" | ")
                ),
                None => format!("{{{{template {name:?}}}}}"),
            };
            return Err(self.fail(tree, span, &ctx, e));
        }
        let s = self.exec_named(name, &data)?;
        self.write(out, &s)?;

        Ok(())
    }

    /// A pipeline as an action or condition: declares/assigns variables, and turns nil into an
    /// invalid value.
    fn pipeline(
        &mut self,
        tree: &Tree,
        p: &Pipeline,
        dot: &Val,
        frame: &mut Frame,
    ) -> Result<Val, Error> {
        let v = self.pipeline_value(tree, p, dot, frame)?;
        if p.vars.len() == 1 {
            if p.is_assign {
                if let Some(slot) = frame.vars.iter_mut().rev().find(|(n, _)| *n == p.vars[0]) {
                    slot.1 = v.clone();
                }
            } else {
                frame.vars.push((p.vars[0].clone(), v.clone()));
            }
        }
        Ok(v)
    }

    fn pipeline_value(
        &mut self,
        tree: &Tree,
        p: &Pipeline,
        dot: &Val,
        frame: &mut Frame,
    ) -> Result<Val, Error> {
        let mut last: Option<Val> = None;
        for c in &p.cmds {
            last = Some(self.command(tree, c, dot, frame, last)?);
        }
        // interface results become their dynamic value (nil → invalid)
        Ok(Val::plain(last.map(|v| v.v).unwrap_or(Value::Nil)))
    }

    fn command(
        &mut self,
        tree: &Tree,
        c: &Command,
        dot: &Val,
        frame: &mut Frame,
        piped: Option<Val>,
    ) -> Result<Val, Error> {
        let first = &c.args[0];
        match first {
            Expr::Ident(_, name) => {
                self.call(tree, c.span, &c.text, name, &c.args[1..], dot, frame, piped)
            }
            Expr::Field(span, chain) if c.args.len() > 1 || piped.is_some() => self.method_chain(
                tree,
                *span,
                dot.clone(),
                chain,
                &c.args[1..],
                dot,
                frame,
                piped,
            ),
            Expr::Variable(span, var, chain)
                if !chain.is_empty() && (c.args.len() > 1 || piped.is_some()) =>
            {
                let recv = self.expr(
                    tree,
                    &Expr::Variable(*span, var.clone(), vec![]),
                    dot,
                    frame,
                )?;
                self.method_chain(tree, *span, recv, chain, &c.args[1..], dot, frame, piped)
            }
            _ => {
                if c.args.len() > 1 || piped.is_some() {
                    let txt = Self::node_text(tree, first.span(), "");
                    let e = Error::new(
                        ErrorKind::Exec,
                        format!("can't give argument to non-function {txt}"),
                    );
                    return Err(self.fail(tree, first.span(), &txt, e));
                }
                self.expr(tree, first, dot, frame)
            }
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn method_chain(
        &mut self,
        tree: &Tree,
        span: Span,
        recv: Val,
        chain: &[String],
        args: &[Expr],
        dot: &Val,
        frame: &mut Frame,
        piped: Option<Val>,
    ) -> Result<Val, Error> {
        let mut cur = recv;
        let txt = format!(".{}", chain.join("."));
        for f in &chain[..chain.len() - 1] {
            cur = self.field(tree, span, &txt, cur, f)?;
        }
        let name = &chain[chain.len() - 1];
        let mut argv = Vec::new();
        for a in args {
            argv.push(self.expr(tree, a, dot, frame)?.v);
        }
        if let Some(p) = piped {
            argv.push(p.v);
        }
        if let Value::Object(o) = &cur.v
            && o.has_method(name)
        {
            return o.call_method(name, &argv).map(Val::plain).map_err(|e| {
                self.fail(
                    tree,
                    span,
                    &txt,
                    Error::new(
                        ErrorKind::Exec,
                        format!("error calling {name}: {}", e.message()),
                    ),
                )
            });
        }
        let e = Error::new(
            ErrorKind::Exec,
            format!("{name} has arguments but cannot be invoked as function"),
        );
        Err(self.fail(tree, span, &txt, e))
    }

    fn field(
        &mut self,
        tree: &Tree,
        span: Span,
        txt: &str,
        recv: Val,
        name: &str,
    ) -> Result<Val, Error> {
        let err =
            |st: &Self, msg: String| st.fail(tree, span, txt, Error::new(ErrorKind::Exec, msg));
        match &recv.v {
            Value::Nil if recv.iface => Err(err(
                self,
                format!("nil pointer evaluating interface {{}}.{name}"),
            )),
            Value::Nil => Ok(Val::plain(Value::Nil)),
            // a method of a named map type first, as Go resolves methods before keys
            Value::Map(m) => match self.env().map_method().and_then(|f| f(m, name)) {
                Some(r) => r
                    .map(Val::plain)
                    .map_err(|e| err(self, format!("error calling {name}: {}", e.message()))),
                None => self.map_key(tree, span, txt, m, name),
            },
            Value::StringMap(m) => Ok(Val::plain(Value::from(
                m.get(name).cloned().unwrap_or_default(),
            ))),
            Value::Object(o) => {
                if o.has_method(name) {
                    return o
                        .call_method(name, &[])
                        .map(Val::plain)
                        .map_err(|e| err(self, format!("error calling {name}: {}", e.message())));
                }
                match o.get_field(name) {
                    Some(v) => Ok(Val::plain(v)),
                    None => Err(err(
                        self,
                        format!("can't evaluate field {name} in type {}", o.go_type_name()),
                    )),
                }
            }
            other => Err(err(
                self,
                format!("can't evaluate field {name} in type {}", other.type_name()),
            )),
        }
    }

    fn map_key(
        &mut self,
        tree: &Tree,
        span: Span,
        txt: &str,
        m: &crate::Map,
        name: &str,
    ) -> Result<Val, Error> {
        let err =
            |st: &Self, msg: String| st.fail(tree, span, txt, Error::new(ErrorKind::Exec, msg));
        match m.borrow().get(name) {
            Some(v) => Ok(Val {
                v: v.clone(),
                iface: true,
            }),
            None => match self.env().options().missing_key {
                MissingKey::Zero => Ok(Val {
                    v: Value::Nil,
                    iface: true,
                }),
                MissingKey::Error => Err(err(self, format!("map has no entry for key {name:?}"))),
            },
        }
    }

    fn expr(&mut self, tree: &Tree, e: &Expr, dot: &Val, frame: &mut Frame) -> Result<Val, Error> {
        match e {
            Expr::Dot(_) => Ok(dot.clone()),
            Expr::Field(span, chain) => {
                let txt = format!(".{}", chain.join("."));
                let mut cur = dot.clone();
                for f in chain {
                    cur = self.field(tree, *span, &txt, cur, f)?;
                }
                Ok(cur)
            }
            Expr::Variable(span, name, chain) => {
                let mut cur = frame
                    .vars
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone())
                    .ok_or_else(|| {
                        self.fail(
                            tree,
                            *span,
                            name,
                            Error::new(ErrorKind::Exec, format!("undefined variable: {name}")),
                        )
                    })?;
                let txt = format!(
                    "{name}{}",
                    chain.iter().map(|c| format!(".{c}")).collect::<String>()
                );
                for f in chain {
                    cur = self.field(tree, *span, &txt, cur, f)?;
                }
                Ok(cur)
            }
            Expr::Chain(span, base, chain) => {
                let mut cur = self.expr(tree, base, dot, frame)?;
                cur.iface = false;
                let start = base.span().pos.min(span.pos);
                let txt = format!(
                    "{}.{}",
                    tree.source.get(start..span.pos).unwrap_or(""),
                    chain.join(".")
                );
                for f in chain {
                    cur = self.field(tree, *span, &txt, cur, f)?;
                }
                Ok(cur)
            }
            Expr::Pipe(_, p) => {
                let v = self.pipeline(tree, p, dot, frame)?;
                Ok(v)
            }
            Expr::Ident(span, name) => self.call(tree, *span, name, name, &[], dot, frame, None),
            Expr::Str(_, s) => Ok(Val::plain(Value::String(s.clone()))),
            Expr::Number(_, Number::Int(i)) => Ok(Val::plain(Value::Int(*i))),
            Expr::Number(_, Number::Float(f)) => Ok(Val::plain(Value::Float64(*f))),
            Expr::Bool(_, b) => Ok(Val::plain(Value::Bool(*b))),
            Expr::Nil(_) => Ok(Val::plain(Value::Nil)),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn call(
        &mut self,
        tree: &Tree,
        span: Span,
        ctx: &str,
        name: &str,
        args: &[Expr],
        dot: &Val,
        frame: &mut Frame,
        piped: Option<Val>,
    ) -> Result<Val, Error> {
        // Go wraps every function error, including one coming out of a nested execution
        // (`include`), as `error calling NAME: ERR` at this call's position.
        let wrap = |st: &Self, e: Error| {
            let inner = if e.template_name().is_some() {
                e.to_string()
            } else {
                e.message().to_string()
            };
            let kind = if e.kind() == ErrorKind::Limit {
                ErrorKind::Limit
            } else {
                ErrorKind::Exec
            };
            st.fail(
                tree,
                span,
                ctx,
                Error::new(kind, format!("error calling {name}: {inner}")),
            )
        };
        // short-circuit builtins
        if name == "and" || name == "or" {
            let total = args.len() + piped.is_some() as usize;
            if total == 0 {
                return Err(self.fail(
                    tree,
                    span,
                    name,
                    Error::new(
                        ErrorKind::Exec,
                        format!("wrong number of args for {name}: want at least 1 got 0"),
                    ),
                ));
            }
            let mut last = Val::plain(Value::Nil);
            for a in args {
                last = self.expr(tree, a, dot, frame)?;
                let t = last.v.is_true();
                if (name == "and" && !t) || (name == "or" && t) {
                    return Ok(last);
                }
            }
            if let Some(p) = piped {
                last = p;
            }
            return Ok(last);
        }
        let sig = self.env().get_signature(name).cloned();
        if let Some(sig) = &sig {
            let total = args.len() + piped.is_some() as usize;
            let want = sig.params.len();
            let msg = match sig.variadic {
                Some(_) if total < want => Some(format!(
                    "wrong number of args for {name}: want at least {want} got {total}"
                )),
                None if total != want => Some(format!(
                    "wrong number of args for {name}: want {want} got {total}"
                )),
                _ => None,
            };
            if let Some(msg) = msg {
                return Err(self.fail(tree, span, name, Error::new(ErrorKind::Exec, msg)));
            }
        }
        let param = |i: usize| {
            sig.as_ref()
                .and_then(|s| s.params.get(i).copied().or(s.variadic))
                .unwrap_or(ArgType::Any)
        };
        let mut argv = Vec::with_capacity(args.len() + 1);
        for (i, a) in args.iter().enumerate() {
            let v = match param(i) {
                ArgType::Any => self.expr(tree, a, dot, frame)?.v,
                ty => self.typed_arg(tree, a, ty, dot, frame)?,
            };
            argv.push(v);
        }
        if let Some(p) = piped {
            let v = check_value(p, param(args.len()))
                .map_err(|m| self.fail(tree, span, name, Error::new(ErrorKind::Exec, m)))?;
            argv.push(v);
        }
        let registered = self.env().get_function(name).cloned();
        if registered.is_none()
            && let Some(r) = crate::builtins::call_builtin(name, &argv)
        {
            return r.map(Val::plain).map_err(|e| wrap(self, e));
        }
        let f = registered.ok_or_else(|| {
            self.fail(
                tree,
                span,
                name,
                Error::new(
                    ErrorKind::Exec,
                    format!("{name:?} is not a defined function"),
                ),
            )
        })?;
        f(self, &argv).map(Val::plain).map_err(|e| wrap(self, e))
    }

    /// Go's `evalArg` for a parameter of type `ty`: literals must fit the type, other
    /// expressions are evaluated and their value checked.
    fn typed_arg(
        &mut self,
        tree: &Tree,
        a: &Expr,
        ty: ArgType,
        dot: &Val,
        frame: &mut Frame,
    ) -> Result<Value, Error> {
        let text = match a {
            Expr::Str(_, s) => crate::printf::go_quote(s),
            Expr::Nil(_) => "nil".to_string(),
            _ => Self::node_text(tree, a.span(), ""),
        };
        let fail = |st: &Self, msg: String| {
            st.fail(tree, a.span(), &text, Error::new(ErrorKind::Exec, msg))
        };
        let mismatch = |st: &Self| {
            let msg = match ty {
                ArgType::String => format!("expected string; found {text}"),
                ArgType::Int | ArgType::Int64 => format!("expected integer; found {text}"),
                ArgType::Float64 => format!("expected float; found {text}"),
                ArgType::Bool => format!("expected bool; found {text}"),
                _ => format!("can't handle {text} for arg of type {}", ty.go_name()),
            };
            Err(fail(st, msg))
        };
        match (a, ty) {
            (Expr::Nil(_), _) if ty.can_be_nil() => Ok(Value::Nil),
            (Expr::Nil(_), _) => Err(fail(self, format!("cannot assign nil to {}", ty.go_name()))),
            (Expr::Str(_, s), ArgType::String) => Ok(Value::String(s.clone())),
            (Expr::Number(_, Number::Int(i)), ArgType::Int) => Ok(Value::Int(*i)),
            (Expr::Number(_, Number::Int(i)), ArgType::Int64) => Ok(Value::Int64(*i)),
            (Expr::Number(_, Number::Int(i)), ArgType::Float64) => Ok(Value::Float64(*i as f64)),
            (Expr::Number(_, Number::Float(f)), ArgType::Float64) => Ok(Value::Float64(*f)),
            (Expr::Bool(_, b), ArgType::Bool) => Ok(Value::Bool(*b)),
            (Expr::Str(..) | Expr::Number(..) | Expr::Bool(..), _) => mismatch(self),
            _ => {
                let v = self.expr(tree, a, dot, frame)?;
                check_value(v, ty).map_err(|m| fail(self, m))
            }
        }
    }
}

/// Go's `validateType`: the value must have the parameter's type; a nil read out of an
/// `interface {}` slot has type `interface {}`, any other nil is an invalid value.
fn check_value(v: Val, ty: ArgType) -> Result<Value, String> {
    let want = ty.go_name();
    match &v.v {
        _ if ty == ArgType::Any => Ok(v.v),
        Value::Nil if v.iface => Err(format!(
            "wrong type for value; expected {want}; got interface {{}}"
        )),
        Value::Nil if ty.can_be_nil() => Ok(Value::Nil),
        Value::Nil => Err(format!("invalid value; expected {want}")),
        val if val.type_name() == want => Ok(v.v),
        val => Err(format!(
            "wrong type for value; expected {want}; got {}",
            val.type_name()
        )),
    }
}
