//! The rate MLP host (MODEL §1): a small dense network trained online by SGD on a 2-D toy data
//! set, as in TensorFlow Playground, whose nodes vesicles modulate.
//!
//! Node `i` computes `z_i = Σ_j w_ji a_j + b_i` and `a_i = φ(g_i · z_i + β_i)`, where the gain
//! `g_i` and the shift `β_i` come from the [`ModulationView`] (FiLM written by vesicles) and the
//! weights used are `weight[e] + weight_delta[e]`. Input nodes carry the feature values and are not
//! modulated. Hidden nodes use the spec's [`Activation`]; the single output node always uses
//! `tanh`, and the labels are `±1`. The loss of a sample is `½ (a_out − label)²`.
//!
//! Backprop gives `e_i = ∂loss/∂z_i = φ'(g_i z_i + β_i) · g_i · Σ_k w_ik e_k` (for the output,
//! `(a_out − label) · φ'(·) · g_out`). SGD then updates the base weights and the biases of node
//! `i` with the step size `learning_rate · η_i`, where `η_i` is the node's learning-rate
//! multiplier from the modulation view; the weight delta itself is never trained.
//!
//! The forward and backward passes walk the graph's in-edge CSR, so they are correct for any
//! weight array indexed by edge id. Nodes are stored in layer order (inputs, hidden layers,
//! output), which is a topological order: every edge goes from a lower to a higher node id.

use serde::{Deserialize, Serialize};

use crate::graph::{Graph, Role};
use crate::host::dataset::{self, DatasetKind, Sample};
use crate::host::{ModulationView, Signals};
use crate::rng::{self, Rng, stream};

/// The largest number of nodes (inputs + hidden + output) a spec may ask for.
pub const MAX_NODES: usize = 100_000;
/// The largest number of edges a spec may ask for (dense layers grow quadratically).
pub const MAX_EDGES: usize = 10_000_000;
/// The largest data set a spec may ask for, in samples.
pub const MAX_SAMPLES: u32 = 1_000_000;
/// The bias every hidden and output node starts with (as in TensorFlow Playground).
pub const INITIAL_BIAS: f32 = 0.1;
/// Stream of the initial-weight draws (in the `BUILD` range, step 0, keyed by edge id).
pub const WEIGHT_STREAM: u32 = stream::BUILD + 0x0010_0002;

/// Nodes up to this count are predicted with a stack buffer (no allocation).
const STACK_NODES: usize = 128;

/// The activation function φ of the hidden nodes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Activation {
    /// Hyperbolic tangent, output in [−1, 1] (the default). Computed as `1 − 2 / (e^{2u} + 1)`,
    /// about three times faster than the library `tanh`, with an absolute error below 3e-7.
    #[default]
    Tanh,
    /// Rectified linear unit, `max(0, u)` (derivative 0 at `u = 0`).
    Relu,
    /// Logistic sigmoid `1 / (1 + e^{−u})`, output in (0, 1).
    Sigmoid,
    /// The identity.
    Linear,
}

impl Activation {
    /// Lower-case name, as written in exports.
    pub fn name(self) -> &'static str {
        match self {
            Activation::Tanh => "tanh",
            Activation::Relu => "relu",
            Activation::Sigmoid => "sigmoid",
            Activation::Linear => "linear",
        }
    }

    /// φ(u).
    #[inline]
    pub fn apply(self, u: f32) -> f32 {
        match self {
            Activation::Tanh => tanh(u),
            Activation::Relu => u.max(0.0),
            Activation::Sigmoid => 1.0 / (1.0 + (-u).exp()),
            Activation::Linear => u,
        }
    }

    /// φ'(u), given `a = φ(u)` (which the tanh and sigmoid derivatives reuse).
    #[inline]
    pub fn derivative(self, u: f32, a: f32) -> f32 {
        match self {
            Activation::Tanh => 1.0 - a * a,
            Activation::Relu => {
                if u > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Activation::Sigmoid => a * (1.0 - a),
            Activation::Linear => 1.0,
        }
    }
}

/// An input feature computed from a point `(x, y)` (TensorFlow Playground's feature set).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Feature {
    /// `x`.
    X,
    /// `y`.
    Y,
    /// `x²`.
    XSquared,
    /// `y²`.
    YSquared,
    /// `x · y`.
    XTimesY,
    /// `sin x` (x in radians).
    SinX,
    /// `sin y` (y in radians).
    SinY,
}

impl Feature {
    /// Every feature, in declaration order.
    pub const ALL: [Feature; 7] = [
        Feature::X,
        Feature::Y,
        Feature::XSquared,
        Feature::YSquared,
        Feature::XTimesY,
        Feature::SinX,
        Feature::SinY,
    ];

    /// Display name (also the input node's label).
    pub fn name(self) -> &'static str {
        match self {
            Feature::X => "x",
            Feature::Y => "y",
            Feature::XSquared => "x²",
            Feature::YSquared => "y²",
            Feature::XTimesY => "x·y",
            Feature::SinX => "sin x",
            Feature::SinY => "sin y",
        }
    }

    /// The feature's value at `(x, y)`.
    #[inline]
    pub fn value(self, x: f32, y: f32) -> f32 {
        match self {
            Feature::X => x,
            Feature::Y => y,
            Feature::XSquared => x * x,
            Feature::YSquared => y * y,
            Feature::XTimesY => x * y,
            Feature::SinX => x.sin(),
            Feature::SinY => y.sin(),
        }
    }
}

fn default_hidden() -> Vec<u32> {
    vec![8, 8]
}
fn default_features() -> Vec<Feature> {
    vec![Feature::X, Feature::Y]
}
fn default_samples() -> u32 {
    500
}
fn default_train_fraction() -> f32 {
    0.5
}
fn default_batch_size() -> u32 {
    10
}
fn default_learning_rate() -> f32 {
    0.03
}
fn default_init_scale() -> f32 {
    1.0
}

