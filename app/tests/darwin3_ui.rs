//! Behaviour tests of the Darwin3 panel, headless, with egui_kittest. The panel draws a
//! synthetic view model built here (test data: three populations on two cores and a west I/O
//! tile, 60 steps); the tests act as a user would and check what the panel shows and the
//! actions it returns. The last test opens the real lab, whose world has no spiking network,
//! and checks the Darwin3 tab's empty state.

mod common;

use eframe::egui::{self, Pos2, Rect};
use egui_kittest::Harness;
use egui_kittest::kittest::Queryable;
use nv_core::darwin3::CoreCoord;
use nv_lab::lab::darwin3::view::SourceText as _;
use nv_lab::lab::darwin3::view::{
    Agreement, CoreView, Darwin3Settings, DivergenceSource, GapAttribution, LinkView, MappedChunk,
    MetricColumn, Metrics, NeuronLabel, NeuronMetrics, Rasters, Severity, SourceShare, StepTiming,
    SummaryMetric, ValidationMessage, ValueFormat,
};
use nv_lab::lab::darwin3::{
    Darwin3Action, Darwin3Export, Darwin3PanelState, Darwin3View, makespan, mesh_map, panel,
    rasters,
};

/// What the harness holds: the view, the panel's state and every action it returned.
struct Lab {
    view: Option<Darwin3View>,
    state: Darwin3PanelState,
    actions: Vec<Darwin3Action>,
}

/// The reference trains: neuron `n` spikes every `5 + n % 4` steps from step `n % 3`.
fn reference(n: u32, steps: u32) -> Vec<u32> {
    (n % 3..steps).step_by((5 + n % 4) as usize).collect()
}

/// The emulated trains: the reference, with every third spike of odd neurons one step late.
fn emulated(n: u32, steps: u32) -> Vec<u32> {
    let mut t: Vec<u32> = reference(n, steps)
        .iter()
        .enumerate()
        .map(|(k, &s)| if n % 2 == 1 && k % 3 == 2 { s + 1 } else { s })
        .filter(|&s| s < steps)
        .collect();
    t.dedup();
    t
}

