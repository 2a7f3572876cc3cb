//! A statement as a PDF: A4, the PDF standard fonts (Helvetica for text, Courier for
//! figures so they line up right-aligned), so nothing needs embedding. Made with printpdf.

use orgdesk_model::usage::Invoice;
use printpdf::{
    BuiltinFont, Mm, Op, PdfDocument, PdfFontHandle, PdfPage, PdfSaveOptions, Point, Pt, TextItem,
};

use crate::billing::format_credits;

const PAGE_W: f32 = 210.0;
const PAGE_H: f32 = 297.0;
const LEFT: f32 = 20.0;
/// The right edge of the figures.
const RIGHT: f32 = 190.0;
/// The right edge of the quantity column.
const QTY_RIGHT: f32 = 150.0;
const BOTTOM: f32 = 25.0;
const LINE: f32 = 6.0;
/// Courier's advance: 600/1000 of the size, in millimetres per point of size.
const COURIER_MM_PER_PT: f32 = 0.6 * 25.4 / 72.0;
const DESCRIPTION_MAX: usize = 70;

/// Lays out text page by page (statements here, payment receipts in
/// [`crate::card_payments`]).
pub(crate) struct Pages {
    done: Vec<PdfPage>,
    ops: Vec<Op>,
    y: f32,
}

impl Pages {
    pub(crate) fn new() -> Self {
        Self {
            done: Vec::new(),
            ops: Vec::new(),
            y: PAGE_H - 25.0,
        }
    }

    pub(crate) fn text(&mut self, x: f32, font: BuiltinFont, size: f32, text: &str) {
        self.ops.extend([
            Op::StartTextSection,
            Op::SetFont {
                font: PdfFontHandle::Builtin(font),
                size: Pt(size),
            },
            Op::SetTextCursor {
                pos: Point::new(Mm(x), Mm(self.y)),
            },
            Op::ShowText {
                items: vec![TextItem::Text(text.to_owned())],
            },
            Op::EndTextSection,
        ]);
    }

    /// Figures in Courier, ending at `right`.
    pub(crate) fn figure(&mut self, right: f32, size: f32, text: &str) {
        let width = text.chars().count() as f32 * size * COURIER_MM_PER_PT;
        self.text(right - width, BuiltinFont::Courier, size, text);
    }

    pub(crate) fn down(&mut self, by: f32) {
        self.y -= by;
        if self.y < BOTTOM {
            self.break_page();
        }
    }

    fn break_page(&mut self) {
        let ops = std::mem::take(&mut self.ops);
        self.done.push(PdfPage::new(Mm(PAGE_W), Mm(PAGE_H), ops));
        self.y = PAGE_H - 25.0;
    }

    pub(crate) fn finish(mut self) -> Vec<PdfPage> {
        if !self.ops.is_empty() || self.done.is_empty() {
            self.break_page();
        }
        self.done
    }
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= DESCRIPTION_MAX {
        return text.to_owned();
    }
    let cut: String = text.chars().take(DESCRIPTION_MAX - 1).collect();
    format!("{cut}…")
}

/// The statement as PDF bytes; `as_of` is printed, so a copy saved offline from the app's
/// store says how old its figures are.
pub fn render(invoice: &Invoice, as_of: chrono::DateTime<chrono::Utc>) -> Vec<u8> {
    let s = &invoice.summary;
    let title = format!("Credit statement {} — {}", s.id, invoice.org_name);
    let mut doc = PdfDocument::new(&title);
    let mut pages = Pages::new();
    pages.text(LEFT, BuiltinFont::HelveticaBold, 18.0, "Credit statement");
    pages.down(9.0);
    pages.text(LEFT, BuiltinFont::Helvetica, 12.0, &invoice.org_name);
    pages.down(LINE);
    let period = format!(
        "Period {} to {} (statement {})",
        s.period_start.format("%-d %B %Y"),
        s.period_end.format("%-d %B %Y"),
        s.id
    );
    pages.text(LEFT, BuiltinFont::Helvetica, 10.0, &period);
    pages.down(LINE);
    let when = format!("Figures as of {} UTC", as_of.format("%-d %B %Y, %H:%M"));
    pages.text(LEFT, BuiltinFont::Helvetica, 9.0, &when);
    pages.down(LINE);
    if !s.closed {
        let open = "This month is still open: figures change as usage comes in.";
        pages.text(LEFT, BuiltinFont::HelveticaOblique, 9.0, open);
        pages.down(LINE);
    }
    pages.down(LINE);
    pages.text(LEFT, BuiltinFont::HelveticaBold, 10.0, "Description");
    pages.text(
        QTY_RIGHT - 18.0,
        BuiltinFont::HelveticaBold,
        10.0,
        "Quantity",
    );
    pages.text(RIGHT - 26.0, BuiltinFont::HelveticaBold, 10.0, "Credits");
    pages.down(LINE);
    pages.text(LEFT, BuiltinFont::Helvetica, 10.0, "Opening balance");
    pages.figure(RIGHT, 10.0, &format_credits(s.opening_balance));
    pages.down(LINE);
    for line in &invoice.lines {
        pages.text(
            LEFT,
            BuiltinFont::Helvetica,
            10.0,
            &shorten(&line.description),
        );
        if let Some(quantity) = line.quantity {
            pages.figure(QTY_RIGHT, 10.0, &format_credits(quantity));
        }
        pages.figure(RIGHT, 10.0, &signed(line.amount));
        pages.down(LINE);
    }
    pages.down(LINE / 2.0);
    for (label, value) in [
        ("Credits added", signed(s.credits_added)),
        ("Credits spent", signed(-s.credits_spent)),
        ("Closing balance", format_credits(s.closing_balance)),
    ] {
        pages.text(LEFT, BuiltinFont::HelveticaBold, 10.0, label);
        pages.figure(RIGHT, 10.0, &value);
        pages.down(LINE);
    }
    pages.down(LINE);
    pages.text(
        LEFT,
        BuiltinFont::Helvetica,
        8.0,
        "Credits are whole numbers. Usage is priced at the rate card in effect when it was recorded.",
    );
    let mut warnings = Vec::new();
    doc.with_pages(pages.finish())
        .save(&PdfSaveOptions::default(), &mut warnings)
}

/// `+1,000` or `-40`.
fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{}", format_credits(n))
    } else {
        format_credits(n)
    }
}
