//! CPU–GPU parity of the population stages on lavapipe (Vulkan on the CPU): each GPU stage
//! against its CPU twin from the same input, and whole runs of shipped presets on both
//! engines. Integers (counts, ids, events, fixed-point sums) must be equal; floats that the
//! GPU computes itself (integrated activity, release amounts through a payload fade) within a
//! stated tolerance. Without an adapter the tests print a notice and pass, except with
//! `CI=true`.

mod common;

/// The mixed world of `determinism.rs`, with room for a million vesicles.
fn mixed() -> String {
    common::mixed_preset(1_000_000)
}

use std::path::Path;

use nv_core::backend::{Backend, CpuBackend};
use nv_core::cpu::accumulate::{Accumulators, to_fixed};
use nv_core::gpu::layout::GpuVesicle;
use nv_core::gpu::stages::{accumulate::Accumulate, compact::Compact, scan::Scan};
use nv_core::gpu::{GpuBackend, GpuContext};
use nv_core::rng::Rng;
use nv_core::{Mode, World};

/// Relative tolerance of floats the GPU computes itself (integrated activity, cascade payloads,
/// releases) on this device: none where it rounds like the CPU (lavapipe: the shaders do the
/// twins' f32 operations in the same order, with the same fast math), else a few f32 ulps
/// accumulated over a step, for a GPU that fuses multiply-adds.
fn float_tolerance(ctx: &GpuContext) -> f64 {
    if common::rounds_like_the_cpu(ctx) { 0.0 } else { 1e-5 }
}
/// Absolute tolerance of a release sum beside the relative one: 16 fixed-point units (2^−24
/// each), for amounts an ulp apart that round to neighbouring units.
const RELEASE_TOLERANCE: f64 = 16.0 / 16_777_216.0;

