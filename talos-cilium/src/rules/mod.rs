//! The rules catalog (reserved): one file per rule, each with a stable code,
//! its facts with version ranges and sources, and tests. Rules produce
//! [`crate::Finding`]s. Nothing is implemented yet.
