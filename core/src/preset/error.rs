//! Errors met while loading, checking, saving or building a preset.
//!
//! Every error names the file (or `<text>` for a string), the 1-based line and column where
//! they are known, the field path (`species[1].kernel.temperature`, `host.Mlp.hidden[0]`), the
//! bad value as text and a message that says what is allowed. Its `Display` is one line meant
//! for a person:
//!
//! ```text
//! presets/x.ron:12:5: species[0].kernel.temperature = -1: must be > 0
//! ```
//!
//! Field paths follow `serde_path_to_error`: struct fields and enum variants are joined with
//! `.`, sequence and tuple elements are `[i]`, and `Some(..)` and newtype wrappers add nothing.

use std::fmt;

/// The file name used for text that did not come from a file.
pub const TEXT_FILE: &str = "<text>";

/// The file name used by [`super::validate::validate`], which sees no file; the loader
/// replaces it with the real one.
pub const PRESET_FILE: &str = "<preset>";

/// What kind of problem a [`PresetError`] reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorKind {
    /// The file could not be read or written.
    Io,
    /// The text is not valid RON (a missing bracket, a stray character, the end of the file).
    Syntax,
    /// A value has the wrong type (a string where a number is expected, a list for a tuple).
    Type,
    /// A struct has a field it does not know.
    UnknownField,
    /// An enum value names a variant that does not exist.
    UnknownVariant,
    /// A required field is missing.
    MissingField,
    /// A field is given twice.
    DuplicateField,
    /// A value has the right type but is outside what is allowed (semantic validation).
    Value,
    /// The file's `format` is not one this build reads.
    Format,
    /// Building a world from a valid preset failed (e.g. a graph generator rejected its input).
    Build,
}

impl ErrorKind {
    /// A short lower-case name ("syntax error", "unknown field", ...).
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::Io => "i/o error",
            ErrorKind::Syntax => "syntax error",
            ErrorKind::Type => "wrong type",
            ErrorKind::UnknownField => "unknown field",
            ErrorKind::UnknownVariant => "unknown variant",
            ErrorKind::MissingField => "missing field",
            ErrorKind::DuplicateField => "duplicate field",
            ErrorKind::Value => "invalid value",
            ErrorKind::Format => "unsupported format",
            ErrorKind::Build => "cannot build",
        }
    }
}

/// One problem with a preset: where it is, what is wrong and what is allowed.
///
/// The details are boxed to keep `Result<_, PresetError>` small; they are read through
/// `Deref` (`err.kind`, `err.path`, `err.line`, ...) and built with [`PresetError::new`] and
/// the `with_*` methods.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PresetError(Box<ErrorDetails>);

/// The details of a [`PresetError`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorDetails {
    /// What kind of problem this is.
    pub kind: ErrorKind,
    /// The file as displayed (a path, [`TEXT_FILE`] or [`PRESET_FILE`]).
    pub file: String,
    /// 1-based line, where known.
    pub line: Option<usize>,
    /// 1-based column (in characters), where known.
    pub column: Option<usize>,
    /// The field path, e.g. `species[1].kernel.temperature`; empty for the whole file.
    pub path: String,
    /// The bad value as text, where there is one.
    pub value: Option<String>,
    /// What is wrong and what is allowed, e.g. `must be > 0`.
    pub message: String,
    /// The closest valid name, for unknown fields, variants and names.
    pub suggestion: Option<String>,
    /// The valid names, for unknown fields, variants and names (empty otherwise).
    pub valid: Vec<String>,
}

impl std::ops::Deref for PresetError {
    type Target = ErrorDetails;

    fn deref(&self) -> &ErrorDetails {
        &self.0
    }
}

impl std::ops::DerefMut for PresetError {
    fn deref_mut(&mut self) -> &mut ErrorDetails {
        &mut self.0
    }
}

impl From<ErrorDetails> for PresetError {
    fn from(details: ErrorDetails) -> Self {
        Self(Box::new(details))
    }
}

impl PresetError {
    /// A new error with no position, value, suggestion or list of valid names.
    pub fn new(
        kind: ErrorKind,
        file: impl Into<String>,
        path: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ErrorDetails {
            kind,
            file: file.into(),
            line: None,
            column: None,
            path: path.into(),
            value: None,
            message: message.into(),
            suggestion: None,
            valid: Vec::new(),
        }
        .into()
    }

    /// The details, unboxed.
    pub fn into_details(self) -> ErrorDetails {
        *self.0
    }

