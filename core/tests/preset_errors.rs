//! Malformed presets: each gets the right error kind, field path, line and a message that says
//! what is allowed. Also: a valid preset round-trips through `to_string`, and `save` is atomic.

use nv_core::preset::error::ErrorKind;
use nv_core::preset::{self, Preset, PresetError};

/// A small valid preset: a 5-node ring and one species.
const BASE: &str = r#"Preset(
    format: 1,
    name: "base",
    dt: 0.1,
    capacity: 1000,
    host: Graph((
        graph: Ring(n: 5, k: 2),
    )),
    meta: [
        (name: "loss", source: Loss),
    ],
    species: [
        (
            name: "glia",
            emission: (
                trigger: Activity,
                rate: 2.0,
            ),
            kernel: (
                mobility: 1.0,
                temperature: 1.0,
            ),
            docking: (rate: 1.0, threshold: 0.0),
            absorption: 1.0,
            releases: [
                Gain((eta: 0.1)),
            ],
        ),
    ],
)
"#;

/// `BASE` with `from` replaced by `to` (which must occur exactly once).
fn with(from: &str, to: &str) -> String {
    assert_eq!(BASE.matches(from).count(), 1, "`{from}` must occur once in BASE");
    BASE.replacen(from, to, 1)
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).unwrap_or_else(|| panic!("`{needle}` not in text"));
    1 + text[..at].matches('\n').count()
}

/// Loads `text`, which must fail, and checks the kind and path.
fn fails(text: &str, kind: ErrorKind, path: &str) -> PresetError {
    let err = match preset::from_str(text, "t.ron") {
        Ok(_) => panic!("expected a {kind:?} error at `{path}`, the preset loaded"),
        Err(e) => e,
    };
    assert_eq!(err.kind, kind, "kind of: {err}");
    assert_eq!(err.path, path, "path of: {err}");
    assert_eq!(err.file, "t.ron");
    err
}

fn assert_mentions(err: &PresetError, words: &str) {
    assert!(err.message.contains(words), "message `{}` should mention `{words}`", err.message);
}

#[test]
fn base_is_valid() {
    let p = preset::from_str(BASE, "t.ron").expect("BASE loads");
    assert_eq!(p.species.len(), 1);
    assert_eq!(p.capacity, 1000);
}

#[test]
fn syntax_missing_paren_at_end() {
    let text = BASE.trim_end().strip_suffix(')').expect("ends with )").to_owned();
    let err = fails(&text, ErrorKind::Syntax, "");
    // Right after the last token, where the `)` belongs.
    assert_eq!((err.line, err.column), (Some(text.lines().count()), Some(7)));
    assert_mentions(&err, "end of file");
    assert_mentions(&err, "a closing `)` is missing");
}

#[test]
fn syntax_missing_inner_paren() {
    // The `)` closing `emission: (` is gone; the parser would blame `kernel`.
    let text = with("                rate: 2.0,\n            ),\n", "                rate: 2.0,\n");
    let err = fails(&text, ErrorKind::Syntax, "");
    assert_eq!(err.line, Some(line_of(&text, "kernel:")));
    assert_mentions(&err, "a closing `)` is missing");
}

#[test]
fn type_string_where_number_expected() {
    let text = with("temperature: 1.0", "temperature: \"hot\"");
    let err = fails(&text, ErrorKind::Type, "species[0].kernel.temperature");
    assert_eq!(err.line, Some(line_of(&text, "temperature")));
    assert_eq!(err.column, Some(17));
    assert_eq!(err.value.as_deref(), Some("\"hot\""));
    assert_mentions(&err, "expected a number");
}

#[test]
fn unknown_field_suggests_closest() {
    let text = with("temperature: 1.0", "temprature: 1.0");
    let err = fails(&text, ErrorKind::UnknownField, "species[0].kernel.temprature");
    assert_eq!(err.line, Some(line_of(&text, "temprature")));
    assert_eq!(err.suggestion.as_deref(), Some("temperature"));
    assert!(err.valid.iter().any(|v| v == "mobility"));
    assert_mentions(&err, "did you mean `temperature`?");
    assert_mentions(&err, "Valid fields: `mobility`");
}

#[test]
fn negative_rate() {
    let text = with("rate: 2.0", "rate: -2.0");
    let err = fails(&text, ErrorKind::Value, "species[0].emission.rate");
    assert_eq!(err.line, Some(line_of(&text, "rate: -2.0")));
    assert_eq!(err.value.as_deref(), Some("-2"));
    assert_mentions(&err, "must be >= 0");
}

