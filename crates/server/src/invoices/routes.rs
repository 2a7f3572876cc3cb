//! `/v1/orgs/{org}/invoices…`: thin handlers over [`crate::invoices::statement`] and
//! [`crate::invoices::pdf`].

use axum::extract::State;
use axum::http::{header, HeaderMap};
use axum::response::{IntoResponse, Response};
use axum::Json;
use orgdesk_model::page::PageQuery;
use orgdesk_model::usage::{Invoice, InvoiceSummary};
use orgdesk_model::Page;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::CurrentSession;
use crate::error::AppError;
use crate::http::extract::{ApiPath, ApiQuery};
use crate::http::raw::RawBytes;
use crate::invoices::{pdf, statement};
use crate::membership::OrgPath;
use crate::state::AppState;

pub const PDF: &str = "application/pdf";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_invoices))
        .routes(routes!(get_invoice))
}

/// `{id}` in `/v1/orgs/{org}/invoices/{id}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct InvoiceSegment {
    /// The month, `YYYY-MM`
    #[param(pattern = r"^[0-9]{4}-[0-9]{2}$")]
    id: String,
}

/// Monthly statements, newest first: one per month with ledger activity; the current
/// month is open (`closed: false`). Owners and admins.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/invoices",
    tag = "billing",
    security(("session" = [])),
    params(OrgPath, PageQuery),
    responses(
        (status = 200, description = "Newest first", body = Page<InvoiceSummary>),
        (status = 400, description = "`malformed_request`: a bad cursor"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn list_invoices(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
    ApiQuery(query): ApiQuery<PageQuery>,
) -> Result<Json<Page<InvoiceSummary>>, AppError> {
    Ok(Json(
        statement::list(&state.db, session.user_id(), &org, &query).await?,
    ))
}

/// One month's statement: JSON, or a PDF with `Accept: application/pdf`.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/invoices/{id}",
    tag = "billing",
    security(("session" = [])),
    params(OrgPath, InvoiceSegment),
    responses(
        (status = 200, description = "The statement", content(
            (Invoice = "application/json"),
            (RawBytes = "application/pdf"),
        )),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`: no activity that month"),
    )
)]
async fn get_invoice(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
    ApiPath(InvoiceSegment { id }): ApiPath<InvoiceSegment>,
    headers: HeaderMap,
) -> Result<Response, AppError> {
    let (invoice, slug) = statement::get(&state.db, session.user_id(), &org, &id).await?;
    if !wants_pdf(&headers) {
        return Ok(Json(invoice).into_response());
    }
    let disposition = format!(
        "attachment; filename=\"{}\"",
        statement::filename(&slug, &invoice.summary.id)
    );
    let bytes =
        tokio::task::spawn_blocking(move || pdf::render(&invoice, chrono::Utc::now())).await?;
    Ok((
        [
            (header::CONTENT_TYPE, PDF.to_owned()),
            (header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}

/// Whether `Accept` names PDF (and not JSON before it).
fn wants_pdf(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .find(|v| v == PDF || v == "application/json" || v == "application/*" || v == "*/*")
        .is_some_and(|v| v == PDF)
}
