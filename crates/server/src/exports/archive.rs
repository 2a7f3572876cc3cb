//! Writing one run's ZIP into the database as it is made: the ZIP writer (`async_zip`,
//! streaming each file with a data descriptor, so it never seeks back) writes into a
//! buffer; every [`CHUNK`] bytes the buffer becomes a row of `export_chunks`. Memory holds
//! one chunk, one page of rows and the ZIP's directory (a line per file), whatever the
//! org's size.
//!
//! Every write is fenced: it renews the run's lease and records progress only while the
//! export is still running under this run's number ([`Claimed::run`]). A run whose lease
//! ran out, and which another instance took over, fails its next write with
//! [`RunError::LeaseLost`] and stops, writing nothing more.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use async_zip::base::write::{EntryStreamWriter, ZipFileWriter};
use async_zip::{Compression, ZipDateTimeBuilder, ZipEntryBuilder};
use chrono::{Datelike, Timelike};
use futures::io::{AsyncWrite, AsyncWriteExt};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{to_datetime, Db, Tx};
use crate::exports::claim::Claimed;

/// The size of a stored chunk of the ZIP.
pub const CHUNK: usize = 1024 * 1024;
/// Progress is recorded at least every this many records (and with every chunk).
pub const PROGRESS_EVERY: u64 = 5_000;

