//! CPU- and memory-heavy work (password hashing) behind a gate sized to the cores: at most
//! one job per core runs at a time, a bounded number wait for a turn, and anything beyond
//! that (or a wait longer than [`MAX_WAIT`]) is refused at once with 503 `server_busy` and
//! `Retry-After`. Without it, 200 concurrent sign-ups each started an argon2 hash (19 MiB)
//! on its own blocking thread and the process grew to 5 GB; with it, a flood costs at most
//! `cores` hashes' memory and is answered quickly.
//!
//! Jobs run on the gate's own threads, one per core, rather than tokio's blocking pool:
//! each thread reuses its allocator arena, so the memory a hash takes is taken once per
//! core and not once per thread the pool happened to start (a pool of fresh threads left
//! about 40 MiB behind in each of glibc's arenas). A job keeps its turn until it finishes,
//! even when the request that started it is dropped (a client that hangs up does not free
//! a core that is still hashing). The threads end when the last clone of the gate goes.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::http::{header, HeaderMap, HeaderValue};
use orgdesk_model::ErrorCode;
use tokio::sync::{oneshot, OwnedSemaphorePermit, Semaphore};

use crate::error::DomainError;

/// Jobs that may wait for a turn, per core.
pub const WAITING_PER_CORE: usize = 16;
/// The longest a job waits for a turn before it is refused.
pub const MAX_WAIT: Duration = Duration::from_secs(10);
/// What a refused caller is told to wait.
pub const RETRY_AFTER_SECS: u64 = 2;

/// Refusals of the gate.
#[derive(Debug, thiserror::Error)]
pub enum BusyError {
    #[error("every core is busy hashing and the queue is full")]
    Busy,
    #[error("the job stopped without an answer (it panicked)")]
    Lost,
}

impl DomainError for BusyError {
    fn code(&self) -> ErrorCode {
        match self {
            Self::Busy => ErrorCode::ServerBusy,
            Self::Lost => ErrorCode::Internal,
        }
    }

    fn detail(&self) -> String {
        match self {
            Self::Busy => format!("The server is busy. Try again in {RETRY_AFTER_SECS} seconds."),
            Self::Lost => String::new(),
        }
    }

    fn headers(&self, headers: &mut HeaderMap) {
        if matches!(self, Self::Busy) {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(RETRY_AFTER_SECS));
        }
    }
}

type Job = Box<dyn FnOnce() + Send>;

/// The gate: one per server (each server of a test process has its own).
#[derive(Clone)]
pub struct Gate {
    /// A turn to run: one per worker thread.
    running: Arc<Semaphore>,
    /// A place in the building: running plus waiting.
    admitted: Arc<Semaphore>,
    max_wait: Duration,
    /// Hands a job to a worker thread; one is always free for a job holding a turn.
    jobs: mpsc::Sender<Job>,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gate")
            .field("free", &self.running.available_permits())
            .field("max_wait", &self.max_wait)
            .finish_non_exhaustive()
    }
}

/// A worker: runs jobs until every sender is gone. A panicking job takes only itself down.
fn work(jobs: &Mutex<mpsc::Receiver<Job>>) {
    loop {
        let job = match jobs.lock() {
            Ok(receiver) => receiver.recv(),
            Err(_) => return,
        };
        match job {
            Ok(job) => {
                let _ = catch_unwind(AssertUnwindSafe(job));
            }
            Err(_) => return,
        }
    }
}

impl Gate {
    /// `workers` jobs at once (on as many threads), `waiting` more in line, each waiting
    /// at most `max_wait`.
    pub fn new(workers: usize, waiting: usize, max_wait: Duration) -> Self {
        let workers = workers.max(1);
        let (jobs, receiver) = mpsc::channel::<Job>();
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..workers {
            let receiver = Arc::clone(&receiver);
            let spawned = std::thread::Builder::new()
                .name(format!("orgdesk-cpu-{n}"))
                .spawn(move || work(&receiver));
            if let Err(error) = spawned {
                tracing::error!(%error, "cannot start a CPU worker thread");
            }
        }
        Self {
            running: Arc::new(Semaphore::new(workers)),
            admitted: Arc::new(Semaphore::new(workers + waiting)),
            max_wait,
            jobs,
        }
    }

    /// One job per core, [`WAITING_PER_CORE`] waiting per core.
    pub fn for_cores() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Self::new(cores, cores * WAITING_PER_CORE, MAX_WAIT)
    }

    /// Runs `job` on a worker thread when one is free, or refuses with
    /// [`BusyError::Busy`] when the line is full or the wait too long.
    pub async fn run<T, F>(&self, job: F) -> Result<T, BusyError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let admitted = Arc::clone(&self.admitted)
            .try_acquire_owned()
            .map_err(|_| BusyError::Busy)?;
        let turn = tokio::time::timeout(self.max_wait, Arc::clone(&self.running).acquire_owned())
            .await
            .map_err(|_| BusyError::Busy)?
            .map_err(|_| BusyError::Busy)?;
        let (answer, answered) = oneshot::channel();
        let permits = (admitted, turn);
        let job: Job = Box::new(move || {
            let _ = answer.send(run_holding(job, permits));
        });
        self.jobs.send(job).map_err(|_| BusyError::Lost)?;
        answered.await.map_err(|_| BusyError::Lost)
    }
}

/// Runs `job`; the permits are released when it returns.
fn run_holding<T>(
    job: impl FnOnce() -> T,
    _permits: (OwnedSemaphorePermit, OwnedSemaphorePermit),
) -> T {
    job()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn at_most_workers_run_and_the_rest_wait_or_are_refused() {
        let gate = Gate::new(2, 3, Duration::from_secs(5));
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let jobs = (0..10).map(|_| {
            let gate = gate.clone();
            let running = Arc::clone(&running);
            let peak = Arc::clone(&peak);
            tokio::spawn(async move {
                gate.run(move || {
                    let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                    peak.fetch_max(now, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(100));
                    running.fetch_sub(1, Ordering::SeqCst);
                })
                .await
            })
        });
        let outcomes = futures::future::join_all(jobs).await;
        let done = outcomes.iter().filter(|o| matches!(o, Ok(Ok(())))).count();
        let busy = outcomes
            .iter()
            .filter(|o| matches!(o, Ok(Err(BusyError::Busy))))
            .count();
        assert_eq!((done, busy), (5, 5));
        assert_eq!(peak.load(Ordering::SeqCst), 2);
    }

    #[tokio::test]
    async fn a_long_wait_is_refused() {
        let gate = Gate::new(1, 5, Duration::from_millis(50));
        let slow = gate.clone();
        let first = tokio::spawn(async move {
            slow.run(|| std::thread::sleep(Duration::from_millis(400)))
                .await
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert!(matches!(gate.run(|| ()).await, Err(BusyError::Busy)));
        first.await.unwrap().unwrap();
        gate.run(|| ()).await.unwrap();
    }
}
