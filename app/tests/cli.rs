//! The `nvlab` command line, end to end: the files `run` writes, exit codes and messages.

use std::path::{Path, PathBuf};
use std::process::Command;

fn nvlab() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_nvlab"));
    c.current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."));
    c
}

fn tmp(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run_ok(args: &[&str]) -> String {
    let out = nvlab().args(args).output().expect("runs");
    assert!(
        out.status.success(),
        "nvlab {args:?} failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn run_writes_every_file_with_its_header() {
    let dir = tmp("run_tiny");
    let d = dir.to_str().expect("utf8");
    run_ok(&["run", "tiny_chain", "--steps", "50", "--every", "10", "--out", d, "--quiet"]);
    let header = |f: &str| read(&dir.join(f)).lines().next().unwrap_or_default().to_string();
    assert_eq!(header("timeseries.csv"), "step,species,free,emitted,docked,absorbed,died,dropped");
    assert_eq!(header("host.csv"), "step,loss,accuracy");
    assert_eq!(
        header("nodes.csv"),
        "step,node,species,count,density,gain,shift,lr_mult,memory_norm"
    );
    assert_eq!(header("edges.csv"), "src,dst,weight,pathway");
    assert_eq!(header("cascades.csv"), "cascade,root_species,size,depth,duration");
    // 50 steps, one species: 50 rows; nodes every 10 steps: 5 snapshots of 5 nodes.
    assert_eq!(read(&dir.join("timeseries.csv")).lines().count(), 51);
    assert_eq!(read(&dir.join("nodes.csv")).lines().count(), 1 + 5 * 5);
    let summary: serde_json::Value =
        serde_json::from_str(&read(&dir.join("summary.json"))).expect("json");
    assert_eq!(summary["steps"], 50);
    assert_eq!(summary["mode"], "particle");
    assert_eq!(summary["seed"], 1);
    assert_eq!(summary["totals"][0]["species"], "pulse");
    let graph: serde_json::Value =
        serde_json::from_str(&read(&dir.join("graph.json"))).expect("json");
    assert_eq!(graph["nodes"].as_array().map(Vec::len), Some(5));
    assert_eq!(graph["edges"].as_array().map(Vec::len), Some(4));
    assert_eq!(graph["nodes"][0]["role"], "input");
}

#[test]
fn same_files_on_one_and_two_threads() {
    let (a, b) = (tmp("threads1"), tmp("threads2"));
    for (dir, t) in [(&a, "1"), (&b, "2")] {
        let d = dir.to_str().expect("utf8");
        run_ok(&["run", "tiny_chain", "--steps", "200", "--threads", t, "--out", d, "-q"]);
    }
    for f in ["timeseries.csv", "nodes.csv", "edges.csv", "cascades.csv"] {
        assert_eq!(read(&a.join(f)), read(&b.join(f)), "{f} differs between thread counts");
    }
}

#[test]
fn twin_and_density_modes() {
    let dir = tmp("twin");
    let d = dir.to_str().expect("utf8");
    run_ok(&["run", "tiny_chain", "--steps", "30", "--mode", "twin", "--out", d, "-q"]);
    assert_eq!(
        read(&dir.join("twin.csv")).lines().next(),
        Some("step,species,particles,density,rms_z,relative_l1")
    );
    let nodes = read(&dir.join("nodes.csv"));
    let row = nodes.lines().nth(1).expect("a row");
    assert_eq!(row.split(',').filter(|f| f.is_empty()).count(), 0, "twin fills both: {row}");
    let dir = tmp("density");
    let d = dir.to_str().expect("utf8");
    run_ok(&["run", "tiny_chain", "--steps", "30", "--mode", "density", "--out", d, "-q"]);
    let nodes = read(&dir.join("nodes.csv"));
    let row: Vec<&str> = nodes.lines().nth(1).expect("a row").split(',').collect();
    assert!(row[3].is_empty() && !row[4].is_empty(), "density mode: count empty: {row:?}");
}

#[test]
fn validate_reports_errors_with_position_and_exit_code() {
    let ok = nvlab().args(["validate", "tiny_chain"]).output().expect("runs");
    assert!(ok.status.success());
    let bad = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bad_preset.ron");
    let text = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets/tiny_chain.ron"))
        .replace("mobility: 1.0", "mobilty: 1.0");
    std::fs::write(&bad, text).expect("write");
    let out = nvlab().args(["validate", bad.to_str().expect("utf8")]).output().expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("bad_preset.ron:"), "{stdout}");
    assert!(stdout.contains("did you mean `mobility`"), "{stdout}");
}

#[test]
fn presets_lists_the_shipped_presets() {
    let out = run_ok(&["presets", "--names"]);
    assert!(out.lines().any(|l| l == "tiny_chain"), "{out}");
}

#[test]
fn a_missing_preset_is_a_clear_error() {
    let out = nvlab().args(["run", "no_such_preset", "-q"]).output().expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no_such_preset") && err.contains("cannot read"), "{err}");
}

#[test]
fn warnings_reach_stderr_without_a_terminal() {
    let src = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets/tiny_chain.ron"));
    let full = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("full_chain.ron");
    std::fs::write(&full, src.replace("capacity: 10000,", "capacity: 2,")).expect("write");
    let dir = tmp("full");
    let out = nvlab()
        .args(["run", full.to_str().expect("utf8"), "--steps", "300", "--out"])
        .arg(&dir)
        .output()
        .expect("runs");
    assert!(out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("warning: step") && err.contains("population is full"), "{err}");
    let summary: serde_json::Value =
        serde_json::from_str(&read(&dir.join("summary.json"))).expect("json");
    assert!(summary["totals"][0]["dropped"].as_f64().unwrap_or(0.0) > 0.0);
    assert!(summary["warnings"].as_array().is_some_and(|w| !w.is_empty()));
}

/// Runs `nvlab` with `args` on the GPU (lavapipe in CI, with an `XDG_RUNTIME_DIR` of its own);
/// `false` when there is no adapter and `CI` is not `true`: the run must then have failed with a
/// message naming `--backend cpu`, and a notice is printed.
fn gpu_run_ok(args: &[String]) -> bool {
    let xdg = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("xdg-cli-gpu");
    std::fs::create_dir_all(&xdg).expect("xdg dir");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&xdg, std::fs::Permissions::from_mode(0o700)).expect("chmod");
    }
    let out = nvlab()
        .args(args)
        .env("XDG_RUNTIME_DIR", &xdg)
        .env("WGPU_BACKEND", "vulkan")
        .output()
        .expect("runs");
    if !out.status.success() {
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !std::env::var("CI").is_ok_and(|v| v == "true") && err.contains("--backend cpu"),
            "nvlab {args:?} failed:\n{err}"
        );
        println!("no GPU adapter: comparison skipped ({err})");
        return false;
    }
    true
}

