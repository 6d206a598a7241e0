//! The preset fuzzer: structure-aware mutations of the shipped presets, each run through
//! `nvlab validate` and, when valid, `nvlab run` for a few steps, in a child process under a
//! memory limit and a timeout. It fails on a panic, an abort or a signal (a memory limit hit
//! included), a hang, and on a rejection that does not name its place (`file:line:column`)
//! or a run that stops without saying why.
//!
//! Mutations (seeded; `NV_FUZZ_SEED` replays, `NV_FUZZ_CASES` sets the count): a number
//! replaced by an extreme (0, −1, 10³⁸, −10³⁸, 10⁻⁴⁵, 2³², 2⁶⁴, 1e300, NaN-like text), a
//! variant name swapped for another known one, a field's line deleted or duplicated, a list
//! element duplicated, the text cut short, a stray character inserted.

mod common;

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::SplitMix;

/// The seed when `NV_FUZZ_SEED` is not set.
const DEFAULT_SEED: u64 = 0xf022_2026;
/// Cases when `NV_FUZZ_CASES` is not set.
const DEFAULT_CASES: usize = 400;
/// Each child's wall-clock limit.
const TIMEOUT: Duration = Duration::from_secs(30);
/// Each child's address-space limit, in KiB (`ulimit -v`): 6 GiB.
const MEMORY_KIB: u64 = 6 * 1024 * 1024;

/// Variant names of the preset format, any of which may be swapped for another.
const VARIANTS: [&str; 22] = [
    "Activity",
    "Error",
    "ErrorMagnitude",
    "Manual",
    "Exponential",
    "Fixed",
    "Forward",
    "Backward",
    "Both",
    "Particle",
    "Density",
    "Twin",
    "Tanh",
    "Relu",
    "Sigmoid",
    "Linear",
    "Spiral",
    "Xor",
    "Circles",
    "All",
    "Constant",
    "Uniform",
];

/// Numbers a careless or hostile file may hold.
const EXTREMES: [&str; 12] = [
    "0",
    "-1",
    "0.0",
    "1e38",
    "-1e38",
    "1e-45",
    "4294967296",
    "18446744073709551616",
    "1e300",
    "-0.0",
    "3.4e38",
    "2147483648",
];

/// The byte ranges of the numeric literals in `text` (outside comments and strings).
fn numbers(text: &str) -> Vec<(usize, usize)> {
    let b = text.as_bytes();
    let (mut out, mut i) = (Vec::new(), 0);
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += 1;
                }
                i += 1;
            }
            c if c.is_ascii_digit() && (i == 0 || !b[i - 1].is_ascii_alphanumeric()) => {
                let start = if i > 0 && b[i - 1] == b'-' { i - 1 } else { i };
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'.') {
                    i += 1;
                }
                out.push((start, i));
            }
            _ => i += 1,
        }
    }
    out
}

/// One structure-aware mutation of `text`, and what it did.
fn mutate(text: &str, rng: &mut SplitMix) -> (String, String) {
    let lines: Vec<&str> = text.lines().collect();
    match rng.below(7) {
        0 | 1 => {
            let nums = numbers(text);
            if nums.is_empty() {
                return (text.to_string(), "nothing".into());
            }
            let (a, b) = nums[rng.below(nums.len())];
            let to = EXTREMES[rng.below(EXTREMES.len())];
            let what = format!("number `{}` → {to}", &text[a..b]);
            (format!("{}{to}{}", &text[..a], &text[b..]), what)
        }
        2 => {
            let present: Vec<&str> =
                VARIANTS.iter().copied().filter(|v| text.contains(v)).collect();
            if present.is_empty() {
                return (text.to_string(), "nothing".into());
            }
            let from = present[rng.below(present.len())];
            let to = VARIANTS[rng.below(VARIANTS.len())];
            (text.replacen(from, to, 1), format!("variant {from} → {to}"))
        }
        3 => {
            let k = rng.below(lines.len());
            let mut out = lines.clone();
            out.remove(k);
            (out.join("\n"), format!("line {} deleted", k + 1))
        }
        4 => {
            let k = rng.below(lines.len());
            let mut out = lines.clone();
            out.insert(k, lines[k]);
            (out.join("\n"), format!("line {} duplicated", k + 1))
        }
        5 => {
            let cut = rng.below(text.len());
            let cut = (0..=cut).rev().find(|&c| text.is_char_boundary(c)).unwrap_or(0);
            (text[..cut].to_string(), format!("cut at byte {cut}"))
        }
        _ => {
            let at = rng.below(text.len());
            let at = (0..=at).rev().find(|&c| text.is_char_boundary(c)).unwrap_or(0);
            let c = [",", ")", "(", "\"", "[", ":", "-"][rng.below(7)];
            (format!("{}{c}{}", &text[..at], &text[at..]), format!("`{c}` inserted at byte {at}"))
        }
    }
}

