//! File dialogs that do not block the window: each runs `rfd::AsyncFileDialog` on a thread of
//! its own, and its answer (a path, or none when cancelled) comes back on a channel that the
//! window polls every frame ([`PendingDialog::poll`]). One dialog is open at a time.
//!
//! What an answer means (open that file, save there, …) is decided in `files.rs`.

use std::path::PathBuf;
use std::sync::mpsc;

/// What a file dialog was opened for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DialogKind {
    /// File ▸ Open…: a preset to load.
    Open,
    /// File ▸ Save as…: where to save the preset.
    SaveAs,
    /// File ▸ Export series CSV…: the CSV file to write.
    ExportSeries,
    /// File ▸ Export run bundle…: the folder to write.
    ExportBundle,
    /// Darwin3 ▸ Export metrics: the CSV file to write.
    ExportDarwin3Metrics,
}

/// What the dialog shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DialogSpec {
    /// What it is for ([`DialogKind::Open`] picks an existing file; the others ask where to
    /// save).
    pub kind: DialogKind,
    /// The window title.
    pub title: String,
    /// The folder it starts in.
    pub dir: PathBuf,
    /// The file name it proposes (save dialogs).
    pub name: Option<String>,
    /// The file type shown: its description and extension.
    pub filter: Option<(String, String)>,
}

/// A dialog open on its own thread.
#[derive(Debug)]
pub struct PendingDialog {
    /// What it was opened for.
    pub kind: DialogKind,
    answer: mpsc::Receiver<Option<PathBuf>>,
}

/// What [`PendingDialog::poll`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Poll {
    /// No answer yet.
    Waiting,
    /// The person chose this path, or cancelled (`None`; also when the dialog could not open).
    Answered(Option<PathBuf>),
}

impl PendingDialog {
    /// Opens the dialog `spec` describes on a new thread; `Err` says why the thread could not
    /// start.
    pub fn open(spec: DialogSpec) -> Result<Self, String> {
        let (send, answer) = mpsc::channel();
        let kind = spec.kind;
        std::thread::Builder::new()
            .name("nvlab file dialog".into())
            .spawn(move || {
                let path = pollster::block_on(ask(spec));
                // The window may be gone already; then nobody wants the answer.
                let _ = send.send(path);
            })
            .map_err(|e| format!("cannot open a file dialog: {e}"))?;
        Ok(Self { kind, answer })
    }

    /// A dialog whose answer is sent on `answer` (the tests answer it themselves).
    pub fn from_channel(kind: DialogKind, answer: mpsc::Receiver<Option<PathBuf>>) -> Self {
        Self { kind, answer }
    }

    /// The answer, if it came (never blocks). A dialog thread that ended without answering
    /// counts as cancelled.
    pub fn poll(&self) -> Poll {
        match self.answer.try_recv() {
            Ok(path) => Poll::Answered(path),
            Err(mpsc::TryRecvError::Empty) => Poll::Waiting,
            Err(mpsc::TryRecvError::Disconnected) => Poll::Answered(None),
        }
    }
}

/// Shows the dialog and waits for it (on the dialog's thread).
async fn ask(spec: DialogSpec) -> Option<PathBuf> {
    let mut d = rfd::AsyncFileDialog::new().set_title(spec.title).set_directory(&spec.dir);
    if let Some((what, ext)) = &spec.filter {
        d = d.add_filter(what.as_str(), &[ext.as_str()]);
    }
    let handle = match spec.kind {
        DialogKind::Open => d.pick_file().await,
        DialogKind::SaveAs
        | DialogKind::ExportSeries
        | DialogKind::ExportBundle
        | DialogKind::ExportDarwin3Metrics => {
            if let Some(name) = spec.name {
                d = d.set_file_name(name);
            }
            d.set_can_create_directories(true).save_file().await
        }
    };
    handle.map(|h| h.path().to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_arrives_without_blocking() {
        let (send, recv) = mpsc::channel();
        let d = PendingDialog::from_channel(DialogKind::Open, recv);
        assert_eq!(d.poll(), Poll::Waiting);
        send.send(Some(PathBuf::from("/a/p.ron"))).expect("the receiver is alive");
        assert_eq!(d.poll(), Poll::Answered(Some(PathBuf::from("/a/p.ron"))));
        drop(send);
        assert_eq!(d.poll(), Poll::Answered(None), "a thread gone without an answer: cancelled");
    }
}
