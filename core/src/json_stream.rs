//! Writing a JSON object whose arrays may be huge (a graph's nodes and edges, a network's
//! synapses) straight to a writer, one array element per line, compactly: nothing is built in
//! memory but the element being written, and the file is a few times smaller than pretty JSON.
//!
//! The text is ordinary JSON with the same keys and values `serde_json` would give the whole
//! object; only the white space differs.

use std::io::{self, Write};

use serde::Serialize;

/// A JSON object being written field by field; [`JsonObject::finish`] closes it.
pub struct JsonObject<W: Write> {
    w: W,
    first: bool,
}

fn json_error(e: serde_json::Error) -> io::Error {
    io::Error::other(e)
}

impl<W: Write> JsonObject<W> {
    /// Opens the object (writes `{`).
    pub fn new(mut w: W) -> io::Result<Self> {
        w.write_all(b"{")?;
        Ok(Self { w, first: true })
    }

    fn key(&mut self, key: &str) -> io::Result<()> {
        if !std::mem::replace(&mut self.first, false) {
            self.w.write_all(b",")?;
        }
        self.w.write_all(b"\n")?;
        serde_json::to_writer(&mut self.w, key).map_err(json_error)?;
        self.w.write_all(b":")
    }

    /// Writes the field `key` with `value`, compactly, on one line.
    pub fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> io::Result<()> {
        self.key(key)?;
        serde_json::to_writer(&mut self.w, value).map_err(json_error)
    }

    /// Writes the field `key` as an array of `items`, one element per line.
    pub fn array<T: Serialize>(
        &mut self,
        key: &str,
        items: impl IntoIterator<Item = T>,
    ) -> io::Result<()> {
        self.key(key)?;
        self.w.write_all(b"[")?;
        let mut any = false;
        for (k, item) in items.into_iter().enumerate() {
            self.w.write_all(if k == 0 { b"\n" } else { b",\n" })?;
            serde_json::to_writer(&mut self.w, &item).map_err(json_error)?;
            any = true;
        }
        self.w.write_all(if any { b"\n]" } else { b"]" })
    }

    /// Closes the object, flushes and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.w.write_all(b"\n}\n")?;
        self.w.flush()?;
        Ok(self.w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_text_is_the_same_json_as_serde_gives() {
        let mut o = JsonObject::new(Vec::new()).expect("vec");
        o.field("dt", &0.001).expect("vec");
        o.array("xs", [1.5f32, -2.0, 3.25]).expect("vec");
        o.array("empty", std::iter::empty::<u32>()).expect("vec");
        let bytes = o.finish().expect("vec");
        let text = String::from_utf8(bytes).expect("utf8");
        assert_eq!(text, "{\n\"dt\":0.001,\n\"xs\":[\n1.5,\n-2.0,\n3.25\n],\n\"empty\":[]\n}\n");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v, serde_json::json!({"dt": 0.001, "xs": [1.5, -2.0, 3.25], "empty": []}));
    }
}
