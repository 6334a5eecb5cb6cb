//! Diagnostics with attribute paths.

use std::fmt;

/// One step of an attribute path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// An object attribute (or nested block) by name.
    Attr(String),
    /// A map element by key.
    Key(String),
    /// A list or tuple element by index.
    Index(i64),
}

/// Where in a configuration a diagnostic points, e.g. `pod_subnets[1]`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttributePath(pub Vec<Step>);

impl AttributePath {
    /// A path to a top-level attribute.
    pub fn attr(name: &str) -> Self {
        AttributePath(vec![Step::Attr(name.to_string())])
    }
    /// This path extended by an attribute.
    pub fn then_attr(mut self, name: &str) -> Self {
        self.0.push(Step::Attr(name.to_string()));
        self
    }
    /// This path extended by a list index.
    pub fn then_index(mut self, i: usize) -> Self {
        self.0.push(Step::Index(i as i64));
        self
    }
    /// This path extended by a map key.
    pub fn then_key(mut self, k: &str) -> Self {
        self.0.push(Step::Key(k.to_string()));
        self
    }
    pub(crate) fn push(&mut self, s: Step) {
        self.0.push(s);
    }
    pub(crate) fn pop(&mut self) {
        self.0.pop();
    }
    pub(crate) fn to_proto(&self) -> tfplugin_proto::tfplugin6::AttributePath {
        use tfplugin_proto::tfplugin6::attribute_path::{Step as PStep, step::Selector};
        tfplugin_proto::tfplugin6::AttributePath {
            steps: self
                .0
                .iter()
                .map(|s| PStep {
                    selector: Some(match s {
                        Step::Attr(a) => Selector::AttributeName(a.clone()),
                        Step::Key(k) => Selector::ElementKeyString(k.clone()),
                        Step::Index(i) => Selector::ElementKeyInt(*i),
                    }),
                })
                .collect(),
        }
    }
}

impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(root)");
        }
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Step::Attr(a) if i == 0 => write!(f, "{a}")?,
                Step::Attr(a) => write!(f, ".{a}")?,
                Step::Key(k) => write!(f, "[{k:?}]")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    Error,
    Warning,
}

/// A problem reported to Terraform: an error stops the operation, a warning is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    pub path: Option<AttributePath>,
}

impl Diagnostic {
    pub fn error(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            summary: summary.into(),
            detail: detail.into(),
            path: None,
        }
    }
    pub fn warning(summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            summary: summary.into(),
            detail: detail.into(),
            path: None,
        }
    }
    /// Attaches an attribute path.
    pub fn at(mut self, path: AttributePath) -> Self {
        self.path = Some(path);
        self
    }
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
    pub(crate) fn to_proto(&self) -> tfplugin_proto::tfplugin6::Diagnostic {
        use tfplugin_proto::tfplugin6::diagnostic::Severity as PS;
        tfplugin_proto::tfplugin6::Diagnostic {
            severity: match self.severity {
                Severity::Error => PS::Error as i32,
                Severity::Warning => PS::Warning as i32,
            },
            summary: self.summary.clone(),
            detail: self.detail.clone(),
            attribute: self.path.as_ref().map(AttributePath::to_proto),
        }
    }
}

/// A list of diagnostics.
pub type Diagnostics = Vec<Diagnostic>;

/// True when any diagnostic is an error.
pub fn has_errors(d: &[Diagnostic]) -> bool {
    d.iter().any(Diagnostic::is_error)
}
