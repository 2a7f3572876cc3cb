//! `/v1/orgs/{org}/audit-log` and its streamed export: thin handlers over
//! [`crate::audit::service`] and [`crate::audit::export`].

use axum::body::Body;
use axum::extract::State;
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::Json;
use chrono::{DateTime, Utc};
use orgdesk_model::audit::AuditAction;
use orgdesk_model::audit::{AuditEvent, AuditQuery, ExportFormat};
use orgdesk_model::{Page, ProjectId, UserId};
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::audit::export;
use crate::audit::service::{self, Filters};
use crate::auth::CurrentSession;
use crate::error::AppError;
use crate::http::extract::ApiQuery;
use crate::membership::OrgPath;
use crate::state::AppState;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(audit_log))
        .routes(routes!(export_audit_log))
}

/// Query parameters of the export: the format and the list's filters.
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// `csv` (the default) or `json` (one array).
    pub format: Option<ExportFormat>,
    /// From this time, inclusive (RFC 3339).
    pub from: Option<DateTime<Utc>>,
    /// Before this time, exclusive (RFC 3339).
    pub to: Option<DateTime<Utc>>,
    pub actor: Option<UserId>,
    pub action: Option<AuditAction>,
    pub project: Option<ProjectId>,
}

/// The org's audit log, newest first, within the plan's retention.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/audit-log",
    tag = "audit",
    security(("session" = [])),
    params(OrgPath, AuditQuery),
    responses(
        (status = 200, description = "Newest first", body = Page<AuditEvent>),
        (status = 400, description = "`malformed_request`"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn audit_log(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(key): OrgPath,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<Page<AuditEvent>>, AppError> {
    Ok(Json(
        service::list(&state.db, session.user_id(), &key, &query).await?,
    ))
}

/// The audit log as a download, streamed: CSV or a JSON array, newest first.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/audit-log/export",
    tag = "audit",
    security(("session" = [])),
    params(OrgPath, ExportQuery),
    responses(
        (status = 200, description = "The events, as an attachment",
            content(
                (String = "text/csv"),
                (Vec<AuditEvent> = "application/json"),
            ),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"<slug>-audit-<date>.<csv|json>\""))),
        (status = 400, description = "`malformed_request`"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn export_audit_log(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(key): OrgPath,
    ApiQuery(query): ApiQuery<ExportQuery>,
) -> Result<Response, AppError> {
    let format = query.format.unwrap_or(ExportFormat::Csv);
    let filters = Filters {
        from: query.from,
        to: query.to,
        actor: query.actor,
        action: query.action,
        project: query.project,
    };
    let (org, filter) = service::authorize(&state.db, session.user_id(), &key, filters).await?;
    let filename = format!(
        "{}-audit-{}.{}",
        org.slug,
        Utc::now().format("%Y-%m-%d"),
        export::extension(format)
    );
    let body = Body::from_stream(export::stream(state.db.clone(), org.id, filter, format));
    Ok((
        [
            (
                header::CONTENT_TYPE,
                export::content_type(format).to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
