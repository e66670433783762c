//! Statement CSV: RFC 4180, one row per balance entry, and its parser.
//!
//! Columns, stable and in this order (camelCase like every other name on the wire):
//!
//! | column | content |
//! |---|---|
//! | `settlementId` | the `setl_` id |
//! | `entryId` | the `be_` id |
//! | `type` | `payment`, `fee`, `refund`, `dispute`, `dispute_fee`, `dispute_reversal`, `reserve_hold`, `reserve_release`, `conversion`, `carry_forward`, `payout_failure` |
//! | `source` | the `pay_` / `re_` / `dp_` / `po_` / `setl_` id the entry traces to |
//! | `createdAt` | RFC 3339 UTC |
//! | `currency` | ISO 4217 code of `amount` (the settlement currency) |
//! | `amount` | integer minor units; the column sums to `summary.net` |
//! | `originalCurrency`, `originalAmount`, `exchangeRate` | set for converted entries (and conversion lines), else empty |
//!
//! The header is the first record; records end in CRLF; a field is quoted (with `"` doubled)
//! only when it contains a comma, quote, CR or LF.

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::entry::{BalanceEntry, EntryConversion, EntryType};
use super::error::SettlementError;
use super::objects::Settlement;
use crate::currency::Currency;
use crate::ids::Id;

pub const COLUMNS: [&str; 10] = [
    "settlementId",
    "entryId",
    "type",
    "source",
    "createdAt",
    "currency",
    "amount",
    "originalCurrency",
    "originalAmount",
    "exchangeRate",
];

/// One RFC 4180 field: quoted when it holds a comma, a quote or a line break.
pub(crate) fn push_field(out: &mut String, field: &str) {
    if field.contains([',', '"', '\r', '\n']) {
        out.push('"');
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(field);
    }
}

/// One record and its CRLF.
pub(crate) fn push_record<'a>(out: &mut String, fields: impl IntoIterator<Item = &'a str>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        push_field(out, f);
    }
    out.push_str("\r\n");
}

/// The statement CSV of one settlement.
pub fn statement_csv(settlement: &Settlement) -> String {
    let mut out = String::with_capacity(64 + settlement.entries.len() * 160);
    push_record(&mut out, COLUMNS);
    for e in &settlement.entries {
        let created = e
            .created_at
            .to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        let amount = e.amount.to_string();
        let (oc, oa, rate) = match &e.conversion {
            Some(c) => (
                c.original_currency.code().to_owned(),
                c.original_amount.to_string(),
                c.rate.to_string(),
            ),
            None => (String::new(), String::new(), String::new()),
        };
        push_record(
            &mut out,
            [
                settlement.id.as_str(),
                e.id.as_str(),
                e.entry_type.as_str(),
                e.source.as_str(),
                created.as_str(),
                e.currency.code(),
                amount.as_str(),
                oc.as_str(),
                oa.as_str(),
                rate.as_str(),
            ],
        );
    }
    out
}

/// One parsed row: the settlement it belongs to and the entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRow {
    pub settlement_id: Id,
    pub entry: BalanceEntry,
}

/// Splits RFC 4180 text into records of (line number, fields). Accepts CRLF or LF endings.
fn records(text: &str) -> Result<Vec<(usize, Vec<String>)>, SettlementError> {
    let mut out = Vec::new();
    let mut fields: Vec<String> = Vec::new();
    let mut field = String::new();
    let mut line = 1usize;
    let mut record_line = 1usize;
    let mut chars = text.chars().peekable();
    let mut in_quotes = false;
    let mut quoted = false;
    let err = |line: usize, column: usize, message: &str| SettlementError::Csv {
        line,
        column,
        message: message.into(),
    };
    while let Some(c) = chars.next() {
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !quoted => {
                in_quotes = true;
                quoted = true;
            }
            '"' => return Err(err(line, fields.len() + 1, "unexpected quote in a field")),
            ',' => {
                fields.push(std::mem::take(&mut field));
                quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\r' => return Err(err(line, fields.len() + 1, "bare CR in a field")),
            '\n' => {
                fields.push(std::mem::take(&mut field));
                out.push((record_line, std::mem::take(&mut fields)));
                quoted = false;
                line += 1;
                record_line = line;
            }
            _ if quoted => return Err(err(line, fields.len() + 1, "text after a closing quote")),
            _ => field.push(c),
        }
    }
    if in_quotes {
        return Err(err(line, fields.len() + 1, "unterminated quoted field"));
    }
    if !field.is_empty() || !fields.is_empty() || quoted {
        fields.push(field);
        out.push((record_line, fields));
    }
    Ok(out)
}

