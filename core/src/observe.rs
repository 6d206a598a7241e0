//! Observables and exports: the files a headless run writes (documented column by column in
//! the README), written as the run goes so a long run never holds its history in memory. Text
//! cells (species names) go through [`crate::csv::cell`] (RFC 4180 quoting, formula guard).

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::csv::cell;
use crate::json_stream::JsonObject;
use crate::twin::discrepancy;
use crate::world::World;

/// Streams a run's files into a folder.
pub struct RunWriter {
    dir: PathBuf,
    every: u64,
    timeseries: BufWriter<File>,
    host: BufWriter<File>,
    nodes: BufWriter<File>,
    twin: Option<BufWriter<File>>,
}

/// Creates `dir/name`, which must not exist yet (an existing file, or a symbolic link, is an
/// error rather than truncated or followed).
fn create_new(dir: &Path, name: &str) -> io::Result<File> {
    std::fs::OpenOptions::new().write(true).create_new(true).open(dir.join(name))
}

fn create(dir: &Path, name: &str, header: &str) -> io::Result<BufWriter<File>> {
    let mut w = BufWriter::new(create_new(dir, name)?);
    writeln!(w, "{header}")?;
    Ok(w)
}

/// A node of `graph.json`.
#[derive(Serialize)]
struct NodeJson<'a> {
    id: usize,
    role: &'static str,
    layer: u32,
    x: f32,
    y: f32,
    #[serde(skip_serializing_if = "str::is_empty")]
    label: &'a str,
}

/// An edge of `graph.json`.
#[derive(Serialize)]
struct EdgeJson {
    src: u32,
    dst: u32,
    weight: f32,
}

/// Writes `graph.json` for `world` (effective weights at the time of the call): an object with
/// `nodes` (id, role, layer, x, y, and label when imported) and `edges` (src, dst, weight),
/// streamed through a buffer, compactly, one node or edge per line (see
/// [`crate::json_stream`]), so a graph of millions of edges is never held as text.
pub fn write_graph_json(world: &World, path: &Path) -> io::Result<()> {
    let g = &world.graph;
    let mut json = JsonObject::new(BufWriter::new(File::create(path)?))?;
    json.array(
        "nodes",
        (0..g.n()).map(|i| NodeJson {
            id: i,
            role: g.role[i].name(),
            layer: g.layer[i],
            x: g.pos[i][0],
            y: g.pos[i][1],
            label: g.label.get(i).map_or("", String::as_str),
        }),
    )?;
    json.array(
        "edges",
        (0..g.m()).map(|e| EdgeJson {
            src: g.edge_src[e],
            dst: g.edge_dst[e],
            weight: world.weight[e] + world.modulation.weight_delta[e],
        }),
    )?;
    json.finish()?;
    Ok(())
}

fn opt(v: Option<f32>) -> String {
    v.map_or(String::new(), |x| x.to_string())
}

impl RunWriter {
    /// Creates the folder and the streamed files, which must not exist yet (`nvlab run`
    /// writes into a fresh folder); `every` is the `nodes.csv` period in steps; `twin` adds
    /// `twin.csv`.
    pub fn create(dir: &Path, world: &World, every: u64, twin: bool) -> io::Result<Self> {
        std::fs::create_dir_all(dir)?;
        write_graph_json(world, &dir.join("graph.json"))?;
        Ok(Self {
            dir: dir.to_path_buf(),
            every: every.max(1),
            timeseries: create(
                dir,
                "timeseries.csv",
                "step,species,free,emitted,docked,absorbed,died,dropped",
            )?,
            host: create(dir, "host.csv", "step,loss,accuracy")?,
            nodes: create(
                dir,
                "nodes.csv",
                "step,node,species,count,density,gain,shift,lr_mult,memory_norm",
            )?,
            twin: if twin {
                Some(create(dir, "twin.csv", "step,species,particles,density,rms_z,relative_l1")?)
            } else {
                None
            },
        })
    }

    /// Records the step just taken. `main` is the particle world (or the only world);
    /// `density` is the density world of a twin run, or the only world in density mode.
    pub fn record(&mut self, main: &World, density: Option<&World>) -> io::Result<()> {
        let step = main.step;
        let is_density = density.is_none() && main.density().is_some();
        for (k, s) in main.species.iter().enumerate() {
            let e = &main.last;
            writeln!(
                self.timeseries,
                "{step},{},{},{},{},{},{},{}",
                cell(&s.name),
                main.free(k),
                e.emitted[k] + e.cascade_born[k],
                e.docked[k],
                e.absorbed[k],
                e.died[k],
                e.dropped[k]
            )?;
        }
        if main.signals.loss.is_some() || main.signals.accuracy.is_some() {
            writeln!(
                self.host,
                "{step},{},{}",
                opt(main.signals.loss),
                opt(main.signals.accuracy)
            )?;
        }
        if let (Some(tw), Some(d)) = (self.twin.as_mut(), density) {
            for (k, s) in main.species.iter().enumerate() {
                let q = discrepancy(main, d, k);
                writeln!(
                    tw,
                    "{step},{},{},{},{},{}",
                    cell(&s.name),
                    q.totals.0,
                    q.totals.1,
                    q.rms_z,
                    q.relative_l1
                )?;
            }
        }
        if step.is_multiple_of(self.every) {
            let n = main.n();
            let m = &main.modulation;
            for i in 0..n {
                let memory_norm = crate::species::dot(m.memory[i], m.memory[i]).sqrt();
                for (k, s) in main.species.iter().enumerate() {
                    let (count, dens) = match (is_density, density) {
                        (true, _) => (String::new(), main.counts[k * n + i].to_string()),
                        (false, Some(d)) => {
                            (main.counts[k * n + i].to_string(), d.counts[k * n + i].to_string())
                        }
                        (false, None) => (main.counts[k * n + i].to_string(), String::new()),
                    };
                    writeln!(
                        self.nodes,
                        "{step},{i},{},{count},{dens},{},{},{},{memory_norm}",
                        cell(&s.name),
                        m.gain[i],
                        m.shift[i],
                        m.lr_mult[i]
                    )?;
                }
            }
        }
        Ok(())
    }

