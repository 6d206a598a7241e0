//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;

use nv_core::preset::{self, Preset};
use nv_core::{Mode, World};

/// Parses a preset from RON text, panicking with the error (tests only).
pub fn preset(text: &str) -> Preset {
    match preset::from_str(text, "<test>") {
        Ok(p) => p,
        Err(e) => panic!("test preset does not load: {e}"),
    }
}

/// Builds a world from RON text.
pub fn world(text: &str, mode: Mode) -> World {
    match World::new(preset(text), mode, Path::new(".")) {
        Ok(w) => w,
        Err(e) => panic!("test world does not build: {e}"),
    }
}

/// Asserts the world's invariants hold.
pub fn check(w: &World) {
    let bad = w.check();
    assert!(bad.is_empty(), "invariants violated at step {}: {bad:?}", w.step);
}

/// Mesa wants an `XDG_RUNTIME_DIR` with mode 0700. `std::env::set_var` is `unsafe` in edition
/// 2024 (and `unsafe` is denied here), so when it is unset the test reruns itself in a child
/// process that has one. Returns `true` when the child ran (and passed).
pub fn rerun_with_xdg_runtime_dir(test: &str) -> bool {
    if std::env::var_os("XDG_RUNTIME_DIR").is_some() {
        return false;
    }
    let dir = std::env::temp_dir().join(format!("nv_core-xdg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("create XDG_RUNTIME_DIR");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o700))
            .expect("chmod 0700 XDG_RUNTIME_DIR");
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let status = std::process::Command::new(exe)
        .args([test, "--exact", "--include-ignored", "--nocapture", "--test-threads=1"])
        .env("XDG_RUNTIME_DIR", &dir)
        .status()
        .expect("rerun the test binary");
    let _ = std::fs::remove_dir(&dir);
    assert!(status.success(), "{test} failed in the child process (XDG_RUNTIME_DIR set)");
    true
}

/// The GPU context for test `test`, or `None` when the test should return at once: it ran in
/// a child process with an `XDG_RUNTIME_DIR` (see [`rerun_with_xdg_runtime_dir`]), or there is
/// no adapter and `CI` is not `true` (a notice is printed). With `CI=true` a missing adapter
/// fails the test.
pub fn gpu_context(test: &str) -> Option<nv_core::gpu::GpuContext> {
    if rerun_with_xdg_runtime_dir(test) {
        return None;
    }
    match nv_core::gpu::GpuContext::new_blocking() {
        Ok(ctx) => {
            println!("GPU adapter: {}", ctx.adapter_name());
            Some(ctx)
        }
        Err(e) => {
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("CI=true requires a GPU adapter (Mesa lavapipe): {e}");
            }
            println!("no GPU adapter: skipped ({e})");
            None
        }
    }
}

/// Whether the device computes f32 as the CPU twins do, operation for operation: Mesa's
/// llvmpipe (lavapipe, which CI uses) rounds every `+`, `-`, `*`, `/` and `sqrt` correctly and
/// fuses no multiply-add, so there the GPU engine must give the CPU's bits (see
/// `shaders/README.md`). Other GPUs may fuse multiply-adds; there the stated tolerances apply.
pub fn rounds_like_the_cpu(ctx: &nv_core::gpu::GpuContext) -> bool {
    ctx.info.name.contains("llvmpipe")
}

/// A mixed world for determinism and parity tests: content-dependent docking, payload fade, a
/// cascade, a fixed lifetime, three release kinds and a density-coupled kernel, with the
/// population capped at `capacity` vesicles.
#[allow(dead_code)]
pub fn mixed_preset(capacity: u64) -> String {
    format!(
        r#"(
    format: 1, name: "mixed", seed: 77, dt: 0.1, capacity: {capacity},
    host: Graph((graph: WattsStrogatz(n: 200, k: 3, p: 0.2),
                 stimuli: [(nodes: Range(0, 20), wave: Poisson(rate: 5.0, amplitude: 1.0))])),
    pathway: (tau: Some(5.0)),
    species: [
        (
            name: "a",
            emission: (trigger: Activity, rate: 200.0, slope: 4.0, threshold: 0.5),
            lifetime: (mean: 3.0),
            kernel: (mobility: 2.0, direction: Both, alpha_pathway: 0.3, alpha_density: -0.01,
                     density_species: Some("b")),
            docking: (rate: 0.5, gain: 3.0, threshold: 0.2),
            absorption: 0.5,
            payload_fade: Some(4.0),
            releases: [Gain((eta: 0.01)), EmissionGain(species: "b", amount: (eta: 0.02)),
                       Cascade(species: "b", chi: 0.3)],
        ),
        (
            name: "b",
            emission: (trigger: Activity, rate: 20.0),
            lifetime: (law: Fixed, mean: 1.5),
            kernel: (mobility: 1.0, direction: Both, alpha_density: 0.05),
            releases: [Shift((eta: -0.01)), Memory(Fixed(0.2)), Weight((eta: 0.001))],
        ),
    ],
)"#
    )
}
