//! Imported graphs: a CSV edge list, one edge `src,dst[,weight]` per line.
//!
//! - Blank lines and lines whose first non-blank character is `#` are skipped.
//! - The first remaining line is a header, and skipped, when its fields are `src,dst`,
//!   `src,dst,weight`, `source,target` or `source,target,weight` (any letter case).
//! - Fields are trimmed; a field wrapped in double quotes loses them (there is no escaping, so a
//!   label cannot contain a comma). An empty third field means "no weight".
//! - Node names are either all non-negative integers (then the graph has `max + 1` nodes and the
//!   integers are the node ids) or, as soon as one name is not, labels: ids are given in order of
//!   first appearance (source before destination on each line) and `Graph::label` is set.
//! - A missing weight comes from the [`WeightInit`], keyed by the edge's position in the file.
//! - Undirected graphs store each edge in both directions (a self-loop once); directed ones keep
//!   the file's direction. Duplicate lines become parallel edges.
//!
//! Every error in the file's text is a [`GraphError::EdgeList`] naming the file and the
//! 1-based line; where the file may be read from is [`edge_file`]'s concern.

use std::collections::BTreeMap;

use crate::graph::generators::{MAX_EDGES, MAX_NODES, WeightInit};
use crate::graph::{Graph, GraphError, Role, edge_file, layout};
use crate::rng::Rng;

/// Finds the edge list `relative` (as written in the preset) in the allowed `folders`, checks
/// it (see [`edge_file`]) and parses it (see the module docs).
///
/// `directed == false` stores each edge in both directions; `weights` fills missing weights and
/// `seed` seeds them and the layout. A path that is refused, or a file that cannot be read, is
/// a [`GraphError::EdgeListPath`]; a malformed file a [`GraphError::EdgeList`] with its line.
pub fn load(
    relative: &str,
    folders: &edge_file::Folders,
    nodes: Option<u32>,
    directed: bool,
    weights: &WeightInit,
    seed: u64,
) -> Result<Graph, GraphError> {
    let refused = |message: String| GraphError::EdgeListPath { path: relative.to_owned(), message };
    let file = edge_file::resolve(relative, folders).map_err(refused)?;
    let text = edge_file::read(&file).map_err(refused)?;
    parse(&text, &file.shown.display().to_string(), nodes, directed, weights, seed)
}

/// One edge line, before node names are resolved.
struct Record<'a> {
    line: usize,
    src: &'a str,
    dst: &'a str,
    weight: Option<f32>,
}