    /// Writes the final files (`edges.csv`, `cascades.csv`, `summary.json`) and flushes.
    pub fn finish(mut self, main: &World, summary: &Summary) -> io::Result<()> {
        self.timeseries.flush()?;
        self.host.flush()?;
        self.nodes.flush()?;
        if let Some(t) = self.twin.as_mut() {
            t.flush()?;
        }
        let mut edges = BufWriter::new(create_new(&self.dir, "edges.csv")?);
        write_edges_csv(main, &mut edges)?;
        edges.flush()?;
        let mut cascades = BufWriter::new(create_new(&self.dir, "cascades.csv")?);
        write_cascades_csv(main, &mut cascades)?;
        cascades.flush()?;
        let text = serde_json::to_string_pretty(summary).map_err(io::Error::other)?;
        let mut f = create_new(&self.dir, "summary.json")?;
        f.write_all(text.as_bytes())?;
        f.flush()
    }
}

/// Writes `edges.csv` of `world` to `out`: `src,dst,weight,pathway`, one row per directed
/// edge: the effective weight (host weight + vesicle weight delta) and the pathway trace π.
pub fn write_edges_csv(world: &World, out: &mut impl Write) -> io::Result<()> {
    let g = &world.graph;
    writeln!(out, "src,dst,weight,pathway")?;
    for e in 0..g.m() {
        let weight = world.weight.get(e).copied().unwrap_or(0.0)
            + world.modulation.weight_delta.get(e).copied().unwrap_or(0.0);
        let pathway = world.pathway.get(e).copied().unwrap_or(0.0);
        writeln!(out, "{},{},{weight},{pathway}", g.edge_src[e], g.edge_dst[e])?;
    }
    Ok(())
}

/// Writes `cascades.csv` of `world` to `out`: `cascade,root_species,size,depth,duration`,
/// one row per finished cascade the world keeps, in order of completion.
pub fn write_cascades_csv(world: &World, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "cascade,root_species,size,depth,duration")?;
    for c in &world.cascades.finished {
        let name = world.species.get(c.species as usize).map_or("?", |s| s.name.as_str());
        let name = cell(name);
        writeln!(out, "{},{name},{},{},{}", c.number, c.size, c.depth, c.duration)?;
    }
    Ok(())
}

/// Final totals of one species, for `summary.json`.
#[derive(Clone, Debug, Serialize)]
pub struct SpeciesTotals {
    /// Species name.
    pub species: String,
    /// Free vesicles at the end (expected, in density mode).
    pub free: f64,
    /// Emitted by triggers.
    pub emitted: f64,
    /// Born in cascades.
    pub cascade_born: f64,
    /// Dockings.
    pub docked: f64,
    /// Absorptions.
    pub absorbed: f64,
    /// Deaths by decay.
    pub died: f64,
    /// Births dropped (population full).
    pub dropped: f64,
}

/// `summary.json`.
#[derive(Clone, Debug, Serialize)]
pub struct Summary {
    /// Preset name.
    pub preset: String,
    /// FNV-1a 64 hash of the preset as canonical RON, hex.
    pub preset_hash: String,
    /// Seed.
    pub seed: u64,
    /// Steps run.
    pub steps: u64,
    /// particle, density or twin.
    pub mode: String,
    /// Worker threads.
    pub threads: usize,
    /// The engine that ran it: `"cpu"`, or `"gpu: "` and the adapter's name and API.
    pub engine: String,
    /// nvlab version.
    pub version: String,
    /// Wall-clock seconds of the run.
    pub wall_seconds: f64,
    /// Final totals per species (of the particle world in twin mode).
    pub totals: Vec<SpeciesTotals>,
    /// Final totals per species of the density world (twin mode only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub density_totals: Option<Vec<SpeciesTotals>>,
    /// Finished cascades.
    pub cascades_finished: u64,
    /// Warnings raised during the run.
    pub warnings: Vec<String>,
    /// Whether the run was interrupted (Ctrl-C or SIGTERM) before its last step; `steps` is
    /// then the number of steps taken, all of them in the files.
    pub interrupted: bool,
    /// Why the run stopped early, when a step failed (a non-finite value); absent otherwise.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stopped: Option<String>,
}

/// Per-species totals of a world.
pub fn species_totals(w: &World) -> Vec<SpeciesTotals> {
    w.species
        .iter()
        .enumerate()
        .map(|(k, s)| SpeciesTotals {
            species: s.name.clone(),
            free: w.free(k),
            emitted: w.totals.emitted[k],
            cascade_born: w.totals.cascade_born[k],
            docked: w.totals.docked[k],
            absorbed: w.totals.absorbed[k],
            died: w.totals.died[k],
            dropped: w.totals.dropped[k],
        })
        .collect()
}

/// FNV-1a 64-bit hash, hex (stable across versions and platforms).
pub fn fnv1a_hex(bytes: &[u8]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:016x}")
}
