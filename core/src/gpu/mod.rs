//! The GPU engine (wgpu): the device context, the WGSL sources and the compute stages.
//!
//! Every WGSL file is loaded through [`sources`]; [`context`] owns the adapter, device and
//! queue and runs the stages. A machine without a GPU adapter gets an error, never a panic,
//! and the engine stays on the CPU.

pub mod backend;
pub mod bench;
pub mod buffers;
pub mod context;
pub mod density;
pub mod density_bench;
pub mod golden;
pub mod layout;
mod particle_kernel;
pub mod sources;
pub mod stages;
pub mod tables;

pub use backend::GpuBackend;
pub use context::{GpuContext, GpuError};
pub use golden::{fastmath_gpu, rng_words_gpu};
