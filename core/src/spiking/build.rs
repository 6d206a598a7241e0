//! From a [`SpikingSpec`] and a seed to the built [`SpikingNetwork`] and the host [`Graph`].
//!
//! Nodes are neurons, in population order; graph edge k is synapse k (both sorted by
//! `(pre, post)`, duplicates of one pair kept in projection order, the order
//! [`Graph::from_edges`] keeps). Roles: input for spike-source populations, output for the last
//! population, hidden otherwise; the layer of a neuron is its population's index, laid out in
//! columns ([`layout::layered`]).
//!
//! Random connectivity and weights draw from [`Rng`] on streams [`CONNECT_STREAM`] and
//! [`WEIGHT_STREAM`], keyed by the post neuron with the projection index as the counter's step,
//! so a projection's synapses do not depend on the others.

use super::spec::{Connectivity, PopulationKind, SpikingSpec, WeightDist};
use super::{InputSource, LifParams, NeuronKind, Population, SpikingNetwork, Synapse};
use crate::graph::{Graph, Role, layout};
use crate::rng::{self, Rng, UniformSeq};

/// Stream of the connectivity draws.
pub const CONNECT_STREAM: u32 = rng::stream::BUILD + 0x0020_0000;

/// Stream of the initial weight draws.
pub const WEIGHT_STREAM: u32 = rng::stream::BUILD + 0x0020_0001;

/// The exact f64 of the decimal an f32 prints as (0.1f32 → 0.1, not 0.100000001490116): a
/// preset's `dt` is written in decimal, and the reference should integrate with that value.
pub fn decimal_f64(x: f32) -> f64 {
    x.to_string().parse().unwrap_or(x as f64)
}

/// Builds the network and its graph for a spec that passed [`SpikingSpec::check`], with time
/// step `dt` seconds. The error says what cannot be built.
pub fn build(spec: &SpikingSpec, dt: f64, seed: u64) -> Result<(SpikingNetwork, Graph), String> {
    if let Some(p) = spec.check().into_iter().next() {
        return Err(format!("{} = {}: {}", p.path, p.value, p.message));
    }
    let mut neurons = Vec::new();
    let mut populations = Vec::new();
    let mut role = Vec::new();
    let mut layer = Vec::new();
    let last = spec.populations.len() - 1;
    for (k, p) in spec.populations.iter().enumerate() {
        let start = neurons.len() as u32;
        for j in 0..p.size as usize {
            neurons.push(match &p.kind {
                PopulationKind::Lif(l) => NeuronKind::Lif(LifParams {
                    tau_m: l.tau_m,
                    tau_s: l.tau_s,
                    v_rest: l.v_rest,
                    v_reset: l.v_reset,
                    theta: l.theta,
                    t_ref: l.t_ref,
                    i_ext: l.i_ext,
                }),
                PopulationKind::Poisson { rate } => {
                    NeuronKind::Input(InputSource::Poisson { rate: *rate })
                }
                PopulationKind::Schedule { steps } => NeuronKind::Input(InputSource::Schedule {
                    steps: steps[if steps.len() == 1 { 0 } else { j }].clone(),
                }),
            });
            role.push(if p.kind.is_input() {
                Role::Input
            } else if k == last {
                Role::Output
            } else {
                Role::Hidden
            });
            layer.push(k as u32);
        }
        populations.push(Population { name: p.name.clone(), start, len: p.size, layer: k as u32 });
    }

    let rng = Rng::new(seed);
    let mut synapses = Vec::new();
    for (k, pr) in spec.projections.iter().enumerate() {
        let a = spec.population(&pr.from).ok_or("a projection names a missing population")?;
        let b = spec.population(&pr.to).ok_or("a projection names a missing population")?;
        let (pa, pb) = (&populations[a], &populations[b]);
        let mut pres = Vec::new();
        for post_local in 0..pb.len {
            let post = pb.start + post_local;
            let same = (a == b).then_some(post_local);
            pres.clear();
            let mut seq = UniformSeq::new(&rng, k as u32, post as u64, CONNECT_STREAM);
            choose_pres(pr.connectivity, pa.len, post_local, same, &mut seq, &mut pres);
            let mut wseq = UniformSeq::new(&rng, k as u32, post as u64, WEIGHT_STREAM);
            for &pre_local in &pres {
                synapses.push(Synapse {
                    pre: pa.start + pre_local,
                    post,
                    weight: draw_weight(pr.weight, &mut wseq),
                    delay: pr.delay,
                    plastic: pr.plastic,
                });
            }
        }
    }
    synapses.sort_by_key(|s| (s.pre, s.post));
    let net = SpikingNetwork { dt, neurons, populations, synapses };
    net.check()?;
    let edges: Vec<(usize, usize, f32)> =
        net.synapses.iter().map(|s| (s.pre as usize, s.post as usize, s.weight as f32)).collect();
    let pos = layout::layered(&layer);
    let graph = Graph::from_edges(role, layer, pos, &edges).map_err(|e| e.to_string())?;
    Ok((net, graph))
}

