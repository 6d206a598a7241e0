//! The vesicles drawn on eframe's wgpu device: one instanced quad per vesicle, from a GPU
//! buffer of [`VesicleInstance`]s, inside the network view by an `egui_wgpu` paint callback.
//!
//! [`VesicleRenderer`] owns the pipeline and the per-frame view data (node layout positions,
//! species colours, the transform); [`VesicleRenderer::draw`] takes any vertex buffer of
//! instances and a count, so the GPU engine can later hand over the buffer it writes. Today the
//! instances are built on the CPU from the simulation each frame ([`VesicleFrame`]) and written
//! into a buffer the renderer owns ([`VesicleRenderer::upload`]). The shader is
//! `vesicles.wgsl`, next to this file (the app's render shader, not an engine stage, so it is
//! not in `shaders/`).
//!
//! With the glow renderer there is no wgpu device and the network view draws the dots with
//! egui's painter instead (`panels/network.rs`).

use eframe::egui;
use eframe::egui_wgpu::{self, wgpu};

use super::engine_instances::{EngineFeed, InstanceWriter};

/// The render shader (WGSL).
const SHADER: &str = include_str!("vesicles.wgsl");

/// Bit 16 of [`VesicleInstance::species_flags`]: the vesicle's species docked at its node this
/// step (drawn brighter, as the node's white ring).
pub const FLASH: u32 = 1 << 16;

/// One vesicle as the renderer reads it (16 bytes; kept in sync with `vesicles.wgsl`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct VesicleInstance {
    /// The node it hopped from this step (its node if it did not hop).
    pub from: u32,
    /// The node it is at.
    pub to: u32,
    /// The species index (bits 0..16) and [`FLASH`].
    pub species_flags: u32,
    /// The jitter hash of its stable id ([`jitter_hash`]): where in its node's disc it sits.
    pub hash: u32,
}

/// The hash that places a vesicle in its node's disc (the painter path uses the same one).
pub fn jitter_hash(id: u64) -> u32 {
    nv_core::rng::mix32((id as u32) ^ nv_core::rng::mix32((id >> 32) as u32))
}

/// The view's uniforms (64 bytes; kept in sync with `View` in `vesicles.wgsl`).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
pub struct ViewUniform {
    /// Screen position (points) of the layout's middle.
    pub center: [f32; 2],
    /// The layout's middle (layout units).
    pub mid: [f32; 2],
    /// Points per layout unit.
    pub scale: f32,
    /// Progress of the hop in flight, 0..=1.
    pub progress: f32,
    /// Dot radius, points.
    pub dot: f32,
    /// Radius of the disc around its node a vesicle is placed in, points.
    pub jitter: f32,
    /// The callback rectangle's top left corner, points.
    pub rect_min: [f32; 2],
    /// The callback rectangle's size, points.
    pub rect_size: [f32; 2],
    /// Physical pixels per point.
    pub pixels_per_point: f32,
    /// Number of species colours.
    pub species_count: u32,
    /// Padding to the WGSL struct's size.
    pub pad: [f32; 2],
}

/// What one frame draws: the view, the node layout, the species colours and the instances.
#[derive(Clone, Debug, Default)]
pub struct VesicleFrame {
    /// The view uniforms (`pixels_per_point` and the rectangle are filled in at paint time).
    pub view: ViewUniform,
    /// Layout position of every node.
    pub nodes: Vec<[f32; 2]>,
    /// Colour of every species, sRGB bytes.
    pub colors: Vec<egui::Color32>,
    /// One instance per vesicle drawn.
    pub instances: Vec<VesicleInstance>,
}

/// Storage buffers the renderer's vertex shader reads (the vesicles and the node positions).
const VERTEX_STORAGE_BUFFERS: u32 = 2;

/// Whether `device` on `adapter` can run the renderer: its vertex shader reads storage
/// buffers, which the adapter must support and the device's limits must allow (an OpenGL
/// device with WebGL2's default limits allows none).
pub fn supported(adapter: &wgpu::Adapter, device: &wgpu::Device) -> bool {
    adapter.get_downlevel_capabilities().flags.contains(wgpu::DownlevelFlags::VERTEX_STORAGE)
        && device.limits().max_storage_buffers_per_shader_stage >= VERTEX_STORAGE_BUFFERS
}

