//! The database: one `sqlx::AnyPool` over SQLite or PostgreSQL, portable SQL with `$n`
//! placeholders, TEXT ids, BIGINT unix-millisecond times. Each backend has its own
//! migration folder.

use std::ops::{Deref, DerefMut};
use std::sync::Arc;
use std::time::Duration;

use orgdesk_model::OrgId;
use sqlx::any::AnyArguments;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::query::QueryAs;
use sqlx::{Any, AnyConnection, AnyPool, Connection, Executor, Transaction};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::config::Backend;
use crate::error::ServerError;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("./migrations/postgres");

/// Set on every SQLite connection: WAL for concurrent readers, enforced references, a
/// wait instead of an immediate SQLITE_BUSY, and the usual WAL durability trade-off.
const SQLITE_PRAGMAS: [&str; 4] = [
    "PRAGMA journal_mode = WAL",
    "PRAGMA foreign_keys = ON",
    "PRAGMA busy_timeout = 10000",
    "PRAGMA synchronous = NORMAL",
];

/// Set on every PostgreSQL connection: every query of this service reads a page or a few
/// rows by index, where starting parallel workers costs more (10–20 ms) than it saves.
const POSTGRES_SETTINGS: [&str; 1] = ["SET max_parallel_workers_per_gather = 0"];

/// A pooled PostgreSQL connection idle this long is pinged before it is handed out.
pub const PING_WHEN_IDLE: Duration = Duration::from_secs(2);

/// A write transaction: derefs to its connection; dropped without [`Tx::commit`], it rolls
/// back. On SQLite it also holds this process's write gate (see [`Db::write`]).
pub struct Tx {
    inner: Transaction<'static, Any>,
    _gate: Option<OwnedSemaphorePermit>,
}

impl Tx {
    pub async fn commit(self) -> Result<(), sqlx::Error> {
        self.inner.commit().await
    }
}

impl Deref for Tx {
    type Target = AnyConnection;

    fn deref(&self) -> &AnyConnection {
        &self.inner
    }
}

impl DerefMut for Tx {
    fn deref_mut(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}

#[derive(Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time: writers of this process queue here, in order,
    /// instead of polling the file lock (whose busy handler sleeps up to 100 ms a try).
    gate: Arc<Semaphore>,
}

impl Db {
    pub async fn connect(url: &str) -> Result<Self, ServerError> {
        sqlx::any::install_default_drivers();
        let backend = Backend::of_url(url).ok_or(ServerError::UnsupportedDatabaseUrl)?;
        let options: AnyConnectOptions = url.parse().map_err(ServerError::Connect)?;
        let pool = AnyPoolOptions::new()
            .max_connections(match backend {
                Backend::Sqlite => 8,
                Backend::Postgres => 16,
            })
            .acquire_timeout(Duration::from_secs(15))
            // A pooled SQLite connection is a file handle in this process, with nothing
            // on the way to break; a ping before each use would be one more hand-off to
            // its worker thread per acquire. A PostgreSQL connection crosses a network
            // and the server may have closed it: one that sat idle a while is checked
            // first (a failed ping drops it and the pool gives another). One in steady
            // use is not: a ping on every acquire was a round trip more per statement
            // outside a transaction (five on a debit).
            .test_before_acquire(false)
            .before_acquire(move |conn, meta| {
                Box::pin(async move {
                    if backend == Backend::Postgres && meta.idle_for >= PING_WHEN_IDLE {
                        conn.ping().await?;
                    }
                    Ok(true)
                })
            })
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    let settings: &[&str] = match backend {
                        Backend::Sqlite => &SQLITE_PRAGMAS,
                        Backend::Postgres => &POSTGRES_SETTINGS,
                    };
                    for setting in settings {
                        conn.execute(*setting).await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(ServerError::Connect)?;
        Ok(Self {
            pool,
            backend,
            gate: Arc::new(Semaphore::new(1)),
        })
    }

    pub async fn migrate(&self) -> Result<(), ServerError> {
        let migrator = match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        };
        migrator.run(&self.pool).await?;
        Ok(())
    }

    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A transaction that will write. On SQLite it first passes this process's write
    /// gate, then takes the write lock up front (`BEGIN IMMEDIATE`), so it waits for other
    /// writers at the start instead of failing with SQLITE_BUSY half-way; PostgreSQL uses
    /// row locks and conflict clauses instead. Never open one while holding another.
    ///
    /// The transaction starts in a task of its own, run to the end even when the caller is
    /// dropped (a client hanging up): sqlx awaits once more after running a custom `BEGIN`
    /// and before the transaction exists, and a caller dropped there sent the connection
    /// back to the pool inside that transaction, holding SQLite's write lock for good.
    /// Started in the task, an unwanted transaction is dropped there, and rolled back.
    pub async fn write(&self) -> Result<Tx, sqlx::Error> {
        let gate = self.write_gate().await?;
        let (pool, backend) = (self.pool.clone(), self.backend);
        let inner = tokio::spawn(async move {
            match backend {
                Backend::Sqlite => pool.begin_with("BEGIN IMMEDIATE").await,
                Backend::Postgres => pool.begin().await,
            }
        })
        .await
        .map_err(|e| sqlx::Error::Io(std::io::Error::other(e)))??;
        Ok(Tx { inner, _gate: gate })
    }