/// Parses edge-list text (see the module docs); `path_for_errors` names the file in errors.
///
/// `nodes`, when given, declares the node count: ids (or labels) beyond it are dangling edges,
/// and nodes no edge names are isolated. `directed`, `weights` and `seed` as in [`load`].
/// Positions come from [`layout::auto`] (force-directed up to 2000 nodes, a circle above).
pub fn parse(
    text: &str,
    path_for_errors: &str,
    nodes: Option<u32>,
    directed: bool,
    weights: &WeightInit,
    seed: u64,
) -> Result<Graph, GraphError> {
    let err = |line: usize, message: String| GraphError::EdgeList {
        path: path_for_errors.to_string(),
        line,
        message,
    };
    weights.validate().map_err(|e| err(0, e.to_string()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records: Vec<Record<'_>> = Vec::new();
    let mut first = true;
    let mut last_line = 0;
    for (k, raw) in text.lines().enumerate() {
        let line = k + 1;
        last_line = line;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = trimmed.split(',').map(unquote).collect();
        let is_first = std::mem::replace(&mut first, false);
        if is_first && is_header(&fields) {
            continue;
        }
        if fields.len() < 2 || fields.len() > 3 {
            return Err(err(
                line,
                format!(
                    "expected 2 or 3 comma-separated fields `src,dst[,weight]`, found {}",
                    fields.len()
                ),
            ));
        }
        for (name, f) in [("source", fields[0]), ("destination", fields[1])] {
            if f.is_empty() {
                return Err(err(line, format!("empty {name} node: expected a node id or label")));
            }
        }
        let weight = match fields.get(2) {
            None | Some(&"") => None,
            Some(w) => {
                let hint = if is_first {
                    " (a header line must be `src,dst[,weight]` or `source,target[,weight]`)"
                } else {
                    ""
                };
                let v: f32 = w.parse().map_err(|_| {
                    err(
                        line,
                        format!("weight `{w}` is not a number: expected a finite decimal{hint}"),
                    )
                })?;
                if !v.is_finite() {
                    return Err(err(
                        line,
                        format!("weight `{w}` is not finite: expected a finite number"),
                    ));
                }
                Some(v)
            }
        };
        if records.len() >= MAX_EDGES {
            return Err(err(line, format!("too many edges: at most {MAX_EDGES} are allowed")));
        }
        records.push(Record { line, src: fields[0], dst: fields[1], weight });
    }
    if records.is_empty() {
        return Err(err(
            last_line.max(1),
            "no edges found: expected lines `src,dst[,weight]`".to_string(),
        ));
    }

    let numeric = records.iter().all(|r| is_integer(r.src) && is_integer(r.dst));
    let mut ends: Vec<(u32, u32)> = Vec::with_capacity(records.len());
    let mut labels: Vec<String> = Vec::new();
    if numeric {
        for r in &records {
            let id = |s: &str| -> Result<u32, GraphError> {
                match s.parse::<u64>() {
                    Ok(v) if v < MAX_NODES as u64 => Ok(v as u32),
                    _ => Err(err(
                        r.line,
                        format!(
                            "node id {s} is too large: ids must be below {MAX_NODES} \
                             (at most {MAX_NODES} nodes)"
                        ),
                    )),
                }
            };
            ends.push((id(r.src)?, id(r.dst)?));
        }
    } else {
        let mut ids: BTreeMap<&str, u32> = BTreeMap::new();
        for r in &records {
            let mut pair = [0u32; 2];
            for (slot, s) in pair.iter_mut().zip([r.src, r.dst]) {
                *slot = match ids.get(s) {
                    Some(&i) => i,
                    None => {
                        if labels.len() >= MAX_NODES {
                            return Err(err(
                                r.line,
                                format!(
                                    "label `{s}` is one node too many: at most {MAX_NODES} nodes"
                                ),
                            ));
                        }
                        let i = labels.len() as u32;
                        ids.insert(s, i);
                        labels.push(s.to_string());
                        i
                    }
                };
            }
            ends.push((pair[0], pair[1]));
        }
    }
    let found = if numeric {
        ends.iter().map(|&(a, b)| a.max(b) as usize + 1).max().unwrap_or(1)
    } else {
        labels.len()
    };
    let n = match nodes {
        None => found,
        Some(declared) => {
            let declared = declared as usize;
            if declared == 0 || declared > MAX_NODES {
                return Err(err(0, format!("nodes: {declared} is outside 1..={MAX_NODES}")));
            }
            if found > declared {
                let (r, &(a, b)) = records
                    .iter()
                    .zip(&ends)
                    .find(|(_, (a, b))| *a as usize >= declared || *b as usize >= declared)
                    .expect("some edge names a node beyond the declared count");
                return Err(err(
                    r.line,
                    format!(
                        "dangling edge `{},{}`: it names node {}, but `nodes: {declared}` allows                          only 0..{declared}",
                        r.src,
                        r.dst,
                        a.max(b)
                    ),
                ));
            }
            labels.resize(if numeric { 0 } else { declared }, String::new());
            declared
        }
    };

    let rng = Rng::new(seed);
    let mut edges: Vec<(usize, usize, f32)> =
        Vec::with_capacity(ends.len() * if directed { 1 } else { 2 });
    for (e, (r, &(a, b))) in records.iter().zip(&ends).enumerate() {
        let w = r.weight.unwrap_or_else(|| weights.sample(&rng, e as u64));
        edges.push((a as usize, b as usize, w));
        if !directed && a != b {
            edges.push((b as usize, a as usize, w));
        }
        if edges.len() > MAX_EDGES {
            return Err(err(
                r.line,
                format!(
                    "too many edges: more than {MAX_EDGES} stored edges (an undirected edge \
                     counts twice)"
                ),
            ));
        }
    }
    let pairs: Vec<(usize, usize)> = ends.iter().map(|&(a, b)| (a as usize, b as usize)).collect();
    let pos = layout::auto(n, &pairs, seed);
    let mut graph = Graph::from_edges(vec![Role::Plain; n], vec![0; n], pos, &edges)
        .map_err(|e| err(0, e.to_string()))?;
    if !numeric {
        graph.label = labels;
    }
    Ok(graph)
}

/// A trimmed field without surrounding double quotes.
fn unquote(field: &str) -> &str {
    let f = field.trim();
    f.strip_prefix('"').and_then(|g| g.strip_suffix('"')).map_or(f, str::trim)
}

/// Whether a line's fields are one of the recognised headers.
fn is_header(fields: &[&str]) -> bool {
    let lower: Vec<String> = fields.iter().map(|f| f.to_ascii_lowercase()).collect();
    let l: Vec<&str> = lower.iter().map(String::as_str).collect();
    matches!(
        l.as_slice(),
        ["src", "dst"]
            | ["src", "dst", "weight"]
            | ["source", "target"]
            | ["source", "target", "weight"]
    )
}

/// Whether a node name is a non-negative decimal integer (digits only).
fn is_integer(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    fn p(text: &str, directed: bool) -> Result<Graph, GraphError> {
        parse(text, "test.csv", None, directed, &WeightInit::Constant(0.5), 1)
    }

    fn line_of(r: Result<Graph, GraphError>) -> (usize, String) {
        match r {
            Err(GraphError::EdgeList { path, line, message }) => {
                assert_eq!(path, "test.csv");
                (line, message)
            }
            other => panic!("expected an edge-list error, got {other:?}"),
        }
    }

    #[test]
    fn integers_with_header_comments_and_weights() {
        let text = "# a comment\n\nSRC, Dst ,Weight\n0,1,2.5\n  # indented comment\n1,3\n3,0,-1\n";
        let g = p(text, true).expect("valid");
        assert_eq!((g.n(), g.m()), (4, 3));
        assert_eq!(g.find_edge(0, 1).map(|e| g.edge_weight[e]), Some(2.5));
        assert_eq!(g.find_edge(1, 3).map(|e| g.edge_weight[e]), Some(0.5));
        assert_eq!(g.find_edge(3, 0).map(|e| g.edge_weight[e]), Some(-1.0));
        assert!(g.label.iter().all(String::is_empty));
        assert!(g.role.iter().all(|&r| r == Role::Plain));
        let u = p(text, false).expect("valid");
        assert_eq!(u.m(), 6);
        assert_eq!(u.find_edge(1, 0).map(|e| u.edge_weight[e]), Some(2.5));
        // No header, CRLF endings, source/target header variant, self-loop stored once.
        let g = p("0,1\r\n2,2\r\n", false).expect("valid");
        assert_eq!((g.n(), g.m()), (3, 3));
        let g = p("source,target\n0,1\n", true).expect("valid");
        assert_eq!(g.m(), 1);
    }

    #[test]
    fn labels_in_order_of_first_appearance() {
        let text = "source,target,weight\n\"alice\",bob,1\nbob,carol\ncarol,alice,\n7,alice\n";
        let g = p(text, true).expect("valid");
        assert_eq!(g.label, vec!["alice", "bob", "carol", "7"]);
        assert_eq!(g.n(), 4);
        assert!(g.find_edge(0, 1).is_some());
        assert!(g.find_edge(1, 2).is_some());
        assert!(g.find_edge(2, 0).is_some());
        assert!(g.find_edge(3, 0).is_some());
        assert_eq!(g.find_edge(2, 0).map(|e| g.edge_weight[e]), Some(0.5));
    }

    #[test]
    fn default_weights_are_seeded() {
        let w = WeightInit::Uniform(-1.0, 1.0);
        let a = parse("0,1\n1,2\n2,0\n", "x", None, false, &w, 5).expect("a");
        let b = parse("0,1\n1,2\n2,0\n", "x", None, false, &w, 5).expect("b");
        assert_eq!(a, b);
        assert!(a.edge_weight.iter().all(|w| (-1.0..1.0).contains(w)));
        assert!(a.pos.iter().all(|q| q.iter().all(|v| v.is_finite())));
    }

    #[test]
    fn errors_name_the_line() {
        let (line, msg) = line_of(p("0,1\n\n1\n", true));
        assert_eq!(line, 3);
        assert!(msg.contains("expected 2 or 3"), "{msg}");
        let (line, msg) = line_of(p("# c\n0,1,2,3\n", true));
        assert_eq!(line, 2);
        assert!(msg.contains("found 4"), "{msg}");
        let (line, msg) = line_of(p("0,1\n1,2,abc\n", true));
        assert_eq!(line, 2);
        assert!(msg.contains("weight `abc` is not a number"), "{msg}");
        let (line, msg) = line_of(p("from,to,w\n0,1\n", true));
        assert_eq!(line, 1);
        assert!(msg.contains("header"), "{msg}");
        let (line, msg) = line_of(p("0,1,inf\n", true));
        assert_eq!(line, 1);
        assert!(msg.contains("not finite"), "{msg}");
        let (line, msg) = line_of(p("0,1\n,2\n", true));
        assert_eq!(line, 2);
        assert!(msg.contains("empty source"), "{msg}");
        let (line, msg) = line_of(p("0,1\n2, \n", true));
        assert_eq!(line, 2);
        assert!(msg.contains("empty destination"), "{msg}");
        let (line, msg) = line_of(p("0,1\n1,5000000\n", true));
        assert_eq!(line, 2);
        assert!(msg.contains("too large"), "{msg}");
        let (line, msg) = line_of(p("# only\n\nsrc,dst\n", true));
        assert_eq!(line, 3);
        assert!(msg.contains("no edges"), "{msg}");
        let (line, _) = line_of(p("", true));
        assert_eq!(line, 1);
        let folders = edge_file::Folders::new(Path::new("/nonexistent"));
        let r = load("nv_edges.csv", &folders, None, true, &WeightInit::default(), 0);
        assert!(matches!(r, Err(GraphError::EdgeListPath { .. })));
        let e = p("0,1\n1\n", true).expect_err("bad");
        assert!(e.to_string().starts_with("test.csv:2: "), "{e}");
    }
}