/// Parses a statement CSV back into rows. Any problem is a [`SettlementError::Csv`] naming
/// the 1-based line and column.
pub fn parse_statement_csv(text: &str) -> Result<Vec<StatementRow>, SettlementError> {
    let records = records(text)?;
    let mut iter = records.into_iter();
    let (line, header) = iter.next().ok_or(SettlementError::Csv {
        line: 1,
        column: 1,
        message: "empty statement: expected a header".into(),
    })?;
    for (i, name) in COLUMNS.iter().enumerate() {
        if header.get(i).map(String::as_str) != Some(*name) {
            return Err(SettlementError::Csv {
                line,
                column: i + 1,
                message: format!("expected header column '{name}'"),
            });
        }
    }
    if header.len() != COLUMNS.len() {
        return Err(SettlementError::Csv {
            line,
            column: COLUMNS.len() + 1,
            message: format!("expected {} columns", COLUMNS.len()),
        });
    }
    let mut rows = Vec::new();
    for (line, fields) in iter {
        if fields.len() != COLUMNS.len() {
            return Err(SettlementError::Csv {
                line,
                column: fields.len().min(COLUMNS.len()) + 1,
                message: format!("expected {} fields, found {}", COLUMNS.len(), fields.len()),
            });
        }
        rows.push(parse_row(line, &fields)?);
    }
    Ok(rows)
}

fn parse_row(line: usize, f: &[String]) -> Result<StatementRow, SettlementError> {
    let bad = |column: usize, message: &str| SettlementError::Csv {
        line,
        column,
        message: message.into(),
    };
    let get = |i: usize| f.get(i).map(String::as_str).unwrap_or("");
    let id = |i: usize| Id::parse(get(i)).map_err(|e| bad(i + 1, &e.to_string()));
    let settlement_id = id(0)?;
    let entry_id = id(1)?;
    let entry_type = EntryType::from_str_opt(get(2)).ok_or_else(|| bad(3, "unknown entry type"))?;
    let source = id(3)?;
    if source.prefix() != entry_type.source_prefix() {
        return Err(bad(4, "source does not match the entry type"));
    }
    let created_at: DateTime<Utc> = DateTime::parse_from_rfc3339(get(4))
        .map_err(|_| bad(5, "expected an RFC 3339 time"))?
        .with_timezone(&Utc);
    let currency = Currency::from_code(get(5)).map_err(|_| bad(6, "unknown currency"))?;
    let amount: i64 = get(6)
        .parse()
        .map_err(|_| bad(7, "expected an integer amount in minor units"))?;
    let conversion = match (get(7), get(8), get(9)) {
        ("", "", "") => None,
        (c, a, r) => Some(EntryConversion {
            original_currency: Currency::from_code(c).map_err(|_| bad(8, "unknown currency"))?,
            original_amount: a
                .parse()
                .map_err(|_| bad(9, "expected an integer amount in minor units"))?,
            rate: r
                .parse::<Decimal>()
                .map_err(|_| bad(10, "expected a decimal rate"))?,
        }),
    };
    Ok(StatementRow {
        settlement_id,
        entry: BalanceEntry {
            id: entry_id,
            entry_type,
            source,
            amount,
            currency,
            created_at,
            conversion,
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::FieldError;

    #[test]
    fn quoting_follows_rfc_4180() {
        let mut s = String::new();
        push_record(&mut s, ["a", "b,c", "say \"hi\"", "x\r\ny", ""]);
        assert_eq!(s, "a,\"b,c\",\"say \"\"hi\"\"\",\"x\r\ny\",\r\n");
        let recs = records(&s).unwrap();
        assert_eq!(recs[0].1, ["a", "b,c", "say \"hi\"", "x\r\ny", ""]);
    }

    #[test]
    fn malformed_csv_names_line_and_column() {
        let header = COLUMNS.join(",");
        let cases = [
            ("".to_owned(), 1, 1),
            ("settlementId,entry\r\n".to_owned(), 1, 2),
            (format!("{header}\r\nsetl_12345678,be_12345678\r\n"), 2, 3),
            (
                format!("{header}\r\nsetl_12345678,be_12345678,payment,pay_12345678,2026-04-15T00:00:00Z,EUR,12x,,,\r\n"),
                2,
                7,
            ),
            (
                format!("{header}\r\nsetl_12345678,be_12345678,payment,re_12345678,2026-04-15T00:00:00Z,EUR,1,,,\r\n"),
                2,
                4,
            ),
            (
                format!("{header}\r\nsetl_12345678,be_12345678,payment,pay_12345678,yesterday,EUR,1,,,\r\n"),
                2,
                5,
            ),
            (
                format!("{header}\r\nsetl_12345678,be_12345678,payment,pay_12345678,2026-04-15T00:00:00Z,EUX,1,,,\r\n"),
                2,
                6,
            ),
            (format!("{header}\r\n\"unterminated,x"), 2, 1),
            (format!("{header}\r\na\"b,c"), 2, 1),
        ];
        for (text, line, column) in cases {
            match parse_statement_csv(&text) {
                Err(e @ SettlementError::Csv { .. }) => {
                    assert_eq!(e.code(), "csv_malformed");
                    let SettlementError::Csv {
                        line: l, column: c, ..
                    } = e
                    else {
                        unreachable!()
                    };
                    assert_eq!((l, c), (line, column), "{text:?}");
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }
}