/// Puts a [`VesicleRenderer`] into the callback resources of eframe's wgpu renderer; returns
/// whether it did (false when the device cannot run it: the painter path is used instead).
pub fn install(render_state: &egui_wgpu::RenderState) -> bool {
    if !supported(&render_state.adapter, &render_state.device) {
        return false;
    }
    let renderer = VesicleRenderer::new(&render_state.device, render_state.target_format);
    let writer = InstanceWriter::new(&render_state.device);
    let mut egui_renderer = render_state.renderer.write();
    egui_renderer.callback_resources.insert(renderer);
    egui_renderer.callback_resources.insert(writer);
    true
}

/// A growable GPU buffer of `T`s.
pub(crate) struct GrowBuffer {
    pub(crate) buffer: wgpu::Buffer,
    label: &'static str,
    usage: wgpu::BufferUsages,
}

impl GrowBuffer {
    pub(crate) fn new(
        device: &wgpu::Device,
        label: &'static str,
        usage: wgpu::BufferUsages,
    ) -> Self {
        let usage = usage | wgpu::BufferUsages::COPY_DST;
        Self { buffer: Self::make(device, label, usage, 256), label, usage }
    }

    fn make(
        device: &wgpu::Device,
        label: &'static str,
        usage: wgpu::BufferUsages,
        size: u64,
    ) -> wgpu::Buffer {
        device.create_buffer(&wgpu::BufferDescriptor {
            label: Some(label),
            size,
            usage,
            mapped_at_creation: false,
        })
    }

    /// Writes `bytes` at the start, growing (to the next power of two) when they do not fit;
    /// returns whether the buffer was replaced.
    pub(crate) fn write(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        bytes: &[u8],
    ) -> bool {
        let grown = self.reserve(device, bytes.len() as u64);
        if !bytes.is_empty() {
            queue.write_buffer(&self.buffer, 0, bytes);
        }
        grown
    }

    /// Makes room for `bytes` bytes (growing to the next power of two; the contents are then
    /// lost); returns whether the buffer was replaced.
    pub(crate) fn reserve(&mut self, device: &wgpu::Device, bytes: u64) -> bool {
        let needed = bytes.max(16).next_multiple_of(wgpu::COPY_BUFFER_ALIGNMENT);
        let grown = needed > self.buffer.size();
        if grown {
            self.buffer = Self::make(device, self.label, self.usage, needed.next_power_of_two());
        }
        grown
    }
}

/// The instanced vesicle pipeline and its buffers (stored in eframe's callback resources).
pub struct VesicleRenderer {
    pipeline: wgpu::RenderPipeline,
    layout: wgpu::BindGroupLayout,
    bind_group: wgpu::BindGroup,
    uniform: wgpu::Buffer,
    nodes: GrowBuffer,
    colors: GrowBuffer,
    /// The instances built on the CPU this frame.
    instances: GrowBuffer,
    /// How many of them to draw.
    count: u32,
    /// Whether the target stores linear values (an `…Srgb` format): colours are converted.
    linear_target: bool,
}

