//! The per-step non-finite check: after every step the world looks for the first NaN or
//! infinity in its per-node and per-edge state (O(nodes · species + edges), and the payloads
//! of the vesicles born that step) and, when it finds one, names the quantity, the node, the
//! step and the parameter most likely responsible. [`World::advance`] stops there, and both
//! engines report it as an error, so a run never goes on with NaN in its state.

use std::fmt;

use crate::release::ReleaseOp;
use crate::world::{Population, World};

/// The first non-finite value a step produced.
#[derive(Clone, Debug, PartialEq)]
pub struct NonFinite {
    /// The step after which it was found (the number of steps taken).
    pub step: u64,
    /// The quantity, as `World` and the files name it (`lr_mult`, `gain`, `density`, …).
    pub quantity: &'static str,
    /// The node it is at (`None` for a quantity not tied to one, e.g. the host's loss).
    pub node: Option<usize>,
    /// The species it belongs to, for per-species quantities.
    pub species: Option<String>,
    /// The value found (NaN or ±inf).
    pub value: f32,
    /// The parameter most likely responsible, in words.
    pub suspect: String,
}

impl fmt::Display for NonFinite {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "step {}: {} ", self.step, self.quantity)?;
        if let Some(s) = &self.species {
            write!(f, "of species `{s}` ")?;
        }
        if let Some(i) = self.node {
            write!(f, "at node {i} ")?;
        }
        write!(f, "is not finite ({}); most likely cause: {}", self.value, self.suspect)
    }
}

/// The first index of `v` holding a non-finite value.
fn first_bad(v: &[f32]) -> Option<usize> {
    v.iter().position(|x| !x.is_finite())
}