/// `--backend gpu` writes the same files as the CPU engine (on lavapipe in CI; where there is
/// no adapter and `CI` is not `true`, the run must fail with a message naming `--backend cpu`,
/// and the comparison is skipped with a notice).
#[test]
fn gpu_backend_writes_the_cpu_files() {
    let (cpu, gpu) = (tmp("run_cascade_cpu"), tmp("run_cascade_gpu"));
    let args = |backend: &str, dir: &Path| {
        let d = dir.to_str().expect("utf8").to_string();
        ["run", "cascade_critical", "--steps", "150", "--backend", backend, "--out", &d, "--quiet"]
            .map(String::from)
    };
    run_ok(&args("cpu", &cpu).each_ref().map(String::as_str));
    if !gpu_run_ok(&args("gpu", &gpu)) {
        return;
    }
    for f in ["timeseries.csv", "nodes.csv", "edges.csv", "cascades.csv", "graph.json"] {
        assert_eq!(read(&cpu.join(f)), read(&gpu.join(f)), "{f}");
    }
}

/// The file names in a folder, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Two CSV files with the same header, rows and text fields, and every numeric column within
/// `tol` of that column's largest magnitude in `cpu`.
fn assert_csv_close(file: &str, cpu: &str, gpu: &str, tol: f64) {
    let rows = |t: &str| -> Vec<Vec<String>> {
        t.lines().map(|l| l.split(',').map(String::from).collect()).collect()
    };
    let (a, b) = (rows(cpu), rows(gpu));
    assert_eq!(a.len(), b.len(), "{file}: rows");
    assert_eq!(a.first(), b.first(), "{file}: header");
    let columns = a.first().map_or(0, Vec::len);
    for c in 0..columns {
        let scale = a[1..]
            .iter()
            .filter_map(|r| r[c].parse::<f64>().ok())
            .fold(0.0f64, |m, x| m.max(x.abs()));
        for (r, (x, y)) in a[1..].iter().zip(&b[1..]).enumerate() {
            match (x[c].parse::<f64>(), y[c].parse::<f64>()) {
                (Ok(x), Ok(y)) => assert!(
                    (x - y).abs() <= tol * scale,
                    "{file} row {} column {}: cpu {x} gpu {y} (column scale {scale})",
                    r + 1,
                    a[0][c]
                ),
                _ => assert_eq!(x[c], y[c], "{file} row {} column {}", r + 1, a[0][c]),
            }
        }
    }
}