#[test]
fn nan_is_rejected() {
    let text = with("temperature: 1.0", "temperature: NaN");
    let err = fails(&text, ErrorKind::Value, "species[0].kernel.temperature");
    assert_eq!(err.line, Some(line_of(&text, "NaN")));
    assert_eq!(err.value.as_deref(), Some("NaN"));
    assert_mentions(&err, "finite");
}

#[test]
fn infinity_in_an_array_is_rejected() {
    let text = with("    meta: [", "    receptors: (default: (1.0, -inf, 0.0, 0.0)),\n    meta: [");
    let err = fails(&text, ErrorKind::Value, "receptors.default[1]");
    assert_eq!(err.line, Some(line_of(&text, "-inf")));
    assert_eq!(err.column, Some(32));
    assert_mentions(&err, "finite");
}

#[test]
fn zero_dt() {
    let text = with("dt: 0.1", "dt: 0.0");
    let err = fails(&text, ErrorKind::Value, "dt");
    assert_eq!((err.line, err.column), (Some(4), Some(5)));
    assert_mentions(&err, "[1e-6, 10]");
}

#[test]
fn absurd_dt() {
    let text = with("dt: 0.1", "dt: 1e9");
    let err = fails(&text, ErrorKind::Value, "dt");
    assert_eq!(err.line, Some(4));
    assert_eq!(err.value.as_deref(), Some("1000000000"));
    assert_mentions(&err, "[1e-6, 10]");
}

/// A positive dt below a microsecond is refused (10⁻⁶ itself is allowed).
#[test]
fn tiny_dt() {
    let text = with("dt: 0.1", "dt: 1e-7");
    let err = fails(&text, ErrorKind::Value, "dt");
    assert_eq!((err.line, err.column), (Some(4), Some(5)));
    assert_mentions(&err, "must be in [1e-6, 10] seconds");
    assert!(preset::from_str(&with("dt: 0.1", "dt: 1e-6"), "t.ron").is_ok());
}

/// A UTF-8 byte-order mark at the start (Windows editors write one) is skipped, from text and
/// from a file; errors after it keep their line and column.
#[test]
fn a_byte_order_mark_is_skipped() {
    let text = format!("\u{feff}{BASE}");
    preset::from_str(&text, "t.ron").expect("loads with a BOM");
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("bom.ron");
    std::fs::write(&path, text.as_bytes()).expect("write");
    preset::load(&path).expect("a file with a BOM loads");
    let err = fails(&format!("\u{feff}{}", with("dt: 0.1", "dt: 0.0")), ErrorKind::Value, "dt");
    assert_eq!((err.line, err.column), (Some(4), Some(5)));
}

/// A number where a name (a variant) belongs: no advice to write the raw identifier `r#-5`,
/// but what a name is.
#[test]
fn a_number_where_a_name_belongs() {
    let text = with("trigger: Activity", "trigger: -5");
    let err = preset::from_str(&text, "t.ron").expect_err("a number is not a trigger");
    assert_eq!(err.line, Some(line_of(&text, "trigger: -5")), "{err}");
    assert!(!err.message.contains("r#"), "{err}");
    assert_mentions(&err, "expected a name here");
    assert_mentions(&err, "found a number, `-5`");
}

/// A meta signal's `Schedule` wave is checked like a stimulus wave.
#[test]
fn meta_schedule_wave_is_checked() {
    let text = with(
        "(name: \"loss\", source: Loss),",
        "(name: \"loss\", source: Schedule(Sine(amplitude: 1.0, period: 0.0))),",
    );
    let err = fails(&text, ErrorKind::Value, "meta[0].source.Schedule.Sine.period");
    assert_eq!(err.line, Some(line_of(&text, "Schedule")));
    assert_eq!(err.value.as_deref(), Some("0"));
    assert_mentions(&err, "must be finite and > 0 (seconds)");
    let text = with(
        "(name: \"loss\", source: Loss),",
        "(name: \"loss\", source: Schedule(Pulse(amplitude: 1.0, start: 0.0, width: -1.0))),",
    );
    fails(&text, ErrorKind::Value, "meta[0].source.Schedule.Pulse.width");
}

/// Emission rate × scale × dt that overflows f32 is refused at `emission.rate`.
#[test]
fn emission_rate_times_scale_must_be_finite() {
    let text = with("rate: 2.0,", "rate: 3e38,")
        .replace("absorption: 1.0,", "absorption: 1.0,\n            scale: 100.0,");
    let err = fails(&text, ErrorKind::Value, "species[0].emission.rate");
    assert_eq!(err.line, Some(line_of(&text, "rate: 3e38")));
    assert_mentions(&err, "rate × scale × dt");
    assert_mentions(&err, "must be finite");
}