/// A rate MLP host, as written in a preset. Only `dataset` is required.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MlpSpec {
    /// Hidden layer sizes, in nodes, first layer first; each ≥ 1, and may be empty (inputs wired
    /// straight to the output). Default `[8, 8]`.
    #[serde(default = "default_hidden")]
    pub hidden: Vec<u32>,
    /// Activation of the hidden nodes. Default [`Activation::Tanh`]. The output is always tanh.
    #[serde(default)]
    pub activation: Activation,
    /// Input features, one input node each, in this order; non-empty. Default `[X, Y]`.
    #[serde(default = "default_features")]
    pub features: Vec<Feature>,
    /// The toy problem.
    pub dataset: DatasetKind,
    /// Data noise as a fraction in `[0, 1]`, with Playground's meaning (its "50 %" is 0.5); see
    /// [`dataset::generate`] for what it does per data set. Default 0.
    #[serde(default)]
    pub noise: f32,
    /// Number of data points, training and test together, in `2..=1_000_000`. Default 500.
    #[serde(default = "default_samples")]
    pub samples: u32,
    /// Fraction of the points used for training, in `(0, 1)`; the rest is the test set.
    /// Default 0.5.
    #[serde(default = "default_train_fraction")]
    pub train_fraction: f32,
    /// Training samples per SGD step (drawn with replacement), from 1 to the number of
    /// training samples (round(samples × train_fraction)). Default 10.
    #[serde(default = "default_batch_size")]
    pub batch_size: u32,
    /// SGD step size, finite and ≥ 0 (per unit of mean-over-batch loss gradient). Default 0.03.
    #[serde(default = "default_learning_rate")]
    pub learning_rate: f32,
    /// L2 regularisation strength λ, finite and ≥ 0: the loss gains `½ λ Σ w²` over the base
    /// weights (not the biases, not the weight deltas). Default 0.
    #[serde(default)]
    pub l2: f32,
    /// Initial weight scale s, finite and > 0: an edge into a node with `fan_in` inputs starts
    /// uniform in `[−s, s) / √fan_in`. Default 1.
    #[serde(default = "default_init_scale")]
    pub init_scale: f32,
}

impl MlpSpec {
    /// A spec for `dataset` with every other field at its default.
    pub fn new(dataset: DatasetKind) -> Self {
        Self {
            hidden: default_hidden(),
            activation: Activation::default(),
            features: default_features(),
            dataset,
            noise: 0.0,
            samples: default_samples(),
            train_fraction: default_train_fraction(),
            batch_size: default_batch_size(),
            learning_rate: default_learning_rate(),
            l2: 0.0,
            init_scale: default_init_scale(),
        }
    }

    /// Layer sizes in nodes: inputs, hidden layers, output (1).
    pub fn layer_sizes(&self) -> Vec<usize> {
        let mut sizes = Vec::with_capacity(self.hidden.len() + 2);
        sizes.push(self.features.len());
        sizes.extend(self.hidden.iter().map(|&h| h as usize));
        sizes.push(1);
        sizes
    }

    /// Checks every field; the error names the field, the bad value and what is allowed.
    pub fn validate(&self) -> Result<(), String> {
        if self.features.is_empty() {
            return Err("features: the list is empty (at least one input feature is needed, \
                 e.g. [X, Y])"
                .into());
        }
        if let Some((k, &h)) = self.hidden.iter().enumerate().find(|(_, h)| **h == 0) {
            return Err(format!("hidden[{k}]: {h} nodes (each hidden layer needs at least 1)"));
        }
        let nodes: u64 = self.layer_sizes().iter().map(|&s| s as u64).sum();
        if nodes > MAX_NODES as u64 {
            return Err(format!(
                "hidden: the network would have {nodes} nodes (at most {MAX_NODES})"
            ));
        }
        let sizes = self.layer_sizes();
        let edges: u64 = sizes.windows(2).map(|w| w[0] as u64 * w[1] as u64).sum();
        if edges > MAX_EDGES as u64 {
            return Err(format!(
                "hidden: the network would have {edges} edges (at most {MAX_EDGES})"
            ));
        }
        if !(2..=MAX_SAMPLES).contains(&self.samples) {
            return Err(format!("samples: {} (allowed: 2 to {MAX_SAMPLES})", self.samples));
        }
        if !(self.train_fraction > 0.0 && self.train_fraction < 1.0) {
            return Err(format!(
                "train_fraction: {} (allowed: strictly between 0 and 1)",
                self.train_fraction
            ));
        }
        let n_train = super::dataset::train_count(self.samples as usize, self.train_fraction);
        if self.batch_size == 0 || self.batch_size as usize > n_train {
            return Err(format!(
                "batch_size: {} (allowed: 1 to the {n_train} training samples, round(samples {} \
                 × train_fraction {}))",
                self.batch_size, self.samples, self.train_fraction
            ));
        }
        if !(self.learning_rate.is_finite() && self.learning_rate >= 0.0) {
            return Err(format!(
                "learning_rate: {} (allowed: a finite number ≥ 0)",
                self.learning_rate
            ));
        }
        if !(0.0..=1.0).contains(&self.noise) {
            return Err(format!("noise: {} (allowed: 0 to 1)", self.noise));
        }
        if !(self.l2.is_finite() && self.l2 >= 0.0) {
            return Err(format!("l2: {} (allowed: a finite number ≥ 0)", self.l2));
        }
        if !(self.init_scale.is_finite() && self.init_scale > 0.0) {
            return Err(format!("init_scale: {} (allowed: a finite number > 0)", self.init_scale));
        }
        Ok(())
    }
}

/// The rate MLP host: data, biases and the scratch buffers of one step.
///
/// The weights live outside (indexed by edge id of the graph [`Mlp::new`] returns, starting from
/// `graph.edge_weight`), so vesicles and views can read and write them; the biases live here.
#[derive(Clone, Debug)]
pub struct Mlp {
    spec: MlpSpec,
    /// Node count.
    n: usize,
    /// Edge count.
    m: usize,
    /// Input nodes are `0..n_inputs`; the output node is `n − 1`.
    n_inputs: usize,
    train: Vec<Sample>,
    test: Vec<Sample>,
    /// Feature values of the training samples, `train.len() × n_inputs`, row major.
    train_features: Vec<f32>,
    /// Feature values of the test samples, `test.len() × n_inputs`, row major.
    test_features: Vec<f32>,
    /// Bias per node (0 and unused for inputs).
    bias: Vec<f32>,
    // Scratch, reused every step.
    /// Effective weight `weight + weight_delta` per in-edge position (graph.in_edges order).
    w_in: Vec<f32>,
    /// Source node per in-edge position.
    src_in: Vec<u32>,
    /// Activation per node, current sample.
    act: Vec<f32>,
    /// `φ'(g z + β) · g` per node, current sample.
    dact: Vec<f32>,
    /// `Σ_k w_ik e_k` per node, current sample.
    back: Vec<f32>,
    /// Sum over the batch of `∂loss/∂w` per in-edge position.
    grad_w: Vec<f32>,
    /// Sum over the batch of `∂loss/∂z` (= `∂loss/∂b`) per node.
    grad_b: Vec<f32>,
    /// Sum over the batch of the activation per node.
    sum_act: Vec<f32>,
    /// Sum over the batch of `|∂loss/∂z|` per node.
    sum_abs: Vec<f32>,
}