impl VesicleRenderer {
    /// Builds the pipeline for render targets of `format` (one sample per pixel, no depth, as
    /// eframe's and egui_kittest's egui renderers are set up here).
    pub fn new(device: &wgpu::Device, format: wgpu::TextureFormat) -> Self {
        let module = device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some("nvlab vesicles"),
            source: wgpu::ShaderSource::Wgsl(SHADER.into()),
        });
        let storage = |binding| wgpu::BindGroupLayoutEntry {
            binding,
            visibility: wgpu::ShaderStages::VERTEX,
            ty: wgpu::BindingType::Buffer {
                ty: wgpu::BufferBindingType::Storage { read_only: true },
                has_dynamic_offset: false,
                min_binding_size: None,
            },
            count: None,
        };
        let layout = device.create_bind_group_layout(&wgpu::BindGroupLayoutDescriptor {
            label: Some("nvlab vesicles"),
            entries: &[
                wgpu::BindGroupLayoutEntry {
                    binding: 0,
                    visibility: wgpu::ShaderStages::VERTEX,
                    ty: wgpu::BindingType::Buffer {
                        ty: wgpu::BufferBindingType::Uniform,
                        has_dynamic_offset: false,
                        min_binding_size: wgpu::BufferSize::new(
                            std::mem::size_of::<ViewUniform>() as u64
                        ),
                    },
                    count: None,
                },
                storage(1),
                storage(2),
            ],
        });
        let pipeline_layout = device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some("nvlab vesicles"),
            bind_group_layouts: &[Some(&layout)],
            immediate_size: 0,
        });
        let pipeline = device.create_render_pipeline(&wgpu::RenderPipelineDescriptor {
            label: Some("nvlab vesicles"),
            layout: Some(&pipeline_layout),
            vertex: wgpu::VertexState {
                module: &module,
                entry_point: Some("vs_main"),
                buffers: &[Some(wgpu::VertexBufferLayout {
                    array_stride: std::mem::size_of::<VesicleInstance>() as u64,
                    step_mode: wgpu::VertexStepMode::Instance,
                    attributes: &wgpu::vertex_attr_array![0 => Uint32x4],
                })],
                compilation_options: wgpu::PipelineCompilationOptions::default(),
            },
            primitive: wgpu::PrimitiveState::default(),
            depth_stencil: None,
            multisample: wgpu::MultisampleState::default(),
            fragment: Some(wgpu::FragmentState {
                module: &module,
                entry_point: Some("fs_main"),
                targets: &[Some(wgpu::ColorTargetState {
                    format,
                    // Premultiplied alpha, as egui blends.
                    blend: Some(wgpu::BlendState::PREMULTIPLIED_ALPHA_BLENDING),
                    write_mask: wgpu::ColorWrites::ALL,
                })],
                compilation_options: wgpu::PipelineCompilationOptions::default(),
            }),
            multiview_mask: None,
            cache: None,
        });
        let uniform = device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("nvlab vesicles: view"),
            size: std::mem::size_of::<ViewUniform>() as u64,
            usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let nodes = GrowBuffer::new(device, "nvlab vesicles: nodes", wgpu::BufferUsages::STORAGE);
        let colors =
            GrowBuffer::new(device, "nvlab vesicles: colours", wgpu::BufferUsages::STORAGE);
        let instances =
            GrowBuffer::new(device, "nvlab vesicles: instances", wgpu::BufferUsages::VERTEX);
        let bind_group = Self::bind(device, &layout, &uniform, &nodes.buffer, &colors.buffer);
        Self {
            pipeline,
            layout,
            bind_group,
            uniform,
            nodes,
            colors,
            instances,
            count: 0,
            linear_target: format.is_srgb(),
        }
    }

    fn bind(
        device: &wgpu::Device,
        layout: &wgpu::BindGroupLayout,
        uniform: &wgpu::Buffer,
        nodes: &wgpu::Buffer,
        colors: &wgpu::Buffer,
    ) -> wgpu::BindGroup {
        device.create_bind_group(&wgpu::BindGroupDescriptor {
            label: Some("nvlab vesicles"),
            layout,
            entries: &[
                wgpu::BindGroupEntry { binding: 0, resource: uniform.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 1, resource: nodes.as_entire_binding() },
                wgpu::BindGroupEntry { binding: 2, resource: colors.as_entire_binding() },
            ],
        })
    }

    /// A species colour as the target stores it: premultiplied RGBA, gamma-encoded (egui's
    /// own convention for `…Unorm` targets) or linear for `…Srgb` targets.
    fn color(&self, c: egui::Color32) -> [f32; 4] {
        if self.linear_target {
            egui::Rgba::from(c).to_array()
        } else {
            c.to_normalized_gamma_f32()
        }
    }

    /// Writes the frame's view, nodes, colours and instances into the renderer's buffers.
    pub fn upload(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        view: &ViewUniform,
        frame: &VesicleFrame,
    ) {
        self.set_view(device, queue, view, &frame.nodes, &frame.colors);
        self.instances.write(device, queue, bytemuck::cast_slice(&frame.instances));
        self.count = u32::try_from(frame.instances.len()).unwrap_or(u32::MAX);
    }

    /// Writes what every instance is drawn through: the view, the node layout positions and
    /// the species colours (enough for [`Self::draw`] of a buffer written elsewhere).
    pub fn set_view(
        &mut self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        view: &ViewUniform,
        nodes: &[[f32; 2]],
        colors: &[egui::Color32],
    ) {
        queue.write_buffer(&self.uniform, 0, bytemuck::bytes_of(view));
        let colors: Vec<[f32; 4]> = colors.iter().map(|&c| self.color(c)).collect();
        let grown = self.nodes.write(device, queue, bytemuck::cast_slice(nodes))
            | self.colors.write(device, queue, bytemuck::cast_slice(&colors));
        if grown {
            self.bind_group = Self::bind(
                device,
                &self.layout,
                &self.uniform,
                &self.nodes.buffer,
                &self.colors.buffer,
            );
        }
    }

    /// Draws `count` instances of `instances` (a buffer of [`VesicleInstance`]s with `VERTEX`
    /// usage, e.g. one the GPU engine writes) through the view last set ([`Self::set_view`]).
    pub fn draw(&self, pass: &mut wgpu::RenderPass<'_>, instances: &wgpu::Buffer, count: u32) {
        if count == 0 {
            return;
        }
        pass.set_pipeline(&self.pipeline);
        pass.set_bind_group(0, &self.bind_group, &[]);
        pass.set_vertex_buffer(0, instances.slice(..));
        pass.draw(0..6, 0..count);
    }

    /// Draws the instances of the last [`Self::upload`].
    pub fn draw_uploaded(&self, pass: &mut wgpu::RenderPass<'_>) {
        self.draw(pass, &self.instances.buffer, self.count);
    }
}