/// `--backend gpu` in density mode (activator_inhibitor, 200 steps) and twin mode (tiny_chain,
/// 200 steps) writes the CPU's file set with the same rows: on lavapipe (the adapter
/// `summary.json` names) byte for byte, since the GPU engine does the CPU's f32 operations in
/// the same order (`core/tests/gpu_density_backend.rs`); on a GPU that fuses multiply-adds
/// every number within 1e-5 of its column's largest value.
#[test]
fn gpu_backend_density_and_twin_write_the_cpu_files() {
    for (preset, mode) in [("activator_inhibitor", "density"), ("tiny_chain", "twin")] {
        let cpu = tmp(&format!("run_{preset}_{mode}_cpu"));
        let gpu = tmp(&format!("run_{preset}_{mode}_gpu"));
        let args = |backend: &str, dir: &Path| {
            let d = dir.to_str().expect("utf8").to_string();
            [
                "run",
                preset,
                "--mode",
                mode,
                "--steps",
                "200",
                "--backend",
                backend,
                "--out",
                &d,
                "-q",
            ]
            .map(String::from)
        };
        run_ok(&args("cpu", &cpu).each_ref().map(String::as_str));
        if !gpu_run_ok(&args("gpu", &gpu)) {
            return;
        }
        let json = |dir: &Path| -> serde_json::Value {
            serde_json::from_str(&read(&dir.join("summary.json"))).expect("summary.json")
        };
        let (a, b) = (json(&cpu), json(&gpu));
        assert_eq!(a["engine"], "cpu");
        let adapter = b["engine"].as_str().expect("summary.json names the engine");
        assert!(adapter.starts_with("gpu: "), "{adapter}");
        let tolerance = if adapter.contains("llvmpipe") { 0.0 } else { 1e-5 };
        assert_eq!(file_names(&cpu), file_names(&gpu), "{mode}: the file set");
        for f in file_names(&cpu) {
            let (x, y) = (read(&cpu.join(&f)), read(&gpu.join(&f)));
            if f.ends_with(".csv") {
                assert_csv_close(&format!("{mode} {f}"), &x, &y, tolerance);
                if tolerance == 0.0 {
                    assert_eq!(x, y, "{mode} {f}: the same bytes on {adapter}");
                }
            } else if f == "graph.json" {
                assert_eq!(x, y, "{mode} {f}");
            }
        }
        assert_eq!(a["mode"], mode);
        assert_eq!(a["mode"], b["mode"]);
        assert_eq!(a["steps"], b["steps"]);
        for key in ["totals", "density_totals"] {
            let (ta, tb) = (&a[key], &b[key]);
            assert_eq!(ta.is_null(), tb.is_null(), "{mode}: {key}");
            for (x, y) in
                ta.as_array().into_iter().flatten().zip(tb.as_array().into_iter().flatten())
            {
                for field in ["free", "emitted", "cascade_born", "docked", "absorbed", "died"] {
                    let (x, y) = (
                        x[field].as_f64().unwrap_or(f64::NAN),
                        y[field].as_f64().unwrap_or(f64::NAN),
                    );
                    let bound = if tolerance == 0.0 {
                        0.0
                    } else {
                        tolerance * x.abs().max(y.abs()) + 1e-9
                    };
                    assert!(
                        (x - y).abs() <= bound,
                        "{mode} summary {key}.{field}: cpu {x} gpu {y}"
                    );
                }
            }
        }
    }
}

