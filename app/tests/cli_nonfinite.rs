//! `nvlab run` on a preset whose state goes non-finite: it stops at the step that made the
//! NaN or infinity, exits 1 and names the quantity, its node, the step and the likely cause.

use std::path::{Path, PathBuf};
use std::process::Command;

#[test]
fn a_run_that_meets_a_nan_stops_with_the_cause() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_nonfinite");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("the test folder can be made");
    let text = std::fs::read_to_string(root.join("presets/spiral_film.ron")).expect("shipped");
    let preset = dir.join("runaway.ron");
    let runaway = text.replace("LearningRate((eta: 0.01,", "LearningRate((eta: 100.0,");
    std::fs::write(&preset, runaway).expect("written");
    let out = Command::new(env!("CARGO_BIN_EXE_nvlab"))
        .args(["run", preset.to_str().expect("utf8"), "--steps", "200", "--quiet", "--out"])
        .arg(dir.join("out"))
        .output()
        .expect("runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("the run stopped: step"), "{stderr}");
    assert!(stderr.contains("lr_mult") && stderr.contains("at node"), "{stderr}");
    assert!(stderr.contains("LearningRate release") && stderr.contains("η = 100"), "{stderr}");
    // The files up to the step before are kept, and summary.json says why the run stopped.
    let summary = std::fs::read_to_string(dir.join("out/summary.json")).expect("summary.json");
    let summary: serde_json::Value = serde_json::from_str(&summary).expect("json");
    assert!(summary["stopped"].as_str().is_some_and(|s| s.contains("lr_mult")), "{summary}");
    assert_eq!(summary["interrupted"], false);
}