    /// Sets the bad value.
    pub fn with_value(mut self, value: impl Into<String>) -> Self {
        self.value = Some(value.into());
        self
    }

    /// Sets the 1-based line and column.
    pub fn at(mut self, line: usize, column: usize) -> Self {
        self.line = Some(line);
        self.column = Some(column);
        self
    }

    /// Sets the file.
    pub fn in_file(mut self, file: impl Into<String>) -> Self {
        self.file = file.into();
        self
    }

    /// Sets the list of valid names and the closest one to `found` among them, if any is
    /// close enough.
    pub fn with_names<S: AsRef<str>>(mut self, found: &str, valid: &[S]) -> Self {
        self.suggestion = closest(found, valid.iter().map(AsRef::as_ref)).map(str::to_owned);
        self.valid = valid.iter().map(|s| s.as_ref().to_owned()).collect();
        self
    }

    /// Finds the line and column of this error's field path in `text` (the text the preset was
    /// read from) and sets them, unless a position is already set or the path cannot be found
    /// for certain.
    pub fn located_in(mut self, text: &str) -> Self {
        if self.line.is_none()
            && let Some((line, column)) = super::load::locate(text, &self.path)
        {
            self.line = Some(line);
            self.column = Some(column);
        }
        self
    }

    /// Names `path` as the file of this error and locates its field path in the text of that
    /// file (read again; a UTF-8 byte-order mark at its start is skipped, as the loader does,
    /// so columns on the first line are right). Used for errors raised while building a world
    /// from a preset read from `path`, so that every command reports them at the same
    /// `file:line:column`. A file that cannot be read again leaves the error unlocated.
    pub fn located_in_file(self, path: &std::path::Path) -> Self {
        let e = self.in_file(path.display().to_string());
        match std::fs::read_to_string(path) {
            Ok(text) => e.located_in(text.strip_prefix('\u{feff}').unwrap_or(&text)),
            Err(_) => e,
        }
    }
}

impl fmt::Display for PresetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(column) = self.column {
                write!(f, ":{column}")?;
            }
        }
        f.write_str(": ")?;
        if !self.path.is_empty() {
            f.write_str(&self.path)?;
            if let Some(value) = &self.value {
                write!(f, " = {value}")?;
            }
            f.write_str(": ")?;
        } else if let Some(value) = &self.value {
            write!(f, "{value}: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for PresetError {}

/// An error raised while building a world from a valid preset (a graph generator's error, a
/// node id outside the built graph, ...), at the field path `path` of the preset read from
/// `file`. Call [`PresetError::located_in`] with the preset's text to add the line and column.
pub fn build_error(file: &str, path: &str, message: String) -> PresetError {
    PresetError::new(ErrorKind::Build, file, path, message)
}

/// The candidate closest to `name`, if one is close enough to be a likely typo: equal but for
/// case, or within a Damerau–Levenshtein distance of a third of the name's length (at least 1).
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(1);
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let distance = if candidate.to_lowercase() == lower {
            0
        } else {
            strsim::damerau_levenshtein(name, candidate)
        };
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// `a, b, c` with each name in backticks, or `(none)`.
pub fn name_list<S: AsRef<str>>(names: &[S]) -> String {
    if names.is_empty() {
        return "(none)".to_owned();
    }
    let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", n.as_ref())).collect();
    quoted.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_reads_well() {
        let e = PresetError::new(
            ErrorKind::Value,
            "presets/x.ron",
            "species[0].kernel.temperature",
            "must be > 0",
        )
        .with_value("-1")
        .at(12, 5);
        assert_eq!(
            e.to_string(),
            "presets/x.ron:12:5: species[0].kernel.temperature = -1: must be > 0"
        );
        let e = PresetError::new(ErrorKind::Syntax, TEXT_FILE, "", "unexpected end of file");
        assert_eq!(e.to_string(), "<text>: unexpected end of file");
    }

    #[test]
    fn suggests_close_names() {
        let names = ["mobility", "temperature", "alpha_weight"];
        assert_eq!(closest("temprature", names), Some("temperature"));
        assert_eq!(closest("Temperature", names), Some("temperature"));
        assert_eq!(closest("zzz", names), None);
        assert_eq!(closest("", names), None);
        let b = build_error("a.ron", "host.Graph.graph", "no nodes".to_owned());
        assert_eq!(b.kind, ErrorKind::Build);
        assert_eq!(b.to_string(), "a.ron: host.Graph.graph: no nodes");
    }
}
