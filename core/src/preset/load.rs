//! Reading and writing presets: RON text to a checked [`Preset`] and back.
//!
//! [`from_str`] works in four passes, and the first problem found is returned:
//!
//! 1. The `format` number is read from the top level of the text with a small tolerant RON
//!    scanner, so that a file from a newer build gets a [`ErrorKind::Format`] error even if the
//!    rest of it no longer parses here.
//! 2. The text is deserialized by `ron` through `serde_path_to_error`, which gives the field
//!    path of a type error; `ron` gives the line and column.
//! 3. [`validate`](super::validate::validate) checks every value.
//! 4. The field path of the error is looked up in the text (the same scanner) to give its line
//!    and column, when it can be found for certain.
//!
//! [`save`] writes atomically: to a temporary file in the same directory, then a rename.

use std::fs;
use std::io::Write;
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use super::error::{ErrorKind, PresetError, TEXT_FILE, name_list};
use super::{FORMAT, Preset};

/// Reads a preset from RON `text` and checks it. `file` names the text in errors (a path, or
/// [`TEXT_FILE`] for text that has none). A UTF-8 byte-order mark (U+FEFF, which some Windows
/// editors write) at the start is skipped; columns on the first line count from after it.
pub fn from_str(text: &str, file: &str) -> Result<Preset, PresetError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let tree = parse_tree(text);
    if let Some(err) = tree.as_ref().and_then(|t| probe_format(text, t, file)) {
        return Err(err);
    }
    let preset = deserialize(text, tree.as_ref(), file)?;
    if let Some(err) = format_error(u64::from(preset.format), file) {
        return Err(located(err, text, tree.as_ref()));
    }
    match super::validate::validate(&preset) {
        Ok(()) => Ok(preset),
        Err(errors) => {
            let first = errors.into_iter().next().unwrap_or_else(|| {
                PresetError::new(ErrorKind::Value, file, "", "the preset is not valid")
            });
            Err(located(first.in_file(file), text, tree.as_ref()))
        }
    }
}

/// Reads and checks the preset file at `path`.
pub fn load(path: &Path) -> Result<Preset, PresetError> {
    let file = path.display().to_string();
    let bytes = fs::read(path).map_err(|e| {
        PresetError::new(ErrorKind::Io, file.as_str(), "", format!("cannot read the file: {e}"))
    })?;
    match std::str::from_utf8(&bytes) {
        Ok(text) => from_str(text, &file),
        Err(e) => {
            let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
            let (line, column) = line_col(&valid, valid.len());
            Err(PresetError::new(
                ErrorKind::Syntax,
                file,
                "",
                "the file is not valid UTF-8 text (RON files are UTF-8)",
            )
            .at(line, column))
        }
    }
}

/// The preset as pretty RON with struct names, one field per line (fixed-size arrays such as
/// receptors and matrix rows stay on one line). The preset is checked first: an invalid preset
/// is not written, so that everything written loads back, to an equal [`Preset`].
pub fn to_string(preset: &Preset) -> Result<String, PresetError> {
    if let Err(errors) = super::validate::validate(preset)
        && let Some(first) = errors.into_iter().next()
    {
        return Err(first);
    }
    let config = ron::ser::PrettyConfig::new().struct_names(true);
    ron::ser::to_string_pretty(preset, config)
        .map(|mut s| {
            s.push('\n');
            s
        })
        .map_err(|e| {
            PresetError::new(ErrorKind::Io, TEXT_FILE, "", format!("cannot write RON: {e}"))
        })
}

/// Counts temporary files so that two saves from one process never share one.
static SAVE_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Checks `preset` and writes it to `path` atomically: to a temporary file in the same
/// directory, flushed to disk, then renamed over `path`. On failure `path` is untouched.
pub fn save(preset: &Preset, path: &Path) -> Result<(), PresetError> {
    let file = path.display().to_string();
    let text = to_string(preset).map_err(|e| e.in_file(file.as_str()))?;
    let io_error = |what: &str, e: std::io::Error| {
        PresetError::new(ErrorKind::Io, file.as_str(), "", format!("{what}: {e}"))
    };
    let name = path.file_name().ok_or_else(|| {
        PresetError::new(ErrorKind::Io, file.as_str(), "", "not a file path (it has no file name)")
    })?;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let n = SAVE_COUNTER.fetch_add(1, Ordering::Relaxed);
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(name);
    tmp_name.push(format!(".{}.{n}.tmp", std::process::id()));
    let tmp = dir.join(tmp_name);
    let written = (|| {
        let mut f = fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()
    })();
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(io_error("cannot write a temporary file next to it", e));
    }
    if let Err(e) = fs::rename(&tmp, path) {
        let _ = fs::remove_file(&tmp);
        return Err(io_error("cannot replace the file", e));
    }
    Ok(())
}