#[test]
fn darwin3_writes_every_file_and_they_agree() {
    let dir = tmp("darwin3_ff");
    let d = dir.to_str().expect("utf8");
    let report = run_ok(&["darwin3", "spiking_feedforward", "--steps", "300", "--out", d]);
    assert!(report.contains("not the vendor's toolchain"), "{report}");
    let header = |f: &str| read(&dir.join(f)).lines().next().unwrap_or_default().to_string();
    assert_eq!(header("mapping.csv"), "neuron,core_x,core_y,index");
    assert_eq!(header("spikes_ref.csv"), "neuron,step");
    assert_eq!(header("spikes_emu.csv"), "neuron,step");
    assert_eq!(header("inputs.csv"), "neuron,step");
    assert!(header("cores.csv").starts_with("core_x,core_y,kind,neurons,dendrite_words"));
    assert_eq!(header("links.csv"), "from_x,from_y,to_x,to_y,flits,peak_flits_per_step");
    let network: serde_json::Value =
        serde_json::from_str(&read(&dir.join("network.json"))).expect("network.json parses");
    let neurons = network["neurons"].as_array().expect("neurons").len();
    assert_eq!(read(&dir.join("mapping.csv")).lines().count(), neurons + 1, "one row per neuron");
    assert!(network["synapses"][0]["delay"].as_u64().is_some_and(|d| d >= 1));
    assert!(network["dt"].as_f64().is_some_and(|dt| dt > 0.0));
    let metrics: serde_json::Value =
        serde_json::from_str(&read(&dir.join("metrics.json"))).expect("metrics.json parses");
    let summary = &metrics["comparison"]["summary"];
    let rows = |f: &str| read(&dir.join(f)).lines().count() as u64 - 1;
    assert_eq!(summary["spikes_reference"].as_u64(), Some(rows("spikes_ref.csv")));
    assert_eq!(summary["spikes_emulated"].as_u64(), Some(rows("spikes_emu.csv")));
    assert!(rows("inputs.csv") > 0);
}

#[test]
fn darwin3_refuses_a_world_without_spiking_host() {
    let out = nvlab().args(["darwin3", "tiny_chain", "--steps", "10"]).output().expect("runs");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("no spiking host"), "{err}");
}

#[test]
fn darwin3_tier_b_gives_tier_a_rasters_and_lists_programs() {
    let (a, b) = (tmp("darwin3_tier_a"), tmp("darwin3_tier_b"));
    let steps = ["--steps", "300", "--quiet"];
    run_ok(
        &[&["darwin3", "spiking_feedforward", "--out", a.to_str().expect("utf8")][..], &steps]
            .concat(),
    );
    run_ok(
        &[
            &["darwin3", "spiking_feedforward", "--tier-b", "--out", b.to_str().expect("utf8")][..],
            &steps,
        ]
        .concat(),
    );
    assert_eq!(read(&a.join("spikes_emu.csv")), read(&b.join("spikes_emu.csv")));
    assert!(!a.join("programs.txt").exists());
    let programs = read(&b.join("programs.txt"));
    assert!(programs.contains("GSPRS") && programs.contains("NPC"), "{programs}");
}

/// Splits CSV text into records of fields as RFC 4180 reads them (quoted fields may hold
/// `,`, `""` and line breaks).
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => field.push(c),
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => field.push(c),
        }
    }
    assert!(!quoted, "an unterminated quote");
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

