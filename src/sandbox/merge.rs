//! Compaction of change records: a snapshot and the batches after it, cut to what replaying
//! them needs (the last record of each key, and no record of an object deleted since), without
//! opening a sandbox on them.
//!
//! The state is never rebuilt, nor a value read (only each line's key), and the records
//! themselves are never held: [`RecordMerger`] reads them twice, in pieces. The first pass keeps
//! each key and the number of its last line; the second hands back the lines that survive. A
//! storage adapter can so compact a state of any size in a few megabytes beyond the keys
//! (measured: a 200 MB compaction needed ~4× its size in memory when it was one call on the
//! whole input, and most of its time went to growing that memory).
//!
//! The result restores to the same state as its input does: a key's last record is the one
//! replay would leave, and records of different keys do not depend on each other until
//! `restore`'s final pass. The account record goes first, as `restore` needs it; the rest keep
//! the order of their last appearance.

use std::collections::HashMap;

use super::records::{LineIn, RestoreError};

/// The two passes of a compaction. Both must see the same lines, in the same pieces or not
/// (only lines count, and a piece must hold whole lines); `finish` checks that they did.
#[derive(Debug, Default)]
pub struct RecordMerger {
    /// Each key's last line, by number.
    last: HashMap<Box<str>, u32>,
    /// One bit per line scanned: set when the line is not kept (a later line has its key, it
    /// records a deletion, or it is an account record, which goes first instead).
    dropped: Vec<u64>,
    /// The last account record's line, written before every other line.
    account: Option<Vec<u8>>,
    /// Lines scanned by the first pass.
    lines: u32,
    /// The second pass: how many lines it has seen (`None` until it starts).
    kept_through: Option<u32>,
}

impl RecordMerger {
    pub fn new() -> Self {
        Self::default()
    }

    /// The first pass, over the next piece of the input.
    pub fn scan(&mut self, piece: &[u8]) -> Result<(), RestoreError> {
        if self.kept_through.is_some() {
            return Err(Self::misuse("scan came after the second pass began"));
        }
        for line in lines_of(piece) {
            let number = self.lines;
            self.lines = number
                .checked_add(1)
                .ok_or_else(|| Self::misuse("more than 4,294,967,295 records"))?;
            self.dropped.resize((self.lines as usize).div_ceil(64), 0);
            let (key, deleted) = key_of(line).map_err(|reason| RestoreError::InvalidRecord {
                line: number as usize + 1,
                reason,
            })?;
            if key == "account" {
                self.account = Some(line.to_vec());
                self.drop_line(number);
                continue;
            }
            let earlier = match self.last.get_mut(key) {
                Some(last) => Some(std::mem::replace(last, number)),
                None => {
                    self.last.insert(key.into(), number);
                    None
                }
            };
            if let Some(earlier) = earlier {
                self.drop_line(earlier);
            }
            if deleted {
                self.drop_line(number);
            }
        }
        Ok(())
    }

    /// The second pass, over the next piece of the same input: the lines of it that survive,
    /// each ending in a newline (the account record ahead of the first piece's).
    pub fn keep(&mut self, piece: &[u8]) -> Result<Vec<u8>, RestoreError> {
        let mut out = Vec::with_capacity(piece.len() + 1);
        let mut seen = match self.kept_through {
            Some(seen) => seen,
            None => {
                let account = self.account.as_ref().ok_or(RestoreError::NoAccount)?;
                out.extend_from_slice(account);
                out.push(b'\n');
                0
            }
        };
        // Kept lines are copied a run at a time (most of a piece survives, usually whole):
        // `piece[run..at]` is kept and not copied yet.
        let mut run = 0;
        let mut at = 0;
        while at < piece.len() {
            let end = memchr::memchr(b'\n', &piece[at..]).map_or(piece.len(), |i| at + i);
            let next = (end + 1).min(piece.len());
            // An empty line (batches are joined with a newline after each) is not a record.
            let kept = end > at && {
                if seen >= self.lines {
                    return Err(Self::misuse(
                        "the second pass saw more records than the first",
                    ));
                }
                seen += 1;
                !self.is_dropped(seen - 1)
            };
            if !kept {
                out.extend_from_slice(&piece[run..at]);
                run = next;
            }
            at = next;
        }
        out.extend_from_slice(&piece[run..]);
        if out.last().is_some_and(|b| *b != b'\n') {
            out.push(b'\n'); // a last line without its newline gets one, as every other has
        }
        self.kept_through = Some(seen);
        Ok(out)
    }