/// A rate per second whose product with dt overflows (mobility here) is refused.
#[test]
fn mobility_times_dt_must_be_finite() {
    let text = with("dt: 0.1", "dt: 10.0").replace("mobility: 1.0", "mobility: 3e38");
    let err = fails(&text, ErrorKind::Value, "species[0].kernel.mobility");
    assert_eq!(err.line, Some(line_of(&text, "mobility")));
    assert_mentions(&err, "overflows to infinity");
}

/// Cascade χ above 10⁶ children per docking is refused.
#[test]
fn cascade_chi_is_bounded() {
    let text = with("Gain((eta: 0.1)),", "Cascade(species: \"glia\", chi: 2e6),");
    let err = fails(&text, ErrorKind::Value, "species[0].releases[0].Cascade.chi");
    assert_eq!(err.line, Some(line_of(&text, "Cascade")));
    assert_eq!(err.value.as_deref(), Some("2000000"));
    assert_mentions(&err, "must be in [0, 1e6] children per docking");
}

#[test]
fn capacity_below_zero() {
    let text = with("capacity: 1000", "capacity: -5");
    let err = fails(&text, ErrorKind::Value, "capacity");
    assert_eq!(err.line, Some(5));
    assert_eq!(err.value.as_deref(), Some("-5"));
    assert_mentions(&err, "between 1 and 2147483648");
}

#[test]
fn unknown_species_in_cascade() {
    let text = with("Gain((eta: 0.1)),", "Cascade(species: \"gila\", chi: 1.0),");
    let err = fails(&text, ErrorKind::Value, "species[0].releases[0].Cascade.species");
    assert_eq!(err.line, Some(line_of(&text, "Cascade")));
    assert_eq!(err.value.as_deref(), Some("\"gila\""));
    assert_eq!(err.suggestion.as_deref(), Some("glia"));
    assert_eq!(err.valid, ["glia"]);
    assert_mentions(&err, "no species is named `gila`; did you mean `glia`?");
}

#[test]
fn unknown_meta_signal() {
    let text = with("trigger: Activity", "trigger: Meta(\"los\")");
    let err = fails(&text, ErrorKind::Value, "species[0].emission.trigger.Meta");
    assert_eq!(err.line, Some(line_of(&text, "Meta(")));
    assert_eq!(err.suggestion.as_deref(), Some("loss"));
    assert_mentions(&err, "meta signals in this preset: `loss`");
}

#[test]
fn duplicate_species_names() {
    let second = "    ],\n)\n";
    let text =
        BASE.replacen(second, "        (name: \"glia\", emission: (rate: 1.0)),\n    ],\n)\n", 1);
    let err = fails(&text, ErrorKind::Value, "species[1].name");
    assert_eq!(err.line, Some(line_of(&text, "(name: \"glia\"")));
    assert_mentions(&err, "must be unique");
}

#[test]
fn absorption_above_one() {
    let text = with("absorption: 1.0", "absorption: 1.5");
    let err = fails(&text, ErrorKind::Value, "species[0].absorption");
    assert_eq!(err.line, Some(line_of(&text, "absorption")));
    assert_eq!(err.value.as_deref(), Some("1.5"));
    assert_mentions(&err, "must be in [0, 1]");
}

#[test]
fn format_from_the_future() {
    // Checked first: the rest of a newer file need not parse here.
    let text = with("format: 1,", "format: 99,\n    quantum_foam: Enabled(level: 3),");
    let err = fails(&text, ErrorKind::Format, "format");
    assert_eq!((err.line, err.column), (Some(2), Some(5)));
    assert_eq!(err.value.as_deref(), Some("99"));
    assert_mentions(&err, "newer build");
    assert_mentions(&err, "reads format 1");
}

#[test]
fn format_zero() {
    let text = with("format: 1,", "format: 0,");
    let err = fails(&text, ErrorKind::Format, "format");
    assert_eq!(err.line, Some(2));
}

#[test]
fn zero_temperature_reads_well() {
    let text = with("temperature: 1.0", "temperature: 0.0");
    let err = fails(&text, ErrorKind::Value, "species[0].kernel.temperature");
    let line = line_of(&text, "temperature");
    assert_eq!(
        err.to_string(),
        format!("t.ron:{line}:17: species[0].kernel.temperature = 0: must be > 0")
    );
}