impl Mlp {
    /// Validates `spec`, then builds the host and its graph from it and `seed`.
    ///
    /// Nodes come in layer order: one input per feature (role `Input`, layer 0, labelled with the
    /// feature's name), the hidden layers (`Hidden`, layers 1..), one output (`Output`, last
    /// layer). Consecutive layers are densely connected, edges sorted by `(src, dst)`; edge `e`
    /// into a node with `fan_in` inputs starts at `(2u − 1) · init_scale / √fan_in` with `u`
    /// uniform in `[0, 1)` from [`WEIGHT_STREAM`]. Biases start at [`INITIAL_BIAS`]. Positions:
    /// `x` = layer index, `y` = the node's rank in its layer minus the layer's centre (units of
    /// one node spacing). The data set is generated and split from `seed`.
    ///
    /// Returns an error naming the field when the spec is invalid.
    pub fn new(spec: &MlpSpec, seed: u64) -> Result<(Mlp, Graph), String> {
        spec.validate()?;
        let sizes = spec.layer_sizes();
        let n: usize = sizes.iter().sum();
        let n_inputs = sizes[0];
        let rng = Rng::new(seed);

        let mut role = Vec::with_capacity(n);
        let mut layer = Vec::with_capacity(n);
        let mut pos = Vec::with_capacity(n);
        let last = sizes.len() - 1;
        for (l, &size) in sizes.iter().enumerate() {
            let r = match l {
                0 => Role::Input,
                _ if l == last => Role::Output,
                _ => Role::Hidden,
            };
            for k in 0..size {
                role.push(r);
                layer.push(l as u32);
                pos.push([l as f32, k as f32 - (size as f32 - 1.0) / 2.0]);
            }
        }

        let m: usize = sizes.windows(2).map(|w| w[0] * w[1]).sum();
        let mut edges = Vec::with_capacity(m);
        let mut start = 0usize;
        for w in sizes.windows(2) {
            let (fan_in, fan_out) = (w[0], w[1]);
            let next = start + fan_in;
            let scale = spec.init_scale / (fan_in as f32).sqrt();
            for src in start..next {
                for dst in next..next + fan_out {
                    let e = edges.len() as u64;
                    let u = rng::unit(rng.words(0, e, WEIGHT_STREAM)[0]);
                    edges.push((src, dst, (2.0 * u - 1.0) * scale));
                }
            }
            start = next;
        }
        let mut graph = Graph::from_edges(role, layer, pos, &edges)
            .map_err(|err| format!("mlp: building the network failed: {err}"))?;
        for (i, f) in spec.features.iter().enumerate() {
            graph.label[i] = f.name().to_string();
        }

        let data = dataset::generate(spec.dataset, spec.samples as usize, spec.noise, seed);
        let (train, test) = dataset::split(&data, spec.train_fraction, seed);
        let features_of = |set: &[Sample]| -> Vec<f32> {
            set.iter().flat_map(|s| spec.features.iter().map(move |f| f.value(s.x, s.y))).collect()
        };
        let train_features = features_of(&train);
        let test_features = features_of(&test);

        let mut bias = vec![INITIAL_BIAS; n];
        bias[..n_inputs].fill(0.0);
        let mlp = Mlp {
            spec: spec.clone(),
            n,
            m,
            n_inputs,
            train,
            test,
            train_features,
            test_features,
            bias,
            w_in: vec![0.0; m],
            src_in: vec![0; m],
            act: vec![0.0; n],
            dact: vec![0.0; n],
            back: vec![0.0; n],
            grad_w: vec![0.0; m],
            grad_b: vec![0.0; n],
            sum_act: vec![0.0; n],
            sum_abs: vec![0.0; n],
        };
        Ok((mlp, graph))
    }