    /// Checks that the second pass saw every line of the first.
    pub fn finish(&self) -> Result<(), RestoreError> {
        if self.account.is_none() {
            return Err(RestoreError::NoAccount);
        }
        match self.kept_through {
            Some(seen) if seen == self.lines => Ok(()),
            seen => Err(Self::misuse(&format!(
                "the second pass saw {} records, the first {}",
                seen.unwrap_or(0),
                self.lines
            ))),
        }
    }

    fn drop_line(&mut self, number: u32) {
        self.dropped[number as usize / 64] |= 1 << (number % 64);
    }

    fn is_dropped(&self, number: u32) -> bool {
        self.dropped[number as usize / 64] & (1 << (number % 64)) != 0
    }

    fn misuse(what: &str) -> RestoreError {
        RestoreError::Compaction(what.to_owned())
    }
}

/// [`RecordMerger`]'s two passes over `snapshot` and the `batches` after it, in memory.
pub fn merge<'a>(
    snapshot: Option<&'a [u8]>,
    batches: impl Iterator<Item = &'a [u8]> + Clone,
) -> Result<Vec<u8>, RestoreError> {
    let pieces = snapshot.into_iter().chain(batches);
    let mut merger = RecordMerger::new();
    for piece in pieces.clone() {
        merger.scan(piece)?;
    }
    let mut out = Vec::new();
    for piece in pieces {
        out.extend(merger.keep(piece)?);
    }
    // No piece at all: `keep` never ran to find the account missing.
    merger.finish()?;
    Ok(out)
}

/// The lines of `piece`, empty ones left out.
fn lines_of(piece: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut at = 0;
    std::iter::from_fn(move || {
        while at < piece.len() {
            let end = memchr::memchr(b'\n', &piece[at..]).map_or(piece.len(), |i| at + i);
            let line = &piece[at..end];
            at = end + 1;
            if !line.is_empty() {
                return Some(line);
            }
        }
        None
    })
}

/// A record's key, and whether it records a deletion, read off the line as `records` spells it
/// (`{"k":"<key>",…,"v":<value>}`, `v` last) without scanning the value, which is most of the
/// line; any other spelling is parsed whole.
fn key_of(line: &[u8]) -> Result<(&str, bool), String> {
    if let Some(rest) = line.strip_prefix(b"{\"k\":\"") {
        // A key is ids and slashes: an escape would need the full parse.
        if let Some(end) = rest.iter().position(|&b| b == b'"' || b == b'\\') {
            if rest[end] == b'"' && line.ends_with(b"}") {
                let key = std::str::from_utf8(&rest[..end]).map_err(|e| e.to_string())?;
                // `v` closes the line: only a null `v` can end it in `"v":null}` (any other
                // value that ends in `null` is nested, so the line ends in `}}` or `]}`).
                return Ok((key, line.ends_with(b",\"v\":null}")));
            }
        }
    }
    let parsed: LineIn = serde_json::from_slice(line).map_err(|e| e.to_string())?;
    Ok((parsed.k, parsed.v.get() == "null"))
}

#[cfg(test)]
mod tests {
    use super::{key_of, merge, RecordMerger};
    use crate::sandbox::records::RestoreError;