/// The local pre indices (increasing) connected to post `post_local` of a projection from a
/// population of `n_pre` neurons; `same` is `Some(post_local)` within one population (no
/// self-connection).
fn choose_pres(
    connectivity: Connectivity,
    n_pre: u32,
    post_local: u32,
    same: Option<u32>,
    seq: &mut UniformSeq<'_>,
    out: &mut Vec<u32>,
) {
    let not_self = |j: &u32| Some(*j) != same;
    match connectivity {
        Connectivity::All => out.extend((0..n_pre).filter(not_self)),
        Connectivity::OneToOne => out.push(post_local),
        Connectivity::Random { p } => {
            if p >= 1.0 {
                out.extend((0..n_pre).filter(not_self));
            } else if p > 0.0 {
                // Geometric gaps between successes: one draw per synapse.
                let log_q = (-p).ln_1p();
                let mut j = -1i64;
                loop {
                    // In f64, so a tiny p (a gap of 10^45) or a zero draw (an infinite gap;
                    // never NaN: ln u ≤ 0 over log_q < 0) ends the loop instead of
                    // overflowing; exact below 2^53.
                    let gap = (seq.next_f64().ln() / log_q).floor();
                    let next = j as f64 + gap + 1.0;
                    if next >= n_pre as f64 {
                        break;
                    }
                    j = next as i64;
                    if not_self(&(j as u32)) {
                        out.push(j as u32);
                    }
                }
            }
        }
        Connectivity::FixedFanIn { k } => {
            // Floyd's sampling of k distinct candidates; candidates skip the neuron itself.
            let candidates = n_pre - u32::from(same.is_some());
            let mut chosen: Vec<u32> = Vec::with_capacity(k as usize);
            for top in candidates - k..candidates {
                let r = ((seq.next_f64() * (top as f64 + 1.0)) as u32).min(top);
                // `chosen` stays sorted; `top` is larger than everything in it.
                match chosen.binary_search(&r) {
                    Ok(_) => chosen.push(top),
                    Err(at) => chosen.insert(at, r),
                }
            }
            out.extend(chosen.into_iter().map(|c| match same {
                Some(s) if c >= s => c + 1,
                _ => c,
            }));
        }
    }
}

/// One initial weight, mV.
fn draw_weight(dist: WeightDist, seq: &mut UniformSeq<'_>) -> f64 {
    match dist {
        WeightDist::Constant(w) => w,
        WeightDist::Uniform { low, high } => low + (high - low) * seq.next_f64(),
        WeightDist::Normal { mean, std } => {
            // Box–Muller, the cosine branch.
            let (u1, u2) = (seq.next_f64(), seq.next_f64());
            mean + std * (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
        }
    }
}
