//! The harness itself, independent of what the UI shows: the app launches in a real window,
//! has elements to find, can be photographed, quit and relaunched, and leaves no process
//! behind.

use anyhow::{ensure, Result};
use orgdesk_e2e::Launch;

#[tokio::test]
async fn app_launches_relaunches_and_stops_cleanly() -> Result<()> {
    let mut app = Launch::new("harness").start().await?;
    let outcome = async {
        app.wait_for("[data-testid]").await?;
        let ids = app.test_ids().await?;
        let shot = app.screenshot("first-launch").await?;
        ensure!(
            std::fs::metadata(&shot)?.len() > 1000,
            "screenshot {} is empty",
            shot.display()
        );
        eprintln!("[e2e] data-testid on the first screen: {ids:?}");
        app.relaunch().await?;
        app.wait_for("[data-testid]").await?;
        app.screenshot("relaunched").await?;
        Ok(())
    }
    .await;
    app.finish(outcome).await
}
