//! Edge lists are read only from inside the preset's folder (or the data folder the user
//! names): absolute paths, `../`, symbolic links pointing out, FIFOs, devices and oversized
//! files are refused at the `path` field, with its line and column, without reading the file.

use std::path::{Path, PathBuf};

use nv_core::graph::edge_file::MAX_EDGE_LIST_BYTES;
use nv_core::{Mode, World};

/// A fresh folder `<tmp>/edge_paths/<name>` holding a `preset/` folder.
fn folder(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("edge_paths").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("preset")).expect("mkdir");
    dir
}

/// Writes a preset reading the edge list `path` into `dir/preset/p.ron` and returns its path.
fn preset(dir: &Path, path: &str) -> PathBuf {
    let text = format!(
        r#"(
    format: 1,
    name: "edges",
    host: Graph((
        graph: EdgeList(path: "{path}"),
    )),
    species: [(name: "v", emission: (rate: 1.0))],
)"#
    );
    let file = dir.join("preset").join("p.ron");
    std::fs::write(&file, text).expect("write");
    file
}

fn error_of(file: &Path, data_dir: Option<&Path>) -> String {
    match World::load_in(file, Mode::Particle, data_dir) {
        Ok(_) => panic!("{} built", file.display()),
        Err(e) => e.to_string(),
    }
}

/// The error is placed at the `path` field (line 5, column 25) with the value as written.
fn assert_at_path(msg: &str, file: &Path, value: &str) {
    let at = format!("{}:5:25: host.Graph.graph.EdgeList.path = {value:?}: ", file.display());
    assert!(msg.starts_with(&at), "expected `{at}…`, got {msg}");
}

const SECRET: &str = "0,1\nsecret_label,other\n";

#[test]
fn absolute_paths_are_refused() {
    let dir = folder("absolute");
    let outside = dir.join("outside.csv");
    std::fs::write(&outside, SECRET).expect("write");
    let path = outside.to_str().expect("utf8").to_owned();
    let file = preset(&dir, &path);
    let msg = error_of(&file, None);
    assert_at_path(&msg, &file, &path);
    assert!(msg.contains("absolute paths are not allowed"), "{msg}");
    assert!(!msg.contains("secret_label"), "{msg}");
    let msg = error_of(&preset(&dir, "/dev/zero"), None);
    assert!(msg.contains("absolute paths are not allowed"), "{msg}");
}

#[test]
fn paths_leaving_the_folder_are_refused() {
    let dir = folder("parent");
    std::fs::write(dir.join("x.csv"), SECRET).expect("write");
    for path in ["../x.csv", "sub/../../x.csv"] {
        let file = preset(&dir, path);
        let msg = error_of(&file, None);
        assert_at_path(&msg, &file, path);
        assert!(msg.contains("leaves the preset's folder"), "{msg}");
        assert!(!msg.contains("secret_label"), "{msg}");
    }
    // Climbing inside the folder is fine.
    std::fs::create_dir_all(dir.join("preset/sub")).expect("mkdir");
    std::fs::write(dir.join("preset/g.csv"), "0,1\n1,2\n").expect("write");
    let w = World::load(&preset(&dir, "sub/../g.csv"), Mode::Particle).expect("inside");
    assert_eq!(w.n(), 3);
}

#[cfg(unix)]
#[test]
fn symbolic_links_pointing_outside_are_refused() {
    let dir = folder("symlink");
    std::fs::write(dir.join("x.csv"), SECRET).expect("write");
    std::os::unix::fs::symlink(dir.join("x.csv"), dir.join("preset/link.csv")).expect("link");
    std::os::unix::fs::symlink("/dev/zero", dir.join("preset/zero.csv")).expect("link");
    for path in ["link.csv", "zero.csv"] {
        let file = preset(&dir, path);
        let msg = error_of(&file, None);
        assert_at_path(&msg, &file, path);
        assert!(msg.contains("outside the preset's folder"), "{msg}");
        assert!(!msg.contains("secret_label"), "{msg}");
    }
    // A link to a file inside the folder is fine.
    std::fs::write(dir.join("preset/g.csv"), "0,1\n1,2\n").expect("write");
    std::os::unix::fs::symlink("g.csv", dir.join("preset/inner.csv")).expect("link");
    World::load(&preset(&dir, "inner.csv"), Mode::Particle).expect("a link inside");
}

/// A FIFO would block `read` until a writer comes: it is refused from its metadata.
#[cfg(unix)]
#[test]
fn a_fifo_is_refused_without_reading() {
    let dir = folder("fifo");
    let fifo = dir.join("preset/pipe.csv");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success());
    let file = preset(&dir, "pipe.csv");
    let msg = error_of(&file, None);
    assert_at_path(&msg, &file, "pipe.csv");
    assert!(msg.contains("not a regular file"), "{msg}");
}

#[test]
fn a_folder_is_refused() {
    let dir = folder("folder");
    std::fs::create_dir_all(dir.join("preset/d.csv")).expect("mkdir");
    let msg = error_of(&preset(&dir, "d.csv"), None);
    assert!(msg.contains("not a regular file"), "{msg}");
}

/// A sparse file one byte over the cap is refused with its size and the cap, unread.
#[test]
fn an_oversized_file_is_refused_with_its_size_and_the_cap() {
    let dir = folder("big");
    let big = std::fs::File::create(dir.join("preset/big.csv")).expect("create");
    big.set_len(MAX_EDGE_LIST_BYTES + 1).expect("set_len");
    drop(big);
    let file = preset(&dir, "big.csv");
    let msg = error_of(&file, None);
    assert_at_path(&msg, &file, "big.csv");
    assert!(msg.contains(&format!("{} bytes", MAX_EDGE_LIST_BYTES + 1)), "{msg}");
    assert!(msg.contains(&format!("limit of {MAX_EDGE_LIST_BYTES} bytes")), "{msg}");
    let _ = std::fs::remove_file(dir.join("preset/big.csv"));
}

#[test]
fn a_missing_file_names_the_folders_searched() {
    let dir = folder("missing");
    let file = preset(&dir, "nope.csv");
    let msg = error_of(&file, None);
    assert_at_path(&msg, &file, "nope.csv");
    assert!(msg.contains("no file `nope.csv`"), "{msg}");
}

/// `--data-dir` names one more allowed folder; the preset's folder is tried first.
#[test]
fn the_data_folder_is_allowed() {
    let dir = folder("data");
    std::fs::create_dir_all(dir.join("data")).expect("mkdir");
    std::fs::write(dir.join("data/g.csv"), "0,1\n1,2\n2,3\n").expect("write");
    let file = preset(&dir, "g.csv");
    let msg = error_of(&file, None);
    assert!(msg.contains("no file `g.csv`"), "{msg}");
    let data = dir.join("data");
    let w = World::load_in(&file, Mode::Particle, Some(&data)).expect("from the data folder");
    assert_eq!(w.n(), 4);
    // Leaving the data folder is refused as well.
    let msg = error_of(&preset(&dir, "../data/g.csv"), Some(&data));
    assert!(msg.contains("leaves"), "{msg}");
}
