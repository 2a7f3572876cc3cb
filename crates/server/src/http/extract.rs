//! Extractors whose rejections are problem documents instead of axum's plain text.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::Json;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::error::AppError;

/// A JSON body, read as the OpenAPI document describes it: an object (every request body
/// of this API is one), in which a number with a zero fraction (`5.0`) is the integer it
/// equals, as in JSON Schema. Anything else (an array, a malformed document, a wrong field
/// type) answers 400 `malformed_request`, a missing JSON content type 415, an oversized
/// body 413.
#[derive(Debug)]
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = AppError;

    async fn from_request(request: Request, state: &S) -> Result<Self, AppError> {
        let Json(mut object) = Json::<Map<String, Value>>::from_request(request, state).await?;
        object.values_mut().for_each(integral_numbers_as_integers);
        // Read again from the object, so that an error names the field as axum words it.
        let bytes = serde_json::to_vec(&object).unwrap_or_default();
        let Json(value) = Json::<T>::from_bytes(&bytes)?;
        Ok(Self(value))
    }
}

/// Turns every float with a zero fraction that fits an `i64` into that integer.
fn integral_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(number) => {
            if let Some(float) = number.as_f64().filter(|_| number.is_f64()) {
                // Strictly inside the i64 range, where the conversion is exact.
                let fits = float.fract() == 0.0 && float.abs() < 9.2e18;
                if fits {
                    // Exact: `float` is whole and within the range.
                    *value = Value::from(float as i64);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(integral_numbers_as_integers),
        Value::Object(map) => map.values_mut().for_each(integral_numbers_as_integers),
        Value::Null | Value::Bool(_) | Value::String(_) => {}
    }
}

/// Path segments; one that is not UTF-8 once percent-decoded (`/v1/orgs/%FF`) answers 400
/// `malformed_request`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(AppError))]
pub struct ApiPath<T>(pub T);

/// Query parameters; malformed ones answer 400 `malformed_request`.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(AppError))]
pub struct ApiQuery<T>(pub T);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn integral_floats_become_integers() {
        let mut body = json!({ "a": 5.0, "b": [2.0, 2.5], "c": { "d": -0.0 }, "e": 1e300 });
        integral_numbers_as_integers(&mut body);
        assert_eq!(
            body,
            json!({ "a": 5, "b": [2, 2.5], "c": { "d": 0 }, "e": 1e300 })
        );
        assert!(body["a"].is_i64());
    }
}