/// What a child process did.
struct Outcome {
    code: Option<i32>,
    /// What it printed, standard error then standard output.
    stderr: String,
    timed_out: bool,
}

/// Runs `nvlab args…` under the memory limit and the timeout.
fn nvlab(args: &[&str]) -> Outcome {
    let exe = env!("CARGO_BIN_EXE_nvlab");
    let quoted: Vec<String> =
        args.iter().map(|a| format!("'{}'", a.replace('\'', "'\\''"))).collect();
    let script = format!("ulimit -v {MEMORY_KIB}; exec '{exe}' {}", quoted.join(" "));
    let mut child = Command::new("sh")
        .args(["-c", &script])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh starts");
    let start = Instant::now();
    let mut err = child.stderr.take().expect("piped");
    let mut out = child.stdout.take().expect("piped");
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = err.read_to_string(&mut s);
        let _ = out.read_to_string(&mut s);
        s
    });
    let (status, timed_out) = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break (Some(status), false);
        }
        if start.elapsed() > TIMEOUT {
            let _ = child.kill();
            break (child.wait().ok(), true);
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let stderr = reader.join().unwrap_or_default();
    Outcome { code: status.and_then(|s| s.code()), stderr, timed_out }
}

/// Whether `stderr` names a place in `file` (`file:line:column`).
fn located(stderr: &str, file: &Path) -> bool {
    let name = file.display().to_string();
    stderr.match_indices(&name).any(|(i, _)| {
        let rest = &stderr[i + name.len()..];
        let mut parts = rest.splitn(3, ':');
        parts.next() == Some("")
            && parts.next().is_some_and(|l| !l.is_empty() && l.chars().all(|c| c.is_ascii_digit()))
    })
}

#[test]
fn mutated_presets_never_crash_hang_or_lose_their_place() {
    let seed = std::env::var("NV_FUZZ_SEED").ok().and_then(|s| s.parse().ok());
    let seed = seed.unwrap_or(DEFAULT_SEED);
    let cases = std::env::var("NV_FUZZ_CASES").ok().and_then(|s| s.parse().ok());
    let cases = cases.unwrap_or(DEFAULT_CASES);
    let presets = Path::new(env!("CARGO_MANIFEST_DIR")).join("../presets");
    let mut shipped: Vec<PathBuf> = std::fs::read_dir(&presets)
        .expect("the presets folder")
        .filter_map(|e| Some(e.ok()?.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    shipped.sort();
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("preset_fuzz");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a folder for the cases");
    let mut rng = SplitMix(seed);
    let (mut rejected, mut ran) = (0, 0);
    for case in 0..cases {
        let source = &shipped[rng.below(shipped.len())];
        let text = std::fs::read_to_string(source).expect("a shipped preset");
        let (mut text, mut what) = mutate(&text, &mut rng);
        if rng.below(3) == 0 {
            let (t, w) = mutate(&text, &mut rng);
            (text, what) = (t, format!("{what}; {w}"));
        }
        let file = dir.join(format!("case{case}.ron"));
        std::fs::write(&file, &text).expect("the case is written");
        let context = format!(
            "case {case} (NV_FUZZ_SEED={seed}): {} with {what}; file {}",
            source.file_name().map_or_else(String::new, |n| n.to_string_lossy().into()),
            file.display()
        );
        let f = file.to_str().expect("utf8");
        let v = nvlab(&["validate", f]);
        assert!(!v.timed_out, "{context}: validate hung");
        match v.code {
            Some(0) => {}
            Some(1) => {
                rejected += 1;
                assert!(located(&v.stderr, &file), "{context}: not located:\n{}", v.stderr);
                continue;
            }
            other => panic!("{context}: validate ended with {other:?}:\n{}", v.stderr),
        }
        let out = dir.join(format!("out{case}"));
        let r = nvlab(&["run", f, "--steps", "5", "--quiet", "--out", out.to_str().expect("utf8")]);
        assert!(!r.timed_out, "{context}: run hung");
        ran += 1;
        match r.code {
            Some(0) => {}
            Some(1) => assert!(
                located(&r.stderr, &file) || r.stderr.contains("the run stopped"),
                "{context}: the run failed without saying where or why:\n{}",
                r.stderr
            ),
            other => panic!("{context}: run ended with {other:?}:\n{}", r.stderr),
        }
        let _ = std::fs::remove_dir_all(&out);
    }
    println!("{cases} cases: {rejected} rejected with their place, {ran} valid and run");
    assert!(rejected > cases / 10 && ran > cases / 10, "the mutations reach both outcomes");
}