    /// On SQLite, a turn at writing for a single statement outside [`Db::write`] (hold it
    /// while the statement runs); `None` on PostgreSQL.
    pub async fn write_gate(&self) -> Result<Option<OwnedSemaphorePermit>, sqlx::Error> {
        match self.backend {
            Backend::Sqlite => self
                .gate
                .clone()
                .acquire_owned()
                .await
                .map(Some)
                .map_err(|_| sqlx::Error::PoolClosed),
            Backend::Postgres => Ok(None),
        }
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// Now, in unix milliseconds: the unit of every time column.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// A stored time as a wire time; out-of-range values (never written by us) become the epoch.
pub fn to_datetime(ms: i64) -> chrono::DateTime<chrono::Utc> {
    chrono::DateTime::from_timestamp_millis(ms).unwrap_or_default()
}

/// Locks an org's row until the transaction ends, so that changes to its members, seats
/// and projects queue up. PostgreSQL takes a row lock; on SQLite the transaction already
/// holds the database's write lock (`BEGIN IMMEDIATE`, see [`Db::write`]).
pub async fn lock_org(conn: &mut AnyConnection, org: OrgId) -> Result<(), sqlx::Error> {
    if conn.backend_name() == <sqlx::Postgres as sqlx::Database>::NAME {
        sqlx::query("SELECT id FROM orgs WHERE id = $1 FOR UPDATE")
            .bind(org.to_string())
            .fetch_optional(conn)
            .await?;
    }
    Ok(())
}

/// A value for a query assembled from optional filters.
#[derive(Debug, Clone)]
pub enum Param {
    Text(String),
    Int(i64),
}

/// The parameters of a query assembled at run time: each call returns the placeholder
/// (`$1`, `$2`, …) to write into the SQL, and [`Params::bind`] binds them in order.
#[derive(Debug, Default)]
pub struct Params(Vec<Param>);

impl Params {
    pub fn text(&mut self, value: impl Into<String>) -> String {
        self.0.push(Param::Text(value.into()));
        format!("${}", self.0.len())
    }

    pub fn int(&mut self, value: i64) -> String {
        self.0.push(Param::Int(value));
        format!("${}", self.0.len())
    }

    pub fn bind<'q, O>(
        self,
        mut query: QueryAs<'q, Any, O, AnyArguments<'q>>,
    ) -> QueryAs<'q, Any, O, AnyArguments<'q>> {
        for param in self.0 {
            query = match param {
                Param::Text(value) => query.bind(value),
                Param::Int(value) => query.bind(value),
            };
        }
        query
    }
}

#[cfg(test)]
mod tests {
    use std::future::{poll_fn, Future};
    use std::pin::pin;
    use std::task::Poll;
    use std::time::Duration;

    use super::*;

    /// Polls `work` at most `polls` times, then drops it: a request cut short at its
    /// `polls`-th await, as when its client hangs up.
    async fn cut_after(polls: usize, work: impl Future) {
        let mut work = pin!(work);
        let mut seen = 0;
        poll_fn(|cx| {
            if seen == polls {
                return Poll::Ready(());
            }
            seen += 1;
            work.as_mut().poll(cx).map(drop)
        })
        .await;
    }

    async fn insert(db: &Db, n: i64) -> Result<(), sqlx::Error> {
        let mut tx = db.write().await?;
        sqlx::query("INSERT INTO t (n) VALUES ($1)")
            .bind(n)
            .execute(&mut *tx)
            .await?;
        tx.commit().await
    }

    /// Writes cut short at every await of starting, running and committing their
    /// transaction leave none behind: every connection of the pool can write at once
    /// afterwards. (sqlx ran a custom `BEGIN IMMEDIATE`, then awaited once more before the
    /// transaction existed: cut there, the connection went back to the pool inside it,
    /// holding SQLite's write lock for good.)
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn writes_cut_short_leave_no_transaction_behind() {
        let dir = tempfile::tempdir().unwrap();
        let url = crate::config::sqlite_url(&dir.path().join("cut.db"));
        let db = Db::connect(&url).await.unwrap();
        sqlx::query("CREATE TABLE t (n INTEGER NOT NULL)")
            .execute(db.pool())
            .await
            .unwrap();
        let cuts = async {
            for round in 0..40 {
                for polls in 1..12 {
                    cut_after(polls, insert(&db, round)).await;
                }
            }
        };
        // A write behind a lock left behind waits for SQLite's busy timeout (10 s).
        tokio::time::timeout(Duration::from_secs(20), cuts)
            .await
            .expect("the cut writes stalled: a lock was left behind");
        // As many writes at once as the pool has connections, each on its own one.
        let writes = (0..8).map(|n| {
            let db = db.clone();
            tokio::spawn(async move {
                tokio::time::timeout(Duration::from_secs(5), insert(&db, 1000 + n)).await
            })
        });
        for write in futures::future::join_all(writes).await {
            let done = write
                .unwrap()
                .expect("a write waited 5 s: a lock was left behind");
            done.expect("the write went through");
        }
    }
}
