//! `nvlab darwin3 PRESET`: map a preset's spiking network onto the emulated Darwin3 chip, run
//! the float reference and the emulator side by side, and write what they did.
//!
//! Files in the output folder:
//! - `mapping.csv` (`neuron,core_x,core_y,index`; host inputs sit at x = −1 or 24);
//! - `spikes_ref.csv`, `spikes_emu.csv` (`neuron,step`), `inputs.csv` (`neuron,step`: every
//!   input spike, so other simulators can replay the same input);
//! - `network.json` (dt; every neuron with all its LIF parameters or its input source; every
//!   synapse with pre, post, weight in mV and delay in steps);
//! - `cores.csv`, `links.csv` (per-core counters and memory, per-link flits);
//! - `metrics.json` (the settings, quantisation scales, mesh timing and every metric).
//!
//! Exit codes: 2 for a malformed argument (a value that does not parse, an unknown `--model`,
//! `--remove` or `--placement`; clap lists the allowed values); 1 for a setting the chip
//! cannot take (`--steps 0`, `--w-bits 3`), a preset that is not spiking, a network the chip
//! cannot hold (no LIF neuron, a broken mapping rule) or an I/O error. Every setting is
//! checked before the preset is loaded, and the network before any vesicle traffic or run.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use nv_core::darwin3::arith::WEIGHT_WIDTHS;
use nv_core::darwin3::from_world::network_of;
use nv_core::darwin3::from_world::vesicle_traffic_with_progress;
use nv_core::darwin3::links::Link;
use nv_core::darwin3::neuron::NeuronModel;
use nv_core::darwin3::placement::{AnnealSettings, Placement};
use nv_core::darwin3::session::{self, Removed, Session, SessionSettings, Source};
use nv_core::graph::edge_file::Folders;
use nv_core::json_stream::JsonObject;
use nv_core::spiking::SpikingNetwork;
use nv_core::{Mode, World};

/// How chunks are placed, as typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum PlacementArg {
    /// The toolchain's boustrophedon walk, row by row.
    Zigzag,
    /// Greedy: minimise Σ hops × spike rate.
    Greedy,
    /// Greedy, then refined by simulated annealing.
    Anneal,
}

/// The neuron model, as typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    /// Shift leak vt − (vt >> k) (Lite3 `lif_config`).
    LifShift,
    /// Q0.8 multiplicative leak (`UPTVT` fcs=0).
    LifMul,
    /// Current-based LIF (`darwin_clif`).
    Clif,
}

/// A divergence source to remove, as typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SourceArg {
    /// 16-bit weights.
    Quantisation,
    /// The Clif (propagator) form.
    Leak,
    /// Round half away instead of flooring.
    Rounding,
    /// Honour every synapse's delay.
    Delay,
    /// Exact leak factors e^(−dt/τ) instead of the Q0.8 ones (244/256 for e^(−1/20)).
    LeakPrecision,
    /// No 16-bit saturation of state and weight sums.
    Saturation,
    /// Real-valued v, I and weights instead of the chip's voltage and weight LSBs.
    Lsb,
    /// The reference's refractory period (I keeps integrating) instead of the chip's skipped
    /// program.
    Refractory,
}

impl SourceArg {
    /// The core's source.
    pub fn source(self) -> Source {
        match self {
            SourceArg::Quantisation => Source::Quantisation,
            SourceArg::Leak => Source::LeakForm,
            SourceArg::Rounding => Source::Rounding,
            SourceArg::Delay => Source::DelayAlignment,
            SourceArg::LeakPrecision => Source::LeakPrecision,
            SourceArg::Saturation => Source::Saturation,
            SourceArg::Lsb => Source::Lsb,
            SourceArg::Refractory => Source::Refractory,
        }
    }
}

