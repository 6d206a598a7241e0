//! CSV cells of text, the one rule every CSV the project writes follows (the files of
//! `nvlab run`, the lab's series export): RFC 4180 quoting, and a guard against formula
//! injection for spreadsheets.

use std::borrow::Cow;

/// The first characters that make a spreadsheet read a cell as a formula (`=`, `+`, `-`, `@`);
/// a text cell starting with one is prefixed with a single quote `'` by [`cell`].
pub const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// One CSV cell holding the text `s` (a name, a label; never use it for a number, which is
/// written as is).
///
/// - A cell starting with one of [`FORMULA_STARTS`] gets a `'` in front, so a spreadsheet
///   shows `=HYPERLINK("x")` as text instead of running it;
/// - then, as RFC 4180 says, a cell holding `,`, `"`, CR or LF is put between double quotes,
///   each `"` in it doubled.
///
/// Any other cell is returned unchanged (borrowed).
pub fn cell(s: &str) -> Cow<'_, str> {
    let guarded: Cow<'_, str> =
        if s.starts_with(FORMULA_STARTS) { Cow::Owned(format!("'{s}")) } else { Cow::Borrowed(s) };
    if guarded.contains([',', '"', '\r', '\n']) {
        Cow::Owned(format!("\"{}\"", guarded.replace('"', "\"\"")))
    } else {
        guarded
    }
}

#[cfg(test)]
mod tests {
    use super::cell;

    #[test]
    fn plain_text_is_unchanged() {
        assert_eq!(cell("calcium"), "calcium");
        assert_eq!(cell(""), "");
        assert_eq!(cell("a b"), "a b");
    }

    #[test]
    fn separators_quotes_and_line_breaks_are_quoted() {
        assert_eq!(cell("a,b\"c"), "\"a,b\"\"c\"");
        assert_eq!(cell("a\nb"), "\"a\nb\"");
        assert_eq!(cell("a\r\nb"), "\"a\r\nb\"");
        assert_eq!(cell("\""), "\"\"\"\"");
    }

    #[test]
    fn formula_starts_are_prefixed_then_quoted() {
        assert_eq!(cell("=1+2"), "'=1+2");
        assert_eq!(cell("+x"), "'+x");
        assert_eq!(cell("-x"), "'-x");
        assert_eq!(cell("@sum"), "'@sum");
        assert_eq!(cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(cell("a=b"), "a=b");
    }
}
