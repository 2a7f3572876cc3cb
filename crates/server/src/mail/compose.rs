//! Messages as RFC 5322 bytes: plain text, UTF-8, wrapped below 76 columns and sent as
//! 8bit (7bit when ASCII), so that links stay on one line, exactly as written, in every
//! `.eml` file (a longer line would make the body quoted-printable).

use lettre::message::header::{ContentTransferEncoding, ContentType};
use lettre::message::{Body, Mailbox};
use lettre::Message;

use crate::error::AppError;
use crate::mail::{MailError, Outgoing};

/// Lines are wrapped to at most this many characters.
pub const WIDTH: usize = 72;

pub fn message(from: &Mailbox, mail: &Outgoing<'_>) -> Result<Vec<u8>, AppError> {
    let body = Body::new_with_encoding(wrap(mail.text, WIDTH), ContentTransferEncoding::EightBit)
        .unwrap_or_else(Body::new);
    let message = Message::builder()
        .from(from.clone())
        .to(Mailbox::new(None, mail.to.clone()))
        .subject(mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(body)
        .map_err(|e| MailError::Compose(e.to_string()))?;
    Ok(message.formatted())
}

/// Wraps each line at word boundaries to at most `width` bytes (what the body encoder
/// counts); a longer word is cut at a character boundary.
pub fn wrap(text: &str, width: usize) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / width);
    for line in text.lines() {
        let mut current = String::new();
        for word in line.split(' ') {
            let mut word = word;
            while word.len() > width {
                if !current.is_empty() {
                    out.push_str(&current);
                    out.push('\n');
                    current.clear();
                }
                let cut = (0..=width)
                    .rev()
                    .find(|i| word.is_char_boundary(*i))
                    .unwrap_or(0);
                let cut = if cut == 0 { word.len() } else { cut };
                out.push_str(&word[..cut]);
                out.push('\n');
                word = &word[cut..];
            }
            if !current.is_empty() && current.len() + 1 + word.len() > width {
                out.push_str(&current);
                out.push('\n');
                current.clear();
            }
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(word);
        }
        out.push_str(&current);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_stay_on_one_line_whatever_the_text() {
        let from: Mailbox = "Orgdesk <no-reply@orgdesk.invalid>".parse().unwrap();
        let to = "ana@example.com".parse().unwrap();
        let link = format!("orgdesk://invite/{}", "A".repeat(43));
        let long = "Ünïcode ".repeat(30);
        let text = format!("{long}invited you to {}.\n\n{link}\n", "x".repeat(120));
        let mail = Outgoing {
            org: None,
            to: &to,
            subject: "Join Café Zürich",
            text: &text,
        };
        let bytes = message(&from, &mail).unwrap();
        let shown = String::from_utf8(bytes).unwrap();
        assert!(shown.contains(&format!("\r\n{link}\r\n")), "{shown}");
        assert!(shown.contains("Content-Transfer-Encoding: 8bit"), "{shown}");
        assert!(shown.contains("To: ana@example.com"), "{shown}");
    }

    #[test]
    fn wrapping_keeps_lines_short_and_words_whole() {
        let wrapped = wrap("one two three four\n\nfive", 9);
        assert_eq!(wrapped, "one two\nthree\nfour\n\nfive\n");
        assert_eq!(wrap(&"y".repeat(20), 8), "yyyyyyyy\nyyyyyyyy\nyyyy\n");
        for line in wrap(
            &format!("{} {}", "wörd ".repeat(100), "é".repeat(100)),
            WIDTH,
        )
        .lines()
        {
            assert!(line.len() <= WIDTH, "{line}");
        }
    }
}
