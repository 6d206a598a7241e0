//! File dialogs that do not block the window: each runs `rfd::AsyncFileDialog` on a thread of
//! its own, and its answer (a path, or none when cancelled) comes back on a channel that the
//! window polls every frame ([`PendingDialog::poll`]). One dialog is open at a time.
//!
//! What an answer means (open that file, save there, …) is decided in `files.rs`. A system
//! with no file-dialog service answers at once with nothing ([`Poll::Unavailable`]); the lab
//! then asks with its own path box (`path_box.rs`).

use std::path::PathBuf;
use std::sync::mpsc;
use std::time::{Duration, Instant};

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
    /// Where the dialog started (its folder and suggested name): the path box starts there
    /// when the system has no dialog.
    pub start: PathBuf,
    /// When it was opened, and how soon an empty answer means "no dialog here" (zero: never).
    opened: (Instant, Duration),
}

/// An empty answer sooner than this after opening is no person cancelling but a system
/// without a file-dialog service (no desktop portal): the lab then offers its own path box.
pub const NO_DIALOG_WITHIN: Duration = Duration::from_millis(400);

/// What [`PendingDialog::poll`] found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Poll {
    /// No answer yet.
    Waiting,
    /// The person chose this path, or cancelled (`None`).
    Answered(Option<PathBuf>),
    /// No dialog could be shown (an empty answer within [`NO_DIALOG_WITHIN`]).
    Unavailable,
}

impl PendingDialog {
    /// Opens the dialog `spec` describes on a new thread; `Err` says why the thread could not
    /// start.
    pub fn open(spec: DialogSpec) -> Result<Self, String> {
        let (send, answer) = mpsc::channel();
        let kind = spec.kind;
        let start = spec.name.as_ref().map_or_else(|| spec.dir.clone(), |n| spec.dir.join(n));
        std::thread::Builder::new()
            .name("nvlab file dialog".into())
            .spawn(move || {
                let path = pollster::block_on(ask(spec));
                // The window may be gone already; then nobody wants the answer.
                let _ = send.send(path);
            })
            .map_err(|e| format!("cannot open a file dialog: {e}"))?;
        Ok(Self { kind, answer, start, opened: (Instant::now(), NO_DIALOG_WITHIN) })
    }

    /// A dialog whose answer is sent on `answer` (the tests answer it themselves); an empty
    /// answer is a cancel, however soon it comes.
    pub fn from_channel(kind: DialogKind, answer: mpsc::Receiver<Option<PathBuf>>) -> Self {
        Self { kind, answer, start: PathBuf::new(), opened: (Instant::now(), Duration::ZERO) }
    }

    /// A dialog that answers on `answer` and counts an empty answer within `quick` of now as
    /// "no dialog on this system" (the tests' stand-in for a system without a portal).
    pub fn with_quick_empty_answer(
        kind: DialogKind,
        answer: mpsc::Receiver<Option<PathBuf>>,
        start: PathBuf,
        quick: Duration,
    ) -> Self {
        Self { kind, answer, start, opened: (Instant::now(), quick) }
    }

    /// The answer, if it came (never blocks). A dialog thread that ended without answering
    /// counts as cancelled.
    pub fn poll(&self) -> Poll {
        let quick = self.opened.0.elapsed() < self.opened.1;
        match self.answer.try_recv() {
            Ok(None) | Err(mpsc::TryRecvError::Disconnected) if quick => Poll::Unavailable,
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

    #[test]
    fn an_empty_answer_at_once_means_no_dialog_here() {
        let (send, recv) = mpsc::channel();
        let quick = Duration::from_secs(60);
        let d = PendingDialog::with_quick_empty_answer(DialogKind::Open, recv, "/a".into(), quick);
        send.send(None).expect("the receiver is alive");
        assert_eq!(d.poll(), Poll::Unavailable);
        let (send, recv) = mpsc::channel();
        let d = PendingDialog::with_quick_empty_answer(DialogKind::Open, recv, "/a".into(), quick);
        send.send(Some(PathBuf::from("/a/p.ron"))).expect("the receiver is alive");
        assert_eq!(
            d.poll(),
            Poll::Answered(Some(PathBuf::from("/a/p.ron"))),
            "a choice is a choice"
        );
    }
}