/// The 1-based line and column (in characters) of the field path `path` (as in
/// [`ErrorDetails::path`](super::error::ErrorDetails::path)) in the RON `text`: the field's
/// key for a field, else the start of the value. `None` when the text does not parse, the
/// field is not written out (a default), or the path cannot be followed for certain.
pub fn locate(text: &str, path: &str) -> Option<(usize, usize)> {
    let tree = parse_tree(text)?;
    let (offset, _) = find_path(&tree, path)?;
    Some(line_col(text, offset))
}

// ---------------------------------------------------------------------------------------------
// Deserialization and its errors.

/// Runs `ron` through `serde_path_to_error` and turns its error into a [`PresetError`].
fn deserialize(text: &str, tree: Option<&Node<'_>>, file: &str) -> Result<Preset, PresetError> {
    let mut de = ron::Deserializer::from_str(text).map_err(|e| {
        let start = e.span.start;
        syntax_error(text, file, e.code, start.line, start.column_or_one())
    })?;
    let result: Result<Preset, _> = serde_path_to_error::deserialize(&mut de);
    match result {
        Ok(preset) => match de.end() {
            Ok(()) => Ok(preset),
            Err(code) => {
                // Trailing text: point at it, past the whitespace after the preset.
                let end = de.span_error(code.clone()).span.end;
                Err(syntax_error(text, file, code, end.line, end.column_or_one()))
            }
        },
        Err(e) => {
            let path = path_string(e.path());
            let code = e.into_inner();
            let start = de.span_error(code.clone()).span.start;
            Err(map_error(text, tree, file, path, code, (start.line, start.column_or_one())))
        }
    }
}

/// `ron`'s positions are 1-based already; this only guards against a 0.
trait ColumnOrOne {
    fn column_or_one(&self) -> usize;
}

impl ColumnOrOne for ron::error::Position {
    fn column_or_one(&self) -> usize {
        self.col.max(1)
    }
}

/// The path in our notation: fields and variants joined by `.`, elements as `[i]`; stops at
/// the first segment `serde_path_to_error` could not name.
fn path_string(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut out = String::new();
    for seg in path.iter() {
        match seg {
            Segment::Seq { index } => out.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => push_field(&mut out, key),
            Segment::Unknown => break,
        }
    }
    out
}

/// Appends `.name` (or `name` at the root) to a path.
fn push_field(path: &mut String, name: &str) {
    if !path.is_empty() {
        path.push('.');
    }
    path.push_str(name);
}

/// A syntax error from `ron`, at `line:column`, with what the bracket count says.
fn syntax_error(
    text: &str,
    file: &str,
    code: ron::Error,
    line: usize,
    column: usize,
) -> PresetError {
    let mut message = describe(&code);
    if let Some(note) = bracket_note(text) {
        message = format!("{message}; {note}");
    }
    PresetError::new(ErrorKind::Syntax, file, "", message).at(line, column)
}

