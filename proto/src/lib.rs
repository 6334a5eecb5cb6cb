//! tfplugin-proto
