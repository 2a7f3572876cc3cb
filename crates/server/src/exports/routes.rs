//! `/v1/orgs/{org}/exports…`: thin handlers over [`crate::exports::service`]; the download
//! streams the stored chunks one at a time.

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use orgdesk_model::export::OrgExport;
use orgdesk_model::ExportId;
use serde::Deserialize;
use utoipa::IntoParams;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::auth::{Actor, CurrentSession};
use crate::db::Db;
use crate::error::AppError;
use crate::exports::{repo, service};
use crate::http::extract::ApiPath;
use crate::http::raw::RawBytes;
use crate::membership::OrgPath;
use crate::state::AppState;

/// `{id}` in `/v1/orgs/{org}/exports/{id}`.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Path)]
struct ExportSegment {
    /// The export's id
    #[param(value_type = ExportId)]
    id: String,
}

impl ExportSegment {
    fn id(&self) -> Result<ExportId, AppError> {
        self.id.parse().map_err(|_| AppError::NotFound)
    }
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_exports, start_export))
        .routes(routes!(get_export))
        .routes(routes!(download_export))
}

/// Export everything of the org as one ZIP, written in the background. While one is queued
/// or running, the answer is that one (nothing new is started).
#[utoipa::path(
    post,
    path = "/v1/orgs/{org}/exports",
    tag = "exports",
    security(("session" = [])),
    params(OrgPath),
    responses(
        (status = 202, description = "Queued (or the export already queued or running)", body = OrgExport),
        (status = 403, description = "`forbidden`: not an owner or admin"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn start_export(
    State(state): State<AppState>,
    actor: Actor,
    OrgPath(org): OrgPath,
) -> Result<Response, AppError> {
    let started = service::start(&state.db, &actor, &org).await?;
    if started.created {
        state.export_wake.notify_one();
    }
    Ok((StatusCode::ACCEPTED, Json(started.export)).into_response())
}

/// The org's last 20 exports, newest first.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/exports",
    tag = "exports",
    security(("session" = [])),
    params(OrgPath),
    responses(
        (status = 200, description = "Newest first", body = Vec<OrgExport>),
        (status = 403, description = "`forbidden`: not an owner or admin"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn list_exports(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
) -> Result<Json<Vec<OrgExport>>, AppError> {
    Ok(Json(
        service::list(&state.db, session.user_id(), &org).await?,
    ))
}

/// One export, with its progress while it runs.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/exports/{id}",
    tag = "exports",
    security(("session" = [])),
    params(OrgPath, ExportSegment),
    responses(
        (status = 200, description = "The export", body = OrgExport),
        (status = 403, description = "`forbidden`: not an owner or admin"),
        (status = 404, description = "`not_found`"),
    )
)]
async fn get_export(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
    ApiPath(segment): ApiPath<ExportSegment>,
) -> Result<Json<OrgExport>, AppError> {
    let id = segment.id()?;
    Ok(Json(
        service::get(&state.db, session.user_id(), &org, id).await?,
    ))
}

/// The export's ZIP, streamed.
#[utoipa::path(
    get,
    path = "/v1/orgs/{org}/exports/{id}/download",
    tag = "exports",
    security(("session" = [])),
    params(OrgPath, ExportSegment),
    responses(
        (status = 200, description = "The ZIP, as an attachment",
            content((RawBytes = "application/zip")),
            headers(("Content-Disposition" = String, description = "attachment; filename=\"<slug>-export-<date>.zip\""))),
        (status = 403, description = "`forbidden`: not an owner or admin"),
        (status = 404, description = "`not_found`"),
        (status = 409, description = "`export_not_ready`: queued, running or failed"),
        (status = 410, description = "`export_expired`: removed after its week"),
    )
)]
async fn download_export(
    State(state): State<AppState>,
    session: CurrentSession,
    OrgPath(org): OrgPath,
    ApiPath(segment): ApiPath<ExportSegment>,
) -> Result<Response, AppError> {
    let id = segment.id()?;
    let export = service::downloadable(&state.db, session.user_id(), &org, id).await?;
    let mut headers = vec![
        (header::CONTENT_TYPE, "application/zip".to_owned()),
        (
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{}\"", export.file_name),
        ),
    ];
    if let Some(size) = export.size {
        headers.push((header::CONTENT_LENGTH, size.to_string()));
    }
    let body = Body::from_stream(chunks(state.db.clone(), export.id));
    let mut response = body.into_response();
    for (name, value) in headers {
        if let Ok(value) = value.parse() {
            response.headers_mut().insert(name, value);
        }
    }
    Ok(response)
}

/// The stored chunks in order, read one at a time.
fn chunks(
    db: Db,
    id: ExportId,
) -> impl futures::Stream<Item = Result<Bytes, std::io::Error>> + Send + 'static {
    futures::stream::try_unfold(0_i64, move |seq| {
        let db = db.clone();
        async move {
            let mut conn = db.pool().acquire().await.map_err(std::io::Error::other)?;
            let chunk = repo::chunk(&mut conn, id, seq)
                .await
                .map_err(std::io::Error::other)?;
            Ok(chunk.map(|bytes| (Bytes::from(bytes), seq + 1)))
        }
    })
}