/// Turns a `ron` deserialization error at field path `path` into a [`PresetError`].
fn map_error(
    text: &str,
    tree: Option<&Node<'_>>,
    file: &str,
    path: String,
    code: ron::Error,
    (line, column): (usize, usize),
) -> PresetError {
    use ron::Error as E;
    // Unbalanced brackets make the parser read on in the wrong struct, and what it then says
    // (an unknown field, a missing one) is not the real problem.
    if let Some(note) = bracket_note(text) {
        let message = format!("{note}; the parser stopped here: {}", describe(&code));
        return PresetError::new(ErrorKind::Syntax, file, "", message).at(line, column);
    }
    let found_at = tree.and_then(|t| find_path(t, &path));
    let value_text = found_at.map(|(_, node)| snippet(&text[node.start..node.end]));
    let key_position = found_at.map(|(offset, _)| line_col(text, offset));
    match code {
        E::NoSuchStructField { expected, found, outer } => {
            let mut err = PresetError::new(ErrorKind::UnknownField, file, path, "")
                .with_names(&found, expected)
                .at(line, column);
            let within = outer.map(|o| format!(" in `{o}`")).unwrap_or_default();
            let hint = match &err.suggestion {
                Some(s) => format!("; did you mean `{s}`?"),
                None => ".".to_owned(),
            };
            err.message = format!(
                "unknown field `{found}`{within}{hint} Valid fields: {}",
                name_list(expected)
            );
            err
        }
        E::NoSuchEnumVariant { expected, found, outer } => {
            let mut err = PresetError::new(ErrorKind::UnknownVariant, file, path, "")
                .with_value(found.clone())
                .with_names(&found, expected)
                .at(line, column);
            let of = outer.map(|o| format!(" of `{o}`")).unwrap_or_default();
            let what = format!("`{found}` is not a variant{of}");
            let hint = match &err.suggestion {
                Some(s) => format!("did you mean `{s}`? "),
                None => String::new(),
            };
            err.message = format!("{what}; {hint}allowed: {}", name_list(expected));
            err
        }
        E::MissingStructField { field, outer } => {
            let mut full = path.clone();
            push_field(&mut full, field);
            let within = outer.map(|o| format!(" of `{o}`")).unwrap_or_default();
            let message = format!("the required field `{field}`{within} is missing: add it");
            let (line, column) = key_position.unwrap_or((line, column));
            PresetError::new(ErrorKind::MissingField, file, full, message).at(line, column)
        }
        E::DuplicateStructField { field, outer } => {
            let mut full = path.clone();
            push_field(&mut full, field);
            let within = outer.map(|o| format!(" in `{o}`")).unwrap_or_default();
            let message = format!("the field `{field}` is given twice{within}: give it once");
            PresetError::new(ErrorKind::DuplicateField, file, full, message).at(line, column)
        }
        E::ExpectedDifferentStructName { expected, found } => {
            let message = format!(
                "expected a `{expected}` here, found `{found}` (write `{expected}(...)` or just \
                 `(...)`)"
            );
            PresetError::new(ErrorKind::Type, file, path, message)
                .with_value(found)
                .at(line, column)
        }
        code if is_syntax(&code) => {
            // A syntax error inside a value still has a useful path.
            let mut err = syntax_error(text, file, code, line, column);
            err.path = path;
            err
        }
        code => {
            let mut message = describe(&code);
            if value_text.as_deref().is_some_and(|v| v.starts_with('['))
                && matches!(code, E::ExpectedStructLike | E::ExpectedDifferentLength { .. })
            {
                message.push_str(
                    " (fixed-size arrays such as colours, receptors and matrix rows are written \
                     in parentheses: `(1.0, 0.0, 0.0, 0.0)`)",
                );
            }
            let (line, column) = key_position.unwrap_or((line, column));
            let mut err = PresetError::new(ErrorKind::Type, file, path, message).at(line, column);
            err.value = value_text;
            err
        }
    }
}

/// Whether a `ron` error is about the text itself rather than the types it describes.
fn is_syntax(code: &ron::Error) -> bool {
    use ron::Error as E;
    !matches!(
        code,
        E::Message(_)
            | E::ExpectedArray
            | E::ExpectedBoolean
            | E::ExpectedChar
            | E::ExpectedByteLiteral
            | E::ExpectedFloat
            | E::ExpectedInteger
            | E::ExpectedOption
            | E::ExpectedMap
            | E::ExpectedStructLike
            | E::ExpectedNamedStructLike(_)
            | E::ExpectedDifferentStructName { .. }
            | E::ExpectedUnit
            | E::ExpectedString
            | E::ExpectedByteString
            | E::ExpectedIdentifier
            | E::IntegerOutOfBounds
            | E::InvalidIntegerDigit { .. }
            | E::InvalidValueForType { .. }
            | E::ExpectedDifferentLength { .. }
            | E::ExpectedRawValue
            | E::ExpectedStructName(_)
            | E::NoSuchEnumVariant { .. }
            | E::NoSuchStructField { .. }
            | E::MissingStructField { .. }
            | E::DuplicateStructField { .. }
    )
}

/// A person's wording of a `ron` error that says what was expected.
fn describe(code: &ron::Error) -> String {
    use ron::Error as E;
    match code {
        E::Eof => "unexpected end of file".to_owned(),
        E::ExpectedFloat => "expected a number, e.g. `1.0`".to_owned(),
        E::ExpectedInteger => "expected a whole number, e.g. `3`".to_owned(),
        E::IntegerOutOfBounds => {
            "the whole number is out of range for this field (negative or too large)".to_owned()
        }
        E::ExpectedString => "expected a string in double quotes, e.g. `\"name\"`".to_owned(),
        E::ExpectedBoolean => "expected `true` or `false`".to_owned(),
        E::ExpectedOption => "expected `Some(...)` or `None`".to_owned(),
        E::ExpectedArray => "expected a list in brackets, e.g. `[1, 2]`".to_owned(),
        E::ExpectedStructLike => "expected a value in parentheses `(...)`".to_owned(),
        E::ExpectedNamedStructLike(name) if !name.is_empty() => {
            format!("expected `{name}(...)` or `(...)` here")
        }
        E::ExpectedComma => "expected a comma `,` between items".to_owned(),
        // ron suggests the raw identifier `r#-5`, which no field or variant is called.
        E::SuggestRawIdentifier(found) => {
            let what = if found.starts_with(|c: char| c.is_ascii_digit() || "+-.".contains(c)) {
                "a number"
            } else {
                "text that is not a name"
            };
            format!(
                "expected a name here (a field name such as `rate`, or a variant such as \
                 `Forward` or `Nodes([0])`), found {what}, `{found}`; names start with a letter \
                 or `_` and hold letters, digits and `_`"
            )
        }
        E::ExpectedIdentifier => "expected a name here (a field name such as `rate`, or a \
                                  variant such as `Forward`)"
            .to_owned(),
        E::TrailingCharacters => {
            "unexpected text after the end of the preset (only one value is allowed)".to_owned()
        }
        other => {
            let mut s = other.to_string();
            if let Some(first) = s.get(..1) {
                let lower = first.to_lowercase();
                s.replace_range(..1, &lower);
            }
            s
        }
    }
}

