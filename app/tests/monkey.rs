//! The monkey test: on every shipped preset, in every mode, it acts as a careless user for a
//! bounded number of actions. Each action picks, through the accessibility tree, one of the
//! widgets the window shows (buttons, tabs, checkboxes, combo boxes and their entries, radio
//! buttons, sliders, text and number fields) and clicks it or types random numbers or text into
//! it, or presses one of the documented shortcuts; the world steps between actions. It fails
//! on any panic, and on a world (or its density twin) that no longer passes `World::check()`.
//!
//! Everything is drawn from one seed (`NV_MONKEY_SEED`, default below), printed with the
//! preset, the mode and the last actions when it fails, so a failure can be replayed.
//! `NV_MONKEY_ACTIONS` sets the actions per preset and mode; `NV_MONKEY_VERBOSE=1` prints
//! every action.
//!
//! Left out, because they reach outside the test: the file dialogs and whatever writes files
//! (Open…, Save, Save as…, the exports, F12's screenshot); the recent-files entries.

mod common;

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};

use common::{lab, preset};
use eframe::egui::{self, Key, Modifiers, accesskit::Role};
use egui_kittest::Harness;
use egui_kittest::kittest::{By, NodeT, Queryable};
use nv_core::Mode;
use nv_lab::lab::app::LabApp;
use nv_lab::lab::command::AppCommand;

/// The seed when `NV_MONKEY_SEED` is not set.
const DEFAULT_SEED: u64 = 0x5eed_2026;
/// Actions per preset and mode when `NV_MONKEY_ACTIONS` is not set.
const DEFAULT_ACTIONS: usize = 40;

/// A small, seeded generator (splitmix64): the same seed, the same actions.
struct Monkey(u64);

impl Monkey {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// Something a careless user types: numbers of every size and sign, non-numbers, text with
    /// separators and quotes, nothing at all.
    fn text(&mut self) -> String {
        const TEXT: [&str; 16] = [
            "0",
            "1",
            "-1",
            "0.5",
            "3.5",
            "1e12",
            "-1e30",
            "1e-45",
            "NaN",
            "inf",
            "",
            "abc",
            "a,b\"c",
            "=1+1",
            "999999999999",
            "0, 3, 7",
        ];
        TEXT[self.below(TEXT.len())].to_string()
    }
}

/// Whether a widget of this role can be acted on.
fn actionable(role: Role) -> bool {
    matches!(
        role,
        Role::Button
            | Role::DefaultButton
            | Role::CheckBox
            | Role::RadioButton
            | Role::ComboBox
            | Role::Tab
            | Role::TextInput
            | Role::MultilineTextInput
            | Role::SpinButton
            | Role::Slider
            | Role::MenuItem
            | Role::MenuItemCheckBox
            | Role::MenuItemRadio
            | Role::ListBoxOption
            | Role::Switch
    )
}

/// Widgets the monkey leaves alone: they open file dialogs or write files.
fn excluded(label: &str) -> bool {
    ["Open", "Save", "Export", "Screenshot", ".ron"].iter().any(|w| label.contains(w))
}

/// The widgets the window shows now: (role, label).
fn widgets(h: &Harness<'_, LabApp>) -> Vec<(Role, String)> {
    h.query_all(By::new().predicate(|n| actionable(n.role())))
        .map(|n| {
            let label = n.accesskit_node().label().unwrap_or_default();
            (n.accesskit_node().role(), label)
        })
        .filter(|(_, label)| !excluded(label))
        .collect()
}

