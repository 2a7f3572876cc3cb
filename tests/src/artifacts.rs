//! Per-test output folder `tests/screenshots/<test>/`: numbered screenshots and the logs of
//! the processes the test started. Emptied the first time a test process uses it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use anyhow::{Context, Result};

use crate::workspace;

/// Tests whose folder this process has already emptied.
static PREPARED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The folder for `test`, emptied of an earlier run's files on first use.
fn prepare(test: &str) -> Result<PathBuf> {
    let dir = workspace::root().join("tests/screenshots").join(test);
    let mut prepared = PREPARED.lock().unwrap_or_else(|e| e.into_inner());
    let first_use = !prepared.iter().any(|t| t == test);
    if first_use && dir.exists() {
        std::fs::remove_dir_all(&dir)
            .with_context(|| format!("could not empty {}", dir.display()))?;
    }
    if first_use {
        prepared.push(test.to_owned());
    }
    std::fs::create_dir_all(&dir).with_context(|| format!("could not create {}", dir.display()))?;
    Ok(dir)
}

#[derive(Debug)]
pub struct Artifacts {
    dir: PathBuf,
    shots: u32,
}

impl Artifacts {
    pub fn new(test: &str) -> Result<Self> {
        Ok(Self {
            dir: prepare(test)?,
            shots: 0,
        })
    }

    /// `tests/screenshots/<test>/<name>.log`.
    pub fn log_path(test: &str, name: &str) -> Result<PathBuf> {
        Ok(prepare(test)?.join(format!("{name}.log")))
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// `<dir>/<NN-step>.png`, numbered in the order they are taken.
    pub fn next_screenshot(&mut self, step: &str) -> PathBuf {
        self.shots += 1;
        let step: String = step
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() {
                    c.to_ascii_lowercase()
                } else {
                    '-'
                }
            })
            .collect();
        self.dir.join(format!("{:02}-{step}.png", self.shots))
    }

    pub fn log(&self, name: &str) -> PathBuf {
        self.dir.join(format!("{name}.log"))
    }
}
