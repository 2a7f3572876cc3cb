//! The periodic task: one per instance, started by [`crate::serve`], running a list of
//! steps every [`crate::config::PeriodicConfig::interval`] (the first run one interval after start) until
//! it is stopped. Each step is an `async fn(&Context, now) -> Result<_, AppError>` that is
//! safe when several instances run it at once (see [`crate::retention::purge`]); a step
//! that fails is logged and the next one still runs.
//!
//! Adding a step: write it as a `pub async fn` taking `(&Db, i64)` (and what else of the
//! [`Context`] it needs, such as the resolver) in its own domain, then one line in
//! [`STEPS`] (a wrapper `fn` boxing its future, as [`retention`] shows).

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::db::{now_ms, Db};
use crate::dns::Dns;
use crate::error::AppError;

/// What the steps work with: the database, and the resolver the daily domain check asks.
#[derive(Clone)]
pub struct Context {
    pub db: Db,
    pub dns: Dns,
}

/// What a step's function returns.
pub type StepFuture<'a> = Pin<Box<dyn Future<Output = Result<(), AppError>> + Send + 'a>>;

/// One step: its name (for the logs) and its function.
#[derive(Clone, Copy)]
pub struct Step {
    pub name: &'static str,
    pub run: for<'a> fn(&'a Context, i64) -> StepFuture<'a>,
}

/// Every step, in the order each run takes them.
pub const STEPS: &[Step] = &[
    Step {
        name: "retention",
        run: retention,
    },
    Step {
        name: "org deletion",
        run: org_deletion,
    },
    Step {
        name: "domain check",
        run: domain_check,
    },
    Step {
        name: "sso flows",
        run: sso_flows,
    },
];

/// Deletes what is past each org's retention periods ([`crate::retention::purge::step`]).
fn retention(cx: &Context, now: i64) -> StepFuture<'_> {
    Box::pin(async move { crate::retention::purge::step(&cx.db, now).await.map(drop) })
}

/// Deletes for good the orgs whose grace period is over ([`crate::lifecycle::purge::due`]).
fn org_deletion(cx: &Context, now: i64) -> StepFuture<'_> {
    Box::pin(async move { crate::lifecycle::purge::due(&cx.db, now).await.map(drop) })
}

/// Looks again at verified domains last checked a day ago
/// ([`crate::sso::domains::recheck::step`]).
fn domain_check(cx: &Context, now: i64) -> StepFuture<'_> {
    Box::pin(async move {
        crate::sso::domains::recheck::step(&cx.db, &cx.dns, now)
            .await
            .map(drop)
    })
}

/// Deletes single sign-on flows past their expiry ([`crate::sso::flow::purge_expired`]).
fn sso_flows(cx: &Context, now: i64) -> StepFuture<'_> {
    Box::pin(async move { crate::sso::flow::purge_expired(&cx.db, now).await.map(drop) })
}

/// Runs every step once at `now`; a failed step is logged and the rest still run.
pub async fn run_once(cx: &Context, steps: &[Step], now: i64) {
    for step in steps {
        if let Err(error) = (step.run)(cx, now).await {
            tracing::error!(step = step.name, %error, "periodic step failed");
        }
    }
}

/// The running task; stop it with [`Periodic::stop`].
pub struct Periodic {
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<()>>,
}

pub fn start(cx: Context, interval: Duration, steps: &'static [Step]) -> Periodic {
    let (stop, mut stopped) = watch::channel(false);
    let task = tokio::spawn(async move {
        loop {
            tokio::select! {
                _ = stopped.changed() => break,
                () = tokio::time::sleep(interval) => {}
            }
            // Stopping drops a run in progress: its open batch rolls back.
            tokio::select! {
                _ = stopped.changed() => break,
                () = run_once(&cx, steps, now_ms()) => {}
            }
        }
    });
    Periodic {
        stop,
        task: Some(task),
    }
}

impl Periodic {
    /// Ends the task (a run in progress stops at once; its open transaction rolls back).
    pub async fn stop(mut self) {
        let _ = self.stop.send(true);
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for Periodic {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicI64, Ordering};

    use super::*;

    static LAST_RUN: AtomicI64 = AtomicI64::new(0);

    fn failing(_: &Context, _: i64) -> StepFuture<'_> {
        Box::pin(async { Err(AppError::NotFound) })
    }

    fn recording(_: &Context, now: i64) -> StepFuture<'_> {
        Box::pin(async move {
            LAST_RUN.store(now, Ordering::SeqCst);
            Ok(())
        })
    }

    #[tokio::test]
    async fn a_failed_step_does_not_stop_the_ones_after_it() {
        let dir = tempfile::tempdir().unwrap();
        let url = crate::config::Config::local(dir.path()).resolved_database_url();
        std::fs::create_dir_all(dir.path()).unwrap();
        let db = Db::connect(&url).await.unwrap();
        let steps = [
            Step {
                name: "failing",
                run: failing,
            },
            Step {
                name: "recording",
                run: recording,
            },
        ];
        let cx = Context {
            db,
            dns: Dns::new(None),
        };
        run_once(&cx, &steps, 42).await;
        assert_eq!(LAST_RUN.load(Ordering::SeqCst), 42);
        assert_eq!(
            STEPS.iter().map(|s| s.name).collect::<Vec<_>>(),
            ["retention", "org deletion", "domain check", "sso flows"]
        );
    }
}
