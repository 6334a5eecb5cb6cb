//! Attribute paths: where in a value a diagnostic applies.

use std::fmt;

/// One step of an [`AttributePath`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PathStep {
    /// An object attribute (`.name`).
    Attribute(String),
    /// A map element (`["key"]`).
    ElementKeyString(String),
    /// A list or tuple element (`[3]`).
    ElementKeyInt(i64),
}

/// A path into a value, e.g. `.nodes[2].address`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct AttributePath {
    /// The steps from the root value.
    pub steps: Vec<PathStep>,
}

impl AttributePath {
    /// The empty path (the root value).
    pub fn root() -> Self {
        Self::default()
    }

    /// A path consisting of one attribute step.
    pub fn attr(name: impl Into<String>) -> Self {
        Self {
            steps: vec![PathStep::Attribute(name.into())],
        }
    }

    /// This path extended by an attribute step.
    #[must_use]
    pub fn join_attr(&self, name: impl Into<String>) -> Self {
        let mut p = self.clone();
        p.steps.push(PathStep::Attribute(name.into()));
        p
    }

    /// This path extended by a list/tuple index step.
    #[must_use]
    pub fn join_index(&self, index: i64) -> Self {
        let mut p = self.clone();
        p.steps.push(PathStep::ElementKeyInt(index));
        p
    }

    /// This path extended by a map key step.
    #[must_use]
    pub fn join_key(&self, key: impl Into<String>) -> Self {
        let mut p = self.clone();
        p.steps.push(PathStep::ElementKeyString(key.into()));
        p
    }

    /// Whether this is the root path.
    pub fn is_root(&self) -> bool {
        self.steps.is_empty()
    }
}

impl fmt::Display for AttributePath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.steps.is_empty() {
            return f.write_str("(root)");
        }
        for s in &self.steps {
            match s {
                PathStep::Attribute(a) => write!(f, ".{a}")?,
                PathStep::ElementKeyString(k) => write!(f, "[{k:?}]")?,
                PathStep::ElementKeyInt(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

impl From<&AttributePath> for tfplugin_proto::tfplugin6::AttributePath {
    fn from(p: &AttributePath) -> Self {
        use tfplugin_proto::tfplugin6::attribute_path::{Step, step::Selector};
        Self {
            steps: p
                .steps
                .iter()
                .map(|s| Step {
                    selector: Some(match s {
                        PathStep::Attribute(a) => Selector::AttributeName(a.clone()),
                        PathStep::ElementKeyString(k) => Selector::ElementKeyString(k.clone()),
                        PathStep::ElementKeyInt(i) => Selector::ElementKeyInt(*i),
                    }),
                })
                .collect(),
        }
    }
}

impl From<&tfplugin_proto::tfplugin6::AttributePath> for AttributePath {
    fn from(p: &tfplugin_proto::tfplugin6::AttributePath) -> Self {
        use tfplugin_proto::tfplugin6::attribute_path::step::Selector;
        Self {
            steps: p
                .steps
                .iter()
                .filter_map(|s| {
                    s.selector.as_ref().map(|sel| match sel {
                        Selector::AttributeName(a) => PathStep::Attribute(a.clone()),
                        Selector::ElementKeyString(k) => PathStep::ElementKeyString(k.clone()),
                        Selector::ElementKeyInt(i) => PathStep::ElementKeyInt(*i),
                    })
                })
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display() {
        let p = AttributePath::attr("nodes")
            .join_index(2)
            .join_attr("address");
        assert_eq!(p.to_string(), ".nodes[2].address");
        assert_eq!(
            AttributePath::attr("m").join_key("k").to_string(),
            ".m[\"k\"]"
        );
        assert_eq!(AttributePath::root().to_string(), "(root)");
    }

    #[test]
    fn proto_round_trip() {
        let p = AttributePath::attr("a").join_key("b").join_index(-1);
        let wire: tfplugin_proto::tfplugin6::AttributePath = (&p).into();
        assert_eq!(AttributePath::from(&wire), p);
    }
}
