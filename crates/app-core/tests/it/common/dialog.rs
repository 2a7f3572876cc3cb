//! The save dialog as a test scripts it (no native one runs in tests): each dialog takes
//! the next answer, and what it asked is recorded. Shared with the shell's tests
//! (`src-tauri/tests/common`), which include this file.

use std::collections::VecDeque;
use std::path::PathBuf;
use std::sync::Mutex;

use orgdesk_app_core::host::{BoxFuture, SaveDialog, SaveRequest};
use orgdesk_app_core::AppError;

/// Answers save dialogs as the test scripted them, and records what each one asked.
#[derive(Default)]
pub struct ScriptedDialog {
    answers: Mutex<VecDeque<Option<PathBuf>>>,
    pub asked: Mutex<Vec<SaveRequest>>,
}

impl ScriptedDialog {
    /// The next dialog is answered with `path` (`None`: the user cancels).
    pub fn will_answer(&self, path: Option<PathBuf>) {
        self.answers.lock().unwrap().push_back(path);
    }
}

impl SaveDialog for ScriptedDialog {
    fn ask(&self, request: SaveRequest) -> BoxFuture<'_, Result<Option<PathBuf>, AppError>> {
        self.asked.lock().unwrap().push(request);
        let answer = self.answers.lock().unwrap().pop_front();
        Box::pin(async move {
            answer.ok_or_else(|| AppError::SaveDialog("the test expected no save dialog".into()))
        })
    }
}
