//! Semantic checks of a parsed [`Preset`]: ranges, finiteness and names.
//!
//! What is checked here needs only the preset: every number is finite (NaN and infinity are
//! rejected everywhere, host parameters and matrices included), every range documented on the
//! preset types holds, and every name a species or release refers to exists. Node ids (node
//! sets, kernel biases) and host parameters that only the built graph or host can judge are
//! checked when the world is built ([`super::error::build_error`]).
//!
//! Each error has kind [`ErrorKind::Value`], the field path in `serde_path_to_error`'s notation
//! (`species[0].releases[1].Cascade.species`), the bad value and what is allowed.

use std::collections::HashMap;

use super::error::{ErrorKind, PRESET_FILE, PresetError, name_list};
use super::load::non_finite_numbers;
use super::{MetaSource, Preset, RunSpec};
use crate::release::{MemoryRate, ReleaseOp};
use crate::species::{Species, Trigger};

/// The most species a preset may have.
pub const MAX_SPECIES: usize = 256;

/// The largest population capacity, 2^31.
pub const MAX_CAPACITY: i64 = 1 << 31;

/// The largest time step, in seconds.
pub const MAX_DT: f32 = 10.0;

/// The smallest time step, in seconds (10⁻⁶: a microsecond; smaller steps lose every rate ×
/// dt to rounding).
pub const MIN_DT: f32 = 1e-6;

/// The largest cascade χ, children per docking (10⁶; a larger mean would fill any population in
/// one docking and overflows the Poisson draw's precision).
pub const MAX_CHI: f32 = 1e6;

/// The most steps a run may ask for, 10^12.
pub const MAX_STEPS: u64 = 1_000_000_000_000;

/// Checks every value of `preset`. `Ok` when it is valid; otherwise every problem found, each
/// once per field, non-finite numbers first and then in the order of the preset's fields. The
/// errors name the file [`PRESET_FILE`] and have no position; the loader sets both.
pub fn validate(preset: &Preset) -> Result<(), Vec<PresetError>> {
    let mut c = Checker::default();
    c.non_finite(preset);
    c.globals(preset);
    c.host(preset);
    c.meta(preset);
    c.species_names(&preset.species);
    for (i, s) in preset.species.iter().enumerate() {
        c.species(preset, i, s);
    }
    if c.errors.is_empty() { Ok(()) } else { Err(c.errors) }
}

/// Singular and plural of what a species name refers to.
const SPECIES: (&str, &str) = ("species", "species");

/// Singular and plural of what a meta signal name refers to.
const META: (&str, &str) = ("meta signal", "meta signals");

/// Collects errors, at most one per field path.
#[derive(Default)]
struct Checker {
    errors: Vec<PresetError>,
}

impl Checker {
    /// Records `path = value: message` unless that path already has an error.
    fn fail(&mut self, path: String, value: String, message: impl Into<String>) -> Option<usize> {
        if self.errors.iter().any(|e| e.path == path) {
            return None;
        }
        self.errors
            .push(PresetError::new(ErrorKind::Value, PRESET_FILE, path, message).with_value(value));
        Some(self.errors.len() - 1)
    }

    /// Requires `v > 0`.
    fn positive(&mut self, path: String, v: f32, unit: &str) {
        if v.is_nan() || v <= 0.0 {
            self.fail(path, v.to_string(), format!("must be > 0{unit}"));
        }
    }

    /// Requires `v >= 0`.
    fn non_negative(&mut self, path: String, v: f32, unit: &str) {
        if v.is_nan() || v < 0.0 {
            self.fail(path, v.to_string(), format!("must be >= 0{unit}"));
        }
    }

    /// Requires a finite rate per second to stay finite per step (`v × dt`).
    fn finite_per_step(&mut self, path: String, v: f32, dt: f32) {
        if v.is_finite() && dt.is_finite() && !(v * dt).is_finite() {
            let message = format!(
                "{v} per second × dt {dt} overflows to infinity; the product must be finite \
                 (at most {:e})",
                f32::MAX
            );
            self.fail(path, v.to_string(), message);
        }
    }

