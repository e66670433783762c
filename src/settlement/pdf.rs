//! Statement PDF: a filing copy of a settlement for a finance team.
//!
//! Made with `pdf-writer` using the base-14 Helvetica fonts (nothing embedded, so the file
//! stays small and byte-identical for the same settlement). A4 pages: page 1 has the header
//! and the summary, then the entries table continues across as many pages as it needs, the
//! table header repeated on each; every page has a "Page i of N" footer. Content streams are
//! left uncompressed so the text can be searched and checked.

use pdf_writer::{Content, Finish, Name, Pdf, Rect, Ref, Str, TextStr};

use super::objects::Settlement;
use crate::money::Money;

const WIDTH: f32 = 595.0;
const HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;
const LEADING: f32 = 14.0;
/// Entry rows on page 1 (below header and summary) and on the pages after it.
const FIRST_PAGE_ROWS: usize = 30;
const OTHER_PAGE_ROWS: usize = 50;

const REGULAR: Name<'static> = Name(b"F1");
const BOLD: Name<'static> = Name(b"F2");

/// Width of `text` in Helvetica (or Helvetica-Bold) at `size`, for right-aligned amounts.
/// Digits, `.`, `,`, `-`, space and the letters of "Amount" have their AFM widths; anything
/// else counts as a digit (right-aligned columns hold only these).
fn text_width(text: &str, size: f32, bold: bool) -> f32 {
    let units: u32 = text
        .bytes()
        .map(|b| match (b, bold) {
            (b'.' | b',' | b' ', _) => 278,
            (b'-', _) => 333,
            (b'A', false) => 667,
            (b'A', true) => 722,
            (b'm', false) => 833,
            (b'm', true) => 889,
            (b'o' | b'u' | b'n', true) => 611,
            (b't', false) => 278,
            (b't', true) => 333,
            _ => 556,
        })
        .sum();
    units as f32 * size / 1000.0
}

/// Latin-1 only (Helvetica with WinAnsiEncoding); anything else becomes `?`. Our strings are
/// ids, codes and digits, so this never triggers in practice.
fn latin1(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| {
            u8::try_from(u32::from(c))
                .ok()
                .filter(|b| *b >= 0x20)
                .unwrap_or(b'?')
        })
        .collect()
}

struct Page {
    content: Content,
}

impl Page {
    fn new() -> Page {
        Page {
            content: Content::new(),
        }
    }

    fn text(&mut self, font: Name, size: f32, x: f32, y: f32, text: &str) {
        let bytes = latin1(text);
        self.content
            .begin_text()
            .set_font(font, size)
            .next_line(x, y)
            .show(Str(&bytes))
            .end_text();
    }

    fn right(&mut self, font: Name, size: f32, right_x: f32, y: f32, text: &str) {
        let bold = font == BOLD;
        self.text(font, size, right_x - text_width(text, size, bold), y, text);
    }

    fn rule(&mut self, y: f32, width: f32) {
        self.content
            .set_line_width(width)
            .move_to(MARGIN, y)
            .line_to(WIDTH - MARGIN, y)
            .stroke();
    }
}

fn amount(value: i64, s: &Settlement) -> String {
    Money::new(value, s.currency).format_major()
}

fn table_header(page: &mut Page, y: f32) -> f32 {
    page.text(BOLD, 9.0, MARGIN, y, "Type");
    page.text(BOLD, 9.0, MARGIN + 95.0, y, "Source");
    page.text(BOLD, 9.0, MARGIN + 275.0, y, "Created (UTC)");
    page.right(BOLD, 9.0, WIDTH - MARGIN, y, "Amount");
    page.rule(y - 4.0, 0.5);
    y - LEADING - 2.0
}

