//! Each GPU stage of the density engine (`kernel`, `density`, `apply`) against its CPU twin
//! from the same inputs, and the GPU density runner against the CPU engine end to end.
//!
//! Needs a GPU adapter (Mesa's lavapipe in CI): without one each test prints a notice and
//! passes, except under `CI=true`, where a missing adapter fails.
//!
//! Tolerances, relative to the largest magnitude of the CPU array compared (`assert_close`):
//! none on lavapipe, where the device rounds like the CPU (`common::rounds_like_the_cpu`): the
//! shaders and their twins do the same f32 operations in the same order, with the same
//! polynomial `exp`, `exp_m1`, sigmoid, `ln` and `pow` (`core/src/fastmath.rs`, whose WGSL
//! twins `core/tests/gpu.rs` checks bit for bit), so every stage must give the CPU's bits,
//! and so must the whole run. On a GPU that fuses multiply-adds, 2e-6 per stage (a few ulps of
//! f32's 1.2e-7, summed over a few terms) and 1e-5 end to end.

mod common;

use std::path::Path;

use nv_core::bench::{BenchConfig, bench_world};
use nv_core::compile::channel;
use nv_core::cpu::accumulate::{SCALE, to_fixed};
use nv_core::cpu::apply::{self, ApplyParams};
use nv_core::cpu::density::{self as twin, Births, Coefficients, Fields};
use nv_core::cpu::emit::EmitInputs;
use nv_core::cpu::kernel::{
    KernelInputs, MoveCdf, NodeFieldInputs, cumulative, kernel_probabilities, node_fields,
};
use nv_core::gpu::GpuContext;
use nv_core::gpu::density::GpuDensity;
use nv_core::gpu::stages::apply as gpu_apply;
use nv_core::gpu::stages::density::{self as gpu_density, DensityHostInputs};
use nv_core::gpu::stages::kernel::{self as gpu_kernel, KernelHostInputs};
use nv_core::modulation::Releases;
use nv_core::{Mode, World};

/// Steps after which a whole run is compared.
const CHECKPOINTS: [u64; 3] = [25, 200, 1000];

/// The tolerance of one stage against its twin on this device: 0 where it rounds like the
/// CPU, else room for fused multiply-adds.
fn stage_tolerance(ctx: &GpuContext) -> f32 {
    if common::rounds_like_the_cpu(ctx) { 0.0 } else { 2e-6 }
}

/// The tolerance of a whole run on this device: 0 where it rounds like the CPU, else 1e-5.
fn run_tolerance(ctx: &GpuContext) -> f32 {
    if common::rounds_like_the_cpu(ctx) { 0.0 } else { 1e-5 }
}

/// max |gpu − cpu| ≤ tol · max |cpu| (an all-zero array must match to 1e-30).
fn assert_close(what: &str, gpu: &[f32], cpu: &[f32], tol: f32) -> f32 {
    assert_eq!(gpu.len(), cpu.len(), "{what}: lengths");
    let scale = cpu.iter().fold(0.0f32, |m, x| m.max(x.abs())).max(1e-30);
    let worst = gpu.iter().zip(cpu).map(|(g, c)| (g - c).abs()).fold(0.0f32, f32::max) / scale;
    assert!(worst <= tol, "{what}: max |gpu − cpu| / max |cpu| = {worst:e} > {tol:e}");
    if std::env::var_os("NV_PRINT_ERRORS").is_some() {
        println!("{what}: {worst:e}");
    }
    worst
}

fn flat4(v: &[[f32; 4]]) -> Vec<f32> {
    v.iter().flatten().copied().collect()
}