/// Species named `a,b"c`, `line⏎break` and `=HYPERLINK("x")` through `nvlab run`: every row
/// of every CSV has as many fields as its header, the names read back as written except that
/// the formula gets a leading `'`, and no cell starts with `=`.
#[test]
fn run_csvs_quote_and_guard_species_names() {
    let src = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets/tiny_chain.ron"));
    let start = src.find("    species: [").expect("species");
    let end = src.find("    run: (").expect("run");
    let names = ["a,b\\\"c", "line\\nbreak", "=HYPERLINK(\\\"x\\\")"];
    let species: String = names
        .iter()
        .map(|n| {
            format!(
                "(name: \"{n}\", emission: (trigger: Activity, sources: Nodes([0]), rate: 5.0, \
                 slope: 8.0, threshold: 0.5), lifetime: (law: Exponential, mean: 4.0), \
                 kernel: (mobility: 1.0, direction: Forward), docking: (rate: 0.3), \
                 absorption: 1.0, releases: [Cascade(species: \"{n}\", chi: 0.5)]),\n"
            )
        })
        .collect();
    let text = format!("{}    species: [\n{species}    ],\n{}", &src[..start], &src[end..]);
    let preset = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("odd_names.ron");
    std::fs::write(&preset, text).expect("write");
    let dir = tmp("odd_names");
    let d = dir.to_str().expect("utf8");
    let p = preset.to_str().expect("utf8");
    run_ok(&["run", p, "--steps", "200", "--every", "50", "--mode", "twin", "--out", d, "-q"]);
    let want = ["a,b\"c", "line\nbreak", "'=HYPERLINK(\"x\")"];
    for (file, column) in [
        ("timeseries.csv", 1),
        ("nodes.csv", 2),
        ("twin.csv", 1),
        ("cascades.csv", 1),
        ("edges.csv", usize::MAX),
    ] {
        let records = parse_csv(&read(&dir.join(file)));
        assert!(records.len() > 1, "{file} has rows");
        let width = records[0].len();
        for (k, r) in records.iter().enumerate() {
            assert_eq!(r.len(), width, "{file} record {k}: {r:?}");
            assert!(r.iter().all(|c| !c.starts_with(['=', '+', '@'])), "{file}: {r:?}");
        }
        if column != usize::MAX {
            for name in want {
                assert!(records.iter().any(|r| r[column] == name), "{file} has {name:?}");
            }
        }
    }
}