/// Does one random action and returns what it did (for the log).
fn act(h: &mut Harness<'_, LabApp>, monkey: &mut Monkey) -> String {
    let choice = monkey.below(10);
    if choice == 0 {
        // A documented shortcut (F12 writes a file: left out).
        let (name, key, modifiers) = match monkey.below(6) {
            0 => ("Space", Key::Space, Modifiers::NONE),
            1 => ("→", Key::ArrowRight, Modifiers::NONE),
            2 => ("R", Key::R, Modifiers::NONE),
            3 => ("?", Key::Questionmark, Modifiers::NONE),
            4 => ("Escape", Key::Escape, Modifiers::NONE),
            _ => ("Ctrl+V", Key::V, Modifiers::COMMAND),
        };
        h.key_press_modifiers(modifiers, key);
        return format!("key {name}");
    }
    let all = widgets(h);
    if all.is_empty() {
        return "nothing to act on".into();
    }
    let k = monkey.below(all.len());
    let (role, label) = all[k].clone();
    let text = monkey.text();
    let typed = matches!(role, Role::TextInput | Role::MultilineTextInput | Role::SpinButton);
    {
        let nodes: Vec<_> = h
            .query_all(By::new().predicate(|n| actionable(n.role())))
            .filter(|n| !excluded(&n.accesskit_node().label().unwrap_or_default()))
            .collect();
        let Some(node) = nodes.get(k) else { return "the widget went away".into() };
        if typed {
            node.click_accesskit();
            node.focus();
        } else {
            node.click_accesskit();
        }
    }
    h.step();
    if typed {
        // Select what is there, replace it, and confirm.
        h.key_press_modifiers(Modifiers::COMMAND, Key::A);
        h.event(egui::Event::Text(text.clone()));
        h.key_press(Key::Enter);
        h.step();
        return format!("type {text:?} into {role:?} `{label}`");
    }
    format!("click {role:?} `{label}`")
}

/// Fails when the world or its twin breaks an invariant.
fn check(h: &Harness<'_, LabApp>) -> Result<(), String> {
    let sim = h.state().sim();
    let mut bad = sim.world().check();
    if let Some(twin) = &sim.twin {
        bad.extend(twin.check().into_iter().map(|b| format!("twin: {b}")));
    }
    if bad.is_empty() { Ok(()) } else { Err(bad.join("; ")) }
}

/// Runs the monkey on one preset in one mode.
fn run(file: &str, mode: Mode, seed: u64, actions: usize) {
    let mut log: Vec<String> = Vec::new();
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        let mut h = lab(preset(file));
        h.state_mut().queue(AppCommand::SetMode(mode));
        h.run_steps(2);
        let mut monkey = Monkey(seed ^ (file.len() as u64) << 8 ^ mode as u64);
        for i in 0..actions {
            let did = act(&mut h, &mut monkey);
            if std::env::var_os("NV_MONKEY_VERBOSE").is_some() {
                println!("  {i}: {did}");
            }
            log.push(format!("{i}: {did}"));
            h.state_mut().queue(AppCommand::Step(1 + monkey.below(3) as u64));
            h.run_steps(2);
            check(&h)?;
        }
        Ok::<(), String>(())
    }));
    let last: Vec<&String> = log.iter().rev().take(12).rev().collect();
    let context = || {
        format!(
            "monkey: preset {file}, mode {mode:?}, NV_MONKEY_SEED={seed}; last actions:\n{last:#?}"
        )
    };
    match outcome {
        Ok(Ok(())) => {}
        Ok(Err(bad)) => panic!("{}\ninvariant broken: {bad}", context()),
        Err(panic) => {
            eprintln!("{}", context());
            resume_unwind(panic);
        }
    }
}

#[test]
fn the_monkey_clicks_everything_on_every_preset_in_every_mode() {
    let seed = std::env::var("NV_MONKEY_SEED").ok().and_then(|s| s.parse().ok());
    let seed = seed.unwrap_or(DEFAULT_SEED);
    let actions = std::env::var("NV_MONKEY_ACTIONS").ok().and_then(|s| s.parse().ok());
    let actions = actions.unwrap_or(DEFAULT_ACTIONS);
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("the presets folder")
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|f| f.ends_with(".ron"))
        .collect();
    files.sort();
    assert!(files.len() >= 10, "every shipped preset: {files:?}");
    for file in &files {
        for mode in [Mode::Particle, Mode::Density, Mode::Twin] {
            println!("monkey: {file} in {mode:?}");
            run(file, mode, seed, actions);
        }
    }
}