fn preset_world(name: &str) -> World {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets").join(format!("{name}.ron"));
    World::load(&path, Mode::Particle).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn close(a: f64, b: f64, tol: f64, what: &str) {
    let scale = a.abs().max(b.abs()).max(1e-3);
    assert!((a - b).abs() <= tol * scale, "{what}: cpu {a} gpu {b}");
}

fn close_release(a: f64, b: f64, tol: f64, what: &str) {
    let bound = if tol == 0.0 { 0.0 } else { tol * a.abs().max(b.abs()) + RELEASE_TOLERANCE };
    assert!((a - b).abs() <= bound, "{what}: cpu {a} gpu {b}");
}

/// Every vesicle equal (integers exactly, payloads and integrated activity within `tol`).
fn assert_same_population(cpu: &World, gpu: &World, tol: f64) {
    let (a, b) = (cpu.pool().expect("particles"), gpu.pool().expect("particles"));
    let live = |p: &nv_core::vesicles::VesiclePool| -> Vec<usize> {
        (0..p.len()).filter(|&k| p.alive[k]).collect()
    };
    let (la, lb) = (live(a), live(b));
    assert_eq!(la.len(), lb.len(), "live vesicles");
    assert_eq!(a.next_id, b.next_id, "next id");
    for (&i, &j) in la.iter().zip(&lb) {
        let id = a.id[i];
        assert_eq!(id, b.id[j], "ids in order");
        assert_eq!(
            (a.species[i], a.loc[i], a.prev[i], a.hops[i], a.born[i]),
            (b.species[j], b.loc[j], b.prev[j], b.hops[j], b.born[j]),
            "vesicle {id}: species, loc, prev, hops, born"
        );
        assert_eq!(
            (a.parent[i], a.root[i], a.generation[i], a.cascade[i]),
            (b.parent[j], b.root[j], b.generation[j], b.cascade[j]),
            "vesicle {id}: lineage"
        );
        // Emitted payloads come from the CPU (equal); a cascade child's is A·c of its parent's
        // faded payload, computed on the device.
        for d in 0..4 {
            close(a.payload[i][d] as f64, b.payload[j][d] as f64, tol, "payload");
        }
        close(a.integ[i] as f64, b.integ[j] as f64, tol, "integrated activity");
    }
}

fn assert_same_step(cpu: &World, gpu: &World, tol: f64) {
    let t = cpu.step;
    assert_eq!(t, gpu.step);
    assert_eq!(cpu.counts, gpu.counts, "step {t}: per-node per-species counts");
    assert_eq!(cpu.last, gpu.last, "step {t}: events");
    assert_eq!(cpu.docks, gpu.docks, "step {t}: docks");
    assert_eq!(cpu.edge_hops, gpu.edge_hops, "step {t}: edge hops");
    for (k, (a, b)) in cpu.releases.data.iter().zip(&gpu.releases.data).enumerate() {
        close_release(*a, *b, tol, &format!("step {t}: release sum {k}"));
    }
}

#[test]
fn scan_matches_its_cpu_twin() {
    let Some(ctx) = common::gpu_context("scan_matches_its_cpu_twin") else { return };
    let rng = Rng::new(3);
    for len in [0usize, 1, 255, 1024, 1025, 5000, 300_000, 1_100_000] {
        let input: Vec<u32> = (0..len).map(|k| rng.words(0, k as u64, 9)[0] % 5).collect();
        let got = Scan::run_once(&ctx, &input).expect("GPU scan");
        assert_eq!(got, nv_core::cpu::scan::exclusive_scan(&input), "len {len}");
    }
}

#[test]
fn accumulate_matches_the_cpu_i64_sums() {
    let Some(ctx) = common::gpu_context("accumulate_matches_the_cpu_i64_sums") else { return };
    // 200,000 releases into 7 values (heavy contention): signs, tiny and large amounts,
    // halves of a fixed-point unit, and sums that cross 2^32 units either way.
    let rng = Rng::new(8);
    let mut items = Vec::new();
    for k in 0..200_000u64 {
        let w = rng.words(1, k, 2);
        let u = nv_core::rng::unit(w[1]) as f64 - 0.5;
        let x = match w[0] % 6 {
            0 => u as f32,
            1 => (u * 3000.0) as f32,
            2 => (u * 1e-6) as f32,
            3 => {
                ((w[2] % 64) as f64 + 0.5) as f32 / 16_777_216.0 * if u < 0.0 { -1.0 } else { 1.0 }
            }
            4 => (u * 1e6) as f32,
            _ => -((w[3] % 1000) as f32),
        };
        items.push(((w[0] >> 8) % 7, x));
    }
    let got = Accumulate::run_once(&ctx, 7, &items).expect("GPU accumulate");
    let mut want = vec![0i64; 7];
    for &(i, x) in &items {
        want[i as usize] += to_fixed(x as f64);
    }
    assert_eq!(got, want);
    // The CPU's accumulators agree (the same conversion).
    let acc = Accumulators::new(1, 0);
    for &(i, x) in items.iter().filter(|it| (it.0 as usize) < acc.stride) {
        acc.add(0, i as usize, x as f64);
    }
    for (ch, a) in acc.releases.iter().enumerate().take(want.len()) {
        assert_eq!(a.load(std::sync::atomic::Ordering::Relaxed), want[ch]);
    }
}

#[test]
fn compact_matches_its_cpu_twin() {
    let Some(ctx) = common::gpu_context("compact_matches_its_cpu_twin") else { return };
    let rng = Rng::new(4);
    for len in [1usize, 700, 70_000] {
        let pool: Vec<GpuVesicle> = (0..len)
            .map(|k| GpuVesicle {
                id: [k as u32, 1],
                loc: (k * 7) as u32,
                alive: 1,
                ..Default::default()
            })
            .collect();
        let live: Vec<bool> =
            (0..len).map(|k| !rng.words(0, k as u64, 1)[0].is_multiple_of(3)).collect();
        let got = Compact::run_once(&ctx, &pool, &live).expect("GPU compaction");
        let mut want = pool.clone();
        nv_core::cpu::compact::compact_column(&mut want, &live);
        assert_eq!(got, want, "len {len}");
    }
}

/// Runs `cpu` on the CPU and a twin world on the GPU for `steps` steps, checking every step's
/// observables, then the whole population (and, where the device rounds like the CPU, the
/// modulation, bit for bit).
fn run_both(ctx: &GpuContext, mut cpu: World, twin: World, steps: u64) {
    let tol = float_tolerance(ctx);
    let mut gpu = GpuBackend::new(ctx.clone());
    gpu.load(twin).unwrap_or_else(|e| panic!("load: {}", e.error));
    for _ in 0..steps {
        cpu.step_once();
        gpu.advance(1).expect("GPU step");
        assert_same_step(&cpu, gpu.host().expect("loaded"), tol);
    }
    let gpu_world = gpu.store().expect("store");
    assert_same_population(&cpu, &gpu_world, tol);
    if tol == 0.0 {
        assert_eq!(cpu.modulation, gpu_world.modulation, "modulation");
        assert_eq!(cpu.pathway, gpu_world.pathway, "pathway traces");
    }
    assert_eq!(cpu.cascades.finished, gpu_world.cascades.finished, "finished cascades");
    assert_eq!(cpu.modulation.emission_gain.len(), gpu_world.modulation.emission_gain.len());
}

#[test]
fn one_step_from_a_running_world_matches() {
    let Some(ctx) = common::gpu_context("one_step_from_a_running_world_matches") else { return };
    let mut cpu = common::world(&mixed(), Mode::Particle);
    let mut twin = common::world(&mixed(), Mode::Particle);
    cpu.advance(40);
    twin.advance(40);
    assert!(cpu.pool().expect("particles").live > 100);
    run_both(&ctx, cpu, twin, 1);
}

#[test]
fn presets_match_over_200_steps() {
    let Some(ctx) = common::gpu_context("presets_match_over_200_steps") else { return };
    for name in
        ["tiny_chain", "pathway_carving", "cascade_critical", "sparse_agents", "spiral_film"]
    {
        println!("{name}");
        run_both(&ctx, preset_world(name), preset_world(name), 200);
    }
    // The mixed world's emission gains run away after about 130 steps (on either engine):
    // 120 steps, as in the determinism test.
    run_both(
        &ctx,
        common::world(&mixed(), Mode::Particle),
        common::world(&mixed(), Mode::Particle),
        120,
    );
}

#[test]
fn switching_backend_mid_run_keeps_the_state() {
    let Some(ctx) = common::gpu_context("switching_backend_mid_run_keeps_the_state") else {
        return;
    };
    let tol = float_tolerance(&ctx);
    let mut reference = common::world(&mixed(), Mode::Particle);
    reference.advance(120);

    let mut cpu = CpuBackend::new();
    cpu.load(common::world(&mixed(), Mode::Particle)).expect("cpu load");
    cpu.advance(50).expect("cpu");
    let mut gpu = GpuBackend::new(ctx);
    gpu.load(cpu.store().expect("cpu store")).unwrap_or_else(|e| panic!("{}", e.error));
    gpu.advance(40).expect("gpu");
    cpu.load(gpu.store().expect("gpu store")).expect("cpu load");
    cpu.advance(30).expect("cpu");
    let end = cpu.store().expect("cpu store");
    assert_same_step(&reference, &end, tol);
    assert_same_population(&reference, &end, tol);
    assert_eq!(reference.modulation, end.modulation);
}

#[test]
fn limits_and_recovery_keep_the_world() {
    let Some(ctx) = common::gpu_context("limits_and_recovery_keep_the_world") else { return };
    let mut gpu = GpuBackend::new(ctx.clone());
    // A capacity beyond the device's storage binding: the load fails, names the limit and
    // gives the world back as it was.
    let most = nv_core::gpu::backend::max_vesicles(&ctx.device.limits()).0;
    let big = common::mixed_preset(most as u64 + 1);
    let mut world = common::world(&big, Mode::Particle);
    world.advance(3);
    let err = gpu.load(world).expect_err("over the device's limit");
    let message = err.error.to_string();
    assert!(message.contains(&format!("at most {most} vesicles")), "{message}");
    assert!(message.contains("max_"), "{message}");
    assert_eq!(err.world.step, 3);

    // A density world loads (the GPU density engine: `gpu_density_backend.rs`), and recover()
    // gives it back as loaded.
    let mut world = common::world(&mixed(), Mode::Density);
    world.advance(4);
    let rho = world.density().map(|d| d.rho.clone());
    gpu.load(world).expect("a density world loads");
    gpu.advance(3).expect("gpu density");
    assert_eq!(gpu.host().map(|w| w.step), Some(7));
    let back = gpu.recover().expect("a last good state");
    assert_eq!((back.step, back.density().map(|d| d.rho.clone())), (4, rho));

    // recover() gives the last good state: the world as loaded (or checkpointed).
    let mut world = common::world(&mixed(), Mode::Particle);
    world.advance(20);
    let counts = world.counts.clone();
    gpu.load(world).expect("load");
    gpu.advance(5).expect("gpu");
    let back = gpu.recover().expect("a last good state");
    assert_eq!((back.step, &back.counts), (20, &counts));
    assert!(gpu.host().is_none());
    gpu.load(back).expect("load");
    gpu.advance(5).expect("gpu");
    gpu.checkpoint().expect("checkpoint");
    gpu.advance(2).expect("gpu");
    let back = gpu.recover().expect("a last good state");
    assert_eq!(back.step, 25);
    let mut reference = common::world(&mixed(), Mode::Particle);
    reference.advance(25);
    assert_same_population(&reference, &back, float_tolerance(&ctx));
}

/// A device that allows 16 storage buffers per shader stage (as OpenGL drivers do) cannot
/// run the kernel (20) or density (25) stages, and one with none (OpenGL under WebGL2's
/// limits, eframe's default there) runs no stage: loading a particle or a density world fails
/// with a message naming the limit, gives the world back, and panics nowhere.
#[test]
fn too_few_storage_buffers_per_stage_are_refused_with_the_limit() {
    let Some(ctx) =
        common::gpu_context("too_few_storage_buffers_per_stage_are_refused_with_the_limit")
    else {
        return;
    };
    drop(ctx);
    let instance = wgpu::Instance::new(wgpu::InstanceDescriptor {
        backends: nv_core::gpu::context::preferred_backends(),
        ..wgpu::InstanceDescriptor::new_without_display_handle()
    });
    let adapter = pollster::block_on(instance.request_adapter(&Default::default()))
        .expect("the adapter the context used");
    for (allowed, expected) in [(16, "`kernel` stage binds 20"), (0, "offers no storage buffers")] {
        let limits =
            wgpu::Limits { max_storage_buffers_per_shader_stage: allowed, ..adapter.limits() };
        let (device, queue) = pollster::block_on(adapter.request_device(&wgpu::DeviceDescriptor {
            required_limits: limits,
            ..Default::default()
        }))
        .expect("a device with fewer storage buffers");
        let small = GpuContext::from_device(device, queue, adapter.get_info());
        for mode in [Mode::Particle, Mode::Density] {
            let mut world = common::world(&mixed(), mode);
            world.advance(2);
            let mut gpu = GpuBackend::new(small.clone());
            let err = gpu.load(world).expect_err("too few storage buffers per stage");
            let message = err.error.to_string();
            assert!(message.contains("max_storage_buffers_per_shader_stage"), "{message}");
            assert!(message.contains(expected), "{allowed}, {mode:?}: {message}");
            assert_eq!(err.world.step, 2, "{mode:?}: the world comes back as it was");
        }
    }
}