fn preset_world(name: &str) -> World {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets").join(name);
    World::load(&path, Mode::Density).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Worlds whose species cover every kernel term, content-dependent docking, every release
/// kind (Gain, Film, EmissionGain, Memory, Cascade) and emission triggers, each advanced on
/// the CPU so that ρ, C, the modulation and the traces are not at their defaults.
fn worlds() -> Vec<(String, World)> {
    let mut out = Vec::new();
    for name in [
        "activator_inhibitor.ron",
        "attention_limit.ron",
        "cascade_critical.ron",
        "film_limit.ron",
        "pathway_carving.ron",
    ] {
        let mut w = preset_world(name);
        w.advance(30);
        out.push((name.to_owned(), w));
    }
    let cfg = BenchConfig { vesicles: 20_000, nodes: 400, degree: 6, steps: 0, species: 2 };
    let mut w = bench_world(&cfg, Mode::Density).expect("bench world");
    w.advance(10);
    out.push(("bench_world".to_owned(), w));
    out
}

fn effective_weight(w: &World) -> Vec<f32> {
    w.weight.iter().zip(&w.modulation.weight_delta).map(|(a, b)| a + b).collect()
}

#[test]
fn kernel_stage_matches_its_cpu_twin() {
    let Some(ctx) = common::gpu_context("kernel_stage_matches_its_cpu_twin") else { return };
    for (name, w) in worlds() {
        let state = w.density().expect("density world");
        let (g, n) = (&w.graph, w.n());
        let weight = effective_weight(&w);
        let host = KernelHostInputs {
            weight: &weight,
            pathway: &w.pathway,
            signals: &w.signals,
            brush: &w.brush,
            meta: &w.meta,
            emission_gain: &w.modulation.emission_gain,
            receptors: &w.receptors,
            rho: &state.rho,
            mass: &state.mass,
            dt: w.preset.dt,
        };
        let out = gpu_kernel::run_once(&ctx, g, &w.species, &host).expect("GPU kernel stage");
        let tol = stage_tolerance(&ctx);

        let inputs = KernelInputs {
            weight: &weight,
            activity: &w.signals.activity,
            density: &state.rho,
            pathway: &w.pathway,
        };
        let emit = EmitInputs {
            signals: &w.signals,
            meta: &w.meta,
            brush: &w.brush,
            emission_gain: &w.modulation.emission_gain,
        };
        let fields = NodeFieldInputs {
            emit: &emit,
            receptors: &w.receptors,
            rho: &state.rho,
            mass: &state.mass,
            dt: w.preset.dt,
        };
        for (k, s) in w.species.iter().enumerate() {
            let mut p = vec![0.0; g.moves()];
            let mut cdf = vec![MoveCdf::default(); g.moves()];
            kernel_probabilities(s, g, &inputs, &mut p);
            cumulative(g, s.direction, &p, &mut cdf);
            assert_close(&format!("{name} P[{k}]"), &out.kernel[k], &p, tol);
            let sums = |c: &[MoveCdf]| c.iter().map(|m| m.cdf).collect::<Vec<f32>>();
            assert_close(&format!("{name} cdf[{k}]"), &sums(&out.cdf[k]), &sums(&cdf), tol);
            let targets = |c: &[MoveCdf]| c.iter().map(|m| m.target).collect::<Vec<u32>>();
            assert_eq!(targets(&out.cdf[k]), targets(&cdf), "{name}: cdf targets of species {k}");

            let (mut dock, mut births, mut payload) =
                (vec![0.0; n], vec![0.0; n], vec![[0.0; 4]; n]);
            node_fields(k, s, &fields, &mut dock, &mut births, &mut payload);
            let r = k * n..(k + 1) * n;
            assert_close(&format!("{name} D[{k}]"), &out.dock[r.clone()], &dock, tol);
            assert_close(&format!("{name} births[{k}]"), &out.births[r.clone()], &births, tol);
            assert_close(
                &format!("{name} birth payload[{k}]"),
                &flat4(&out.birth_payload[r]),
                &flat4(&payload),
                tol,
            );
        }
    }
}

#[test]
fn density_stage_matches_its_cpu_twin() {
    let Some(ctx) = common::gpu_context("density_stage_matches_its_cpu_twin") else { return };
    let tol = stage_tolerance(&ctx);
    for (name, w) in worlds() {
        let state = w.density().expect("density world");
        let (g, n, ns) = (&w.graph, w.n(), w.species.len());
        // The fields: the world's last kernel, and D and births from the CPU twin.
        let emit = EmitInputs {
            signals: &w.signals,
            meta: &w.meta,
            brush: &w.brush,
            emission_gain: &w.modulation.emission_gain,
        };
        let field_inputs = NodeFieldInputs {
            emit: &emit,
            receptors: &w.receptors,
            rho: &state.rho,
            mass: &state.mass,
            dt: w.preset.dt,
        };
        let (mut dock, mut births, mut payload) =
            (vec![0.0; n * ns], vec![0.0; n * ns], vec![[0.0; 4]; n * ns]);
        for (k, s) in w.species.iter().enumerate() {
            let r = k * n..(k + 1) * n;
            node_fields(
                k,
                s,
                &field_inputs,
                &mut dock[r.clone()],
                &mut births[r.clone()],
                &mut payload[r],
            );
        }
        let fields =
            Fields { kernel: &w.kernel, dock: &dock, births: &births, birth_payload: &payload };
        let out = gpu_density::run_once(
            &ctx,
            g,
            &w.species,
            &DensityHostInputs {
                kernel: &w.kernel,
                dock: &dock,
                births: &births,
                birth_payload: &payload,
                rho: &state.rho,
                mass: &state.mass,
            },
        )
        .expect("GPU density stage");

        let z = || vec![0.0f32; n * ns];
        let (mut stay, mut leave, mut docks) = (z(), z(), z());
        let (mut brho, mut bmass, mut crho) = (z(), vec![[0.0; 4]; n * ns], z());
        let (mut next_rho, mut next_mass) = (z(), vec![[0.0; 4]; n * ns]);
        let mut flux = vec![0.0; g.m()];
        let mut releases = Releases::zeros(n, ns);
        twin::coefficients(
            g,
            &w.species,
            &fields,
            &state.rho,
            Coefficients { stay: &mut stay, leave: &mut leave, docks: &mut docks },
        );
        twin::births_and_releases(
            &w.species,
            &fields,
            &state.rho,
            &state.mass,
            &mut releases,
            Births { rho: &mut brho, mass: &mut bmass, cascade: &mut crho },
        );
        let b = Births { rho: &mut brho, mass: &mut bmass, cascade: &mut crho };
        twin::gather(
            g,
            &w.species,
            &w.kernel,
            &state.rho,
            &state.mass,
            &stay,
            &leave,
            &b,
            &mut next_rho,
            &mut next_mass,
        );
        twin::flux(g, &w.kernel, &state.rho, &leave, &mut flux);

        assert_close(&format!("{name} stay"), &out.stay, &stay, tol);
        assert_close(&format!("{name} leave"), &out.leave, &leave, tol);
        assert_close(&format!("{name} docks"), &out.docks, &docks, tol);
        assert_close(&format!("{name} birth ρ"), &out.birth_rho, b.rho, tol);
        assert_close(&format!("{name} birth C"), &flat4(&out.birth_mass), &flat4(b.mass), tol);
        assert_close(&format!("{name} cascade ρ"), &out.cascade_rho, b.cascade, tol);
        assert_close(&format!("{name} ρ'"), &out.next_rho, &next_rho, tol);
        assert_close(&format!("{name} C'"), &flat4(&out.next_mass), &flat4(&next_mass), tol);
        assert_close(&format!("{name} edge flux"), &out.edge_flux, &flux, tol);
        // Releases: the same f32 terms rounded to fixed point and summed exactly on both
        // sides; where a term differs in its last bits it may round to a neighbouring unit.
        for (c, (&gpu, &cpu)) in out.releases.iter().zip(&releases.data).enumerate() {
            let gpu = gpu as f64 / SCALE;
            let tol = if tol == 0.0 { 0.0 } else { 8.0 / SCALE + tol as f64 * cpu.abs() };
            assert!(
                (gpu - cpu).abs() <= tol,
                "{name}: release node {} channel {}: gpu {gpu} cpu {cpu}",
                c / releases.stride,
                c % releases.stride
            );
        }
    }
}

#[test]
fn apply_stage_matches_its_cpu_twin() {
    let Some(ctx) = common::gpu_context("apply_stage_matches_its_cpu_twin") else { return };
    for (name, w) in worlds() {
        let (g, ns) = (&w.graph, w.species.len());
        let p = ApplyParams::new(&w.preset.modulation, w.preset.pathway.tau, w.preset.dt);
        // The world's last releases in fixed point, with every channel of a few nodes set so
        // that each branch runs.
        let mut fixed: Vec<i64> = w.releases.data.iter().map(|&x| to_fixed(x)).collect();
        let stride = channel::stride(ns);
        for i in 0..w.n().min(5) {
            for ch in 0..stride {
                fixed[i * stride + ch] = ((i * stride + ch) as i64 * 7_919_113) % 40_000_000
                    - if ch == channel::MEM_FIX_LOG_RETAIN { 60_000_000 } else { 0 };
            }
        }
        let releases = Releases { stride, data: fixed.iter().map(|&v| v as f64 / SCALE).collect() };
        let mut cpu_mod = w.modulation.clone();
        let mut cpu_path = w.pathway.clone();
        apply::run(
            &mut cpu_mod,
            &mut cpu_path,
            &p,
            &releases,
            &w.edge_hops,
            &w.signals.activity,
            g,
        );
        let mut gpu_mod = w.modulation.clone();
        let mut gpu_path = w.pathway.clone();
        gpu_apply::run_once(
            &ctx,
            g,
            ns,
            &p,
            &mut gpu_mod,
            &mut gpu_path,
            &fixed,
            &w.edge_hops,
            &w.signals.activity,
        )
        .expect("GPU apply stage");
        let t = stage_tolerance(&ctx);
        assert_close(&format!("{name} gain"), &gpu_mod.gain, &cpu_mod.gain, t);
        assert_close(&format!("{name} shift"), &gpu_mod.shift, &cpu_mod.shift, t);
        assert_close(&format!("{name} lr"), &gpu_mod.lr_mult, &cpu_mod.lr_mult, t);
        assert_close(&format!("{name} threshold"), &gpu_mod.threshold, &cpu_mod.threshold, t);
        assert_close(&format!("{name} G"), &gpu_mod.emission_gain, &cpu_mod.emission_gain, t);
        assert_close(&format!("{name} M"), &flat4(&gpu_mod.memory), &flat4(&cpu_mod.memory), t);
        assert_close(&format!("{name} count"), &gpu_mod.memory_count, &cpu_mod.memory_count, t);
        assert_close(&format!("{name} Δw"), &gpu_mod.weight_delta, &cpu_mod.weight_delta, t);
        assert_close(&format!("{name} π"), &gpu_path, &cpu_path, t);
    }
}

/// The shader's fixed-point → f32 conversion rounds exactly like the CPU's
/// `(v as f64 / SCALE) as f32`: threshold shifts start at 0 and do not relax, so they end up
/// holding the converted sums themselves, compared bit for bit.
#[test]
fn fixed_point_releases_convert_exactly() {
    let Some(ctx) = common::gpu_context("fixed_point_releases_convert_exactly") else { return };
    let w = preset_world("tiny_chain.ron");
    let (g, n, ns) = (&w.graph, w.n(), w.species.len());
    let stride = channel::stride(ns);
    // Ties, neighbours of ties, both signs, beyond 2^24 and 2^32 units, near i64's ends.
    let mut values: Vec<i64> = vec![0, 1, -1, (1 << 24) + 1, (1 << 25) + 1, (1 << 25) + 3];
    for shift in [24, 25, 31, 32, 33, 40, 50, 62] {
        let base: i64 = 1 << shift;
        for d in [-3, -2, -1, 0, 1, 2, 3] {
            values.push(base + d);
            values.push(-(base + d));
            values.push(base + (base >> 24) * 3 / 2 + d);
            values.push(-(base + (base >> 24) / 2 + d));
        }
    }
    values.extend([i64::MAX, i64::MIN + 1, 0x1234_5678_9abc_def0, -0x0fed_cba9_8765_4321]);
    let p = ApplyParams { relax: 1.0, relax_weight: 1.0, relax_memory: 1.0, keep: 1.0 };
    for chunk in values.chunks(n) {
        let mut fixed = vec![0i64; n * stride];
        for (i, &v) in chunk.iter().enumerate() {
            fixed[i * stride + channel::THRESHOLD] = v;
        }
        let mut m = w.modulation.clone();
        m.threshold.fill(0.0);
        let mut path = vec![0.0; g.m()];
        let hops = vec![0.0; g.m()];
        gpu_apply::run_once(&ctx, g, ns, &p, &mut m, &mut path, &fixed, &hops, &w.signals.activity)
            .expect("GPU apply stage");
        for (i, &v) in chunk.iter().enumerate() {
            let want = (v as f64 / SCALE) as f32;
            assert_eq!(
                m.threshold[i].to_bits(),
                want.to_bits(),
                "{v}: gpu {} cpu {want}",
                m.threshold[i]
            );
        }
    }
}

/// max |gpu − cpu| / max |cpu| of ρ and of C per species.
fn density_errors(name: &str, gpu: &World, cpu: &World) -> Vec<(f32, f32)> {
    let rel = |gpu: &[f32], cpu: &[f32]| {
        let scale = cpu.iter().fold(0.0f32, |m, x| m.max(x.abs())).max(1e-30);
        gpu.iter().zip(cpu).map(|(g, c)| (g - c).abs()).fold(0.0f32, f32::max) / scale
    };
    let (a, b) = (gpu.density().expect("density"), cpu.density().expect("density"));
    let n = cpu.n();
    (0..cpu.species.len())
        .map(|k| {
            let r = k * n..(k + 1) * n;
            let rho = rel(&a.rho[r.clone()], &b.rho[r.clone()]);
            let c = rel(&flat4(&a.mass[r.clone()]), &flat4(&b.mass[r]));
            println!("{name} step {} species {k}: ρ {rho:e}, C {c:e}", cpu.step);
            (rho, c)
        })
        .collect()
}

/// The GPU runner and the CPU engine from the same world, compared after each checkpoint's
/// number of steps against the run tolerance.
fn end_to_end(ctx: &GpuContext, name: &str, mut cpu: World, mut gpu: World) {
    let mut runner = GpuDensity::new(ctx, &gpu).expect("GPU density runner");
    let tol = run_tolerance(ctx);
    for steps in CHECKPOINTS {
        runner.advance(ctx, &mut gpu, steps - cpu.step).expect("GPU steps");
        runner.download(ctx, &mut gpu).expect("download");
        cpu.advance(steps - cpu.step);
        assert_eq!(gpu.step, cpu.step);
        for (k, (rho, c)) in density_errors(name, &gpu, &cpu).into_iter().enumerate() {
            assert!(
                rho <= tol && c <= tol,
                "{name}, step {steps}, species {k}: ρ {rho:e}, C {c:e} > {tol:e}"
            );
        }
    }
}

#[test]
fn gpu_density_runner_matches_the_cpu_on_presets() {
    let Some(ctx) = common::gpu_context("gpu_density_runner_matches_the_cpu_on_presets") else {
        return;
    };
    // Every shipped preset: between them they use every host, kernel term, release kind and
    // trigger.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets");
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("presets/")
        .map(|e| e.expect("preset entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".ron"))
        .collect();
    names.sort();
    assert!(names.len() >= 10, "{names:?}");
    for name in &names {
        end_to_end(&ctx, name, preset_world(name), preset_world(name));
    }
    let cfg = BenchConfig { vesicles: 20_000, nodes: 400, degree: 6, steps: 0, species: 2 };
    let world = || bench_world(&cfg, Mode::Density).expect("bench world");
    end_to_end(&ctx, "bench_world", world(), world());
}

/// The density throughput on the GPU against the CPU (not a check: run it with
/// `cargo test --release -p nv_core --test gpu_stages density_throughput -- --ignored
/// --nocapture`).
#[test]
#[ignore = "a benchmark: run it in release with --ignored --nocapture"]
fn density_throughput() {
    let Some(ctx) = common::gpu_context("density_throughput") else { return };
    for nodes in [10_000, 100_000] {
        let cfg = BenchConfig { vesicles: nodes * 100, nodes, degree: 8, steps: 50, species: 1 };
        let report = nv_core::gpu::density_bench::run(&ctx, &cfg).expect("benchmark");
        println!("{report}");
    }
}
