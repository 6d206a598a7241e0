//! What a Darwin3 session takes from a world with a spiking host: the network with the
//! weights it has now, and the vesicles' hops along its synapses.

use super::session::VesicleTraffic;
use crate::World;
use crate::host::Host;
use crate::spiking::SpikingNetwork;

/// The world's spiking network with its current effective weights (learned by STDP and moved
/// by `Weight` releases), or an error when the world's host is not spiking.
pub fn network_of(world: &World) -> Result<SpikingNetwork, String> {
    let Host::Spiking(host) = &world.host else {
        return Err(format!(
            "preset “{}” has no spiking host: Darwin3 maps spiking networks (try \
             spiking_feedforward)",
            world.preset.name
        ));
    };
    let mut net = host.network().clone();
    let weights = host.effective_weights();
    if weights.len() == net.synapses.len() {
        for (s, &w) in net.synapses.iter_mut().zip(weights) {
            s.weight = w;
        }
    }
    Ok(net)
}

/// Builds a fresh world from `world`'s preset (same seed and mode; `world` itself is untouched),
/// runs it `steps` steps from step 0, as the session's reference runs from rest, and records per
/// step the vesicle hops along each synapse `(pre, post, count)`. Graph edge k is synapse k of
/// the spiking network. In density mode the expected hops are rounded to whole vesicles.
pub fn vesicle_traffic(world: &World, steps: u64) -> Result<VesicleTraffic, String> {
    vesicle_traffic_with_progress(world, steps, &mut |_| {})
}

/// [`vesicle_traffic`], calling `progress(steps done)` every 64 steps and at the end.
pub fn vesicle_traffic_with_progress(
    world: &World,
    steps: u64,
    progress: &mut dyn FnMut(u64),
) -> Result<VesicleTraffic, String> {
    network_of(world)?;
    let mut copy = World::new_in(world.preset.clone(), world.mode(), &world.folders())
        .map_err(|e| e.to_string())?;
    let mut traffic = Vec::with_capacity(steps as usize);
    for _ in 0..steps {
        copy.step_once();
        let hops: Vec<(u32, u32, u32)> = copy
            .edge_hops
            .iter()
            .enumerate()
            .filter_map(|(e, &h)| {
                let count = h.round();
                (count >= 1.0).then(|| {
                    (
                        copy.graph.edge_src[e],
                        copy.graph.edge_dst[e],
                        count.min(u32::MAX as f32) as u32,
                    )
                })
            })
            .collect();
        traffic.push(hops);
        let done = traffic.len() as u64;
        if done.is_multiple_of(64) || done == steps {
            progress(done);
        }
    }
    Ok(traffic)
}