/// Arguments of `nvlab darwin3`.
#[derive(Args, Debug)]
pub struct Darwin3Args {
    /// A preset with a spiking host (file or shipped name, e.g. spiking_feedforward).
    pub preset: String,
    /// Steps to run, 1 to 1,000,000 (another whole number exits 1).
    #[arg(long, default_value_t = 1000)]
    pub steps: u64,
    /// Placement of the chunks on cores.
    #[arg(long, value_enum, default_value_t = PlacementArg::Zigzag)]
    pub placement: PlacementArg,
    /// Weight width in bits: 2, 4, 6, 8 or 16 (another whole number exits 1).
    #[arg(long, default_value_t = 8, value_parser = parse_w_bits)]
    pub w_bits: u64,
    /// The neuron model.
    #[arg(long, value_enum, default_value_t = ModelArg::LifMul)]
    pub model: ModelArg,
    /// Divergence sources to remove (repeat or comma-separate); `all` is not a value: list
    /// the eight to remove every one.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub remove: Vec<SourceArg>,
    /// Run the neuron programs on the ISA interpreter (Tier B) instead of the built-in models
    /// (Tier A); the rasters are identical, and each core's program is written to
    /// `programs.txt`.
    #[arg(long)]
    pub tier_b: bool,
    /// Do not carry the preset's vesicles as reward packets.
    #[arg(long)]
    pub no_vesicles: bool,
    /// Seed (default: the preset's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Output folder (default: out/darwin3-<preset file name>).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// No progress on stderr and no report on stdout.
    #[arg(long, short)]
    pub quiet: bool,
    /// Where files named in the preset may be read from.
    #[command(flatten)]
    pub build: super::build_args::BuildArgs,
}

/// Parses `--w-bits`: any whole number (the chip's widths are checked with the other settings,
/// exit 1); anything else is clap's usage error (exit 2) naming the allowed widths.
fn parse_w_bits(text: &str) -> Result<u64, String> {
    text.parse().map_err(|_| {
        format!("`{text}` is not a weight width: the allowed values are 2, 4, 6, 8 or 16 (bits)")
    })
}

impl Darwin3Args {
    /// The session settings the arguments ask for, checked ([`SessionSettings::check`]): the
    /// error names the option, its value and what the chip takes.
    pub fn settings(&self, seed: u64) -> anyhow::Result<SessionSettings> {
        let Some(w_bits) = u8::try_from(self.w_bits).ok().filter(|b| WEIGHT_WIDTHS.contains(b))
        else {
            bail!(
                "--w-bits {}: the chip's weights are 2, 4, 6, 8 or 16 bits wide (a setting the \
                 chip cannot take)",
                self.w_bits
            );
        };
        let mut s = SessionSettings::new(self.steps, seed);
        s.placement = match self.placement {
            PlacementArg::Zigzag => Placement::zigzag(),
            PlacementArg::Greedy => Placement::greedy(),
            PlacementArg::Anneal => {
                Placement::greedy().annealed(AnnealSettings { seed, ..AnnealSettings::default() })
            }
        };
        s.w_bits = w_bits;
        s.model = match self.model {
            ModelArg::LifShift => NeuronModel::LifShift,
            ModelArg::LifMul => NeuronModel::LifMul,
            ModelArg::Clif => NeuronModel::Clif,
        };
        let mut removed = Removed::default();
        for r in &self.remove {
            removed.set(r.source(), true);
        }
        s.removed = removed;
        if self.tier_b {
            s.tier = nv_core::darwin3::emulator::Tier::B;
        }
        if !(1..=session::MAX_STEPS).contains(&self.steps) {
            bail!(
                "--steps {}: the emulator runs 1 to {} steps (a setting the chip cannot take)",
                self.steps,
                session::MAX_STEPS
            );
        }
        s.check().map_err(|e| anyhow::anyhow!("{e}"))?;
        Ok(s)
    }
}