    /// One host update at `step` (MODEL §3, step 1), with the modulation of the previous step.
    ///
    /// Draws `batch_size` training samples with replacement (sample `k` of the batch from word
    /// `k mod 4` of `rng.words(step, ⌊k/4⌋, stream::HOST)`, the key's upper 32 bits holding the
    /// step's upper 32 bits), runs them forward and backward with
    /// the modulation, and takes one SGD step on the mean batch loss `mean ½ (a_out − label)²`
    /// (plus the L2 term): `weight[e] −= lr · η_dst · (∂loss/∂w_e + l2 · weight[e])` and
    /// `b_i −= lr · η_i · ∂loss/∂b_i`. Nodes with `η_i = 0` are left exactly as they are.
    ///
    /// Writes, per node, `signals.activity` (batch-mean activation; inputs: batch-mean feature
    /// value), `signals.error` (batch mean of `∂loss/∂z_i`, before the update; 0 for inputs) and
    /// `signals.error_abs` (batch mean of `|∂loss/∂z_i|`), and sets `signals.loss` and
    /// `signals.accuracy` to the mean loss and the fraction of correct signs on the test set,
    /// evaluated after the update with the new weights and the same modulation. The signal
    /// vectors are resized to n if needed (no allocation once they have the right length).
    ///
    /// # Panics
    ///
    /// If `graph` is not the graph [`Mlp::new`] built (node or edge count differ), or `weight`,
    /// `modulation.weight_delta` (length m) or `modulation.gain`, `shift`, `lr_mult` (length n)
    /// have the wrong length: these are programming errors, not user input.
    pub fn step(
        &mut self,
        graph: &Graph,
        step: u64,
        rng: &Rng,
        weight: &mut [f32],
        modulation: &ModulationView,
        signals: &mut Signals,
    ) {
        self.check_shapes(graph, weight, modulation);
        let n = self.n;
        for v in [&mut signals.activity, &mut signals.error, &mut signals.error_abs] {
            if v.len() != n {
                v.resize(n, 0.0);
            }
        }

        self.gather(graph, weight, modulation.weight_delta);
        let batch = self.spec.batch_size as usize;
        let n_train = self.train.len() as u64;
        let counter = step as u32;
        let high = (step >> 32) << 32;
        let mut words = [0u32; 4];
        self.accumulate(
            graph,
            modulation,
            (0..batch).map(|k| {
                if k % 4 == 0 {
                    words = rng.words(counter, high | (k / 4) as u64, stream::HOST);
                }
                ((words[k % 4] as u64 * n_train) >> 32) as usize
            }),
        );

        // Signals, from the batch sums, before the update.
        let inv_b = 1.0 / batch as f32;
        for i in 0..n {
            signals.activity[i] = self.sum_act[i] * inv_b;
            signals.error[i] = self.grad_b[i] * inv_b;
            signals.error_abs[i] = self.sum_abs[i] * inv_b;
        }

        // SGD on the base weights and the biases.
        let lr = self.spec.learning_rate;
        let l2 = self.spec.l2;
        for i in self.n_inputs..n {
            let rate = lr * modulation.lr_mult[i];
            if rate == 0.0 {
                continue;
            }
            self.bias[i] -= rate * self.grad_b[i] * inv_b;
            let lo = graph.in_offsets[i] as usize;
            let hi = graph.in_offsets[i + 1] as usize;
            for p in lo..hi {
                let e = graph.in_edges[p] as usize;
                weight[e] -= rate * (self.grad_w[p] * inv_b + l2 * weight[e]);
            }
        }

        // Test loss and accuracy with the new weights.
        self.gather(graph, weight, modulation.weight_delta);
        let (loss, accuracy) = self.evaluate_test(graph, modulation);
        signals.loss = Some(loss);
        signals.accuracy = Some(accuracy);
    }

    /// The network output `a_out` in [−1, 1] at the point `(x, y)` (data units), with the given
    /// weights and modulation (for the decision-boundary heat map; `≥ 0` means class `+1`).
    ///
    /// Allocates nothing for networks of up to 128 nodes; for many points prefer
    /// [`Mlp::predict_many`].
    ///
    /// # Panics
    ///
    /// If `weight`, `modulation` or `graph` do not match this network (see [`Mlp::step`]).
    pub fn predict(
        &self,
        graph: &Graph,
        weight: &[f32],
        modulation: &ModulationView,
        x: f32,
        y: f32,
    ) -> f32 {
        self.check_shapes(graph, weight, modulation);
        if self.n <= STACK_NODES {
            let mut buf = [0.0f32; STACK_NODES];
            self.predict_with(graph, weight, modulation, x, y, &mut buf[..self.n])
        } else {
            let mut buf = vec![0.0f32; self.n];
            self.predict_with(graph, weight, modulation, x, y, &mut buf)
        }
    }

    /// [`Mlp::predict`] at each point of `points` (`[x, y]` pairs), written to `out` (as many as
    /// the shorter of the two), with one scratch buffer for all of them.
    ///
    /// # Panics
    ///
    /// If `weight`, `modulation` or `graph` do not match this network (see [`Mlp::step`]).
    pub fn predict_many(
        &self,
        graph: &Graph,
        weight: &[f32],
        modulation: &ModulationView,
        points: &[[f32; 2]],
        out: &mut [f32],
    ) {
        self.check_shapes(graph, weight, modulation);
        let mut buf = vec![0.0f32; self.n];
        for (p, o) in points.iter().zip(out.iter_mut()) {
            *o = self.predict_with(graph, weight, modulation, p[0], p[1], &mut buf);
        }
    }

    /// Mean loss `½ (a_out − label)²` and accuracy (fraction with `sign(a_out) = label`, where
    /// `a_out ≥ 0` counts as `+1`) of the network on `samples`, with the given weights and
    /// modulation. Returns `(0, 0)` for an empty slice.
    ///
    /// # Panics
    ///
    /// If `weight`, `modulation` or `graph` do not match this network (see [`Mlp::step`]).
    pub fn evaluate(
        &self,
        graph: &Graph,
        weight: &[f32],
        modulation: &ModulationView,
        samples: &[Sample],
    ) -> (f32, f32) {
        self.check_shapes(graph, weight, modulation);
        if samples.is_empty() {
            return (0.0, 0.0);
        }
        let mut buf = vec![0.0f32; self.n];
        let (mut loss, mut correct) = (0.0f64, 0usize);
        for s in samples {
            let a = self.predict_with(graph, weight, modulation, s.x, s.y, &mut buf);
            loss += 0.5 * ((a - s.label) as f64).powi(2);
            correct += usize::from(classify(a) == s.label);
        }
        let count = samples.len() as f64;
        ((loss / count) as f32, (correct as f64 / count) as f32)
    }

    /// The spec this host was built from.
    pub fn spec(&self) -> &MlpSpec {
        &self.spec
    }

    /// The training set.
    pub fn train(&self) -> &[Sample] {
        &self.train
    }

    /// The test set.
    pub fn test(&self) -> &[Sample] {
        &self.test
    }

    /// Number of input nodes (= features); they are nodes `0..n_inputs`.
    pub fn n_inputs(&self) -> usize {
        self.n_inputs
    }

    /// The output node's id (the last node).
    pub fn output_node(&self) -> usize {
        self.n - 1
    }

    /// Bias per node (0 and unused for inputs).
    pub fn bias(&self) -> &[f32] {
        &self.bias
    }

    /// Sets node `node`'s bias. Errors when the node does not exist, is an input, or the value is
    /// not finite.
    pub fn set_bias(&mut self, node: usize, value: f32) -> Result<(), String> {
        if node >= self.n {
            return Err(format!("bias: node {node} does not exist (nodes 0..{})", self.n));
        }
        if node < self.n_inputs {
            return Err(format!(
                "bias: node {node} is an input (inputs 0..{} have no bias)",
                self.n_inputs
            ));
        }
        if !value.is_finite() {
            return Err(format!("bias of node {node}: {value} (allowed: a finite number)"));
        }
        self.bias[node] = value;
        Ok(())
    }

