//! acceptance-tests
