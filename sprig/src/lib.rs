//! sprig