    /// Requires `Some(v)` to have `v > 0`.
    fn positive_or_none(&mut self, path: String, v: Option<f32>, none_means: &str) {
        if let Some(v) = v
            && (v.is_nan() || v <= 0.0)
        {
            let message = format!("must be > 0 seconds, or `None` ({none_means})");
            self.fail(path, format!("Some({v})"), message);
        }
    }

    /// Requires `lo <= v <= hi`.
    fn closed_range(&mut self, path: String, v: f32, lo: f32, hi: f32) {
        if !(lo..=hi).contains(&v) {
            self.fail(path, v.to_string(), format!("must be in [{lo}, {hi}]"));
        }
    }

    /// Requires `name` to be one of `names`; `what` is `(singular, plural)`, e.g. `("meta
    /// signal", "meta signals")`; `add` says how to add one.
    fn reference(
        &mut self,
        path: String,
        name: &str,
        names: &[&str],
        (what, whats): (&str, &str),
        add: &str,
    ) {
        if names.contains(&name) {
            return;
        }
        let value = format!("{name:?}");
        if let Some(k) = self.fail(path, value, "") {
            let mut err = self.errors[k].clone().with_names(name, names);
            let hint = match &err.suggestion {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            let known = if names.is_empty() {
                format!("this preset has no {whats} ({add})")
            } else {
                format!("{whats} in this preset: {}", name_list(names))
            };
            err.message = format!("no {what} is named `{name}`; {hint}{known}");
            self.errors[k] = err;
        }
    }

    /// NaN and infinity anywhere: found in the preset's RON text, which has every number.
    fn non_finite(&mut self, preset: &Preset) {
        let Ok(text) = ron::to_string(preset) else {
            return;
        };
        for (path, value) in non_finite_numbers(&text) {
            self.fail(path, value, "must be a finite number (NaN and infinity are not allowed)");
        }
    }

    /// `dt`, `capacity`, the relaxation times and the run.
    fn globals(&mut self, p: &Preset) {
        if !(MIN_DT..=MAX_DT).contains(&p.dt) {
            let message = format!("must be in [{MIN_DT:e}, {MAX_DT}] seconds");
            self.fail("dt".into(), p.dt.to_string(), message);
        }
        if !(1..=MAX_CAPACITY).contains(&p.capacity) {
            let message = format!("must be between 1 and {MAX_CAPACITY} vesicles");
            self.fail("capacity".into(), p.capacity.to_string(), message);
        }
        let m = &p.modulation;
        self.positive_or_none("modulation.tau".into(), m.tau, "no relaxation");
        self.positive_or_none("modulation.tau_weight".into(), m.tau_weight, "weight writes stay");
        self.positive_or_none("modulation.tau_memory".into(), m.tau_memory, "memory keeps");
        self.positive_or_none("pathway.tau".into(), p.pathway.tau, "traces never decay");
        let RunSpec { steps, .. } = p.run;
        if steps > MAX_STEPS {
            self.fail("run.steps".into(), steps.to_string(), "must be at most 10^12");
        }
    }

    /// Host parameters a preset alone can judge (the spiking host's; the others are checked
    /// when the host is built).
    fn host(&mut self, p: &Preset) {
        if let crate::host::HostSpec::Spiking(spec) = &p.host {
            for problem in spec.check() {
                self.fail(format!("host.Spiking.{}", problem.path), problem.value, problem.message);
            }
        }
    }

    /// Meta signal names: non-empty and unique; a `Schedule` wave's numbers as a stimulus'.
    fn meta(&mut self, p: &Preset) {
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, m) in p.meta.iter().enumerate() {
            if let MetaSource::Schedule(wave) = &m.source
                && let Err(e) = wave.check()
            {
                let path = format!("meta[{i}].source.Schedule.{}.{}", wave.kind_name(), e.field);
                self.fail(path, e.value.to_string(), e.allowed);
            }
            let path = format!("meta[{i}].name");
            if m.name.trim().is_empty() {
                self.fail(path, format!("{:?}", m.name), "must not be empty");
            } else if let Some(first) = seen.get(m.name.as_str()) {
                let message =
                    format!("meta signal names must be unique: meta[{first}] has this name too");
                self.fail(path, format!("{:?}", m.name), message);
            } else {
                seen.insert(&m.name, i);
            }
        }
    }

