//! Errors with Go's message shapes and source positions.

use std::fmt;

/// What went wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// Lexing or parsing failed: `template: NAME:LINE: MESSAGE`.
    Syntax,
    /// Execution failed: `template: NAME:LINE:COL: executing "NAME" at <NODE>: MESSAGE`.
    Exec,
    /// A function or method returned an error; the engine wraps it as
    /// `error calling NAME: MESSAGE` and turns it into an `Exec` error with a position.
    Function,
    /// A configured limit (recursion depth, output size, parse nesting) was exceeded.
    Limit,
    /// No template of that name in the set.
    NoSuchTemplate,
    /// A feature the engine does not provide (yet).
    Unsupported,
}

/// An engine error. `Display` prints the message as Go's `text/template` formats it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    kind: ErrorKind,
    message: String,
    /// Name of the template being parsed or executed.
    template: Option<String>,
    /// 1-based line and (exec only) 1-based byte column of the failing node.
    line: usize,
    col: usize,
    /// Source text of the failing node, as Go prints it after `at <...>`.
    node: Option<String>,
    /// Name of the template executing (the `executing "NAME"` part).
    executing: Option<String>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Error {
        Error {
            kind,
            message: message.into(),
            template: None,
            line: 0,
            col: 0,
            node: None,
            executing: None,
        }
    }

    /// The error a registered function returns; the engine adds `error calling NAME: `.
    pub fn function(message: impl Into<String>) -> Error {
        Error::new(ErrorKind::Function, message)
    }

    pub fn syntax(template: &str, line: usize, message: impl Into<String>) -> Error {
        let mut e = Error::new(ErrorKind::Syntax, message);
        e.template = Some(template.to_string());
        e.line = line;
        e
    }

    /// Attaches an execution position (only the first, innermost, position is kept).
    pub fn at(
        mut self,
        template: &str,
        line: usize,
        col: usize,
        executing: &str,
        node: &str,
    ) -> Error {
        if self.template.is_none() {
            self.template = Some(template.to_string());
            self.line = line;
            self.col = col;
            self.executing = Some(executing.to_string());
            self.node = Some(node.to_string());
            if self.kind == ErrorKind::Function {
                self.kind = ErrorKind::Exec;
            }
        }
        self
    }

    pub fn kind(&self) -> ErrorKind {
        self.kind
    }

    /// The bare message, without position.
    pub fn message(&self) -> &str {
        &self.message
    }

    /// Template name of the position, if any.
    pub fn template_name(&self) -> Option<&str> {
        self.template.as_deref()
    }

    /// 1-based line of the position (0 when unknown).
    pub fn line(&self) -> usize {
        self.line
    }

    /// 1-based column of the position (0 when unknown or for syntax errors).
    pub fn col(&self) -> usize {
        self.col
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.template, &self.executing, &self.node) {
            (Some(t), Some(ex), Some(node)) => write!(
                f,
                "template: {}:{}:{}: executing {:?} at <{}>: {}",
                t, self.line, self.col, ex, node, self.message
            ),
            (Some(t), _, _) if self.kind == ErrorKind::Syntax => {
                write!(f, "template: {}:{}: {}", t, self.line, self.message)
            }
            _ => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_shapes() {
        let e = Error::new(ErrorKind::Exec, "nil pointer evaluating interface {}.y").at(
            "chart/templates/a.yaml",
            3,
            12,
            "chart/templates/a.yaml",
            ".Values.x.y",
        );
        assert_eq!(
            e.to_string(),
            "template: chart/templates/a.yaml:3:12: executing \"chart/templates/a.yaml\" at <.Values.x.y>: nil pointer evaluating interface {}.y"
        );
        let s = Error::syntax("t", 2, "unexpected \"}\" in operand");
        assert_eq!(s.to_string(), "template: t:2: unexpected \"}\" in operand");
    }
}
