//! Downloads streamed to disk: written beside the destination and renamed at the end, so
//! a failed download never leaves half a file where the user expects the whole one.

use std::path::Path;

use reqwest::RequestBuilder;
use tokio::io::AsyncWriteExt;

use crate::{ClientError, Result};

pub(crate) async fn stream_to_file(
    req: RequestBuilder,
    dest: &Path,
    mut progress: impl FnMut(u64),
) -> Result<u64> {
    let mut resp = req.send().await.map_err(ClientError::Network)?;
    if !resp.status().is_success() {
        let status = resp.status().as_u16();
        let body = resp.bytes().await.map_err(ClientError::Network)?;
        return Err(ClientError::from_problem(status, &body));
    }
    let partial = dest.with_extension("part");
    let mut file = tokio::fs::File::create(&partial)
        .await
        .map_err(ClientError::File)?;
    let mut written = 0u64;
    while let Some(chunk) = resp.chunk().await.map_err(ClientError::Network)? {
        file.write_all(&chunk).await.map_err(ClientError::File)?;
        written += chunk.len() as u64;
        progress(written);
    }
    file.flush().await.map_err(ClientError::File)?;
    drop(file);
    tokio::fs::rename(&partial, dest)
        .await
        .map_err(ClientError::File)?;
    Ok(written)
}
