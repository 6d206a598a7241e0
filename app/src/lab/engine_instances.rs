//! The vesicles of the GPU engine drawn without a read-back: a compute pass on eframe's
//! device (the engine's device too) turns the engine's population buffer into the vesicle
//! renderer's instances (`engine_instances.wgsl`), recorded into the frame's encoder before
//! egui's render pass. Only O(nodes · species) crosses per frame (the docked flags).

use eframe::egui_wgpu::wgpu;
use nv_core::gpu::layout::GpuVesicle;

use super::vesicle_gpu::{GrowBuffer, VesicleInstance};

/// The compute shader (WGSL).
const SHADER: &str = include_str!("engine_instances.wgsl");

/// Threads per workgroup (as in the shader).
const WORKGROUP: u32 = 64;

/// What one frame draws from the GPU engine.
#[derive(Clone, Debug)]
pub struct EngineFeed {
    /// The engine's population buffer (`GpuVesicle`s, the living dense and in id order).
    pub population: wgpu::Buffer,
    /// Vesicles in it.
    pub live: u32,
    /// Draw one in `every` (at least 1).
    pub every: u32,
    /// Nodes of the graph.
    pub nodes: u32,
    /// 1 where species `k` docked at node `i` this step, `[k · nodes + i]`.
    pub docked: Vec<u32>,
}

impl EngineFeed {
    /// Instances drawn: one in `every` of the living.
    pub fn count(&self) -> u32 {
        self.live.div_ceil(self.every.max(1))
    }
}

/// The shader's parameters (32 bytes; kept in sync with `Params` in the shader).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
struct Params {
    count: u32,
    every: u32,
    nodes: u32,
    words: u32,
    species_at: u32,
    loc_at: u32,
    prev_at: u32,
    pad: u32,
}

impl Params {
    fn of(feed: &EngineFeed) -> Self {
        let word = |bytes: usize| (bytes / 4) as u32;
        Self {
            count: feed.count(),
            every: feed.every.max(1),
            nodes: feed.nodes,
            words: word(size_of::<GpuVesicle>()),
            species_at: word(std::mem::offset_of!(GpuVesicle, species)),
            loc_at: word(std::mem::offset_of!(GpuVesicle, loc)),
            prev_at: word(std::mem::offset_of!(GpuVesicle, prev)),
            pad: 0,
        }
    }
}

/// The compute pipeline and the instance buffer it writes (kept in eframe's callback
/// resources beside the `VesicleRenderer`).
pub struct InstanceWriter {
    pipeline: wgpu::ComputePipeline,
    layout: wgpu::BindGroupLayout,
    params: wgpu::Buffer,
    docked: GrowBuffer,
    instances: GrowBuffer,
    count: u32,
}