    #[test]
    fn key_of_reads_the_key_and_a_deletion_without_parsing_the_value() {
        let cases: [(&[u8], &str, bool); 5] = [
            (
                br#"{"k":"test/customer/cust_1","s":3,"v":{"email":"a@b.c"}}"#,
                "test/customer/cust_1",
                false,
            ),
            (
                br#"{"k":"test/customer/cust_1","s":3,"v":null}"#,
                "test/customer/cust_1",
                true,
            ),
            (br#"{"k":"account","v":{"nextSeq":4}}"#, "account", false),
            // A nested `"v":null` is not the record's.
            (
                br#"{"k":"test/event/evt_1","s":5,"v":{"data":{"v":null}}}"#,
                "test/event/evt_1",
                false,
            ),
            // Other spellings take the full parse.
            (
                br#"{"v":null,"k":"test/refund/re_1"}"#,
                "test/refund/re_1",
                true,
            ),
        ];
        for (line, key, deleted) in cases {
            assert_eq!(
                key_of(line),
                Ok((key, deleted)),
                "{}",
                String::from_utf8_lossy(line)
            );
        }
        assert!(key_of(b"not json").is_err());
        // An escaped key is refused, as `restore` refuses it.
        assert!(key_of(br#"{"k":"test/x\/y","v":1}"#).is_err());
    }

    const ACCOUNT_1: &str = r#"{"k":"account","v":{"nextSeq":1}}"#;
    const ACCOUNT_2: &str = r#"{"k":"account","v":{"nextSeq":2}}"#;
    const A1: &str = r#"{"k":"test/customer/a","s":1,"v":{"n":1}}"#;
    const A2: &str = r#"{"k":"test/customer/a","s":1,"v":{"n":2}}"#;
    const B1: &str = r#"{"k":"test/customer/b","s":2,"v":{"n":1}}"#;
    const B_GONE: &str = r#"{"k":"test/customer/b","v":null}"#;
    const C1: &str = r#"{"k":"test/event/c","s":3,"v":{"n":1}}"#;

    fn lines(lines: &[&str]) -> Vec<u8> {
        lines
            .iter()
            .flat_map(|l| format!("{l}\n").into_bytes())
            .collect()
    }

    #[test]
    fn keeps_each_keys_last_record_where_it_last_appeared_and_the_last_account_first() {
        let snapshot = lines(&[ACCOUNT_1, A1, B1]);
        let batches = [lines(&[A2, C1]), lines(&[ACCOUNT_2, B_GONE])];
        let merged = merge(Some(&snapshot), batches.iter().map(|b| b.as_slice())).unwrap();
        assert_eq!(
            String::from_utf8(merged).unwrap(),
            String::from_utf8(lines(&[ACCOUNT_2, A2, C1])).unwrap()
        );
    }

    #[test]
    fn the_pieces_of_the_two_passes_may_be_cut_differently() {
        let input = lines(&[ACCOUNT_1, A1, B1, A2, C1, B_GONE]);
        let mut merger = RecordMerger::new();
        merger.scan(&input).unwrap();
        let (head, tail) = input.split_at(lines(&[ACCOUNT_1, A1]).len());
        let mut out = merger.keep(head).unwrap();
        // A piece without lines changes nothing (and the account record is written once).
        out.extend(merger.keep(b"").unwrap());
        out.extend(merger.keep(tail).unwrap());
        merger.finish().unwrap();
        assert_eq!(out, lines(&[ACCOUNT_1, A2, C1]));
    }

    #[test]
    fn empty_lines_are_no_records_and_a_last_line_gets_its_newline() {
        let snapshot = format!("{ACCOUNT_1}\n\n{A1}\n{B1}");
        let batches = [format!("\n{A2}\n\n"), C1.to_owned()];
        let merged = merge(
            Some(snapshot.as_bytes()),
            batches.iter().map(|b| b.as_bytes()),
        )
        .unwrap();
        assert_eq!(merged, lines(&[ACCOUNT_1, B1, A2, C1]));
    }

    #[test]
    fn a_second_pass_that_differs_from_the_first_is_an_error() {
        let input = lines(&[ACCOUNT_1, A1, B1]);
        let mut short = RecordMerger::new();
        short.scan(&input).unwrap();
        short.keep(&lines(&[ACCOUNT_1, A1])).unwrap();
        assert!(matches!(short.finish(), Err(RestoreError::Compaction(_))));

        let mut long = RecordMerger::new();
        long.scan(&input).unwrap();
        assert!(long.keep(&lines(&[ACCOUNT_1, A1, B1, C1])).is_err());

        let mut late = RecordMerger::new();
        late.scan(&input).unwrap();
        late.keep(&input).unwrap();
        assert!(late.scan(&input).is_err());
    }

    #[test]
    fn refuses_input_without_an_account_or_with_a_line_that_is_no_record() {
        assert_eq!(
            merge(None, std::iter::empty()),
            Err(RestoreError::NoAccount)
        );
        let no_account = lines(&[A1]);
        assert_eq!(
            merge(Some(&no_account), std::iter::empty()),
            Err(RestoreError::NoAccount)
        );
        let bad = lines(&[ACCOUNT_1, "not a record"]);
        assert!(matches!(
            merge(Some(&bad), std::iter::empty()),
            Err(RestoreError::InvalidRecord { line: 2, .. })
        ));
    }
}