/// The first line of a value's text, at most 60 characters.
fn snippet(text: &str) -> String {
    let first = text.lines().next().unwrap_or("");
    let mut out: String = first.chars().take(60).collect();
    if out.len() < text.len() {
        out.push('…');
    }
    out
}

/// Sets the error's line and column from its path, if found in the parsed text.
fn located(err: PresetError, text: &str, tree: Option<&Node<'_>>) -> PresetError {
    if err.line.is_some() {
        return err;
    }
    match tree.and_then(|t| find_path(t, &err.path)) {
        Some((offset, _)) => {
            let (line, column) = line_col(text, offset);
            err.at(line, column)
        }
        None => err,
    }
}

/// The supported formats in words.
fn supported_formats() -> String {
    if FORMAT == 1 { "1".to_owned() } else { format!("1 to {FORMAT}") }
}

/// A [`ErrorKind::Format`] error when `format` is not one this build reads.
fn format_error(format: u64, file: &str) -> Option<PresetError> {
    let message = if format == 0 {
        format!("there is no format 0; this build reads format {}", supported_formats())
    } else if format > u64::from(FORMAT) {
        format!(
            "this preset was written for a newer build (format {format}); this build reads \
             format {}: update the lab to open it",
            supported_formats()
        )
    } else {
        return None;
    };
    Some(
        PresetError::new(ErrorKind::Format, file, "format", message).with_value(format.to_string()),
    )
}

/// Reads the top-level `format` before anything else.
fn probe_format(text: &str, tree: &Node<'_>, file: &str) -> Option<PresetError> {
    let (offset, node) = find_path(tree, "format")?;
    if !matches!(node.body, Body::Atom) {
        return None;
    }
    let digits: String = text[node.start..node.end].chars().filter(|&c| c != '_').collect();
    let format: u64 = digits.parse().ok()?;
    let (line, column) = line_col(text, offset);
    format_error(format, file).map(|e| e.at(line, column))
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &text[..offset];
    let line = 1 + before.matches('\n').count();
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, 1 + before[line_start..].chars().count())
}

/// What the bracket count says when brackets do not balance (`None` when they do, or when
/// the text cannot be scanned).
fn bracket_note(text: &str) -> Option<String> {
    let tokens = lex(text)?;
    let pairs = [('(', ')'), ('[', ']'), ('{', '}')];
    let mut notes = Vec::new();
    for (open, close) in pairs {
        let opens = tokens.iter().filter(|t| t.tok == Tok::Open(open)).count();
        let closes = tokens.iter().filter(|t| t.tok == Tok::Close(close)).count();
        if opens > closes {
            let missing = opens - closes;
            let what = if missing == 1 {
                format!("a closing `{close}` is missing")
            } else {
                format!("{missing} closing `{close}` are missing")
            };
            notes.push(format!("{what} ({opens} `{open}` but {closes} `{close}`)"));
        } else if closes > opens {
            notes.push(format!(
                "there is an extra `{close}` ({opens} `{open}` but {closes} `{close}`)"
            ));
        }
    }
    if notes.is_empty() {
        // Equal counts can still pair wrongly, e.g. `(]` and `[)`.
        let mut stack: Vec<(char, usize)> = Vec::new();
        for t in &tokens {
            match t.tok {
                Tok::Open(c) => stack.push((c, t.start)),
                Tok::Close(c) => {
                    let (open, at) = stack.pop()?;
                    let want = pairs.iter().find(|p| p.0 == open).map(|p| p.1);
                    if want != Some(c) {
                        let (l1, c1) = line_col(text, at);
                        let (l2, c2) = line_col(text, t.start);
                        return Some(format!(
                            "the brackets do not pair up: the `{c}` at {l2}:{c2} closes the \
                             `{open}` opened at {l1}:{c1}"
                        ));
                    }
                }
                _ => {}
            }
        }
        return None;
    }
    Some(format!("the brackets do not balance: {}", notes.join(", ")))
}

// ---------------------------------------------------------------------------------------------
// A small, tolerant RON scanner: enough structure to find field paths in the text.