/// The synthetic run: input (8 neurons, west I/O tile (−1, 2)), hidden (16, big core (1, 2)),
/// output (6, little core (2, 2)); spikes flow west to east.
fn view() -> Darwin3View {
    let steps = 60;
    let pops = [("input", 8u32), ("hidden", 16), ("output", 6)];
    let mut neurons = Vec::new();
    for (p, &(name, len)) in pops.iter().enumerate() {
        for k in 0..len {
            neurons.push(NeuronLabel { label: format!("{name} {k}"), population: p });
        }
    }
    let n = neurons.len() as u32;
    let reference: Vec<Vec<u32>> = (0..n).map(|i| reference(i, steps)).collect();
    let emulated: Vec<Vec<u32>> = (0..n).map(|i| emulated(i, steps)).collect();
    let rows = (0..n)
        .map(|i| {
            let (r, e) = (&reference[i as usize], &emulated[i as usize]);
            let agree = r.iter().filter(|s| e.contains(s)).count() as f64;
            let first = r.iter().zip(e).find(|(a, b)| a != b).map(|(a, _)| f64::from(*a));
            NeuronMetrics {
                neuron: i,
                values: vec![
                    Some(agree / r.len().max(1) as f64),
                    first,
                    Some(r.len() as f64),
                    Some(e.len() as f64),
                ],
            }
        })
        .collect();
    let column = |name: &str, format| MetricColumn {
        name: name.into(),
        explanation: format!("{name} of the two trains"),
        format,
    };
    let core = |x, y, neurons, first, pop: &str, dendrite: (u32, u32)| CoreView {
        coord: CoreCoord::new(x, y),
        neurons,
        dendrite_words_used: dendrite.0,
        dendrite_words_available: dendrite.1,
        axon_words_used: neurons * 2,
        axon_words_available: if x >= 0 { 16384 } else { 0 },
        neuron_model: if x >= 0 { "LifMul".into() } else { String::new() },
        program_len: if x >= 0 { 9 } else { 0 },
        program: String::new(),
        instructions_per_neuron: if x >= 0 { 8.5 } else { 0.0 },
        spikes_in: 100 + u64::from(neurons),
        spikes_out: 50 + u64::from(neurons),
        packets_in: 120,
        packets_out: 80,
        vesicle_packets: 3,
        populations: vec![MappedChunk { population: pop.into(), first, len: neurons }],
    };
    let link = |a: (i32, i32), b: (i32, i32), flits| LinkView {
        from: CoreCoord::new(a.0, a.1),
        to: CoreCoord::new(b.0, b.1),
        flits_total: flits,
        flits_per_step_max: flits / 10,
    };
    Darwin3View {
        cores: vec![
            core(-1, 2, 8, 0, "input", (0, 0)),
            core(1, 2, 16, 8, "hidden", (1234, 65536)),
            core(2, 2, 6, 24, "output", (700, 8192)),
        ],
        links: vec![
            link((-1, 2), (0, 2), 400),
            link((0, 2), (1, 2), 400),
            link((1, 2), (2, 2), 900),
        ],
        rasters: Rasters {
            steps,
            dt: 1e-3,
            populations: pops.iter().map(|p| p.0.to_string()).collect(),
            neurons,
            reference,
            emulated,
        },
        metrics: Metrics {
            summary: vec![SummaryMetric {
                name: "exact agreement".into(),
                value: Some(0.9),
                format: ValueFormat::Percent,
                explanation: "spikes at the same step in both runs, of all reference spikes".into(),
            }],
            columns: vec![
                column("exact agreement", ValueFormat::Percent),
                column("first divergence", ValueFormat::Integer),
                column("count ref", ValueFormat::Integer),
                column("count emu", ValueFormat::Integer),
            ],
            rows,
        },
        timing: StepTiming {
            makespan_cycles: (0..u64::from(steps)).map(|s| 1000 + 50 * (s % 7)).collect(),
            budget_cycles: 1200,
        },
        validation: vec![ValidationMessage {
            rule: 7,
            text: "output 5 has no axon target; a dummy zero-weight target was added".into(),
            severity: Severity::Warning,
        }],
        settings: Darwin3Settings::default(),
        status: "mapped 3 populations onto 2 cores and 1 I/O tile; 60 steps".into(),
        attribution: None,
    }
}

/// The panel alone in a lab-sized window, after its first frames.
fn harness(view: Option<Darwin3View>) -> Harness<'static, Lab> {
    let lab = Lab { view, state: Darwin3PanelState::default(), actions: Vec::new() };
    let mut h = Harness::builder().with_size([1400.0, 900.0]).build_ui_state(
        |ui, lab: &mut Lab| {
            let actions = panel::show(ui, lab.view.as_ref(), &mut lab.state, false);
            lab.actions.extend(actions);
        },
        lab,
    );
    h.run_steps(2);
    h
}

/// Moves the pointer to `at` and runs two frames (tooltips show after a short delay).
fn hover(h: &mut Harness<'_, Lab>, at: Pos2) {
    h.hover_at(at);
    h.run_steps(3);
}

/// Clicks at `at` (move, press, release) and runs the frames of the click.
fn click_at(h: &mut Harness<'_, Lab>, at: Pos2) {
    h.hover_at(at);
    h.step();
    for pressed in [true, false] {
        h.event(egui::Event::PointerButton {
            pos: at,
            button: egui::PointerButton::Primary,
            pressed,
            modifiers: egui::Modifiers::default(),
        });
    }
    h.run_steps(2);
}

/// Where the mesh map drew the tile at (x, y) last frame.
fn tile_centre(h: &Harness<'_, Lab>, x: i32, y: i32) -> Pos2 {
    let centres: Vec<([i32; 2], Pos2)> = h
        .ctx
        .data(|d| d.get_temp(mesh_map::tile_centres_id()))
        .expect("the mesh map records where it drew the tiles");
    assert_eq!(centres.len(), 25 * 24, "the map shows 24 columns and the west I/O column");
    centres.iter().find(|(c, _)| *c == [x, y]).expect("the tile is drawn").1
}

/// A plot area recorded by the panel last frame.
fn plot_rect(h: &Harness<'_, Lab>, id: egui::Id) -> Rect {
    h.ctx.data(|d| d.get_temp(id)).expect("the panel records its plot areas")
}

