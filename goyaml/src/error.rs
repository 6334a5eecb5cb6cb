//! Errors with go-yaml / encoding/json message text plus our own position.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// YAML syntax (scanner/parser) error.
    Syntax,
    /// Well-formed YAML that go-yaml v2 refuses to decode (bad tag value, bad merge, ...).
    Decode,
    /// Conversion to JSON failed (`.inf`, `.nan`, null map key, ...).
    Json,
    /// One of our explicit limits was hit (size, depth, alias expansion).
    Limit,
    /// The top-level value has the wrong shape (e.g. a list where values must be a map).
    Shape,
}

/// An error reading or writing YAML/JSON.
///
/// [`Error::go_message`] is the text Go's libraries produce (for example
/// `yaml: line 3: mapping values are not allowed in this context`); `Display` appends the
/// exact position (`at line L, column C`) when it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub kind: ErrorKind,
    message: String,
    /// 1-based line of the problem, if known.
    pub line: Option<usize>,
    /// 1-based column (in characters) of the problem, if known.
    pub column: Option<usize>,
}

impl Error {
    pub(crate) fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: message.into(),
            line: None,
            column: None,
        }
    }

    pub(crate) fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// The message as Go prints it.
    pub fn go_message(&self) -> &str {
        &self.message
    }

    /// The message as Helm prints it when reading values or `fromYaml` input
    /// (sigs.k8s.io/yaml wraps everything in `error converting YAML to JSON: `).
    pub fn helm_message(&self) -> String {
        match self.kind {
            ErrorKind::Shape => format!("error unmarshaling JSON: {}", self.message),
            _ => format!("error converting YAML to JSON: {}", self.message),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, " (at line {l}, column {c})")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}