/// Deepest nesting the scanner follows (`ron` stops at 128 by default).
const MAX_DEPTH: usize = 256;

/// A token kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Tok {
    /// `(`, `[` or `{`.
    Open(char),
    /// `)`, `]` or `}`.
    Close(char),
    /// `,`.
    Comma,
    /// `:`.
    Colon,
    /// An identifier (including `NaN`, `inf`, `true`, `None`).
    Ident,
    /// A number, string, byte string or character literal.
    Atom,
    /// Any other character (`#`, `!`, ...).
    Punct(char),
}

/// A token and its byte range.
#[derive(Clone, Copy, Debug)]
struct Token {
    tok: Tok,
    start: usize,
    end: usize,
}

/// A cursor over the text.
struct Lexer<'a> {
    text: &'a str,
    pos: usize,
}

impl Lexer<'_> {
    fn peek(&self, n: usize) -> Option<char> {
        self.text.get(self.pos..)?.chars().nth(n)
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek(0)?;
        self.pos += c.len_utf8();
        Some(c)
    }

    /// Skips a `"..."` string with escapes (the cursor is on the quote).
    fn string(&mut self) -> Option<()> {
        self.bump();
        loop {
            match self.bump()? {
                '\\' => {
                    self.bump()?;
                }
                '"' => return Some(()),
                _ => {}
            }
        }
    }

    /// Skips a raw string `r#"..."#` (the cursor is on the `r`).
    fn raw_string(&mut self) -> Option<()> {
        self.bump();
        let mut hashes = 0;
        while hashes < 255 && self.peek(0) == Some('#') {
            self.bump();
            hashes += 1;
        }
        if self.bump()? != '"' {
            return None;
        }
        let closing = format!("\"{}", "#".repeat(hashes));
        let rest = self.text.get(self.pos..)?;
        let at = rest.find(&closing)?;
        self.pos += at + closing.len();
        Some(())
    }

    /// Skips a `'c'` character literal (the cursor is on the quote).
    fn char_literal(&mut self) -> Option<()> {
        self.bump();
        if self.bump()? == '\\' {
            self.bump()?;
            while self.bump()? != '\'' {}
        } else if self.bump()? != '\'' {
            return None;
        }
        Some(())
    }

    /// Whether a raw string starts at the cursor plus `n` (`r"` or `r#..."`).
    fn raw_string_at(&self, n: usize) -> bool {
        if self.peek(n) != Some('r') {
            return false;
        }
        let mut k = n + 1;
        // At most 255 `#` (more would make this scan quadratic); longer runs are not strings.
        while k < n + 256 && self.peek(k) == Some('#') {
            k += 1;
        }
        self.peek(k) == Some('"')
    }
}

fn is_ident_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_ident_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// Splits `text` into tokens, skipping whitespace and comments; `None` on an unclosed
/// string, character or comment.
fn lex(text: &str) -> Option<Vec<Token>> {
    let mut lx = Lexer { text, pos: 0 };
    let mut out = Vec::new();
    while let Some(c) = lx.peek(0) {
        let start = lx.pos;
        let tok = match c {
            c if c.is_whitespace() => {
                lx.bump();
                continue;
            }
            '/' if lx.peek(1) == Some('/') => {
                while lx.peek(0).is_some_and(|c| c != '\n') {
                    lx.bump();
                }
                continue;
            }
            '/' if lx.peek(1) == Some('*') => {
                let mut depth = 0usize;
                loop {
                    if lx.peek(0) == Some('/') && lx.peek(1) == Some('*') {
                        lx.pos += 2;
                        depth += 1;
                    } else if lx.peek(0) == Some('*') && lx.peek(1) == Some('/') {
                        lx.pos += 2;
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        lx.bump()?;
                    }
                }
                continue;
            }
            '"' => {
                lx.string()?;
                Tok::Atom
            }
            '\'' => {
                lx.char_literal()?;
                Tok::Atom
            }
            'b' if lx.peek(1) == Some('"') => {
                lx.bump();
                lx.string()?;
                Tok::Atom
            }
            'b' if lx.peek(1) == Some('\'') => {
                lx.bump();
                lx.char_literal()?;
                Tok::Atom
            }
            'b' if lx.raw_string_at(1) => {
                lx.bump();
                lx.raw_string()?;
                Tok::Atom
            }
            'r' if lx.raw_string_at(0) => {
                lx.raw_string()?;
                Tok::Atom
            }
            'r' if lx.peek(1) == Some('#') && lx.peek(2).is_some_and(is_ident_char) => {
                lx.pos += 2;
                while lx.peek(0).is_some_and(is_ident_char) {
                    lx.bump();
                }
                Tok::Ident
            }
            c if is_ident_start(c) => {
                while lx.peek(0).is_some_and(is_ident_char) {
                    lx.bump();
                }
                Tok::Ident
            }
            c if c.is_ascii_digit()
                || (matches!(c, '+' | '-' | '.')
                    && lx.peek(1).is_some_and(|d| d.is_alphanumeric() || d == '.')) =>
            {
                lx.bump();
                let mut prev = c;
                while let Some(d) = lx.peek(0) {
                    let exponent_sign = matches!(d, '+' | '-') && matches!(prev, 'e' | 'E');
                    if is_ident_char(d) || d == '.' || exponent_sign {
                        lx.bump();
                        prev = d;
                    } else {
                        break;
                    }
                }
                Tok::Atom
            }
            '(' | '[' | '{' => {
                lx.bump();
                Tok::Open(c)
            }
            ')' | ']' | '}' => {
                lx.bump();
                Tok::Close(c)
            }
            ',' => {
                lx.bump();
                Tok::Comma
            }
            ':' => {
                lx.bump();
                Tok::Colon
            }
            c => {
                lx.bump();
                Tok::Punct(c)
            }
        };
        out.push(Token { tok, start, end: lx.pos });
    }
    Some(out)
}