/// `nvlab bench --nodes 0`/`1` and `--threads 0` are usage errors (exit code 2, clap's) that
/// say what is allowed, instead of measuring 2 nodes or using the default threads.
#[test]
fn bench_refuses_zero_nodes_and_threads() {
    for (args, words) in [
        (["--nodes", "0"], "at least 2"),
        (["--nodes", "1"], "at least 2"),
        (["--threads", "0"], "at least 1"),
    ] {
        let out = nvlab().arg("bench").args(args).output().expect("runs");
        assert_eq!(out.status.code(), Some(2), "bench {args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(args[0]) && err.contains(words), "bench {args:?}: {err}");
    }
}

/// Runs `nvlab darwin3 ARGS` and returns (exit code, stderr).
fn darwin3_fails(args: &[&str]) -> (Option<i32>, String) {
    let out = nvlab().arg("darwin3").args(args).output().expect("runs");
    (out.status.code(), String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Malformed arguments are clap's usage errors (exit 2) listing what is allowed.
#[test]
fn darwin3_malformed_arguments_exit_2_with_the_allowed_values() {
    let ff = "spiking_feedforward";
    for (args, words) in [
        (vec![ff, "--model", "lif"], "lif-shift, lif-mul, clif"),
        (vec![ff, "--remove", "leak,speed"], "quantisation, leak, rounding, delay"),
        (vec![ff, "--placement", "random"], "zigzag, greedy, anneal"),
        (vec![ff, "--steps", "many"], "--steps"),
        (vec![ff, "--w-bits", "eight"], "2, 4, 6, 8 or 16"),
    ] {
        let (code, err) = darwin3_fails(&args);
        assert_eq!(code, Some(2), "{args:?}: {err}");
        assert!(err.contains(words), "{args:?}: {err}");
    }
}

/// A setting the chip cannot take exits 1 with the option, the value and what is allowed,
/// not against the preset (which is fine), and before anything runs.
#[test]
fn darwin3_settings_the_chip_cannot_take_exit_1() {
    for (args, words) in [
        (["--steps", "0"], "--steps 0: the emulator runs 1 to 1000000 steps"),
        (["--steps", "2000000"], "--steps 2000000"),
        (["--w-bits", "3"], "--w-bits 3: the chip's weights are 2, 4, 6, 8 or 16 bits wide"),
        (["--w-bits", "300"], "--w-bits 300: the chip's weights are 2, 4, 6, 8 or 16 bits"),
    ] {
        let (code, err) = darwin3_fails(&[&["spiking_feedforward"][..], &args].concat());
        assert_eq!(code, Some(1), "{args:?}: {err}");
        assert!(err.contains(words), "{args:?}: {err}");
        assert!(!err.contains("0..=255") && !err.contains(".ron"), "{args:?}: {err}");
    }
    // Checked before the preset is read: a missing preset is not what is reported.
    let (code, err) = darwin3_fails(&["no_such_preset", "--w-bits", "3"]);
    assert_eq!(code, Some(1));
    assert!(err.contains("--w-bits 3") && !err.contains("no_such_preset"), "{err}");
}

/// The spiking feedforward preset with its populations and projections replaced.
fn spiking_variant(name: &str, populations: &str, projections: &str) -> PathBuf {
    let src =
        read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets/spiking_feedforward.ron"));
    let start = src.find("        populations: [").expect("populations");
    let end = src.find("        activity_tau").expect("activity_tau");
    let text = format!(
        "{}        populations: [{populations}],\n        projections: [{projections}],\n{}",
        &src[..start],
        &src[end..]
    )
    .replace("sources: Range(50, 120)", "sources: All");
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).expect("write");
    path
}

/// A network without LIF neurons: "no LIF neuron to map", exit 1, not a voltage-scale message.
#[test]
fn darwin3_a_network_without_lif_neurons_is_named() {
    let path = spiking_variant(
        "inputs_only.ron",
        "(name: \"input\", size: 5, kind: Poisson(rate: 30.0))",
        "",
    );
    let (code, err) = darwin3_fails(&[path.to_str().expect("utf8"), "--steps", "10"]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("no LIF neuron to map"), "{err}");
    assert!(!err.contains("voltage scale"), "{err}");
}

/// The first line of the error `nvlab run` (stderr, after `error: `) and `nvlab validate`
/// (stdout, after `error `) print for the preset at `path`; both must fail.
fn run_and_validate_errors(path: &Path) -> (String, String) {
    let p = path.to_str().expect("utf8");
    let dir = tmp("build_error_run");
    let run = nvlab()
        .args(["run", p, "--steps", "2", "--out", dir.to_str().expect("utf8"), "-q"])
        .output()
        .expect("runs");
    assert_eq!(run.status.code(), Some(1), "{}", String::from_utf8_lossy(&run.stderr));
    let validate = nvlab().args(["validate", p]).output().expect("runs");
    assert_eq!(validate.status.code(), Some(1));
    let first = |bytes: &[u8], prefix: &str| {
        let text = String::from_utf8_lossy(bytes).into_owned();
        let line = text.lines().find(|l| l.starts_with(prefix)).unwrap_or_default().to_owned();
        line.strip_prefix(prefix).unwrap_or_default().to_owned()
    };
    (first(&run.stderr, "error: "), first(&validate.stdout, "error "))
}

/// A preset that parses but cannot be built gets the same `file:line:column: field = value`
/// error from `run` and `validate` (run used to name the preset, not the file).
#[test]
fn run_and_validate_locate_build_errors_alike() {
    let src = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets/tiny_chain.ron"));
    let dir = tmp("build_errors");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let sources = dir.join("sources.ron");
    std::fs::write(&sources, src.replace("sources: Nodes([0]),", "sources: Nodes([9]),"))
        .expect("write");
    let (run, validate) = run_and_validate_errors(&sources);
    let at = format!("{}:28:", sources.display());
    assert!(run.starts_with(&at), "{run}");
    assert!(run.contains("species[0].emission.sources") && run.contains("node 9"), "{run}");
    assert_eq!(run, validate);
    // A missing edge list: located at the graph's field, the same from both commands.
    let missing = dir.join("missing.ron");
    std::fs::write(
        &missing,
        src.replace("Layered(sizes: [1, 1, 1, 1, 1])", "EdgeList(path: \"nope.csv\")")
            .replace("sources: Nodes([0]),", "sources: All,")
            .replace("(nodes: Nodes([0]), wave", "(nodes: All, wave"),
    )
    .expect("write");
    let (run, validate) = run_and_validate_errors(&missing);
    assert!(run.starts_with(&format!("{}:12:", missing.display())), "{run}");
    assert!(run.contains("nope.csv"), "{run}");
    assert_eq!(run, validate);
}

/// `--data-dir` lets `validate` and `run` read an edge list from one more folder; without it
/// the same preset is refused at the `path` field.
#[test]
fn data_dir_allows_one_more_folder_for_edge_lists() {
    let dir = tmp("data_dir");
    std::fs::create_dir_all(dir.join("data")).expect("mkdir");
    std::fs::write(dir.join("data/ring.csv"), "0,1\n1,2\n2,0\n").expect("write");
    let preset = dir.join("p.ron");
    std::fs::write(
        &preset,
        r#"(format: 1, name: "d", host: Graph((graph: EdgeList(path: "ring.csv"))),
           species: [(name: "v", emission: (rate: 1.0))])"#,
    )
    .expect("write");
    let p = preset.to_str().expect("utf8");
    let data = dir.join("data");
    let refused = nvlab().args(["validate", p]).output().expect("runs");
    assert_eq!(refused.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&refused.stdout);
    assert!(stdout.contains("host.Graph.graph.EdgeList.path = \"ring.csv\""), "{stdout}");
    run_ok(&["validate", p, "--data-dir", data.to_str().expect("utf8")]);
    let out = dir.join("out");
    run_ok(&[
        "run",
        p,
        "--steps",
        "3",
        "-q",
        "--data-dir",
        data.to_str().expect("utf8"),
        "--out",
        out.to_str().expect("utf8"),
    ]);
}

/// `--memory-budget` on `run`, `validate` and `darwin3`: a preset whose estimate exceeds it is
/// refused with the estimate and the budget, at the field to change, before anything is built.
#[test]
fn memory_budget_refuses_presets_that_ask_for_too_much() {
    let src = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets/tiny_chain.ron"));
    let dir = tmp("memory_budget");
    std::fs::create_dir_all(&dir).expect("mkdir");
    let big = dir.join("big.ron");
    std::fs::write(&big, src.replace("capacity: 10000,", "capacity: 2147483648,")).expect("write");
    let (run, validate) = run_and_validate_errors(&big);
    assert!(run.starts_with(&format!("{}:10:", big.display())), "{run}");
    assert!(run.contains("capacity = 2147483648") && run.contains("memory budget"), "{run}");
    assert_eq!(run, validate);
    // A budget of one kibibyte refuses even the tiny chain; a malformed one is a usage error.
    let out = nvlab().args(["validate", "tiny_chain", "--memory-budget", "1K"]).output();
    let out = out.expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("1.0 KiB"));
    let out = nvlab().args(["run", "tiny_chain", "--memory-budget", "lots"]).output();
    assert_eq!(out.expect("runs").status.code(), Some(2));
    let out = nvlab()
        .args(["darwin3", "spiking_feedforward", "--memory-budget", "1K", "-q"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("memory budget"));
}

/// `graph.json` and Darwin3's `network.json` are streamed compactly, one node, edge, neuron or
/// synapse per line, and hold the same JSON as before (what serde gives the whole object).
#[test]
fn graph_and_network_json_are_one_element_per_line() {
    let dir = tmp("json_lines");
    let d = dir.to_str().expect("utf8");
    run_ok(&["run", "tiny_chain", "--steps", "2", "--out", d, "-q"]);
    let text = read(&dir.join("graph.json"));
    assert!(text.lines().all(|l| !l.starts_with(' ')), "not pretty-printed:\n{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("{\"id\":")).count(), 5, "{text}");
    assert_eq!(text.lines().filter(|l| l.starts_with("{\"src\":")).count(), 4, "{text}");
    let graph: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(graph["nodes"][4]["id"], 4);
    assert_eq!(graph["nodes"][4]["role"], "output");
    assert_eq!(graph["edges"][0]["src"], 0);
    assert_eq!(graph["edges"][0]["dst"], 1);
    assert_eq!(graph["edges"][0]["weight"], 1.0);
    assert!(graph["nodes"][0].get("label").is_none(), "no label on generated graphs");
    let dir = tmp("json_lines_darwin3");
    let d = dir.to_str().expect("utf8");
    run_ok(&["darwin3", "spiking_feedforward", "--steps", "5", "--out", d, "-q"]);
    let text = read(&dir.join("network.json"));
    let network: serde_json::Value = serde_json::from_str(&text).expect("json");
    let neurons = network["neurons"].as_array().expect("neurons").len();
    let synapses = network["synapses"].as_array().expect("synapses").len();
    assert_eq!(neurons, 120);
    assert!(text.lines().count() >= neurons + synapses, "one element per line");
    assert!(text.lines().all(|l| !l.starts_with(' ')), "not pretty-printed");
}