    /// Back to the initial state: biases to [`INITIAL_BIAS`] and `weight` to
    /// `graph.edge_weight` (the initial weights).
    ///
    /// # Panics
    ///
    /// If `graph` or `weight` do not match this network.
    pub fn reset(&mut self, graph: &Graph, weight: &mut [f32]) {
        assert_eq!(graph.m(), self.m, "mlp: graph has {} edges, the network {}", graph.m(), self.m);
        weight.copy_from_slice(&graph.edge_weight);
        self.bias.fill(INITIAL_BIAS);
        self.bias[..self.n_inputs].fill(0.0);
    }

    /// Panics with a clear message when the arrays do not fit this network.
    fn check_shapes(&self, graph: &Graph, weight: &[f32], modulation: &ModulationView) {
        let (n, m) = (self.n, self.m);
        assert!(
            graph.n() == n && graph.m() == m,
            "mlp: graph has {} nodes and {} edges, the network {n} and {m}",
            graph.n(),
            graph.m()
        );
        assert_eq!(weight.len(), m, "mlp: weight length");
        assert_eq!(modulation.weight_delta.len(), m, "mlp: weight_delta length");
        assert_eq!(modulation.gain.len(), n, "mlp: gain length");
        assert_eq!(modulation.shift.len(), n, "mlp: shift length");
        assert_eq!(modulation.lr_mult.len(), n, "mlp: lr_mult length");
    }

    /// Fills `w_in` and `src_in` in in-edge order from the weights and the weight delta.
    fn gather(&mut self, graph: &Graph, weight: &[f32], delta: &[f32]) {
        for (p, &e) in graph.in_edges.iter().enumerate() {
            let e = e as usize;
            self.w_in[p] = weight[e] + delta[e];
            self.src_in[p] = graph.edge_src[e];
        }
    }

    /// Forward and backward over the training samples `batch` (after [`Mlp::gather`]): fills the
    /// batch sums `grad_w`, `grad_b`, `sum_act`, `sum_abs`. Returns the summed loss.
    fn accumulate(
        &mut self,
        graph: &Graph,
        modulation: &ModulationView,
        batch: impl Iterator<Item = usize>,
    ) -> f32 {
        let (n, n_in) = (self.n, self.n_inputs);
        let out = n - 1;
        let offsets = &graph.in_offsets;
        self.grad_w.fill(0.0);
        self.grad_b.fill(0.0);
        self.sum_act.fill(0.0);
        self.sum_abs.fill(0.0);
        let mut loss = 0.0f32;
        for s in batch {
            self.act[..n_in].copy_from_slice(&self.train_features[s * n_in..(s + 1) * n_in]);
            let label = self.train[s].label;
            forward::<true>(
                offsets,
                &self.src_in,
                &self.w_in,
                &self.bias,
                modulation,
                self.spec.activation,
                n_in,
                &mut self.act,
                &mut self.dact,
            );
            for (sum, a) in self.sum_act.iter_mut().zip(&self.act) {
                *sum += a;
            }
            let diff = self.act[out] - label;
            loss += 0.5 * diff * diff;
            self.back.fill(0.0);
            self.back[out] = diff;
            for i in (n_in..n).rev() {
                let e = self.back[i] * self.dact[i];
                self.grad_b[i] += e;
                self.sum_abs[i] += e.abs();
                let lo = offsets[i] as usize;
                let hi = offsets[i + 1] as usize;
                for p in lo..hi {
                    let j = self.src_in[p] as usize;
                    self.grad_w[p] += e * self.act[j];
                    self.back[j] += self.w_in[p] * e;
                }
            }
        }
        loss
    }

    /// Mean loss and accuracy on the test set (after [`Mlp::gather`]), with the scratch buffers.
    fn evaluate_test(&mut self, graph: &Graph, modulation: &ModulationView) -> (f32, f32) {
        let n_in = self.n_inputs;
        let out = self.n - 1;
        let (mut loss, mut correct) = (0.0f32, 0usize);
        for (s, sample) in self.test.iter().enumerate() {
            self.act[..n_in].copy_from_slice(&self.test_features[s * n_in..(s + 1) * n_in]);
            forward::<false>(
                &graph.in_offsets,
                &self.src_in,
                &self.w_in,
                &self.bias,
                modulation,
                self.spec.activation,
                n_in,
                &mut self.act,
                &mut [],
            );
            let a = self.act[out];
            loss += 0.5 * (a - sample.label) * (a - sample.label);
            correct += usize::from(classify(a) == sample.label);
        }
        let count = self.test.len().max(1) as f32;
        (loss / count, correct as f32 / count)
    }

    /// The output at `(x, y)` reading the weights straight through the graph's CSR.
    fn predict_with(
        &self,
        graph: &Graph,
        weight: &[f32],
        modulation: &ModulationView,
        x: f32,
        y: f32,
        act: &mut [f32],
    ) -> f32 {
        for (v, f) in act.iter_mut().zip(&self.spec.features) {
            *v = f.value(x, y);
        }
        let delta = modulation.weight_delta;
        let n = self.n;
        for i in self.n_inputs..n {
            let mut z = self.bias[i];
            for &e in graph.in_edges_of(i) {
                let e = e as usize;
                z += (weight[e] + delta[e]) * act[graph.edge_src[e] as usize];
            }
            act[i] = activate(i, n - 1, z, modulation, self.spec.activation).0;
        }
        act[self.n - 1]
    }
}

/// The class a network output stands for: `+1` when `a ≥ 0`, else `−1`.
#[inline]
fn classify(a: f32) -> f32 {
    if a >= 0.0 { 1.0 } else { -1.0 }
}

/// `tanh u` as `1 − 2 / (e^{2u} + 1)`: exact limits ±1 (e^{2u} overflows to infinity or
/// underflows to 0), absolute error below 3e-7.
#[inline]
fn tanh(u: f32) -> f32 {
    1.0 - 2.0 / ((2.0 * u).exp() + 1.0)
}

/// Node `i`'s activation from its pre-activation `z`: returns `(a_i, φ'(g z + β) · g)`; the last
/// node (`output`) uses tanh.
#[inline]
fn activate(
    i: usize,
    output: usize,
    z: f32,
    modulation: &ModulationView,
    activation: Activation,
) -> (f32, f32) {
    let g = modulation.gain[i];
    let u = g * z + modulation.shift[i];
    let phi = if i == output { Activation::Tanh } else { activation };
    let a = phi.apply(u);
    (a, phi.derivative(u, a) * g)
}

