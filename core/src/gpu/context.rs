//! The GPU context (adapter, device, queue).
//!
//! [`GpuContext::new_blocking`] asks wgpu for the default adapter (on a headless machine,
//! Mesa's lavapipe: Vulkan on the CPU) and a device with the adapter's own limits.

use super::sources;

/// Why a GPU operation failed.
#[derive(Debug, thiserror::Error)]
pub enum GpuError {
    /// wgpu found no adapter (no GPU, no Vulkan/GL driver such as Mesa's lavapipe).
    #[error("no GPU adapter: {0} (install a driver, e.g. mesa-vulkan-drivers for lavapipe)")]
    NoAdapter(String),
    /// The adapter refused to create a device.
    #[error("the GPU adapter refused a device: {0}")]
    RequestDevice(String),
    /// A stage name that `gpu::sources` does not know.
    #[error("unknown shader stage `{0}`")]
    UnknownStage(String),
    /// wgpu reported a validation or out-of-memory error.
    #[error("GPU error: {0}")]
    Device(String),
    /// Waiting for the GPU or reading a buffer back failed.
    #[error("GPU readback failed: {0}")]
    Readback(String),
    /// A limit of the device is too low for the world (names the limit and what is needed).
    #[error("{0}")]
    Limit(String),
    /// The world uses something the GPU engine does not run (says what, and the way out).
    #[error("the GPU engine cannot run this world: {0}")]
    Unsupported(String),
    /// More items than one dispatch can cover.
    #[error("{0} items exceed the dispatch limit of {1}")]
    TooManyItems(usize, usize),
}

/// A device, its queue and what is known of its adapter. Create once and keep: pipelines and
/// buffers belong to it. The app hands eframe's device over with [`GpuContext::from_device`].
#[derive(Debug, Clone)]
pub struct GpuContext {
    /// The adapter the device was created on.
    pub info: wgpu::AdapterInfo,
    /// The logical device.
    pub device: wgpu::Device,
    /// The device's queue.
    pub queue: wgpu::Queue,
}

impl GpuContext {
    /// Requests the default adapter and a device with the adapter's limits, blocking the
    /// calling thread. Returns [`GpuError::NoAdapter`] when there is no usable adapter.
    pub fn new_blocking() -> Result<Self, GpuError> {
        pollster::block_on(Self::new())
    }

    /// Requests the default adapter of [`preferred_backends`] and a device with the adapter's
    /// limits.
    pub async fn new() -> Result<Self, GpuError> {
        let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle().with_env();
        descriptor.backends = preferred_backends();
        let instance = wgpu::Instance::new(descriptor);
        let adapter = instance
            .request_adapter(&wgpu::RequestAdapterOptions::default())
            .await
            .map_err(|e| GpuError::NoAdapter(e.to_string()))?;
        let (device, queue) = adapter
            .request_device(&wgpu::DeviceDescriptor {
                label: Some("nv_core"),
                required_limits: adapter.limits(),
                ..Default::default()
            })
            .await
            .map_err(|e| GpuError::RequestDevice(e.to_string()))?;
        Ok(Self { info: adapter.get_info(), device, queue })
    }

    /// Wraps a device created elsewhere (eframe's, so the engine and the renderer share one
    /// device). The device should have been requested with the adapter's own limits: the
    /// engine checks the limits it needs when a world is loaded and says which one is short.
    pub fn from_device(device: wgpu::Device, queue: wgpu::Queue, info: wgpu::AdapterInfo) -> Self {
        Self { info, device, queue }
    }

    /// The adapter's name and backend, e.g. `"llvmpipe (LLVM 19.1.7, 256 bits) (Vulkan)"`.
    pub fn adapter_name(&self) -> String {
        format!("{} ({:?})", self.info.name, self.info.backend)
    }

    /// A compute pipeline for stage `name` (entry point `main`) with an explicit layout of
    /// one bind group.
    pub(crate) fn compute_pipeline(
        &self,
        name: &str,
        layout: &wgpu::BindGroupLayout,
    ) -> Result<wgpu::ComputePipeline, GpuError> {
        self.compute_pipeline_entry(name, "main", layout)
    }

    /// A compute pipeline for entry point `entry` of stage `name`, one bind group.
    pub(crate) fn compute_pipeline_entry(
        &self,
        name: &str,
        entry: &str,
        layout: &wgpu::BindGroupLayout,
    ) -> Result<wgpu::ComputePipeline, GpuError> {
        let source =
            sources::stage_source(name).ok_or_else(|| GpuError::UnknownStage(name.to_owned()))?;
        let module = self.device.create_shader_module(wgpu::ShaderModuleDescriptor {
            label: Some(name),
            source: wgpu::ShaderSource::Wgsl(source.into()),
        });
        let pipeline_layout = self.device.create_pipeline_layout(&wgpu::PipelineLayoutDescriptor {
            label: Some(name),
            bind_group_layouts: &[Some(layout)],
            immediate_size: 0,
        });
        Ok(self.device.create_compute_pipeline(&wgpu::ComputePipelineDescriptor {
            label: Some(name),
            layout: Some(&pipeline_layout),
            module: &module,
            entry_point: Some(entry),
            compilation_options: Default::default(),
            cache: None,
        }))
    }
}

/// The wgpu backends to open: those `WGPU_BACKEND` names (e.g. `vulkan`, `gl`) when it is
/// set; else the primary APIs (Vulkan, Metal, DX12) when one of them has an adapter; else
/// OpenGL. Never both at once when a primary API works: an instance of every API loads EGL
/// beside Vulkan, and with Mesa the two drivers' threads then race at process exit (heap
/// corruption; the README's GPU engine section has the measurement).
pub fn preferred_backends() -> wgpu::Backends {
    if let Some(backends) = wgpu::Backends::from_env() {
        return backends;
    }
    let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle();
    descriptor.backends = wgpu::Backends::PRIMARY;
    let probe = wgpu::Instance::new(descriptor);
    if pollster::block_on(probe.enumerate_adapters(wgpu::Backends::PRIMARY)).is_empty() {
        wgpu::Backends::SECONDARY
    } else {
        wgpu::Backends::PRIMARY
    }
}

/// A bind group layout entry for a compute-visible buffer.
pub(crate) fn buffer_entry(
    binding: u32,
    ty: wgpu::BufferBindingType,
) -> wgpu::BindGroupLayoutEntry {
    wgpu::BindGroupLayoutEntry {
        binding,
        visibility: wgpu::ShaderStages::COMPUTE,
        ty: wgpu::BindingType::Buffer { ty, has_dynamic_offset: false, min_binding_size: None },
        count: None,
    }
}

/// Little-endian bytes of a list of words (the GPU's `u32` layout).
pub(crate) fn to_bytes(words: impl IntoIterator<Item = u32>) -> Vec<u8> {
    words.into_iter().flat_map(u32::to_le_bytes).collect()
}