/// Runs the session and writes its files.
pub fn run(args: &Darwin3Args) -> anyhow::Result<ExitCode> {
    // The settings first: a bad one is reported before the preset is even read.
    args.settings(0)?;
    let path = super::resolve_preset(&args.preset);
    let preset = nv_core::preset::load(&path).map_err(|e| anyhow::anyhow!("{e}"))?;
    args.build.check_memory(&preset, Mode::Particle, &path).map_err(|e| anyhow::anyhow!("{e}"))?;
    let base = path.parent().unwrap_or(Path::new("."));
    let folders = Folders::with_data_dir(base, args.build.data_dir());
    let mut world = World::new_in(preset, Mode::Particle, &folders)
        .map_err(|e| anyhow::anyhow!("{}", e.located_in_file(&path)))?;
    if let Some(seed) = args.seed {
        let mut preset = world.preset.clone();
        preset.seed = seed;
        world = World::new_in(preset, Mode::Particle, &world.folders())
            .map_err(|e| anyhow::anyhow!("{}", e.located_in_file(&path)))?;
    }
    let network = network_of(&world).map_err(anyhow::Error::msg)?;
    let settings = args.settings(world.preset.seed)?;
    // The network against the chip (capacity included) before anything expensive (vesicle
    // traffic, the runs).
    let capacity = session::preflight(&network, &settings).map_err(|e| {
        anyhow::anyhow!("{}: the chip cannot take this network: {e}", path.display())
    })?;
    let bar = if args.quiet { ProgressBar::hidden() } else { ProgressBar::new(args.steps) };
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {msg:>22} {wide_bar} {pos}/{len} steps ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    if !args.quiet {
        let tier = if settings.effective_tier() != settings.tier {
            " (Tier A: the removed sources need the relaxed numerics)"
        } else {
            ""
        };
        let line = format!("darwin3: the network needs {capacity}{tier}");
        if bar.is_hidden() { eprintln!("{line}") } else { bar.println(line) }
    }
    let vesicles = if args.no_vesicles {
        None
    } else {
        bar.set_message("vesicle traffic");
        let mut tick = |done: u64| bar.set_position(done);
        let v = vesicle_traffic_with_progress(&world, args.steps, &mut tick);
        Some(v.map_err(anyhow::Error::msg)?)
    };
    let mut tick = |p: session::Progress| {
        bar.set_message(match p.phase {
            "reference" => "float reference",
            _ => "emulated chip + mesh",
        });
        bar.set_length(p.total);
        bar.set_position(p.done);
    };
    let s = match session::run_with_progress(&network, &settings, vesicles.as_ref(), &mut tick) {
        Ok(s) => s,
        Err(e) => {
            bar.finish_and_clear();
            bail!("{}: {e}", path.display())
        }
    };
    bar.finish_and_clear();
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let out =
        args.out.clone().unwrap_or_else(|| PathBuf::from("out").join(format!("darwin3-{stem}")));
    write_all(&s, &out).with_context(|| format!("writing {}", out.display()))?;
    if !args.quiet {
        println!("{}", report(&s, &out));
    }
    Ok(ExitCode::SUCCESS)
}

/// A few lines on what the session found.
pub fn report(s: &Session, out: &Path) -> String {
    let m = &s.comparison.summary;
    let first = match &m.first_divergence {
        Some(d) => format!("step {} (neuron {})", d.step, s.lif_neurons[d.neuron]),
        None => "none".into(),
    };
    let opt = |v: Option<f64>| v.map_or("—".to_string(), |v| format!("{v:.4}"));
    format!(
        "Darwin3 emulation (built from public information, not the vendor's toolchain)\n\
         {} neurons on {} cores, {} steps; spikes: reference {}, emulated {}\n\
         exact agreement: {} ({} of {} neurons identical), first divergence: {first}\n\
         count correlation {}, SPIKE-sync {}, van Rossum {}, Victor–Purpura {}\n\
         mesh: {} packets, {} overrun steps (budget {} cycles)\n\
         wrote {}",
        s.network.len(),
        s.cores.len(),
        s.settings.steps,
        m.spikes_reference,
        m.spikes_emulated,
        if m.exact_agreement { "yes" } else { "no" },
        m.identical_neurons,
        m.neurons,
        opt(m.count_correlation),
        opt(m.mean_spike_sync),
        opt(m.mean_van_rossum),
        opt(m.mean_victor_purpura),
        s.mesh.packets,
        s.mesh.overruns,
        s.budget_cycles,
        out.display()
    )
}

/// Writes `network.json`: the network's `dt`, `neurons`, `populations` and `synapses` (the
/// fields and values of its serde form), streamed through a buffer, one neuron, population or
/// synapse per line, so a large network is never held as text.
fn write_network_json(net: &SpikingNetwork, path: &Path) -> std::io::Result<()> {
    let mut json = JsonObject::new(std::io::BufWriter::new(std::fs::File::create(path)?))?;
    json.field("dt", &net.dt)?;
    json.array("neurons", &net.neurons)?;
    json.array("populations", &net.populations)?;
    json.array("synapses", &net.synapses)?;
    json.finish()?;
    Ok(())
}

