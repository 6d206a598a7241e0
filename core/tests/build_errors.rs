//! Presets that are well-formed RON and pass validation but cannot be built into a world:
//! the error names the file, the line, the field path and what is allowed, and nothing panics.

use std::path::PathBuf;

use nv_core::{Mode, World};

fn write(name: &str, text: &str) -> PathBuf {
    let path = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&path, text).expect("write");
    path
}

fn base(graph: &str, species_extra: &str) -> String {
    format!(
        r#"(
    format: 1,
    name: "bad",
    host: Graph((
        graph: {graph},
    )),
    species: [(
        name: "v",
        emission: (rate: 1.0),
        {species_extra}
    )],
)"#
    )
}

fn error_of(name: &str, text: &str) -> String {
    let path = write(name, text);
    match World::load(&path, Mode::Particle) {
        Ok(_) => panic!("{name} built"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn zero_nodes() {
    let msg = error_of("zero.ron", &base("Grid(width: 0, height: 4)", ""));
    assert!(msg.contains("zero.ron:5:"), "{msg}");
    assert!(msg.contains("host.Graph.graph"), "{msg}");
    assert!(msg.contains("width"), "{msg}");
}

#[test]
fn dangling_edge_in_an_edge_list() {
    let csv = write("dangling.csv", "src,dst,weight\n0,1,1.0\n1,2\n2,7\n");
    assert!(csv.exists());
    let text = base("EdgeList(path: \"dangling.csv\", nodes: Some(3))", "");
    let msg = error_of("dangling.ron", &text);
    assert!(msg.contains("dangling.csv:4"), "{msg}");
    assert!(msg.contains("dangling edge `2,7`") && msg.contains("only 0..3"), "{msg}");
    // A malformed line is named too.
    let csv = write("short.csv", "0,1\n1\n");
    assert!(csv.exists());
    let msg = error_of("short.ron", &base("EdgeList(path: \"short.csv\")", ""));
    assert!(msg.contains("short.csv:2") && msg.contains("src,dst[,weight]"), "{msg}");
}

#[test]
fn kernel_bias_names_a_missing_node() {
    let text = base("Ring(n: 5)", "kernel: (bias: [(from: 0, to: 99, value: 1.0)]),");
    let msg = error_of("bias.ron", &text);
    assert!(msg.contains("species[0].kernel.bias[0]"), "{msg}");
    assert!(msg.contains("0..5"), "{msg}");
    assert!(msg.contains("bias.ron:10:"), "{msg}");
}

#[test]
fn kernel_bias_on_a_move_that_does_not_exist() {
    let text = base("Ring(n: 5)", "kernel: (bias: [(from: 0, to: 2, value: 1.0)]),");
    let msg = error_of("nomove.ron", &text);
    assert!(msg.contains("no Forward move from node 0 to node 2"), "{msg}");
}

#[test]
fn sources_name_a_missing_node() {
    let text = base("Ring(n: 5)", "")
        .replace("emission: (rate: 1.0)", "emission: (rate: 1.0, sources: Nodes([7]))");
    let msg = error_of("sources.ron", &text);
    assert!(msg.contains("species[0].emission.sources"), "{msg}");
    assert!(msg.contains("node 7 does not exist"), "{msg}");
}

/// Emission sources that select no node are refused like a stimulus' nodes, at
/// `species[0].emission.sources` with its line.
#[test]
fn sources_that_select_no_node() {
    let text = base("Ring(n: 5)", "")
        .replace("emission: (rate: 1.0)", "emission: (rate: 1.0, sources: Role(Input))");
    let msg = error_of("nosources.ron", &text);
    assert!(msg.contains("nosources.ron:9:"), "{msg}");
    assert!(msg.contains("species[0].emission.sources"), "{msg}");
    assert!(msg.contains("Role(Input) selects no node of this graph"), "{msg}");
    let text = base("Ring(n: 5)", "")
        .replace("emission: (rate: 1.0)", "emission: (rate: 1.0, sources: Range(2, 2))");
    let msg = error_of("emptyrange.ron", &text);
    assert!(msg.contains("selects no node"), "{msg}");
}

/// An MLP batch larger than the training set is refused with both numbers.
#[test]
fn mlp_batch_larger_than_the_training_set() {
    let mlp = r#"(
    format: 1, name: "big batch",
    host: Mlp((dataset: Xor, samples: 20, train_fraction: 0.5, batch_size: 11)),
    species: [],
)"#;
    let msg = error_of("batch.ron", mlp);
    assert!(msg.contains("batch.ron:3:"), "{msg}");
    assert!(msg.contains("host.Mlp") && msg.contains("batch_size: 11"), "{msg}");
    assert!(msg.contains("the 10 training samples"), "{msg}");
    let ok = mlp.replace("batch_size: 11", "batch_size: 10");
    World::load(&write("batch_ok.ron", &ok), Mode::Particle).expect("a batch of 10 of 10");
}

#[test]
fn bad_host_parameters() {
    let ring = error_of("ring.ron", &base("Ring(n: 4, k: 2)", ""));
    assert!(ring.contains("host.Graph.graph") && ring.contains("k"), "{ring}");
    let mlp = r#"(
    format: 1, name: "bad mlp",
    host: Mlp((dataset: Spiral, hidden: [8, 0])),
    species: [],
)"#;
    let msg = error_of("mlp.ron", mlp);
    assert!(msg.contains("host.Mlp") && msg.contains("hidden[1]"), "{msg}");
}

/// A preset written with a UTF-8 byte-order mark (the loader skips it) reports a build error
/// on its first line at the same column as the same text without one.
#[test]
fn build_errors_after_a_byte_order_mark_keep_their_column() {
    let text = r#"(format: 1, name: "bom", host: Graph((graph: Ring(n: 5))), species: [(name: "v", emission: (rate: 1.0, sources: Nodes([7])))])"#;
    let plain = error_of("nobom.ron", text);
    let bom = error_of("bom.ron", &format!("\u{feff}{text}"));
    assert!(plain.starts_with(&format!("{}:1:", write("nobom.ron", text).display())), "{plain}");
    let column = |m: &str| m.split(':').nth(2).map(str::to_owned);
    assert!(column(&plain).is_some(), "{plain}");
    assert_eq!(column(&plain), column(&bom), "{plain}\n{bom}");
    assert!(bom.contains("species[0].emission.sources"), "{bom}");
}