/// The paint callback of one frame: uploads its [`VesicleFrame`] in `prepare`, draws it in
/// `paint`. With an [`EngineFeed`], the instances are written on the device from the GPU
/// engine's population instead (the frame's own instances are then empty).
pub struct VesicleCallback {
    /// What to draw.
    pub frame: VesicleFrame,
    /// The GPU engine's population to draw, when the GPU engine runs the world.
    pub engine: Option<EngineFeed>,
}

impl egui_wgpu::CallbackTrait for VesicleCallback {
    fn prepare(
        &self,
        device: &wgpu::Device,
        queue: &wgpu::Queue,
        screen: &egui_wgpu::ScreenDescriptor,
        encoder: &mut wgpu::CommandEncoder,
        resources: &mut egui_wgpu::CallbackResources,
    ) -> Vec<wgpu::CommandBuffer> {
        if let Some(renderer) = resources.get_mut::<VesicleRenderer>() {
            let view = ViewUniform { pixels_per_point: screen.pixels_per_point, ..self.frame.view };
            renderer.upload(device, queue, &view, &self.frame);
        }
        if let (Some(feed), Some(writer)) = (&self.engine, resources.get_mut::<InstanceWriter>()) {
            writer.write(device, queue, encoder, feed);
        }
        Vec::new()
    }

    fn paint(
        &self,
        _info: egui::PaintCallbackInfo,
        pass: &mut wgpu::RenderPass<'static>,
        resources: &egui_wgpu::CallbackResources,
    ) {
        let Some(renderer) = resources.get::<VesicleRenderer>() else { return };
        match (&self.engine, resources.get::<InstanceWriter>()) {
            (Some(_), Some(writer)) => {
                let (instances, count) = writer.instances();
                renderer.draw(pass, instances, count);
            }
            _ => renderer.draw_uploaded(pass),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layouts_match_the_shader() {
        assert_eq!(std::mem::size_of::<VesicleInstance>(), 16);
        assert_eq!(std::mem::size_of::<ViewUniform>(), 64);
        // The shader parses and validates (naga, as wgpu does at pipeline creation).
        let module = naga::front::wgsl::parse_str(SHADER).expect("vesicles.wgsl parses");
        naga::valid::Validator::new(
            naga::valid::ValidationFlags::all(),
            naga::valid::Capabilities::empty(),
        )
        .validate(&module)
        .expect("vesicles.wgsl validates");
    }
}
