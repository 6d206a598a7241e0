//! The GPU engine's shaders and its RNG parity with the CPU.
//!
//! `every_shader_validates` needs no GPU (naga only). `gpu_rng_matches_the_cpu_golden_table`
//! needs an adapter: on a machine without one it prints a notice and passes, except in CI
//! (`CI=true`, where Mesa's lavapipe is installed), where a missing adapter fails.

mod common;

use std::path::Path;

use nv_core::fastmath;
use nv_core::gpu::{fastmath_gpu, rng_words_gpu, sources};
use nv_core::rng::{Rng, stream};

#[test]
fn every_shader_validates() {
    for &name in sources::STAGES {
        let source = sources::stage_source(name).expect("a listed stage has a source");
        let module = naga::front::wgsl::parse_str(&source)
            .unwrap_or_else(|e| panic!("{name}.wgsl: {}", e.emit_to_string(&source)));
        naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::all(),
        )
        .validate(&module)
        .unwrap_or_else(|e| panic!("{name}.wgsl: {}", e.emit_to_string(&source)));
    }
    assert!(sources::stage_source("no_such_stage").is_none());

    // No orphans: every .wgsl file is a shared library or a listed stage.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shaders");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).expect("shaders/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.extension().is_some_and(|e| e == "wgsl") {
            let stem = path.file_stem().and_then(|s| s.to_str()).expect("a UTF-8 file name");
            assert!(
                sources::LIBRARIES.contains(&stem) || sources::STAGES.contains(&stem),
                "orphan shader {}: list it in core/src/gpu/sources.rs or remove it",
                path.display()
            );
            seen += 1;
        }
    }
    assert_eq!(
        seen,
        sources::STAGES.len() + sources::LIBRARIES.len(),
        "a listed stage or library has no file"
    );
}

#[test]
fn gpu_rng_matches_the_cpu_golden_table() {
    let Some(ctx) = common::gpu_context("gpu_rng_matches_the_cpu_golden_table") else {
        return;
    };

    // The pinned golden values of core/src/rng.rs's `golden_table` test.
    let rng = Rng::new(42);
    let key = rng.key();
    assert_eq!(key, [2698982912, 2434483295, 309876454, 3059772827]);
    let golden = rng_words_gpu(
        &ctx,
        key,
        &[(0, 1000, 0), (1, 1001, 1), (2, 1002, 2), (123456, u64::MAX - 5, 0x0100_0003)],
    )
    .expect("GPU golden words");
    assert_eq!(
        golden,
        vec![
            [60419159, 1154476099, 1538599873, 40898652],
            [3614366736, 4046160623, 4081172524, 2405406411],
            [4132771306, 3483737900, 3911310787, 2152718290],
            [3044522690, 662187088, 1308649291, 1333714283],
        ]
    );

    // A few thousand counters: small and huge steps, ids above 2^32, every named stream range.
    let streams = [
        stream::VESICLE_A,
        stream::VESICLE_B,
        stream::CASCADE + 7,
        stream::EMIT + 3,
        stream::HOST,
        stream::BUILD + 1,
        u32::MAX,
    ];
    let ids =
        [0u64, 1, 999, u32::MAX as u64, 1 << 32, (1 << 32) + 12345, 0xdead_beef_cafe, u64::MAX];
    let mut items = Vec::new();
    for (i, &step) in [0u32, 1, 2, 77, 65_535, 1 << 20, u32::MAX].iter().enumerate() {
        for (j, &id) in ids.iter().enumerate() {
            for (k, &s) in streams.iter().enumerate() {
                for extra in 0..6u64 {
                    let id = id.wrapping_add(extra * 0x1_0000_0001);
                    items.push((step, id, s.wrapping_add((i + j + k) as u32)));
                }
            }
        }
    }
    assert!(items.len() > 2000, "{} items", items.len());
    for seed in [0u64, 42, u64::MAX, 0x0123_4567_89ab_cdef] {
        let rng = Rng::new(seed);
        let got = rng_words_gpu(&ctx, rng.key(), &items).expect("GPU words");
        assert_eq!(got.len(), items.len());
        for (&(step, id, s), g) in items.iter().zip(&got) {
            assert_eq!(*g, rng.words(step, id, s), "seed {seed}, step {step}, id {id}, stream {s}");
        }
    }
}