/// `--out`: the run writes into a staging folder moved into place at the end, so an earlier
/// run's folder is replaced whole (no stale `twin.csv` beside a particle run); a folder holding
/// other files, and a symbolic link, are refused and left untouched.
#[test]
fn out_folders_are_replaced_whole_and_never_through_links() {
    let parent = tmp("out_folders");
    std::fs::create_dir_all(&parent).expect("mkdir");
    let out = parent.join("run");
    let o = out.to_str().expect("utf8");
    run_ok(&["run", "tiny_chain", "--steps", "5", "--mode", "twin", "--out", o, "-q"]);
    assert!(out.join("twin.csv").exists());
    run_ok(&["run", "tiny_chain", "--steps", "7", "--out", o, "-q"]);
    assert!(!out.join("twin.csv").exists(), "the earlier run's files are gone");
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).expect("json");
    assert_eq!(summary["steps"], 7);
    assert_eq!(summary["interrupted"], false);
    let leftovers: Vec<String> = std::fs::read_dir(&parent)
        .expect("read")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n != "run")
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // A folder with a file a run does not write is refused and kept.
    std::fs::write(out.join("notes.txt"), "mine").expect("write");
    let refused = nvlab().args(["run", "tiny_chain", "--steps", "3", "--out", o, "-q"]).output();
    let refused = refused.expect("runs");
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("notes.txt"));
    assert_eq!(read(&out.join("notes.txt")), "mine");
    assert!(out.join("summary.json").exists());
    // A symbolic link is refused.
    #[cfg(unix)]
    {
        let link = parent.join("link");
        std::os::unix::fs::symlink(&out, &link).expect("link");
        let l = link.to_str().expect("utf8");
        let refused = nvlab()
            .args(["run", "tiny_chain", "--steps", "3", "--out", l, "-q"])
            .output()
            .expect("runs");
        assert_eq!(refused.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&refused.stderr).contains("symbolic link"));
    }
}

