// The lab's vesicle renderer (app/src/lab/vesicle_gpu.rs): one instanced quad per vesicle,
// drawn inside the network view's rectangle by an egui_wgpu paint callback.
//
// Instance (16 bytes, kept in sync with `VesicleInstance` in vesicle_gpu.rs):
//   x: the node the vesicle hopped from this step, y: the node it is at,
//   z: species (bits 0..16) | FLASH (bit 16: its species docked at its node this step),
//   w: the jitter hash (nv_core::rng::mix32 of its stable id, as network.rs's `jitter`).
// The screen position is the painter path's: the layout position of each node through the
// view transform, interpolated by the step's progress, plus the jitter in a disc.

struct View {
    // Screen position (points) of the layout's middle, and the layout's middle.
    center: vec2<f32>,
    mid: vec2<f32>,
    // Points per layout unit.
    scale: f32,
    // Progress of the hop in flight, 0..1.
    progress: f32,
    // Dot radius and jitter disc radius, points.
    dot: f32,
    jitter: f32,
    // The callback's rectangle (points): the viewport the quads are placed in.
    rect_min: vec2<f32>,
    rect_size: vec2<f32>,
    pixels_per_point: f32,
    species_count: u32,
    _pad: vec2<f32>,
}

@group(0) @binding(0) var<uniform> view: View;
// Layout position of every node.
@group(0) @binding(1) var<storage, read> nodes: array<vec2<f32>>;
// Colour of every species (premultiplied RGBA in the target's encoding).
@group(0) @binding(2) var<storage, read> colors: array<vec4<f32>>;

const FLASH: u32 = 0x10000u;
const TAU: f32 = 6.283185307179586;

struct VertexOut {
    @builtin(position) position: vec4<f32>,
    // Offset from the dot's centre, pixels.
    @location(0) offset: vec2<f32>,
    @location(1) color: vec4<f32>,
    @location(2) @interpolate(flat) radius_px: f32,
}

@vertex
fn vs_main(@builtin(vertex_index) corner: u32, @location(0) instance: vec4<u32>) -> VertexOut {
    let from_node = nodes[instance.x];
    let to_node = nodes[instance.y];
    let a = view.center + (from_node - view.mid) * view.scale;
    let b = view.center + (to_node - view.mid) * view.scale;
    let h = instance.w;
    let angle = f32(h & 0xffffu) / 65536.0 * TAU;
    let r = view.jitter * sqrt(f32(h >> 16u) / 65536.0);
    let centre = a + (b - a) * view.progress + vec2<f32>(cos(angle), sin(angle)) * r;

    // Two triangles; the quad reaches one pixel past the dot for the antialiased edge.
    var corners = array<vec2<f32>, 6>(
        vec2<f32>(-1.0, -1.0), vec2<f32>(1.0, -1.0), vec2<f32>(1.0, 1.0),
        vec2<f32>(-1.0, -1.0), vec2<f32>(1.0, 1.0), vec2<f32>(-1.0, 1.0),
    );
    let radius_px = view.dot * view.pixels_per_point;
    let half_px = radius_px + 1.0;
    let offset_px = corners[corner] * half_px;
    let p = centre + offset_px / view.pixels_per_point;
    let uv = (p - view.rect_min) / view.rect_size;

    let species = min(instance.z & 0xffffu, max(view.species_count, 1u) - 1u);
    var color = colors[species];
    if (instance.z & FLASH) != 0u {
        // Docking this step: towards white, as the node's white ring.
        color = vec4<f32>(mix(color.rgb, vec3<f32>(color.a), 0.25), color.a);
    }

    var out: VertexOut;
    out.position = vec4<f32>(uv.x * 2.0 - 1.0, 1.0 - uv.y * 2.0, 0.0, 1.0);
    out.offset = offset_px;
    out.color = color;
    out.radius_px = radius_px;
    return out;
}

@fragment
fn fs_main(in: VertexOut) -> @location(0) vec4<f32> {
    // Coverage of a disc of the dot's radius, with a one-pixel soft edge.
    let coverage = clamp(in.radius_px - length(in.offset) + 0.5, 0.0, 1.0);
    if coverage <= 0.0 {
        discard;
    }
    return in.color * coverage;
}
