//! Content loading (stub: filled in by the core stage).