impl InstanceWriter {
    /// Builds the pipeline on `device`.
    pub fn new(device: &wgpu::Device) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("nvlab engine instances"),
            source: wgpu::ShaderSource::Wgsl(SHADER.into()),
        });
        let entry = |binding, ty| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::COMPUTE,
            ty: wgpu::BindingType::Buffer { ty, has_dynamic_offset: false, min_binding_size: None },
            count: None,
        };
        let read = wgpu::BufferBindingType::Storage { read_only: true };
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("nvlab engine instances"),
            entries: &[
                entry(0, wgpu::BufferBindingType::Uniform),
                entry(1, read),
                entry(2, read),
                entry(3, wgpu::BufferBindingType::Storage { read_only: false }),
            ],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("nvlab engine instances"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some("nvlab engine instances"),
            layout: Some(&pipeline_layout),
            module: &module,
            entry_point: Some("main"),
            compilation_options: wgpu::PipelineCompilationOptions::default(),
            cache: None,
        });
        let params = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("nvlab engine instances: params"),
            size: size_of::<Params>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let docked =
            GrowBuffer::new(device, "nvlab engine instances: docked", wgpu::BufferUsages::STORAGE);
        let instances = GrowBuffer::new(
            device,
            "nvlab engine instances",
            wgpu::BufferUsages::STORAGE | wgpu::BufferUsages::VERTEX | wgpu::BufferUsages::COPY_SRC,
        );
        Self { pipeline, layout, params, docked, instances, count: 0 }
    }

    /// Records the pass that writes `feed`'s instances into `encoder`.
    pub fn write(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        encoder: &mut wgpu::CommandEncoder,
        feed: &EngineFeed,
    ) {
        let params = Params::of(feed);
        self.count = params.count;
        if params.count == 0 {
            return;
        }
        queue.write_buffer(&self.params, 0, bytemuck::bytes_of(&params));
        self.docked.write(device, queue, bytemuck::cast_slice(&feed.docked));
        self.instances.reserve(device, params.count as u64 * size_of::<VesicleInstance>() as u64);
        let bind_group = device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("nvlab engine instances"),
            layout: &self.layout,
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: self.params.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 1, resource: feed.population.as_entire_binding() },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: self.docked.buffer.as_entire_binding(),
                },
                wgpu::BindGroupEntry {
                    binding: 3,
                    resource: self.instances.buffer.as_entire_binding(),
                },
            ],
        });
        let mut pass = encoder.begin_compute_pass(&wgpu::ComputePassDescriptor {
            label: Some("nvlab engine instances"),
            timestamp_writes: None,
        });
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &bind_group, &[]);
        pass.dispatch_workgroups(params.count.div_ceil(WORKGROUP), 1, 1);
    }

    /// The instance buffer and how many instances the last [`Self::write`] put in it.
    pub fn instances(&self) -> (&wgpu::Buffer, u32) {
        (&self.instances.buffer, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nv_core::backend::Backend;
    use nv_core::gpu::{GpuBackend, GpuContext};

    #[test]
    fn the_shader_parses_and_validates() {
        let module = naga::front::wgsl::parse_str(SHADER).expect("engine_instances.wgsl parses");
        naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::empty(),
        )
        .validate(&module)
        .expect("engine_instances.wgsl validates");
        assert_eq!(size_of::<Params>(), 32);
    }

    /// The instances written on the device are the ones the CPU path builds from the same
    /// population (read back for the comparison): every vesicle of `pathway_carving` after 60
    /// steps, and one in three.
    #[test]
    fn device_instances_match_the_cpu_path() {
        let ctx = match GpuContext::new_blocking() {
            Ok(ctx) => ctx,
            Err(e) => {
                assert!(std::env::var("CI").is_err(), "no wgpu adapter in CI: {e}");
                eprintln!("device_instances_match_the_cpu_path: skipped, no adapter ({e})");
                return;
            }
        };
        let path = crate::cli::presets_dir().join("pathway_carving.ron");
        let preset = nv_core::preset::load(&path).expect("the shipped preset loads");
        let base = path.parent().expect("a folder").to_path_buf();
        let world = nv_core::World::new(preset, nv_core::Mode::Particle, &base)
            .expect("the shipped preset builds");
        let mut gpu = GpuBackend::new(ctx.clone());
        gpu.load(world).expect("pathway_carving runs on the GPU");
        gpu.advance(60).expect("60 steps");
        gpu.checkpoint().expect("the population reads back");
        let w = gpu.host().expect("loaded");
        let pool = w.pool().expect("particles");
        let n = w.graph.n();
        let docked: Vec<u32> = w.docks.iter().map(|&d| u32::from(d > 0.0)).collect();
        let expected: Vec<VesicleInstance> = (0..pool.len())
            .filter(|&s| pool.alive[s])
            .map(|s| {
                let (k, to) = (pool.species[s] as usize, pool.loc[s]);
                let flash = if docked[k * n + to as usize] != 0 {
                    super::super::vesicle_gpu::FLASH
                } else {
                    0
                };
                VesicleInstance {
                    from: pool.prev[s],
                    to,
                    species_flags: k as u32 | flash,
                    hash: super::super::vesicle_gpu::jitter_hash(pool.id[s]),
                }
            })
            .collect();
        assert!(expected.len() > 100, "a population to compare ({})", expected.len());
        let (buffer, live) = gpu.population_buffer().expect("loaded");
        assert_eq!(live as usize, expected.len());
        let mut writer = InstanceWriter::new(&ctx.device);
        for every in [1u32, 3] {
            let feed = EngineFeed {
                population: buffer.clone(),
                live,
                every,
                nodes: n as u32,
                docked: docked.clone(),
            };
            let mut encoder = ctx.device.create_command_encoder(&Default::default());
            writer.write(&ctx.device, &ctx.queue, &mut encoder, &feed);
            ctx.queue.submit([encoder.finish()]);
            let (instances, count) = writer.instances();
            let bytes = nv_core::gpu::buffers::read_back(
                &ctx,
                instances,
                0,
                count as u64 * size_of::<VesicleInstance>() as u64,
            )
            .expect("the instances read back");
            let got: Vec<VesicleInstance> = bytemuck::pod_collect_to_vec(&bytes);
            let want: Vec<VesicleInstance> =
                expected.iter().step_by(every as usize).copied().collect();
            assert_eq!(got, want, "one in {every}");
        }
    }
}