/// One forward pass in node order over the non-input nodes `n_in..`, with `act[..n_in]`
/// already holding the feature values, and the effective weights and sources gathered in
/// in-edge order (`w_in`, `src_in`). With `DERIV`, `dact[i]` receives `φ'(g z + β) · g`.
#[allow(clippy::too_many_arguments)]
#[inline]
fn forward<const DERIV: bool>(
    offsets: &[u32],
    src_in: &[u32],
    w_in: &[f32],
    bias: &[f32],
    modulation: &ModulationView,
    activation: Activation,
    n_in: usize,
    act: &mut [f32],
    dact: &mut [f32],
) {
    let n = act.len();
    for i in n_in..n {
        let lo = offsets[i] as usize;
        let hi = offsets[i + 1] as usize;
        let mut z = bias[i];
        for (&j, &w) in src_in[lo..hi].iter().zip(&w_in[lo..hi]) {
            z += w * act[j as usize];
        }
        let (a, d) = activate(i, n - 1, z, modulation, activation);
        act[i] = a;
        if DERIV {
            dact[i] = d;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Owned modulation state for tests.
    struct Modulation {
        gain: Vec<f32>,
        shift: Vec<f32>,
        lr_mult: Vec<f32>,
        weight_delta: Vec<f32>,
        threshold: Vec<f32>,
    }

    impl Modulation {
        fn defaults(graph: &Graph) -> Self {
            Self {
                gain: vec![1.0; graph.n()],
                shift: vec![0.0; graph.n()],
                lr_mult: vec![1.0; graph.n()],
                weight_delta: vec![0.0; graph.m()],
                threshold: vec![0.0; graph.n()],
            }
        }

        fn view(&self) -> ModulationView<'_> {
            ModulationView {
                gain: &self.gain,
                shift: &self.shift,
                lr_mult: &self.lr_mult,
                weight_delta: &self.weight_delta,
                threshold: &self.threshold,
            }
        }
    }

    fn train(spec: &MlpSpec, seed: u64, steps: u64) -> (Mlp, Graph, Vec<f32>, Signals) {
        let (mut mlp, graph) = Mlp::new(spec, seed).expect("valid spec");
        let mut weight = graph.edge_weight.clone();
        let modulation = Modulation::defaults(&graph);
        let mut signals = Signals::zeros(graph.n());
        let rng = Rng::new(seed);
        for t in 0..steps {
            mlp.step(&graph, t, &rng, &mut weight, &modulation.view(), &mut signals);
        }
        (mlp, graph, weight, signals)
    }

    /// Reference forward pass in f64, straight from the model's equations; returns the mean
    /// batch loss.
    fn reference_loss(
        mlp: &Mlp,
        graph: &Graph,
        weight: &[f64],
        bias: &[f64],
        m: &Modulation,
        batch: &[usize],
    ) -> f64 {
        let n = graph.n();
        let mut loss = 0.0;
        for &s in batch {
            let sample = mlp.train[s];
            let mut a = vec![0.0f64; n];
            for (k, f) in mlp.spec.features.iter().enumerate() {
                let (x, y) = (sample.x as f64, sample.y as f64);
                a[k] = match f {
                    Feature::X => x,
                    Feature::Y => y,
                    Feature::XSquared => x * x,
                    Feature::YSquared => y * y,
                    Feature::XTimesY => x * y,
                    Feature::SinX => x.sin(),
                    Feature::SinY => y.sin(),
                };
            }
            for i in mlp.n_inputs..n {
                let mut z = bias[i];
                for &e in graph.in_edges_of(i) {
                    let e = e as usize;
                    z += (weight[e] + m.weight_delta[e] as f64) * a[graph.edge_src[e] as usize];
                }
                let u = m.gain[i] as f64 * z + m.shift[i] as f64;
                let act = if i == n - 1 { Activation::Tanh } else { mlp.spec.activation };
                a[i] = match act {
                    Activation::Tanh => u.tanh(),
                    Activation::Relu => u.max(0.0),
                    Activation::Sigmoid => 1.0 / (1.0 + (-u).exp()),
                    Activation::Linear => u,
                };
            }
            loss += 0.5 * (a[n - 1] - sample.label as f64).powi(2);
        }
        loss / batch.len() as f64
    }

    fn close(analytic: f64, numeric: f64) -> bool {
        (analytic - numeric).abs() <= 1e-2 * analytic.abs().max(numeric.abs()) + 1e-5
    }

    /// ∂loss/∂w and ∂loss/∂z from `step` against central differences of an f64 reference, with
    /// non-default gain, shift, weight delta, lr multipliers and L2, for every activation.
    #[test]
    fn gradients_match_finite_differences() {
        for activation in
            [Activation::Tanh, Activation::Sigmoid, Activation::Relu, Activation::Linear]
        {
            let mut spec = MlpSpec::new(DatasetKind::Circles);
            spec.hidden = vec![5, 4];
            spec.activation = activation;
            spec.features = vec![Feature::X, Feature::Y, Feature::XTimesY, Feature::SinY];
            spec.learning_rate = 0.5;
            spec.l2 = 0.01;
            spec.batch_size = 7;
            spec.init_scale = 0.5;
            let (mut mlp, graph) = Mlp::new(&spec, 21).expect("valid");
            let (n, m) = (graph.n(), graph.m());
            let r = Rng::new(99);
            let u = |k: u64, s: u32| rng::unit(r.words(0, k, s)[0]);
            let mut md = Modulation::defaults(&graph);
            for i in 0..n {
                md.gain[i] = 0.5 + u(i as u64, 1);
                md.shift[i] = 0.6 * u(i as u64, 2) - 0.3;
                md.lr_mult[i] = 0.5 + u(i as u64, 3);
                mlp.bias[i] = if i < mlp.n_inputs { 0.0 } else { 0.4 * u(i as u64, 4) - 0.2 };
            }
            for e in 0..m {
                md.weight_delta[e] = 0.2 * u(e as u64, 5) - 0.1;
            }
            let w0 = graph.edge_weight.clone();
            let b0 = mlp.bias.clone();
            let mut weight = w0.clone();
            let mut signals = Signals::zeros(n);
            let rng = Rng::new(5);
            let step = 3u64;
            mlp.step(&graph, step, &rng, &mut weight, &md.view(), &mut signals);

            // The batch the step drew.
            let n_train = mlp.train.len() as u64;
            let batch: Vec<usize> = (0..spec.batch_size as usize)
                .map(|k| {
                    let w = rng.words(step as u32, (k / 4) as u64, stream::HOST)[k % 4];
                    ((w as u64 * n_train) >> 32) as usize
                })
                .collect();
            let wf: Vec<f64> = w0.iter().map(|&w| w as f64).collect();
            let bf: Vec<f64> = b0.iter().map(|&b| b as f64).collect();
            let h = 1e-6;
            let (mut checked, mut nonzero) = (0, 0);
            for e in 0..m {
                let (mut wp, mut wm) = (wf.clone(), wf.clone());
                wp[e] += h;
                wm[e] -= h;
                let numeric = (reference_loss(&mlp, &graph, &wp, &bf, &md, &batch)
                    - reference_loss(&mlp, &graph, &wm, &bf, &md, &batch))
                    / (2.0 * h);
                // weight -= lr · η_dst · (grad + l2 · w)
                let rate = (spec.learning_rate * md.lr_mult[graph.edge_dst[e] as usize]) as f64;
                let analytic = (w0[e] as f64 - weight[e] as f64) / rate - spec.l2 as f64 * wf[e];
                assert!(
                    close(analytic, numeric),
                    "{activation:?}: dL/dw[{e}] analytic {analytic} numeric {numeric}"
                );
                checked += 1;
                nonzero += usize::from(numeric.abs() > 1e-4);
            }
            for i in mlp.n_inputs..n {
                let (mut bp, mut bm) = (bf.clone(), bf.clone());
                bp[i] += h;
                bm[i] -= h;
                let numeric = (reference_loss(&mlp, &graph, &wf, &bp, &md, &batch)
                    - reference_loss(&mlp, &graph, &wf, &bm, &md, &batch))
                    / (2.0 * h);
                let analytic = signals.error[i] as f64;
                assert!(
                    close(analytic, numeric),
                    "{activation:?}: dL/dz[{i}] analytic {analytic} numeric {numeric}"
                );
                let rate = (spec.learning_rate * md.lr_mult[i]) as f64;
                let from_bias = (b0[i] as f64 - mlp.bias[i] as f64) / rate;
                assert!(close(from_bias, numeric), "{activation:?}: dL/db[{i}] {from_bias}");
                assert!(signals.error_abs[i] >= signals.error[i].abs() - 1e-7);
            }
            assert!(signals.error[..mlp.n_inputs].iter().all(|&e| e == 0.0));
            assert!(nonzero > checked / 3, "{activation:?}: too few non-zero gradients");
        }
    }

    #[test]
    fn activations_and_derivatives() {
        let mut worst = 0.0f64;
        for k in -40_000..=40_000 {
            let u = k as f32 * 5e-4;
            worst = worst.max((tanh(u) as f64 - (u as f64).tanh()).abs());
        }
        assert!(worst < 3e-7, "tanh error {worst}");
        assert_eq!(tanh(100.0), 1.0);
        assert_eq!(tanh(-100.0), -1.0);
        assert_eq!(tanh(f32::INFINITY), 1.0);
        assert_eq!(tanh(f32::NEG_INFINITY), -1.0);
        for act in [Activation::Tanh, Activation::Relu, Activation::Sigmoid, Activation::Linear] {
            for u in [-2.0f32, -0.3, 0.4, 1.7] {
                let h = 1e-3f32;
                let numeric = (act.apply(u + h) - act.apply(u - h)) / (2.0 * h);
                let analytic = act.derivative(u, act.apply(u));
                assert!((numeric - analytic).abs() < 1e-3, "{} at {u}", act.name());
            }
        }
    }

    /// Signals: inputs carry the batch-mean feature; test loss and accuracy match `evaluate`.
    #[test]
    fn signals_and_predict_agree() {
        let mut spec = MlpSpec::new(DatasetKind::Xor);
        spec.batch_size = 1;
        spec.features = vec![Feature::X, Feature::XSquared];
        let (mut mlp, graph) = Mlp::new(&spec, 4).expect("valid");
        let mut weight = graph.edge_weight.clone();
        let md = Modulation::defaults(&graph);
        let mut signals = Signals::default();
        let rng = Rng::new(4);
        mlp.step(&graph, 0, &rng, &mut weight, &md.view(), &mut signals);
        let k = (rng.words(0, 0, stream::HOST)[0] as u64 * mlp.train.len() as u64) >> 32;
        let s = mlp.train[k as usize];
        assert_eq!(signals.activity[0], s.x);
        assert_eq!(signals.activity[1], s.x * s.x);
        let (loss, acc) = mlp.evaluate(&graph, &weight, &md.view(), mlp.test());
        assert!((signals.loss.expect("loss") - loss).abs() < 1e-5);
        assert!((signals.accuracy.expect("accuracy") - acc).abs() < 1e-6);
        let out = signals.activity[graph.n() - 1];
        assert!(out > -1.0 && out < 1.0);
        let p = mlp.predict(&graph, &weight, &md.view(), 1.0, -2.0);
        let mut many = [0.0f32; 2];
        mlp.predict_many(&graph, &weight, &md.view(), &[[1.0, -2.0], [0.0, 0.0]], &mut many);
        assert_eq!(p, many[0]);
    }

    /// Training reaches > 90 % test accuracy on xor and circles with an 8-8 tanh net.
    #[test]
    fn learns_xor_and_circles() {
        for (kind, seed) in [(DatasetKind::Xor, 1), (DatasetKind::Circles, 2)] {
            let mut spec = MlpSpec::new(kind);
            spec.learning_rate = 0.03;
            let (_, _, _, signals) = train(&spec, seed, 3000);
            let acc = signals.accuracy.expect("accuracy");
            assert!(acc > 0.9, "{kind:?}: test accuracy {acc}");
            assert!(signals.loss.expect("loss") < 0.15, "{kind:?}: loss {:?}", signals.loss);
        }
    }

    #[test]
    fn zero_lr_mult_freezes_parameters() {
        let spec = MlpSpec::new(DatasetKind::Spiral);
        let (mut mlp, graph) = Mlp::new(&spec, 8).expect("valid");
        let mut weight = graph.edge_weight.clone();
        let mut md = Modulation::defaults(&graph);
        md.lr_mult.fill(0.0);
        md.gain.fill(1.3);
        let bias = mlp.bias().to_vec();
        let mut signals = Signals::zeros(graph.n());
        let rng = Rng::new(8);
        for t in 0..100 {
            mlp.step(&graph, t, &rng, &mut weight, &md.view(), &mut signals);
        }
        assert_eq!(weight, graph.edge_weight);
        assert_eq!(mlp.bias(), &bias[..]);
        assert!(signals.error_abs.iter().any(|&e| e > 0.0));
        // One node unfrozen: only its incoming weights move.
        let out = mlp.output_node();
        md.lr_mult[out] = 1.0;
        mlp.step(&graph, 100, &rng, &mut weight, &md.view(), &mut signals);
        for (e, (w, w0)) in weight.iter().zip(&graph.edge_weight).enumerate() {
            assert_eq!(w != w0, graph.edge_dst[e] as usize == out, "edge {e}");
        }
    }

    #[test]
    fn deterministic() {
        let mut spec = MlpSpec::new(DatasetKind::Spiral);
        spec.noise = 0.2;
        spec.activation = Activation::Relu;
        let (a, _, wa, sa) = train(&spec, 77, 100);
        let (b, _, wb, sb) = train(&spec, 77, 100);
        assert_eq!(wa, wb);
        assert_eq!(a.bias(), b.bias());
        assert_eq!(sa, sb);
        let (_, _, wc, _) = train(&spec, 78, 100);
        assert_ne!(wa, wc);
    }

    #[test]
    fn graph_layout_and_reset() {
        let mut spec = MlpSpec::new(DatasetKind::Gaussians);
        spec.hidden = vec![3, 2];
        spec.features = vec![Feature::X, Feature::Y, Feature::SinX];
        let (mut mlp, graph) = Mlp::new(&spec, 1).expect("valid");
        assert_eq!(graph.n(), 3 + 3 + 2 + 1);
        assert_eq!(graph.m(), 9 + 6 + 2);
        assert_eq!(graph.nodes_with_role(Role::Input), vec![0, 1, 2]);
        assert_eq!(graph.nodes_with_role(Role::Output), vec![8]);
        assert_eq!(graph.layer, vec![0, 0, 0, 1, 1, 1, 2, 2, 3]);
        assert_eq!(graph.pos[0], [0.0, -1.0]);
        assert_eq!(graph.pos[7], [2.0, 0.5]);
        assert_eq!(graph.pos[8], [3.0, 0.0]);
        assert_eq!(graph.label[2], "sin x");
        for e in 0..graph.m() {
            let fan_in = graph.in_edges_of(graph.edge_dst[e] as usize).len() as f32;
            assert!(graph.edge_weight[e].abs() < 1.0 / fan_in.sqrt());
            assert!(graph.edge_src[e] < graph.edge_dst[e]);
        }
        assert_eq!(mlp.train().len() + mlp.test().len(), 500);
        let mut weight = graph.edge_weight.clone();
        weight[0] = 3.0;
        mlp.set_bias(5, 2.0).expect("hidden node");
        assert!(mlp.set_bias(1, 2.0).is_err());
        assert!(mlp.set_bias(9, 2.0).is_err());
        assert!(mlp.set_bias(5, f32::NAN).is_err());
        mlp.reset(&graph, &mut weight);
        assert_eq!(weight, graph.edge_weight);
        assert_eq!(mlp.bias()[5], INITIAL_BIAS);
        assert_eq!(mlp.bias()[0], 0.0);
    }

    #[test]
    fn spec_defaults_and_validation() {
        let spec: MlpSpec = ron::from_str("(dataset: Xor)").expect("parses");
        assert_eq!(spec, MlpSpec::new(DatasetKind::Xor));
        assert_eq!(spec.hidden, vec![8, 8]);
        assert_eq!(spec.features, vec![Feature::X, Feature::Y]);
        assert!(ron::from_str::<MlpSpec>("(dataset: Xor, hiden: [2])").is_err());
        let full: MlpSpec = ron::from_str(
            "(hidden: [4], activation: Sigmoid, features: [XSquared, YSquared], dataset: Spiral, \
             noise: 0.1, samples: 300, train_fraction: 0.7, batch_size: 5, learning_rate: 0.1, \
             l2: 0.001, init_scale: 2.0)",
        )
        .expect("parses");
        assert_eq!(full.activation, Activation::Sigmoid);
        assert!(full.validate().is_ok());

        let bad = |f: &dyn Fn(&mut MlpSpec), field: &str| {
            let mut s = MlpSpec::new(DatasetKind::Xor);
            f(&mut s);
            let err = s.validate().expect_err(field);
            assert!(err.starts_with(field), "{err}");
            assert!(Mlp::new(&s, 0).is_err());
        };
        bad(&|s| s.hidden = vec![4, 0], "hidden[1]");
        bad(&|s| s.hidden = vec![60_000, 60_000], "hidden");
        bad(&|s| s.hidden = vec![5_000, 5_000], "hidden: the network would have 25015000 edges");
        bad(&|s| s.features.clear(), "features");
        bad(&|s| s.samples = 1, "samples");
        bad(&|s| s.train_fraction = 1.0, "train_fraction");
        bad(&|s| s.train_fraction = f32::NAN, "train_fraction");
        bad(&|s| s.batch_size = 0, "batch_size");
        bad(&|s| s.learning_rate = f32::INFINITY, "learning_rate");
        bad(&|s| s.learning_rate = -0.1, "learning_rate");
        bad(&|s| s.noise = 1.5, "noise");
        bad(&|s| s.noise = f32::NAN, "noise");
        bad(&|s| s.l2 = -1.0, "l2");
        bad(&|s| s.init_scale = 0.0, "init_scale");
        // No hidden layer is allowed: inputs straight to the output.
        let mut s = MlpSpec::new(DatasetKind::Gaussians);
        s.hidden.clear();
        let (_, g) = Mlp::new(&s, 0).expect("valid");
        assert_eq!((g.n(), g.m()), (3, 2));
    }
}