/// SIGINT and SIGTERM stop a run after the step it is taking: every file is flushed, whole
/// lines only, `summary.json` says `"interrupted": true` with the steps taken, the exit code is
/// 130, and the folder replaces the earlier run's.
#[cfg(unix)]
#[test]
fn an_interrupted_run_flushes_its_files_and_says_so() {
    for signal in ["-INT", "-TERM"] {
        let parent = tmp(&format!("interrupted{signal}"));
        std::fs::create_dir_all(&parent).expect("mkdir");
        let out = parent.join("run");
        let o = out.to_str().expect("utf8");
        run_ok(&["run", "tiny_chain", "--steps", "3", "--out", o, "-q"]);
        let mut child = nvlab()
            .args(["run", "tiny_chain", "--steps", "1000000000", "--out", o, "-q"])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawns");
        // Wait until the staging folder holds some steps (at most a minute).
        let staging = parent.join(format!(".run.partial-{}", child.id()));
        for _ in 0..600 {
            let written = std::fs::metadata(staging.join("timeseries.csv")).map_or(0, |m| m.len());
            if written > 10_000 {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        let killed = Command::new("kill").args([signal, &child.id().to_string()]).status();
        assert!(killed.expect("kill runs").success());
        let status = child.wait().expect("waits");
        assert_eq!(status.code(), Some(130), "{signal}");
        assert!(!staging.exists(), "the staging folder was moved into place");
        let summary: serde_json::Value =
            serde_json::from_str(&read(&out.join("summary.json"))).expect("json");
        assert_eq!(summary["interrupted"], true, "{signal}");
        let steps = summary["steps"].as_u64().expect("steps");
        assert!(steps > 3 && steps < 1_000_000_000, "{steps}");
        let series = read(&out.join("timeseries.csv"));
        assert!(series.ends_with('\n'));
        assert_eq!(series.lines().count() as u64, 1 + steps, "one row per step taken");
        let edges = read(&out.join("edges.csv"));
        assert_eq!(edges.lines().count(), 5, "edges.csv is written at the end");
    }
}
