//! The PostgreSQL pool hands out no connection the server closed while it sat idle: it
//! pings one idle for `PING_WHEN_IDLE` or more, and replaces it when the ping fails (a
//! connection in steady use is not pinged: see `Db::connect`).

use orgdesk_server::db::{Db, PING_WHEN_IDLE};
use sqlx::{Connection, Executor, PgConnection};

use crate::harness::{create_pg_database, pg_admin_url};

#[tokio::test]
async fn a_postgres_connection_closed_while_idle_is_replaced() {
    let (url, name) = create_pg_database().await;
    let db = Db::connect(&url).await.expect("connect");
    let one = || sqlx::query_scalar::<_, i64>("SELECT CAST(1 AS BIGINT)").fetch_one(db.pool());
    assert_eq!(one().await.expect("a first query"), 1);

    let mut admin = PgConnection::connect(&pg_admin_url()).await.unwrap();
    let closed: Vec<(bool,)> =
        sqlx::query_as("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1")
            .bind(&name)
            .fetch_all(&mut admin)
            .await
            .unwrap();
    assert!(
        !closed.is_empty(),
        "the pool's connection was open on the server"
    );
    tokio::time::sleep(PING_WHEN_IDLE + std::time::Duration::from_millis(200)).await;

    for _ in 0..3 {
        assert_eq!(
            one()
                .await
                .expect("a query after the server closed the connection"),
            1
        );
    }
    db.pool().close().await;
    let drop = format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
    admin.execute(drop.as_str()).await.unwrap();
}