    /// Species count and names: at most [`MAX_SPECIES`], non-empty and unique.
    fn species_names(&mut self, species: &[Species]) {
        if species.len() > MAX_SPECIES {
            let message = format!("at most {MAX_SPECIES} species are allowed");
            self.fail("species".into(), format!("{} species", species.len()), message);
        }
        let mut seen: HashMap<&str, usize> = HashMap::new();
        for (i, s) in species.iter().enumerate() {
            let path = format!("species[{i}].name");
            if s.name.trim().is_empty() {
                self.fail(path, format!("{:?}", s.name), "must not be empty");
            } else if let Some(first) = seen.get(s.name.as_str()) {
                let message =
                    format!("species names must be unique: species[{first}] has this name too");
                self.fail(path, format!("{:?}", s.name), message);
            } else {
                seen.insert(&s.name, i);
            }
        }
    }

    /// One species' ranges and references.
    fn species(&mut self, p: &Preset, i: usize, s: &Species) {
        let at = |field: &str| format!("species[{i}].{field}");
        let species_names: Vec<&str> = p.species.iter().map(|s| s.name.as_str()).collect();
        let meta_names: Vec<&str> = p.meta.iter().map(|m| m.name.as_str()).collect();
        let add_meta = "add one under `meta`";
        let add_species = "add one under `species`";

        let e = &s.emission;
        if let Trigger::Meta(name) = &e.trigger {
            self.reference(at("emission.trigger.Meta"), name, &meta_names, META, add_meta);
        }
        self.non_negative(at("emission.rate"), e.rate, " vesicles per second");
        // λ = rate · scale · G · σ(…) per second and λ·dt per step must stay finite in f32.
        let births = e.rate * s.scale;
        if e.rate.is_finite() && s.scale.is_finite() && !(births * p.dt).is_finite() {
            let message = format!(
                "rate × scale × dt = {} × {} × {} overflows to infinity; the product must be \
                 finite (at most {:e} vesicles per step)",
                e.rate,
                s.scale,
                p.dt,
                f32::MAX
            );
            self.fail(at("emission.rate"), e.rate.to_string(), message);
        }
        if let Some(name) = &e.payload_meta {
            self.reference(at("emission.payload_meta"), name, &meta_names, META, add_meta);
        }
        self.positive(at("lifetime.mean"), s.lifetime.mean, " seconds");
        self.positive_or_none(at("payload_fade"), s.payload_fade, "the payload never fades");

        let k = &s.kernel;
        self.non_negative(at("kernel.mobility"), k.mobility, " hops per second");
        self.finite_per_step(at("kernel.mobility"), k.mobility, p.dt);
        self.positive(at("kernel.temperature"), k.temperature, "");
        if let Some(name) = &k.density_species {
            self.reference(
                at("kernel.density_species"),
                name,
                &species_names,
                SPECIES,
                add_species,
            );
        }

        self.non_negative(at("docking.rate"), s.docking.rate, " per second");
        self.finite_per_step(at("docking.rate"), s.docking.rate, p.dt);
        self.closed_range(at("docking.threshold"), s.docking.threshold, -1.0, 1.0);
        self.closed_range(at("absorption"), s.absorption, 0.0, 1.0);
        self.positive(at("scale"), s.scale, "");

        for (j, op) in s.releases.iter().enumerate() {
            let op_at = |field: &str| at(&format!("releases[{j}].{}.{field}", op.kind_name()));
            match op {
                ReleaseOp::EmissionGain { species, .. } => {
                    self.reference(op_at("species"), species, &species_names, SPECIES, add_species);
                }
                ReleaseOp::Memory(MemoryRate::Fixed(eps))
                    if eps.is_nan() || *eps <= 0.0 || *eps > 1.0 =>
                {
                    let path = at(&format!("releases[{j}].Memory.Fixed"));
                    self.fail(path, eps.to_string(), "must be in (0, 1]");
                }
                ReleaseOp::Cascade { species, chi, .. } => {
                    self.reference(op_at("species"), species, &species_names, SPECIES, add_species);
                    if !(0.0..=MAX_CHI).contains(chi) {
                        let message = format!("must be in [0, {MAX_CHI:e}] children per docking");
                        self.fail(op_at("chi"), chi.to_string(), message);
                    }
                }
                _ => {}
            }
        }
    }
}