/// Why a run stopped.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// Another run holds the export now (or it is gone): this one stops quietly.
    #[error("the export is no longer this run's")]
    LeaseLost,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
    #[error("zip: {0}")]
    Zip(#[from] async_zip::error::ZipError),
    #[error("writing: {0}")]
    Io(#[from] io::Error),
    #[error("stored {0} is not valid")]
    Corrupt(&'static str),
}

/// The run's clock: the `now` it was started with, moved on by the time since.
#[derive(Debug, Clone, Copy)]
pub struct Clock {
    start: i64,
    started: Instant,
}

impl Clock {
    pub fn starting_at(now: i64) -> Self {
        Self {
            start: now,
            started: Instant::now(),
        }
    }

    pub fn now(&self) -> i64 {
        let elapsed = i64::try_from(self.started.elapsed().as_millis()).unwrap_or(i64::MAX);
        self.start.saturating_add(elapsed)
    }
}

/// The buffer the ZIP writer writes into, shared with the code that empties it.
#[derive(Clone, Default)]
struct Buffer(Arc<Mutex<Vec<u8>>>);

impl Buffer {
    fn len(&self) -> usize {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).len()
    }

    fn take(&self) -> Vec<u8> {
        std::mem::take(&mut *self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }
}

impl AsyncWrite for Buffer {
    fn poll_write(
        self: Pin<&mut Self>,
        _: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend_from_slice(buf);
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }

    fn poll_close(self: Pin<&mut Self>, _: &mut Context<'_>) -> Poll<io::Result<()>> {
        Poll::Ready(Ok(()))
    }
}

/// A file of the archive, as the manifest lists it.
#[derive(Debug, Clone, Serialize)]
pub struct FileSummary {
    pub name: String,
    /// Records: CSV rows without the header, JSON lines, 1 for a JSON document.
    pub rows: u64,
    pub bytes: u64,
    pub sha256: String,
}

/// The ZIP's chunks in the database, and the run's progress.
struct Store {
    db: Db,
    claimed: Claimed,
    clock: Clock,
    lease_ms: i64,
    seq: i64,
    size: u64,
    hasher: Sha256,
    step: String,
    done: u64,
    recorded: u64,
}

impl Store {
    /// A transaction that still holds the export: lease renewed, progress recorded.
    async fn fenced(&mut self) -> Result<Tx, RunError> {
        let mut tx = self.db.write().await?;
        let renewed = sqlx::query(
            "UPDATE org_exports SET lease_until = $1, step = $2, done = $3 \
             WHERE id = $4 AND attempts = $5 AND status = 'running'",
        )
        .bind(self.clock.now().saturating_add(self.lease_ms))
        .bind(&self.step)
        .bind(i64::try_from(self.done).unwrap_or(i64::MAX))
        .bind(self.claimed.id.to_string())
        .bind(self.claimed.run)
        .execute(&mut *tx)
        .await?;
        if renewed.rows_affected() == 0 {
            return Err(RunError::LeaseLost);
        }
        self.recorded = self.done;
        Ok(tx)
    }

    async fn put(&mut self, tx: &mut Tx, bytes: Vec<u8>) -> Result<(), RunError> {
        if bytes.is_empty() {
            return Ok(());
        }
        self.hasher.update(&bytes);
        self.size += bytes.len() as u64;
        sqlx::query(
            "INSERT INTO export_chunks (export_id, org_id, seq, bytes) VALUES ($1, $2, $3, $4)",
        )
        .bind(self.claimed.id.to_string())
        .bind(self.claimed.org.to_string())
        .bind(self.seq)
        .bind(bytes)
        .execute(&mut **tx)
        .await?;
        self.seq += 1;
        Ok(())
    }

    async fn flush(&mut self, buffer: &Buffer, at_least: usize) -> Result<(), RunError> {
        if buffer.len() < at_least.max(1) {
            if self.done >= self.recorded + PROGRESS_EVERY {
                self.fenced().await?.commit().await?;
            }
            return Ok(());
        }
        let bytes = buffer.take();
        let mut tx = self.fenced().await?;
        self.put(&mut tx, bytes).await?;
        tx.commit().await?;
        Ok(())
    }
}

/// One run's archive being written.
pub struct Archive {
    zip: ZipFileWriter<Buffer>,
    buffer: Buffer,
    store: Store,
    files: Vec<FileSummary>,
}

impl Archive {
    pub fn new(db: Db, claimed: Claimed, clock: Clock, lease: Duration) -> Self {
        let buffer = Buffer::default();
        Self {
            zip: ZipFileWriter::new(buffer.clone()),
            buffer,
            store: Store {
                db,
                claimed,
                clock,
                lease_ms: i64::try_from(lease.as_millis()).unwrap_or(i64::MAX),
                seq: 0,
                size: 0,
                hasher: Sha256::new(),
                step: String::new(),
                done: 0,
                recorded: 0,
            },
            files: Vec::new(),
        }
    }

    /// Records the number of records the whole export holds.
    pub async fn set_total(&mut self, total: u64) -> Result<(), RunError> {
        let mut tx = self.store.fenced().await?;
        sqlx::query("UPDATE org_exports SET total = $1 WHERE id = $2")
            .bind(i64::try_from(total).unwrap_or(i64::MAX))
            .bind(self.store.claimed.id.to_string())
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Starts the file `name` (progress shows it as the step).
    pub async fn file(&mut self, name: &str) -> Result<FileWriter<'_>, RunError> {
        self.store.step = name.to_owned();
        self.store.fenced().await?.commit().await?;
        let now = to_datetime(self.store.clock.now());
        let date = ZipDateTimeBuilder::new()
            .year(now.year())
            .month(now.month())
            .day(now.day())
            .hour(now.hour())
            .minute(now.minute())
            .second(now.second())
            .build();
        let entry = ZipEntryBuilder::new(name.into(), Compression::Deflate)
            .last_modification_date(date)
            .unix_permissions(0o644)
            .build();
        let Self {
            zip,
            buffer,
            store,
            files,
        } = self;
        Ok(FileWriter {
            entry: zip.write_entry_stream(entry).await?,
            buffer,
            store,
            files,
            name: name.to_owned(),
            hasher: Sha256::new(),
            rows: 0,
            bytes: 0,
        })
    }

    pub fn files(&self) -> &[FileSummary] {
        &self.files
    }

    /// Writes the ZIP's directory and the last chunk, and marks the export ready until
    /// `keep` after now, in the transaction of that chunk. Answers its size and SHA-256.
    pub async fn finish(self, keep: Duration) -> Result<(u64, String), RunError> {
        let Self {
            zip,
            buffer,
            mut store,
            ..
        } = self;
        zip.close().await?;
        store.flush(&buffer, CHUNK).await?;
        let mut tx = store.fenced().await?;
        store.put(&mut tx, buffer.take()).await?;
        let sha = hex::encode(store.hasher.clone().finalize());
        let now = store.clock.now();
        let keep_ms = i64::try_from(keep.as_millis()).unwrap_or(i64::MAX);
        sqlx::query(
            "UPDATE org_exports SET status = 'ready', size = $1, sha256 = $2, finished_at = $3, \
             expires_at = $4, lease_until = NULL, step = '', done = total WHERE id = $5",
        )
        .bind(i64::try_from(store.size).unwrap_or(i64::MAX))
        .bind(&sha)
        .bind(now)
        .bind(now.saturating_add(keep_ms))
        .bind(store.claimed.id.to_string())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok((store.size, sha))
    }
}

/// One file of the archive being written.
pub struct FileWriter<'a> {
    entry: EntryStreamWriter<'a, Buffer>,
    buffer: &'a Buffer,
    store: &'a mut Store,
    files: &'a mut Vec<FileSummary>,
    name: String,
    hasher: Sha256,
    rows: u64,
    bytes: u64,
}

impl FileWriter<'_> {
    /// Writes `bytes` holding `rows` records; stores a chunk when one is full.
    pub async fn write(&mut self, bytes: &[u8], rows: u64) -> Result<(), RunError> {
        self.hasher.update(bytes);
        self.bytes += bytes.len() as u64;
        self.rows += rows;
        self.store.done += rows;
        self.entry.write_all(bytes).await?;
        self.store.flush(self.buffer, CHUNK).await
    }

    /// Ends the file; the manifest will list it.
    pub async fn close(self) -> Result<(), RunError> {
        self.entry.close().await?;
        self.files.push(FileSummary {
            name: self.name,
            rows: self.rows,
            bytes: self.bytes,
            sha256: hex::encode(self.hasher.finalize()),
        });
        Ok(())
    }
}
