//! Ctrl-C (SIGINT) and SIGTERM during `nvlab run`: the first asks the run to stop after the
//! step it is taking (it then flushes its files and writes `summary.json` with
//! `"interrupted": true`); a second one ends the process at once (exit 130).

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

/// Installs the handler and returns the flag it raises. When a handler cannot be installed
/// (one already is), the flag is returned all the same and never raised.
pub fn install() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let raised = flag.clone();
    let installed = ctrlc::set_handler(move || {
        if raised.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    if let Err(e) = installed {
        eprintln!("warning: Ctrl-C will end the run without its summary: {e}");
    }
    flag
}