#[test]
fn the_emulation_statement_is_always_visible() {
    let h = harness(Some(view()));
    assert!(h.query_by_label_contains(panel::EMULATION_STATEMENT).is_some(), "with a run");
    let h = harness(None);
    assert!(h.query_by_label_contains(panel::EMULATION_STATEMENT).is_some(), "without a run");
    assert!(h.query_by_label_contains(panel::EMPTY_STATE).is_some(), "and the empty state");
    assert!(h.query_by_label_contains("hidden 0").is_none(), "no data is made up");
}

#[test]
fn hovering_a_core_shows_its_details_and_clicking_keeps_them() {
    let mut h = harness(Some(view()));
    let words = "1234 of 65536 (1.9 %)";
    assert!(h.query_by_label_contains(words).is_none(), "nothing selected yet");

    let hidden = tile_centre(&h, 1, 2);
    hover(&mut h, hidden);
    assert!(h.query_by_label_contains(words).is_some(), "the tooltip shows the dendrite words");
    assert!(h.query_by_label_contains("big core (2^16 dendrite words)").is_some());

    click_at(&mut h, hidden);
    assert_eq!(h.state().state.selected_core, Some(CoreCoord::new(1, 2)));
    assert!(h.state().actions.contains(&Darwin3Action::SelectCore(Some(CoreCoord::new(1, 2)))));
    h.remove_cursor();
    h.run_steps(3);
    assert!(h.query_by_label_contains(words).is_some(), "the side box keeps the details");
    for shown in ["LifMul", "9 instructions; 8.5 run per neuron per step", "hidden (neurons 8–23)"]
    {
        assert!(h.query_by_label_contains(shown).is_some(), "the side box shows {shown:?}");
    }

    // The little core and the RISC-V tile say what they are.
    let little = tile_centre(&h, 2, 2);
    hover(&mut h, little);
    assert!(h.query_by_label_contains("little core (2^13 dendrite words)").is_some());
    assert!(h.query_by_label_contains("700 of 8192").is_some());
    let riscv = tile_centre(&h, 0, 0);
    hover(&mut h, riscv);
    assert!(h.query_by_label_contains("RISC-V core (holds no neurons)").is_some());
}

#[test]
fn toggling_a_divergence_switch_emits_it_and_rerun_carries_it() {
    let mut h = harness(Some(view()));
    h.get_by_label("leak form").click();
    h.run_steps(2);
    let edit = Darwin3Action::SetDivergence { source: DivergenceSource::LeakForm, removed: true };
    assert_eq!(h.state().actions, vec![edit], "exactly the switch's action");

    h.get_by_label("⟲ Rerun (settings changed)").click();
    h.run_steps(2);
    let mut wanted = Darwin3Settings::default();
    wanted.removed.leak_form = true;
    assert_eq!(h.state().actions.last(), Some(&Darwin3Action::Rerun(wanted)));

    h.get_by_label("leak form").click();
    h.run_steps(2);
    let back = Darwin3Action::SetDivergence { source: DivergenceSource::LeakForm, removed: false };
    assert_eq!(h.state().actions.last(), Some(&back), "and it can be put back");
    assert!(h.query_by_label("⟲ Rerun").is_some(), "the draft equals the run again");
}

#[test]
fn export_asks_the_app_for_the_metrics_csv() {
    let mut h = harness(Some(view()));
    h.get_by_label("Export metrics CSV").click();
    h.run_steps(2);
    assert_eq!(h.state().actions, vec![Darwin3Action::Export(Darwin3Export::MetricsCsv)]);
    let csv = view().metrics_csv();
    assert_eq!(csv.lines().count(), 1 + 30, "a header and the 30 neurons");
    assert!(csv.starts_with("neuron,label,population,exact agreement,first divergence,"));
}

