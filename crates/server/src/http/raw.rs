//! File bodies (logos, PDF statements) as the OpenAPI document describes them.

use utoipa::ToSchema;

/// The raw bytes of a file (logos, PDF statements).
#[derive(ToSchema)]
#[schema(value_type = String, format = Binary)]
pub struct RawBytes(pub Vec<u8>);