#[test]
fn unknown_enum_variant() {
    let text = with("trigger: Activity", "trigger: Activty");
    let err = fails(&text, ErrorKind::UnknownVariant, "species[0].emission.trigger");
    assert_eq!((err.line, err.column), (Some(line_of(&text, "Activty")), Some(26)));
    assert_eq!(err.value.as_deref(), Some("Activty"));
    assert_eq!(err.suggestion.as_deref(), Some("Activity"));
    assert_mentions(&err, "did you mean `Activity`?");
    assert_mentions(&err, "`ErrorMagnitude`");
}

#[test]
fn missing_required_field() {
    let text = with("            name: \"glia\",\n", "");
    let err = fails(&text, ErrorKind::MissingField, "species[0].name");
    // At the struct that lacks it: the species' opening parenthesis.
    assert_eq!(err.line, Some(line_of(&text, "species: [") + 1));
    assert_mentions(&err, "required field `name`");
}

#[test]
fn duplicate_field() {
    let text = with("mobility: 1.0,", "mobility: 1.0, mobility: 2.0,");
    let err = fails(&text, ErrorKind::DuplicateField, "species[0].kernel.mobility");
    assert_eq!((err.line, err.column), (Some(line_of(&text, "mobility")), Some(32)));
}

#[test]
fn list_where_tuple_expected_gets_a_hint() {
    let text = with("absorption: 1.0,", "absorption: 1.0,\n            color: [1, 2, 3],");
    let err = fails(&text, ErrorKind::Type, "species[0].color");
    assert_eq!(err.line, Some(line_of(&text, "color")));
    assert_mentions(&err, "in parentheses");
}

#[test]
fn memory_rate_out_of_range() {
    let text = with("Gain((eta: 0.1)),", "Memory(Fixed(1.5)),");
    let err = fails(&text, ErrorKind::Value, "species[0].releases[0].Memory.Fixed");
    assert_eq!(err.line, Some(line_of(&text, "Memory")));
    assert_mentions(&err, "(0, 1]");
}

#[test]
fn too_many_steps() {
    let text = with("    meta: [", "    run: (steps: 2000000000000),\n    meta: [");
    let err = fails(&text, ErrorKind::Value, "run.steps");
    assert_eq!(err.line, Some(line_of(&text, "run:")));
    assert_mentions(&err, "at most 10^12");
}

#[test]
fn negative_relaxation_time() {
    let text = with("    meta: [", "    modulation: (tau: Some(-1.0)),\n    meta: [");
    let err = fails(&text, ErrorKind::Value, "modulation.tau");
    assert_eq!(err.line, Some(line_of(&text, "modulation")));
    assert_mentions(&err, "> 0 seconds, or `None`");
}

#[test]
fn trailing_text() {
    let text = format!("{BASE}\nPreset()");
    let err = fails(&text, ErrorKind::Syntax, "");
    assert_eq!(err.line, Some(text.lines().count()));
}

#[test]
fn validate_reports_every_problem() {
    let mut p = preset::from_str(BASE, "t.ron").expect("BASE loads");
    p.dt = -1.0;
    p.species[0].scale = f32::INFINITY;
    p.species[0].docking.threshold = 2.0;
    let errors = preset::validate::validate(&p).expect_err("invalid");
    let paths: Vec<&str> = errors.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, ["species[0].scale", "dt", "species[0].docking.threshold"]);
    assert!(errors.iter().all(|e| e.kind == ErrorKind::Value));
    // An invalid preset is not written.
    let err = preset::to_string(&p).expect_err("not written");
    assert_eq!(err.path, "species[0].scale");
}

#[test]
fn round_trip() {
    let p = preset::from_str(BASE, "t.ron").expect("BASE loads");
    let text = preset::to_string(&p).expect("writes");
    assert!(text.starts_with("Preset("), "struct names on: {text}");
    assert!(text.contains("default: (1.0, 0.0, 0.0, 0.0)"), "arrays of 4 on one line: {text}");
    let q = preset::from_str(&text, "<text>").expect("re-loads");
    assert_eq!(p, q);

    // Every non-default value survives too.
    let releases = concat!(
        "Cascade(species: \"glia\", chi: 0.5), Memory(Fixed(0.25)), ",
        "EmissionGain(species: \"glia\", amount: (eta: -1.5e-7, u: (0.0, 1.0, 0.0, 0.0))),",
    );
    let trigger = "trigger: Meta(\"loss\"), payload_meta: Some(\"loss\"), sources: Nodes([0, 3])";
    let rich = with("Gain((eta: 0.1)),", releases)
        .replacen("trigger: Activity", trigger, 1)
        .replacen("dt: 0.1", "dt: 0.012345679, seed: 18446744073709551615, tags: [\"a\"]", 1);
    let p = preset::from_str(&rich, "t.ron").expect("rich preset loads");
    let q = preset::from_str(&preset::to_string(&p).expect("writes"), "<text>").expect("re-loads");
    assert_eq!(p, q);
}

