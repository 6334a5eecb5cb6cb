//! The sprig v3 function library (the set Helm exposes to chart templates), over the
//! `gotmpl` value model.
//!
//! Non-deterministic functions draw from an injected [`generator::Generator`]; see the
//! crate README for the replay design.

pub mod cast;
pub mod duration;
pub mod funcs;
pub mod generator;
pub mod json;
pub mod layout;
pub mod pki;
pub mod semver;
pub mod text;
pub mod time;
pub mod value;

pub use generator::{
    Charset, Clock, DefaultGenerator, FixedClock, Generator, OsSource, RandomSource, Record,
    Replay, SeededSource, SystemClock,
};
pub use pki::CertPair;
pub use time::Timestamp;
