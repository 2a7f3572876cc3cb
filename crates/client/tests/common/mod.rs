//! What the client's tests share: reading the mail the server delivered.

use std::path::Path;
use std::time::Duration;

/// The token of the newest link starting with `prefix` mailed to `email` (the server
/// writes `.eml` files to `<data dir>/mail`), waiting for its delivery.
pub async fn mailed_token(data_dir: &Path, email: &str, prefix: &str) -> String {
    for _ in 0..150 {
        let mut paths: Vec<_> = std::fs::read_dir(data_dir.join("mail"))
            .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
            .unwrap_or_default();
        paths.sort();
        let to = format!("To: {email}\r\n");
        let token = paths
            .iter()
            .rev()
            .filter(|p| p.extension().is_some_and(|x| x == "eml"))
            .filter_map(|p| std::fs::read_to_string(p).ok())
            .filter(|text| text.contains(&to))
            .find_map(|text| {
                text.lines()
                    .find_map(|l| l.trim().strip_prefix(prefix).map(str::to_owned))
            });
        if let Some(token) = token {
            return token;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no {prefix} link mailed to {email}");
}