#[test]
fn save_and_load() {
    let dir = std::env::temp_dir().join(format!("nv_preset_test_{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let path = dir.join("x.ron");
    let p: Preset = preset::from_str(BASE, "t.ron").expect("BASE loads");
    preset::save(&p, &path).expect("saves");
    preset::save(&p, &path).expect("saves over an existing file");
    assert_eq!(preset::load(&path).expect("loads"), p);
    let names: Vec<_> =
        std::fs::read_dir(&dir).expect("list").flatten().map(|e| e.file_name()).collect();
    assert_eq!(names, [std::ffi::OsString::from("x.ron")], "no temporary file is left");

    let missing = dir.join("missing.ron");
    let err = preset::load(&missing).expect_err("no file");
    assert_eq!(err.kind, ErrorKind::Io);
    assert_eq!(err.file, missing.display().to_string());

    let text = with("rate: 2.0", "rate: -1.0");
    std::fs::write(&path, &text).expect("write");
    let err = preset::load(&path).expect_err("bad value");
    let line = line_of(&text, "rate: -1.0");
    let start =
        format!("{}:{line}:17: species[0].emission.rate = -1: must be >= 0", path.display());
    assert!(err.to_string().starts_with(&start), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_panic_on_damaged_text() {
    // Every truncation and every single-character deletion fails cleanly or loads.
    let chars: Vec<(usize, char)> = BASE.char_indices().collect();
    for &(i, c) in &chars {
        let _ = preset::from_str(&BASE[..i], "t.ron");
        let mut cut = BASE.to_owned();
        cut.replace_range(i..i + c.len_utf8(), "");
        let _ = preset::from_str(&cut, "t.ron");
    }
    for text in [
        "",
        "(",
        "\u{feff}",
        "Preset(format: 18446744073709551616)",
        "#![enable(implicit_some)]",
        &"[".repeat(5000),
    ] {
        assert!(preset::from_str(text, "t.ron").is_err());
    }
}

/// `BASE` with a spiking host instead of the ring: an input, a hidden and an output
/// population and two projections.
fn spiking(populations_extra: &str, projection_to: &str, projection_extra: &str) -> String {
    let host = format!(
        r#"host: Spiking((
        populations: [
            (name: "in", size: 4, kind: Poisson(rate: 10.0)),
            (name: "hid", size: 3, kind: Lif(({populations_extra}))),
            (name: "out", size: 2, kind: Lif(())),
        ],
        projections: [
            (from: "in", to: "hid"),
            (from: "hid", to: "{projection_to}"{projection_extra}),
        ],
    )),"#
    );
    with("host: Graph((\n        graph: Ring(n: 5, k: 2),\n    )),", &host)
}

#[test]
fn a_spiking_host_loads() {
    let p = preset::from_str(&spiking("", "out", ""), "t.ron").expect("loads");
    assert!(matches!(p.host, nv_core::host::HostSpec::Spiking(_)));
}

#[test]
fn spiking_projection_to_a_missing_population() {
    let text = spiking("", "outt", "");
    let err = fails(&text, ErrorKind::Value, "host.Spiking.projections[1].to");
    assert_eq!(err.line, Some(line_of(&text, "\"outt\"")));
    assert_mentions(&err, "`out`");
}

#[test]
fn spiking_equal_time_constants() {
    let text = spiking("tau_m: 0.01, tau_s: 0.01", "out", "");
    let err = fails(&text, ErrorKind::Value, "host.Spiking.populations[1].kind.Lif.tau_s");
    assert_eq!(err.line, Some(line_of(&text, "tau_s")));
    assert_mentions(&err, "must differ from tau_m");
}

#[test]
fn spiking_plastic_without_stdp_and_zero_delay() {
    let text = spiking("", "out", ", delay: 0, plastic: true");
    let err = match preset::from_str(&text, "t.ron") {
        Ok(_) => panic!("loaded"),
        Err(e) => e,
    };
    assert_eq!(err.path, "host.Spiking.projections[1].delay");
    assert_mentions(&err, "1 to 4096 steps");
    let text = spiking("", "out", ", plastic: true");
    let err = fails(&text, ErrorKind::Value, "host.Spiking.projections[1].plastic");
    assert_mentions(&err, "`stdp` section");
}

#[test]
fn spiking_projection_into_an_input() {
    let text = spiking("", "in", "");
    let err = fails(&text, ErrorKind::Value, "host.Spiking.projections[1].to");
    assert_mentions(&err, "LIF population");
}
