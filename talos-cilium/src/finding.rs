//! Problems and findings: errors and advice as data.

/// A problem with the input of a generator: the provider maps `field` (the
/// input attribute name) and `index` (list element) to an attribute path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// Input field name as in the resource schema, e.g. "kubeprism_port".
    pub field: &'static str,
    /// Element of a list field, when the problem is about one element.
    pub index: Option<usize>,
    pub summary: String,
    /// What is wrong and how to fix it.
    pub detail: String,
}

impl Problem {
    pub fn new(field: &'static str, summary: impl Into<String>, detail: impl Into<String>) -> Self {
        Problem {
            field,
            index: None,
            summary: summary.into(),
            detail: detail.into(),
        }
    }
    pub fn at(mut self, index: usize) -> Self {
        self.index = Some(index);
        self
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.index {
            Some(i) => write!(
                f,
                "{}[{}]: {}: {}",
                self.field, i, self.summary, self.detail
            ),
            None => write!(f, "{}: {}: {}", self.field, self.summary, self.detail),
        }
    }
}

/// Severity of a rules-catalog finding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

/// A finding of the rules catalog (see [`crate::rules`]): a stable `code`,
/// and a `path` naming where the problem is (e.g. `values[1].cgroup.autoMount.enabled`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub code: &'static str,
    pub severity: Severity,
    pub summary: String,
    pub detail: String,
    pub path: String,
}
