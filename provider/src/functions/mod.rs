//! Provider functions, one file each.
pub mod config_format;
