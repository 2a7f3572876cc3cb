use std::sync::Arc;

use orgdesk_app_core::portfolio::{Portfolio, PortfolioRow};
use orgdesk_app_core::reads::Fresh;
use tauri::State;

use super::CmdResult;

/// Every org of the account at a glance: the figures the role sees in each, this
/// computer's queued changes and last visits; from the local store first, with its "as of".
#[tauri::command]
#[specta::specta]
pub async fn portfolio(
    portfolio: State<'_, Arc<Portfolio>>,
) -> CmdResult<Fresh<Vec<PortfolioRow>>> {
    Ok(portfolio.rows().await?)
}
