//! Text as a spreadsheet should take it from our CSV exports (the usage report, the audit
//! log). Quoting is the `csv` crate's; this is the other half: a cell whose text starts
//! like a formula (`=`, `+`, `-`, `@`, a tab or a carriage return) would be evaluated by
//! Excel, LibreOffice or Sheets when the file is opened (OWASP's "CSV injection"), so it
//! gets a leading `'`, which those programs show as text and drop.

/// The characters that make a spreadsheet read a cell as a formula.
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` as a cell that opens as text, never as a formula.
pub fn cell(text: &str) -> String {
    if text.starts_with(FORMULA_STARTS) {
        format!("'{text}")
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_starts_are_defused_and_nothing_else() {
        for text in ["=1+1", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(cell(text), format!("'{text}"));
        }
        for text in ["", "Acme", "1-2", "a=b", " =1", "'quoted"] {
            assert_eq!(cell(text), text);
        }
    }
}