/// A value in the text.
#[derive(Debug)]
pub(crate) struct Node<'a> {
    /// Byte offset of its first token (the name, if it has one).
    start: usize,
    /// Byte offset after its last token.
    end: usize,
    /// The identifier before `(`, or the identifier itself for a bare one (`All`, `NaN`).
    name: Option<&'a str>,
    /// What it holds.
    body: Body<'a>,
}

/// The contents of a [`Node`].
#[derive(Debug)]
enum Body<'a> {
    /// A number, string, character or bare identifier.
    Atom,
    /// `( ... )`: named fields and positional items.
    Group {
        /// `key: value` entries.
        fields: Vec<Field<'a>>,
        /// Positional entries.
        items: Vec<Node<'a>>,
    },
    /// `[ ... ]`.
    List(Vec<Node<'a>>),
    /// `{ key: value, ... }`.
    Map(Vec<(Node<'a>, Node<'a>)>),
}

/// A `key: value` entry of a group.
#[derive(Debug)]
struct Field<'a> {
    key: &'a str,
    key_start: usize,
    value: Node<'a>,
}

/// A recursive-descent parser over the tokens.
struct TreeParser<'a> {
    text: &'a str,
    tokens: Vec<Token>,
    at: usize,
}

impl<'a> TreeParser<'a> {
    fn peek(&self, n: usize) -> Option<Tok> {
        self.tokens.get(self.at + n).map(|t| t.tok)
    }

    fn next(&mut self) -> Option<Token> {
        let t = *self.tokens.get(self.at)?;
        self.at += 1;
        Some(t)
    }

    fn last_end(&self) -> usize {
        self.at.checked_sub(1).and_then(|i| self.tokens.get(i)).map_or(0, |t| t.end)
    }

    fn value(&mut self, depth: usize) -> Option<Node<'a>> {
        if depth > MAX_DEPTH {
            return None;
        }
        let t = self.next()?;
        let text = self.text;
        let (name, body) = match t.tok {
            Tok::Ident if self.peek(0) == Some(Tok::Open('(')) => {
                self.next();
                (text.get(t.start..t.end), self.group(depth)?)
            }
            Tok::Ident => (text.get(t.start..t.end), Body::Atom),
            Tok::Atom => (None, Body::Atom),
            Tok::Open('(') => (None, self.group(depth)?),
            Tok::Open('[') => (None, Body::List(self.list(depth)?)),
            Tok::Open('{') => (None, Body::Map(self.map(depth)?)),
            _ => return None,
        };
        Some(Node { start: t.start, end: self.last_end(), name, body })
    }

    /// After a separator-or-close decision: `Some(true)` when the sequence ended at `close`.
    fn separator(&mut self, close: char) -> Option<bool> {
        match self.next()?.tok {
            Tok::Comma => Some(self.peek(0) == Some(Tok::Close(close)) && self.next().is_some()),
            Tok::Close(c) if c == close => Some(true),
            _ => None,
        }
    }

    fn group(&mut self, depth: usize) -> Option<Body<'a>> {
        let mut fields = Vec::new();
        let mut items = Vec::new();
        if self.peek(0) == Some(Tok::Close(')')) {
            self.next();
            return Some(Body::Group { fields, items });
        }
        loop {
            if self.peek(0) == Some(Tok::Ident) && self.peek(1) == Some(Tok::Colon) {
                let key = self.next()?;
                self.next();
                let value = self.value(depth + 1)?;
                let name = self.text.get(key.start..key.end)?;
                let name = name.strip_prefix("r#").unwrap_or(name);
                fields.push(Field { key: name, key_start: key.start, value });
            } else {
                items.push(self.value(depth + 1)?);
            }
            if self.separator(')')? {
                return Some(Body::Group { fields, items });
            }
        }
    }

    fn list(&mut self, depth: usize) -> Option<Vec<Node<'a>>> {
        let mut items = Vec::new();
        if self.peek(0) == Some(Tok::Close(']')) {
            self.next();
            return Some(items);
        }
        loop {
            items.push(self.value(depth + 1)?);
            if self.separator(']')? {
                return Some(items);
            }
        }
    }

    fn map(&mut self, depth: usize) -> Option<Vec<(Node<'a>, Node<'a>)>> {
        let mut entries = Vec::new();
        if self.peek(0) == Some(Tok::Close('}')) {
            self.next();
            return Some(entries);
        }
        loop {
            let key = self.value(depth + 1)?;
            if self.next()?.tok != Tok::Colon {
                return None;
            }
            entries.push((key, self.value(depth + 1)?));
            if self.separator('}')? {
                return Some(entries);
            }
        }
    }
}

