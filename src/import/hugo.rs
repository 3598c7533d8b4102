//! Hugo: not imported yet.

use std::path::Path;

use super::Imported;
use crate::diagnostics::Diagnostic;

pub fn import(src: &Path) -> Result<Imported, Vec<Diagnostic>> {
    Err(vec![Diagnostic::error(
        src,
        "importing Hugo is not supported yet",
    )])
}
