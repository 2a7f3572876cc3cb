//! `POST /v1/usage` (API-key auth) and the usage reports (a session, or a key that reads): thin handlers over
//! [`crate::usage::record`] and [`crate::usage::report`].

use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use orgdesk_model::usage::{UsageGroup, UsageQuery, UsageRecorded, UsageReport, UsageRequest};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::ApiKeyCaller;
use crate::error::AppError;
use crate::http::extract::{ApiJson, ApiQuery};
use crate::idempotency::{AnswerKept, IdempotencyKey};
use crate::membership::OrgPath;
use crate::reader::ReadCaller;
use crate::state::AppState;
use crate::usage::record::{self, Recorded};
use crate::usage::report;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(record_usage))
        .routes(routes!(usage_report))
        .routes(routes!(usage_csv))
}

/// Record metered usage and debit the key's org, exactly once per `Idempotency-Key`.
#[utoipa::path(
    post,
    path = "/v1/usage",
    tag = "metering",
    security(("api_key" = [])),
    params(("Idempotency-Key" = String, Header, description = "Required: one per usage event")),
    request_body = UsageRequest,
    responses(
        (status = 201, description = "Debited", body = UsageRecorded),
        (status = 400, description = "`idempotency_key_required` or `malformed_request`"),
        (status = 401, description = "`unauthenticated`: no live API key (unknown, revoked or expired, or its creator left the org)"),
        (status = 402, description = "`insufficient_credits`: nothing was debited"),
        (status = 403, description = "`forbidden` (scope or project of the key, or a project its creator can no longer reach) or `spend_not_allowed`"),
        (status = 404, description = "`not_found`: no such project in the key's org"),
        (status = 409, description = "`project_not_active` or `idempotency_key_in_flight`"),
        (status = 422, description = "`validation_failed` (`quantity`, `user`) or `idempotency_key_reused`"),
    )
)]
async fn record_usage(
    State(state): State<AppState>,
    ApiKeyCaller(key): ApiKeyCaller,
    idempotency: IdempotencyKey,
    ApiJson(req): ApiJson<UsageRequest>,
) -> Result<Response, AppError> {
    let idempotency = idempotency.required()?;
    let recorded = record::record(&state.db, &state.mail, &key, &idempotency, &req).await?;
    Ok(match recorded {
        Recorded::Debited(body) => (
            StatusCode::CREATED,
            [(header::CONTENT_TYPE, "application/json")],
            Extension(AnswerKept),
            body,
        )
            .into_response(),
        Recorded::Earlier(recorded) => (StatusCode::CREATED, Json(recorded)).into_response(),
    })
}

/// Usage of a time range grouped by project, person or day (owners and admins, and their
/// API keys; a key limited to a project reads that project's usage only).
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/usage",
    tag = "billing",
    security(("session" = []), ("api_key" = [])),

    params(OrgPath, UsageQuery),
    responses(
        (status = 200, description = "The report", body = UsageReport),
        (status = 400, description = "`malformed_request`: a bad or missing `group_by`"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 422, description = "`validation_failed`: `from` is not before `to`"),
    )
)]
async fn usage_report(
    State(state): State<AppState>,
    ReadCaller(reader): ReadCaller,
    OrgPath(org): OrgPath,
    ApiQuery(query): ApiQuery<UsageQuery>,
) -> Result<Json<UsageReport>, AppError> {
    let (report, _) = report::report(&state.db, &reader, &org, &query).await?;
    Ok(Json(report))
}

/// The same report as a CSV file.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/reports/usage.csv",
    tag = "billing",
    security(("session" = []), ("api_key" = [])),

    params(OrgPath, UsageQuery),
    responses(
        (status = 200, description = "`key,label,credits,events` lines and a total",
            content_type = "text/csv", body = String),
        (status = 400, description = "`malformed_request`"),
        (status = 403, description = "`forbidden`"),
        (status = 404, description = "`not_found`"),
        (status = 422, description = "`validation_failed`"),
    )
)]
async fn usage_csv(
    State(state): State<AppState>,
    ReadCaller(reader): ReadCaller,
    OrgPath(org): OrgPath,
    ApiQuery(query): ApiQuery<UsageQuery>,
) -> Result<Response, AppError> {
    let (report, slug) = report::report(&state.db, &reader, &org, &query).await?;
    let body = report::csv(&report)?;
    let group = match report.group_by {
        UsageGroup::Project => "project",
        UsageGroup::User => "person",
        UsageGroup::Day => "day",
    };
    let filename = format!(
        "usage-{slug}-by-{group}-{}-{}.csv",
        report.from.format("%Y%m%d"),
        report.to.format("%Y%m%d")
    );
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        body,
    )
        .into_response())
}