/// Parses the whole text (after any `#![enable(...)]` attributes) into one value.
pub(crate) fn parse_tree(text: &str) -> Option<Node<'_>> {
    let tokens = lex(text)?;
    let mut p = TreeParser { text, tokens, at: 0 };
    while p.peek(0) == Some(Tok::Punct('#')) {
        p.next();
        if p.peek(0) == Some(Tok::Punct('!')) {
            p.next();
        }
        p.value(0)?;
    }
    let root = p.value(0)?;
    if p.at != p.tokens.len() {
        return None;
    }
    Some(root)
}

/// A step of a field path.
enum Seg<'p> {
    /// A struct field or an enum variant.
    Name(&'p str),
    /// An element of a list or tuple.
    Index(usize),
}

/// Splits `a.b[1].c` into steps; `None` for a malformed or unknown (`?`) path.
fn parse_path(path: &str) -> Option<Vec<Seg<'_>>> {
    let mut segs = Vec::new();
    let mut rest = path;
    while !rest.is_empty() {
        if let Some(r) = rest.strip_prefix('[') {
            let close = r.find(']')?;
            segs.push(Seg::Index(r.get(..close)?.parse().ok()?));
            rest = r.get(close + 1..)?;
        } else {
            let r = if segs.is_empty() { rest } else { rest.strip_prefix('.')? };
            let end = r.find(['.', '[']).unwrap_or(r.len());
            let name = r.get(..end)?;
            if name.is_empty() || !name.chars().all(is_ident_char) {
                return None;
            }
            segs.push(Seg::Name(name));
            rest = r.get(end..)?;
        }
    }
    Some(segs)
}

/// The only positional item of an unnamed-field group (`Some(x)`, a newtype variant's
/// content, a newtype struct), which path steps pass through.
fn only_item<'n, 'a>(node: &'n Node<'a>) -> Option<&'n Node<'a>> {
    match &node.body {
        Body::Group { fields, items } if fields.is_empty() && items.len() == 1 => items.first(),
        _ => None,
    }
}

/// Follows one path step from `node`: the anchor offset (a field's key, else the value's
/// start) and the value reached.
fn step<'n, 'a>(mut node: &'n Node<'a>, seg: &Seg<'_>) -> Option<(usize, &'n Node<'a>)> {
    for _ in 0..MAX_DEPTH {
        match *seg {
            Seg::Name(name) => {
                if let Body::Group { fields, .. } = &node.body
                    && let Some(f) = fields.iter().find(|f| f.key == name)
                {
                    return Some((f.key_start, &f.value));
                }
                if node.name == Some(name) {
                    // An enum variant: the path continues into its content.
                    return Some((node.start, node));
                }
                node = only_item(node)?;
            }
            Seg::Index(i) => match &node.body {
                Body::List(items) => return items.get(i).map(|n| (n.start, n)),
                Body::Group { fields, items } if fields.is_empty() => match only_item(node) {
                    Some(inner) if matches!(inner.body, Body::Group { .. } | Body::List(_)) => {
                        node = inner;
                    }
                    _ => return items.get(i).map(|n| (n.start, n)),
                },
                _ => return None,
            },
        }
    }
    None
}

/// Follows a whole field path from the root: the anchor offset and the value reached.
fn find_path<'n, 'a>(root: &'n Node<'a>, path: &str) -> Option<(usize, &'n Node<'a>)> {
    let segs = parse_path(path)?;
    let mut node = root;
    let mut anchor = None;
    for seg in &segs {
        let (offset, next) = step(node, seg)?;
        anchor = Some(offset);
        node = next;
    }
    anchor.map(|a| (a, node))
}