/// Writes every file of the session into `out` (made if missing).
pub fn write_all(s: &Session, out: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(out)?;
    let write = |name: &str, text: String| -> anyhow::Result<()> {
        std::fs::write(out.join(name), text).with_context(|| format!("writing {name}"))
    };
    let mut mapping = String::from("neuron,core_x,core_y,index\n");
    for i in 0..s.network.len() as u32 {
        if let Some((c, index)) = s.mapping.locate(i) {
            writeln!(mapping, "{i},{},{},{index}", c.x, c.y)?;
        }
    }
    write("mapping.csv", mapping)?;
    write("spikes_ref.csv", raster_csv(&s.reference, &s.lif_neurons))?;
    write("spikes_emu.csv", raster_csv(&s.emulated, &s.lif_neurons))?;
    let mut inputs = String::from("neuron,step\n");
    for (i, t) in &s.inputs {
        writeln!(inputs, "{i},{t}")?;
    }
    write("inputs.csv", inputs)?;
    write_network_json(&s.network, &out.join("network.json")).context("writing network.json")?;
    let mut cores = String::from(
        "core_x,core_y,kind,neurons,dendrite_words,dendrite_capacity,axon_words,spikes_in,\
         spikes_out,synaptic_events,instructions,packets_in,packets_out,vesicle_packets\n",
    );
    for c in &s.cores {
        let used = s.report.cores.iter().find(|u| u.coord == c.coord);
        let (neurons, dw, aw) =
            used.map_or((0, 0, 0), |u| (u.neurons, u.dendrite_words, u.axon_words));
        writeln!(
            cores,
            "{},{},{},{neurons},{dw},{},{aw},{},{},{},{},{},{},{}",
            c.coord.x,
            c.coord.y,
            c.coord.kind().name(),
            c.coord.kind().dendrite_words(),
            c.spikes_in,
            c.spikes_out,
            c.synaptic_events,
            c.instructions,
            c.packets_in,
            c.packets_out,
            c.vesicle_packets
        )?;
    }
    write("cores.csv", cores)?;
    let mut links = String::from("from_x,from_y,to_x,to_y,flits,peak_flits_per_step\n");
    for (i, &f) in s.mesh.link_flits.iter().enumerate() {
        if f == 0 {
            continue;
        }
        let l = Link::from_index(i);
        let to = l.to();
        let peak = s.link_peak.get(i).copied().unwrap_or(0);
        writeln!(links, "{},{},{},{},{f},{peak}", l.from.x, l.from.y, to.x, to.y)?;
    }
    write("links.csv", links)?;
    let metrics = serde_json::json!({
        "note": "Darwin3 emulation built from public information (Ma et al. 2024; public \
                 toolchain code), not the vendor's toolchain",
        "settings": s.settings,
        "emulator": s.emu_config,
        "scales": s.scales,
        "mapping_warnings": s.report.warnings,
        "mesh": {
            "packets": s.mesh.packets,
            "overrun_steps": s.mesh.overruns,
            "budget_cycles": s.budget_cycles,
            "max_makespan_cycles": s.mesh.makespans.iter().max(),
            "hop_histogram": s.mesh.hop_histogram,
        },
        "lif_neurons": s.lif_neurons,
        "comparison": s.comparison,
    });
    write("metrics.json", serde_json::to_string_pretty(&metrics)?)?;
    if !s.programs.is_empty() {
        let mut text = String::new();
        for (c, listing) in &s.programs {
            writeln!(text, "core ({},{})\n{listing}", c.x, c.y)?;
        }
        write("programs.txt", text)?;
    }
    Ok(())
}

/// `neuron,step` rows of the given neurons' spikes, in step then neuron order.
fn raster_csv(raster: &[Vec<u64>], neurons: &[u32]) -> String {
    let mut rows: Vec<(u64, u32)> =
        neurons.iter().flat_map(|&i| raster[i as usize].iter().map(move |&t| (t, i))).collect();
    rows.sort_unstable();
    let mut out = String::from("neuron,step\n");
    for (t, i) in rows {
        let _ = writeln!(out, "{i},{t}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: Darwin3Args,
    }

    fn settings(args: &[&str]) -> SessionSettings {
        let cli = Cli::try_parse_from([&["darwin3", "spiking_feedforward"][..], args].concat())
            .expect("parses");
        cli.args.settings(1).expect("settings the chip takes")
    }

    #[test]
    fn every_source_has_a_remove_name() {
        let names = "quantisation,leak,rounding,delay,leak-precision,saturation,lsb,refractory";
        let s = settings(&["--remove", names]);
        assert_eq!(s.removed, Removed::ALL);
        for source in Source::ALL {
            let s = settings(&["--remove", source.cli_name()]);
            let mut want = Removed::default();
            want.set(source, true);
            assert_eq!(s.removed, want, "--remove {}", source.cli_name());
        }
        let s = settings(&["--remove", "lsb", "--tier-b"]);
        assert_eq!(s.effective_tier(), nv_core::darwin3::emulator::Tier::A, "relaxed runs Tier A");
    }
}