impl World {
    /// The first non-finite value in the state after the last step, if any: modulation
    /// (gain, shift, η, Δθ, emission gains, weight deltas, memory), effective weights, pathway
    /// traces, the host's signals and loss, free counts or densities and payload masses, and
    /// the payloads of the vesicles born in the last step. Cheap enough to run every step.
    pub fn first_nonfinite(&self) -> Option<NonFinite> {
        let n = self.n().max(1);
        let m = &self.modulation;
        let per_node: [(&'static str, &[f32]); 8] = [
            ("gain", &m.gain),
            ("shift", &m.shift),
            ("lr_mult", &m.lr_mult),
            ("threshold", &m.threshold),
            ("activity", &self.signals.activity),
            ("error", &self.signals.error),
            ("counts", &self.counts),
            ("emission_gain", &m.emission_gain),
        ];
        for (quantity, v) in per_node {
            if let Some(at) = first_bad(v) {
                let per_species = matches!(quantity, "counts" | "emission_gain");
                return Some(self.found(quantity, at % n, per_species.then_some(at / n), v[at]));
            }
        }
        if let Some(at) = m.memory.iter().position(|c| c.iter().any(|x| !x.is_finite())) {
            let value = m.memory[at].iter().copied().find(|x| !x.is_finite()).unwrap_or(f32::NAN);
            return Some(self.found("memory", at, None, value));
        }
        let graph = &self.graph;
        for (quantity, v) in [
            ("weight_delta", &m.weight_delta),
            ("weight", &self.weight),
            ("pathway", &self.pathway),
        ] {
            if let Some(e) = first_bad(v) {
                let dst = graph.edge_dst.get(e).map_or(0, |&d| d as usize);
                return Some(self.found(quantity, dst, None, v[e]));
            }
        }
        if let Some(loss) = self.signals.loss.filter(|l| !l.is_finite()) {
            let mut bad = self.found("loss", 0, None, loss);
            bad.node = None;
            return Some(bad);
        }
        match &self.population {
            Population::Density(d) => {
                if let Some(at) = first_bad(&d.rho) {
                    return Some(self.found("density", at % n, Some(at / n), d.rho[at]));
                }
                if let Some(at) = d.mass.iter().position(|c| c.iter().any(|x| !x.is_finite())) {
                    let value = d.mass[at].iter().copied().find(|x| !x.is_finite());
                    let value = value.unwrap_or(f32::NAN);
                    return Some(self.found("payload mass", at % n, Some(at / n), value));
                }
            }
            Population::Particles(pool) => {
                // Payloads are set at birth and only fade afterwards (× e^(−dt/τ_c) ≤ 1): the
                // births of the last step are the slots at the end born this step.
                let born_now = pool.born.iter().rev().take_while(|&&b| b == self.step).count();
                let from = pool.len() - born_now;
                for s in from..pool.len() {
                    if let Some(x) = pool.payload[s].iter().copied().find(|x| !x.is_finite()) {
                        let (k, i) = (pool.species[s] as usize, pool.loc[s] as usize);
                        return Some(self.found("payload", i, Some(k), x));
                    }
                }
            }
        }
        None
    }

    /// A [`NonFinite`] for `quantity` at `node` (of species `k`, if per species).
    fn found(
        &self,
        quantity: &'static str,
        node: usize,
        k: Option<usize>,
        value: f32,
    ) -> NonFinite {
        NonFinite {
            step: self.step,
            quantity,
            node: Some(node),
            species: k.and_then(|k| self.preset.species.get(k)).map(|s| s.name.clone()),
            value,
            suspect: self.suspect(quantity, k),
        }
    }

    /// The parameter most likely behind a non-finite `quantity`: the strongest release that
    /// writes it, or the rate, χ or kernel setting that feeds it.
    fn suspect(&self, quantity: &str, k: Option<usize>) -> String {
        let species = &self.preset.species;
        // The release of the given kinds with the largest |η| over all species.
        let strongest = |kinds: &[&str]| -> Option<String> {
            let mut best: Option<(f32, String)> = None;
            for s in species {
                for (r, op) in s.releases.iter().enumerate() {
                    let etas: Vec<f32> = match op {
                        ReleaseOp::Gain(a)
                        | ReleaseOp::Shift(a)
                        | ReleaseOp::Weight(a)
                        | ReleaseOp::LearningRate(a)
                        | ReleaseOp::Threshold(a)
                        | ReleaseOp::EmissionGain { amount: a, .. } => vec![a.eta],
                        ReleaseOp::Film { gain, shift } => vec![gain.eta, shift.eta],
                        ReleaseOp::Memory(_) => vec![1.0],
                        ReleaseOp::Cascade { chi, .. } => vec![*chi],
                    };
                    if !kinds.contains(&op.kind_name()) {
                        continue;
                    }
                    let size = etas.iter().fold(0.0f32, |a, e| a.max(e.abs()));
                    if best.as_ref().is_none_or(|(b, _)| size > *b) {
                        let what = match op {
                            ReleaseOp::Cascade { chi, .. } => format!("χ = {chi}"),
                            ReleaseOp::Memory(_) => "its payloads".into(),
                            _ => format!("η = {size}"),
                        };
                        best = Some((
                            size,
                            format!(
                                "species `{}`'s {} release (releases[{r}], {what})",
                                s.name,
                                op.kind_name()
                            ),
                        ));
                    }
                }
            }
            best.map(|(_, text)| text)
        };
        let or = |found: Option<String>, fallback: &str| found.unwrap_or_else(|| fallback.into());
        match quantity {
            "gain" => or(strongest(&["Gain", "Film"]), "the modulation settings"),
            "shift" => or(strongest(&["Shift", "Film"]), "the modulation settings"),
            "lr_mult" => or(strongest(&["LearningRate"]), "the modulation settings"),
            "threshold" => or(strongest(&["Threshold"]), "the modulation settings"),
            "emission_gain" => or(strongest(&["EmissionGain"]), "the emission gains"),
            "memory" => or(strongest(&["Memory"]), "the memory releases"),
            "weight_delta" | "weight" => {
                or(strongest(&["Weight", "LearningRate"]), "the host's learning rate")
            }
            "pathway" => {
                let alpha =
                    species.iter().map(|s| s.kernel.alpha_pathway.abs()).fold(0.0, f32::max);
                format!("the pathway feedback (largest alpha_pathway = {alpha}) and pathway.tau")
            }
            "activity" | "error" | "loss" => or(
                strongest(&["LearningRate", "Gain", "Film", "Weight"]),
                "the host's learning rate or its stimuli",
            ),
            _ => {
                // Counts, densities, masses and payloads: emission, cascades and the kernel.
                let s = k.and_then(|k| species.get(k));
                match (s, strongest(&["Cascade"])) {
                    (_, Some(c)) => format!("{c}, or the emission rate × scale"),
                    (Some(s), None) => format!(
                        "species `{}`'s emission (rate {} × scale {}, payload matrix) or its \
                         kernel (temperature {})",
                        s.name, s.emission.rate, s.scale, s.kernel.temperature
                    ),
                    (None, None) => "the emission rates and kernels".into(),
                }
            }
        }
    }
}