/// Renders a settlement's statement PDF.
pub fn statement_pdf(s: &Settlement) -> Vec<u8> {
    let rows = s.entries.len();
    let extra = rows.saturating_sub(FIRST_PAGE_ROWS);
    let page_count = 1 + extra.div_ceil(OTHER_PAGE_ROWS);

    let mut pages: Vec<Page> = Vec::with_capacity(page_count);
    let mut entries = s.entries.iter();
    for index in 0..page_count {
        let mut page = Page::new();
        let mut y = HEIGHT - MARGIN - 10.0;
        if index == 0 {
            page.text(BOLD, 18.0, MARGIN, y, "VINR settlement statement");
            y -= 26.0;
            let period = format!(
                "{} to {} (UTC, end exclusive)",
                s.period_start.format("%Y-%m-%d %H:%M"),
                s.period_end.format("%Y-%m-%d %H:%M")
            );
            let payout = s
                .payout
                .as_ref()
                .map_or("none (balance rolled forward)".to_owned(), |p| {
                    p.to_string()
                });
            let details = [
                ("Settlement", s.id.to_string()),
                ("Currency", s.currency.code().to_owned()),
                ("Period", period),
                ("Payout date", s.payout_date.to_string()),
                ("Payout", payout),
                ("Entries", rows.to_string()),
            ];
            for (label, value) in details {
                page.text(BOLD, 10.0, MARGIN, y, label);
                page.text(REGULAR, 10.0, MARGIN + 90.0, y, &value);
                y -= LEADING;
            }
            y -= 10.0;
            page.text(BOLD, 12.0, MARGIN, y, "Summary");
            y -= 6.0;
            page.rule(y, 0.8);
            y -= LEADING;
            let m = &s.summary;
            let mut lines = vec![
                ("Gross payments", m.gross_payments),
                ("Refunds", m.refunds),
                ("Disputes", m.disputes),
                ("Fees", m.fees),
            ];
            let optional = [
                ("Currency conversion", m.conversion),
                ("Failed payouts returned", m.failed_payouts),
                ("Reserve held", m.reserve_held),
                ("Reserve released", m.reserve_released),
                ("Carried in", m.carried_in),
                ("Carried forward", m.carried_out),
            ];
            lines.extend(optional.into_iter().filter_map(|(l, v)| v.map(|v| (l, v))));
            for (label, value) in lines {
                page.text(REGULAR, 10.0, MARGIN, y, label);
                page.right(REGULAR, 10.0, WIDTH - MARGIN, y, &amount(value, s));
                y -= LEADING;
            }
            page.rule(y + LEADING - 4.0, 0.5);
            page.text(
                BOLD,
                10.0,
                MARGIN,
                y - 2.0,
                &format!("Net ({})", s.currency),
            );
            page.right(BOLD, 10.0, WIDTH - MARGIN, y - 2.0, &amount(m.net, s));
            y -= LEADING + 16.0;
            page.text(BOLD, 12.0, MARGIN, y, "Entries");
            y -= LEADING + 4.0;
        } else {
            page.text(
                BOLD,
                11.0,
                MARGIN,
                y,
                &format!("Settlement {} (continued)", s.id),
            );
            y -= LEADING + 12.0;
        }
        y = table_header(&mut page, y);
        let cap = if index == 0 {
            FIRST_PAGE_ROWS
        } else {
            OTHER_PAGE_ROWS
        };
        for e in entries.by_ref().take(cap) {
            page.text(REGULAR, 9.0, MARGIN, y, e.entry_type.as_str());
            page.text(REGULAR, 9.0, MARGIN + 95.0, y, e.source.as_str());
            let created = e.created_at.format("%Y-%m-%d %H:%M:%S").to_string();
            page.text(REGULAR, 9.0, MARGIN + 275.0, y, &created);
            page.right(REGULAR, 9.0, WIDTH - MARGIN, y, &amount(e.amount, s));
            y -= LEADING - 1.0;
        }
        page.rule(MARGIN + 14.0, 0.3);
        page.text(
            REGULAR,
            8.0,
            MARGIN,
            MARGIN,
            &format!("{} - {}", s.id, s.currency),
        );
        let footer = format!("Page {} of {}", index + 1, page_count);
        page.right(REGULAR, 8.0, WIDTH - MARGIN, MARGIN, &footer);
        pages.push(page);
    }

    // Object numbers: 1 catalog, 2 page tree, 3 regular font, 4 bold font, 5 info, then a
    // page and its content stream per page.
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let regular = Ref::new(3);
    let bold = Ref::new(4);
    let info = Ref::new(5);
    let page_ref = |i: usize| Ref::new(6 + 2 * i as i32);
    let content_ref = |i: usize| Ref::new(7 + 2 * i as i32);

    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids((0..page_count).map(page_ref))
        .count(page_count as i32);
    pdf.type1_font(regular)
        .base_font(Name(b"Helvetica"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    pdf.type1_font(bold)
        .base_font(Name(b"Helvetica-Bold"))
        .encoding_predefined(Name(b"WinAnsiEncoding"));
    let title = format!("Settlement statement {}", s.id);
    pdf.document_info(info)
        .title(TextStr(&title))
        .producer(TextStr("VINR SDK (vinr crate)"));
    for (i, page) in pages.into_iter().enumerate() {
        let mut p = pdf.page(page_ref(i));
        p.parent(tree)
            .media_box(Rect::new(0.0, 0.0, WIDTH, HEIGHT))
            .contents(content_ref(i));
        let mut resources = p.resources();
        resources.fonts().pair(REGULAR, regular).pair(BOLD, bold);
        resources.finish();
        p.finish();
        let data = page.content.finish();
        pdf.stream(content_ref(i), &data);
    }
    pdf.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_latin1() {
        assert_eq!(
            text_width("10.00", 10.0, false),
            (556.0 * 4.0 + 278.0) / 100.0
        );
        assert_eq!(text_width("Amount", 10.0, true), 37.77);
        assert_eq!(latin1("a\u{2603}\n"), b"a??");
    }
}