/// The field path and text of every `NaN` or infinite number in `text`, which must be RON
/// written without struct names (as `ron::to_string` does), in document order.
pub(crate) fn non_finite_numbers(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    if let Some(root) = parse_tree(text) {
        // The root is the preset itself: a name there is its struct name, not a variant.
        let root = Node { name: None, ..root };
        let mut path = String::new();
        walk_numbers(text, &root, &mut path, &mut out);
    }
    out
}

fn walk_numbers(text: &str, node: &Node<'_>, path: &mut String, out: &mut Vec<(String, String)>) {
    let len = path.len();
    match &node.body {
        Body::Atom => {
            let t = text.get(node.start..node.end).unwrap_or("");
            let bare = t.trim_start_matches(['+', '-']);
            let bare =
                bare.strip_suffix("f32").or_else(|| bare.strip_suffix("f64")).unwrap_or(bare);
            if bare == "NaN" || bare == "inf" {
                out.push((path.clone(), t.to_owned()));
            }
        }
        Body::Group { fields, items } => {
            if let Some(name) = node.name.filter(|&n| n != "Some") {
                push_field(path, name);
            }
            for f in fields {
                let l = path.len();
                push_field(path, f.key);
                walk_numbers(text, &f.value, path, out);
                path.truncate(l);
            }
            if items.len() == 1 && fields.is_empty() {
                if let Some(item) = items.first() {
                    walk_numbers(text, item, path, out);
                }
            } else {
                walk_items(text, items, path, out);
            }
        }
        Body::List(items) => walk_items(text, items, path, out),
        Body::Map(entries) => {
            for (key, value) in entries {
                let l = path.len();
                let k = text.get(key.start..key.end).unwrap_or("?").trim_matches('"');
                push_field(path, k);
                walk_numbers(text, value, path, out);
                path.truncate(l);
            }
        }
    }
    path.truncate(len);
}

fn walk_items(text: &str, items: &[Node<'_>], path: &mut String, out: &mut Vec<(String, String)>) {
    for (i, item) in items.iter().enumerate() {
        let l = path.len();
        path.push_str(&format!("[{i}]"));
        walk_numbers(text, item, path, out);
        path.truncate(l);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = concat!(
        "Preset(\n",
        "    format: 1,\n",
        "    host: Graph(PlainSpec(\n",
        "        graph: Ring(n: 5, k: 2),\n",
        "    )),\n",
        "    species: [\n",
        "        (name: \"a\", releases: [Memory(Fixed(0.5)), ",
        "Cascade(species: \"b\", chi: 1.0)]),\n",
        "        (name: \"b\", color: (1, 2, 3)),\n",
        "    ],\n",
        "    receptors: (overrides: [(Nodes([3, 4]), (1.0, NaN, 0.0, -inf))]),\n",
        ")\n",
    );

    #[test]
    fn locates_paths() {
        assert_eq!(locate(TEXT, "format"), Some((2, 5)));
        assert_eq!(locate(TEXT, "host.Graph.graph"), Some((4, 9)));
        assert_eq!(locate(TEXT, "host.Graph.graph.Ring.k"), Some((4, 27)));
        assert_eq!(locate(TEXT, "species[1].name"), Some((8, 10)));
        assert_eq!(locate(TEXT, "species[1].color[2]"), Some((8, 35)));
        assert_eq!(locate(TEXT, "species[0].releases[0].Memory.Fixed"), Some((7, 39)));
        assert_eq!(locate(TEXT, "species[0].releases[1].Cascade.species"), Some((7, 60)));
        assert_eq!(locate(TEXT, "receptors.overrides[0][0].Nodes[1]"), Some((10, 40)));
        assert_eq!(locate(TEXT, "species[0].kernel"), None);
        assert_eq!(locate(TEXT, "species[5]"), None);
        assert_eq!(locate(TEXT, ""), None);
        assert_eq!(locate("Preset(", "format"), None);
    }

    #[test]
    fn finds_non_finite_numbers() {
        let found = non_finite_numbers(TEXT);
        let paths: Vec<&str> = found.iter().map(|(p, _)| p.as_str()).collect();
        assert_eq!(paths, ["receptors.overrides[0][1][1]", "receptors.overrides[0][1][3]"]);
        assert_eq!(found[1].1, "-inf");
    }

    #[test]
    fn scanner_survives_odd_input() {
        for text in
            ["", "(", ")", "\"", "r#\"", "'", "/*", "b'", "(((((", "a: b", "r#", "-", "é(ü: 1)"]
        {
            let _ = parse_tree(text);
            let _ = bracket_note(text);
            let _ = locate(text, "a.b[0]");
        }
        let deep = "(".repeat(10_000);
        assert!(parse_tree(&deep).is_none());
        assert_eq!(line_col("ab\ncé", 6), (2, 3));
    }
}