#[test]
fn the_metrics_table_lists_the_neurons_and_a_click_highlights_one() {
    let mut h = harness(Some(view()));
    // The table lays out only the rows in sight: the first ones, in neuron order.
    for label in ["input 0", "input 1", "input 2"] {
        assert!(h.query_by_label(label).is_some(), "the table lists {label}");
    }
    assert!(h.query_by_label("output 5").is_none(), "the last neuron is scrolled out of sight");
    for column in ["first divergence", "count ref", "count emu"] {
        assert!(h.query_by_label(column).is_some(), "the column {column} is named");
    }
    assert!(
        h.query_by_label_contains("spikes at the same step in both runs").is_some(),
        "the summary explains its numbers"
    );
    assert!(h.query_by_label_contains("rule 7 · warning").is_some(), "the validation warning");

    // Sorting by neuron twice: descending, so the last neuron comes first.
    h.get_by_label("neuron").click();
    h.run_steps(2);
    h.get_by_label("neuron ⏶").click();
    h.run_steps(2);
    assert_eq!(h.state().state.sort, Some((0, false)));
    assert!(h.query_by_label("output 5").is_some(), "sorted descending, output 5 is on top");
    assert!(h.query_by_label("input 0").is_none(), "and input 0 at the bottom");

    h.get_by_label("output 5").click();
    h.run_steps(2);
    assert_eq!(h.state().state.selected_neuron, Some(29), "output 5 is neuron 24 + 5");
    assert!(h.state().actions.contains(&Darwin3Action::SelectNeuron(Some(29))));
}

#[test]
fn the_time_cursor_is_shared_by_the_rasters_and_the_makespan_plot() {
    let mut h = harness(Some(view()));
    assert!(h.query_by_label_contains("makespan: hover a step").is_some());

    // Step 20 of 60 in the rasters (all steps shown): its centre.
    let r = plot_rect(&h, rasters::plot_rect_id());
    let at = Pos2::new(r.left() + r.width() * 20.5 / 60.0, r.center().y);
    hover(&mut h, at);
    assert_eq!(h.state().state.cursor, Some(20));
    assert!(h.query_by_label_contains("cursor: step 20 (t = 20.00 ms)").is_some());
    // Step 20 costs 1000 + 50 · (20 mod 7) = 1300 cycles, over the 1200 budget.
    let shown = "makespan at step 20: 1300 cycles of a 1200 cycle budget (108.3 %) — OVERRUN";
    assert!(h.query_by_label_contains(shown).is_some(), "the makespan plot follows");

    // And the other way: hovering the makespan plot moves the rasters' cursor.
    let m = plot_rect(&h, makespan::plot_rect_id());
    hover(&mut h, Pos2::new(m.left() + m.width() * 7.5 / 60.0, m.center().y));
    assert_eq!(h.state().state.cursor, Some(7));
    assert!(h.query_by_label_contains("cursor: step 7 (t = 7.00 ms)").is_some());
    assert!(h.query_by_label_contains("makespan at step 7: 1000 cycles").is_some());
}

#[test]
fn a_dense_raster_is_binned_and_says_so() {
    // 10^4 neurons × 10^3 steps, about 2 % of the steps spiking.
    let mut v = view();
    let (n, steps) = (10_000u32, 1_000u32);
    v.rasters.steps = steps;
    v.rasters.neurons = (0..n)
        .map(|i| NeuronLabel { label: format!("n{i}"), population: (i / 5000) as usize })
        .collect();
    v.rasters.reference = (0..n).map(|i| (i % 50..steps).step_by(50).collect()).collect();
    v.rasters.emulated = (0..n).map(|i| (i % 50..steps).step_by(49).collect()).collect();
    v.timing.makespan_cycles = vec![1000; steps as usize];
    let h = harness(Some(v));
    assert!(h.query_by_label_contains("dense view: each cell bins").is_some());
}

#[test]
fn the_lab_has_a_darwin3_tab_with_an_empty_state_without_a_spiking_network() {
    let mut h = common::lab(common::preset("tiny_chain.ron"));
    h.get_by_label("Darwin3").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains(panel::EMULATION_STATEMENT).is_some());
    assert!(h.query_by_label_contains(panel::EMPTY_STATE).is_some());
    assert!(h.state().darwin3_view().is_none(), "the lab makes no Darwin3 data up");
    h.get_by_label("Network").click();
    h.run_steps(2);
    assert!(h.query_by_label_contains(panel::EMPTY_STATE).is_none(), "back to the network");
}