/// Every Rust mirror of a WGSL struct has the offsets and size naga gives the WGSL struct.
#[test]
fn mirrored_structs_match_the_wgsl_layout() {
    use nv_core::gpu::layout::{
        GpuCompactParams, GpuMoveCdf, GpuRelease, GpuScanParams, GpuSpecies, GpuStepParams,
        GpuVesicle,
    };
    use std::mem::{offset_of, size_of};

    /// (WGSL stage holding it, WGSL struct, Rust size, Rust (field, offset) in order).
    type Mirror = (&'static str, &'static str, usize, Vec<(&'static str, usize)>);
    macro_rules! mirror {
        ($stage:expr, $wgsl:expr, $ty:ty, [$($f:ident),* $(,)?]) => {
            ($stage, $wgsl, size_of::<$ty>(), vec![$((stringify!($f), offset_of!($ty, $f))),*])
        };
    }
    let mirrors: Vec<Mirror> = vec![
        mirror!(
            "decay_dock_hop",
            "Vesicle",
            GpuVesicle,
            [
                id, parent, root, born, payload, species, loc, prev, hops, integ, generation,
                cascade, alive,
            ]
        ),
        mirror!(
            "decay_dock_hop",
            "SpeciesParams",
            GpuSpecies,
            [
                projection,
                death,
                dock_const,
                dock_bound,
                absorption,
                dock_rate_dt,
                dock_gain,
                dock_threshold,
                hop,
                inv_hop,
                ln_fade,
                law,
                life_steps,
                direction,
                release_first,
                release_count,
                cascade_op,
            ]
        ),
        mirror!(
            "decay_dock_hop",
            "Release",
            GpuRelease,
            [u, transform, kind, channel, eta, target_species, table_first, table_len, log_retain,]
        ),
        mirror!(
            "decay_dock_hop",
            "StepParams",
            GpuStepParams,
            [
                key,
                step,
                dt,
                n,
                species,
                moves,
                stride,
                len,
                capacity,
                next_id,
                forward_len_at,
                move_edge_at,
                docks_at,
                edge_hops_at,
                events_at,
                cascade_at,
            ]
        ),
        mirror!("decay_dock_hop", "MoveCdf", GpuMoveCdf, [cdf, target_node]),
        mirror!("scan", "ScanParams", GpuScanParams, [len, total_at, blocks, groups_x]),
        mirror!("compact", "CompactParams", GpuCompactParams, [len, groups_x]),
    ];
    for (stage, name, size, fields) in mirrors {
        let source = sources::stage_source(stage).expect("a listed stage");
        let module = naga::front::wgsl::parse_str(&source).expect("valid WGSL");
        let mut layouter = naga::proc::Layouter::default();
        layouter.update(module.to_ctx()).expect("naga lays the types out");
        let (handle, ty) = module
            .types
            .iter()
            .find(|(_, t)| t.name.as_deref() == Some(name))
            .unwrap_or_else(|| panic!("{stage}.wgsl has no struct {name}"));
        let naga::TypeInner::Struct { members, span } = &ty.inner else {
            panic!("{name} is not a struct");
        };
        assert_eq!(*span as usize, size, "{name}: WGSL size {span}, Rust size {size}");
        assert_eq!(layouter[handle].size as usize, size, "{name}: size");
        let wgsl: Vec<(String, usize)> = members
            .iter()
            .map(|m| (m.name.clone().unwrap_or_default(), m.offset as usize))
            .collect();
        let rust: Vec<(String, usize)> =
            fields.into_iter().map(|(f, o)| (f.to_string(), o)).collect();
        assert_eq!(wgsl, rust, "{name}: fields and offsets (WGSL left, Rust right)");
    }
}

#[test]
fn gpu_fast_math_matches_the_cpu() {
    let Some(ctx) = common::gpu_context("gpu_fast_math_matches_the_cpu") else {
        return;
    };
    // x over every binade of both signs (and the specials), y the exponents the modulation's
    // relaxation uses and a few more.
    let mut xs = vec![0.0f32, -0.0, 1.0, -1.0, 0.5, -0.5, 88.7, 89.0, -87.3, -88.0, 1e-40];
    xs.extend([f32::INFINITY, f32::NEG_INFINITY, f32::MIN_POSITIVE, f32::MAX]);
    let mut x = 1.0e-30f32;
    while x < 1.0e30 {
        xs.extend([x, -x]);
        x *= 1.013;
    }
    let mut x = -3.0f32;
    while x < 3.0 {
        xs.push(x);
        x += 0.000_37;
    }
    let ys = [0.0f32, 0.5, 0.9, 0.999_9, 1.0, 2.5];
    let inputs: Vec<(f32, f32)> =
        xs.iter().enumerate().map(|(i, &x)| (x, ys[i % ys.len()])).collect();
    assert!(inputs.len() > 20_000, "{} inputs", inputs.len());
    let got = fastmath_gpu(&ctx, &inputs).expect("GPU fast math");
    let exact = common::rounds_like_the_cpu(&ctx);
    let names = ["exp", "exp_m1", "sigmoid", "ln", "pow"];
    let mut differing = [0usize; 5];
    for (&(x, y), g) in inputs.iter().zip(&got) {
        let want = [
            fastmath::exp(x),
            fastmath::exp_m1(x),
            fastmath::sigmoid(x),
            fastmath::ln(x),
            if x >= 0.0 { fastmath::pow(x, y) } else { g[4] },
        ];
        for (k, (&g, &w)) in g.iter().zip(&want).enumerate() {
            let same = g.to_bits() == w.to_bits() || (g.is_nan() && w.is_nan());
            if !same {
                differing[k] += 1;
                // A GPU that fuses multiply-adds may differ in the last bits only.
                let close = (g - w).abs() <= 1e-6 * w.abs().max(f32::MIN_POSITIVE);
                assert!(!exact && close, "{}({x}, {y}): gpu {g:e}, cpu {w:e}", names[k]);
            }
        }
    }
    println!("{} inputs; differing in the last bits: {:?} of {names:?}", inputs.len(), differing);
}