/// The dropdowns show the settings the chip effectively runs with, and say why they differ
/// from the chosen ones; the status line and the core details (which read the effective
/// configuration) then tell the same story.
#[test]
fn the_dropdowns_show_the_effective_settings_and_why() {
    let h = harness(Some(view()));
    assert!(h.query_by_value("8 bit").is_some(), "nothing removed: the chosen width");
    assert!(h.query_by_value("LifMul").is_some(), "nothing removed: the chosen model");
    let mut v = view();
    v.settings.removed.quantisation = true;
    v.settings.removed.leak_form = true;
    let h = harness(Some(v));
    for shown in [
        "16 bit (weight quantisation removed; chosen: 8 bit)",
        "Clif (leak form removed; chosen: LifMul)",
    ] {
        assert!(h.query_by_value(shown).is_some(), "the dropdown shows {shown:?}");
    }
    assert!(h.query_by_value("8 bit").is_none(), "the chosen width alone is not shown");
    assert!(h.query_by_label_contains("arithmetic: f64").is_none(), "integer arithmetic");
    let mut v = view();
    v.settings.removed = nv_lab::lab::darwin3::view::DivergenceSwitches::ALL;
    let h = harness(Some(v));
    assert!(h.query_by_value("f64 (weight quantisation and LSB removed; chosen: 8 bit)").is_some());
    let arithmetic = "arithmetic: f64 on the chip's schedule (leak precision, saturation, LSB, \
                      refractory removed)";
    assert!(h.query_by_label_contains(arithmetic).is_some(), "the relaxed arithmetic is named");
}

/// Every source has its switch, the four new ones included.
#[test]
fn every_divergence_source_has_a_switch() {
    let mut h = harness(Some(view()));
    for source in DivergenceSource::ALL {
        assert!(h.query_by_label(source.label()).is_some(), "a switch for {source:?}");
    }
    h.get_by_label("leak precision").click();
    h.run_steps(2);
    let edit =
        Darwin3Action::SetDivergence { source: DivergenceSource::LeakPrecision, removed: true };
    assert_eq!(h.state().actions, vec![edit]);
}

/// "attribute the gap" asks for the attribution; a view that has it shows one row per source
/// with its numbers.
#[test]
fn attributing_the_gap_asks_the_worker_and_shows_a_row_per_source() {
    let mut h = harness(Some(view()));
    h.get_by_label(panel::ATTRIBUTION_TITLE).click();
    h.run_steps(2);
    h.get_by_label("attribute the gap").click();
    h.run_steps(2);
    assert_eq!(h.state().actions, vec![Darwin3Action::AttributeGap]);
    let mut wanted = Darwin3Settings::default();
    assert!(Darwin3Action::AttributeGap.edit(&mut wanted), "the request is an edit: a rerun");
    assert!(wanted.attribution);
    assert!(Darwin3Action::SetWeightBits(4).edit(&mut wanted));
    assert!(!wanted.attribution, "another edit drops the request");

    let agreement = |identical, sync| Agreement {
        identical,
        spike_sync: Some(sync),
        count_error: Some(1.0 - sync),
    };
    let mut v = view();
    v.attribution = Some(GapAttribution {
        baseline: agreement(0.0, 0.79),
        all_removed: agreement(1.0, 1.0),
        rows: DivergenceSource::ALL
            .iter()
            .enumerate()
            .map(|(k, &source)| SourceShare {
                source,
                only_removed: agreement(0.0, 0.80 + k as f64 / 100.0),
                all_but: agreement(0.5, 0.90 + k as f64 / 100.0),
            })
            .collect(),
    });
    let h = harness(Some(v));
    assert!(h.query_by_label("attribute the gap").is_none(), "already attributed");
    for text in ["run as set", "every source removed", "0.0 % · 79.0 % · 21.0 %"] {
        assert!(h.query_by_label(text).is_some(), "the table shows {text:?}");
    }
    // Refractory, the eighth source: only removed 0.87, all but 0.97.
    assert!(h.query_by_label("0.0 % · 87.0 % · 13.0 %").is_some());
    assert!(h.query_by_label("50.0 % · 97.0 % · 3.0 %").is_some());
    assert!(h.query_by_label("100.0 % · 100.0 % · 0.0 %").is_some());
}
