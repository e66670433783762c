//! The netting hot path: sums compact balance entries into per-(day, currency) settlement
//! lines without allocating.
//!
//! The engine builds settlements from full [`BalanceEntry`](super::BalanceEntry) values; this
//! is the same arithmetic over a flat slice of 16-byte [`CompactEntry`] records, for bulk
//! workloads (a statement of a million entries, the benchmark in `benches/settlement.rs`, and
//! the Wasm side's run of the same workload under Node). One pass, one indexed add per entry,
//! every add checked: an overflow is an error, never a wrapped total.

use super::entry::EntryType;

/// One balance entry, compact: amount in minor units, the day index (e.g. days since an
/// epoch), a currency slot (an index into the caller's currency list) and the
/// [`EntryType::code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[repr(C)]
pub struct CompactEntry {
    pub amount: i64,
    pub day: u32,
    pub slot: u8,
    pub kind: u8,
    pub pad: u16,
}

/// The size of one [`CompactEntry`]: the benchmark's "bytes per entry".
pub const ENTRY_BYTES: usize = std::mem::size_of::<CompactEntry>();

const _: () = assert!(ENTRY_BYTES == 16);

/// Number of entry kinds, the width of a cell.
pub const KINDS: usize = EntryType::ALL.len();

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NettingError {
    #[error("entry {index}: day or currency slot outside the table")]
    OutOfTable { index: usize },
    #[error("entry {index}: unknown entry kind")]
    UnknownKind { index: usize },
    #[error("entry {index}: total out of range")]
    Overflow { index: usize },
}

impl crate::error::FieldError for NettingError {
    fn code(&self) -> &'static str {
        match self {
            NettingError::OutOfTable { .. } => "entry_out_of_table",
            NettingError::UnknownKind { .. } => "entry_kind_unknown",
            NettingError::Overflow { .. } => "amount_overflow",
        }
    }
}

/// Per (day, currency slot) the total of each entry kind. Sized once; [`net_compact`] only
/// writes into it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NettingTable {
    first_day: u32,
    days: u32,
    slots: u32,
    cells: Vec<[i64; KINDS]>,
}

impl NettingTable {
    /// A table for days `first_day .. first_day + days` and `slots` currencies.
    pub fn new(first_day: u32, days: u32, slots: u8) -> NettingTable {
        let len = days as usize * usize::from(slots);
        NettingTable {
            first_day,
            days,
            slots: u32::from(slots),
            cells: vec![[0; KINDS]; len],
        }
    }

    pub fn clear(&mut self) {
        self.cells.iter_mut().for_each(|c| *c = [0; KINDS]);
    }

    fn index(&self, day: u32, slot: u8) -> Option<usize> {
        let d = day.checked_sub(self.first_day)?;
        if d >= self.days || u32::from(slot) >= self.slots {
            return None;
        }
        Some(d as usize * self.slots as usize + usize::from(slot))
    }

    /// The totals by [`EntryType::code`] of one day and currency slot.
    pub fn cell(&self, day: u32, slot: u8) -> Option<&[i64; KINDS]> {
        self.cells.get(self.index(day, slot)?)
    }

    /// A settlement's net for one cell: every kind except `payout` (payouts move the net out
    /// of the balance, they are never inside a settlement).
    pub fn net(&self, day: u32, slot: u8) -> Option<i64> {
        let cell = self.cell(day, slot)?;
        let payout = usize::from(EntryType::Payout.code());
        cell.iter()
            .enumerate()
            .filter(|(k, _)| *k != payout)
            .try_fold(0i64, |acc, (_, v)| acc.checked_add(*v))
    }
}

impl NettingTable {
    /// Σ of every cell's [`net`](Self::net): the whole table's settlements together.
    pub fn total_net(&self) -> i64 {
        let payout = usize::from(EntryType::Payout.code());
        self.cells
            .iter()
            .flat_map(|c| c.iter().enumerate())
            .filter(|(k, _)| *k != payout)
            .fold(0i64, |acc, (_, v)| acc.saturating_add(*v))
    }
}

/// The benchmark's workload, shared by the native (`benches/settlement.rs`) and Wasm
/// (`benches/settlement-wasm.mjs`) halves so both net exactly the same entries: mostly
/// payments and their fees, some refunds, disputes and payout failures, spread over `days`
/// days from `first_day` and `slots` currencies. Deterministic in `seed`.
pub fn synthetic_entries(
    count: usize,
    seed: u64,
    first_day: u32,
    days: u32,
    slots: u8,
) -> Vec<CompactEntry> {
    let mut rng = crate::host::SeededRandom::new(seed);
    let kinds = [
        EntryType::Payment,
        EntryType::Fee,
        EntryType::Payment,
        EntryType::Fee,
        EntryType::Refund,
        EntryType::Dispute,
        EntryType::DisputeFee,
        EntryType::PayoutFailure,
    ];
    let days = u64::from(days.max(1));
    let slots = u64::from(slots.max(1));
    (0..count)
        .map(|_| {
            let r = rng.next_u64();
            let kind = kinds[(r & 7) as usize];
            let magnitude = ((r >> 8) % 1_000_000) as i64 + 1;
            let amount = match kind {
                EntryType::Payment | EntryType::PayoutFailure => magnitude,
                _ => -(magnitude / 10),
            };
            CompactEntry {
                amount,
                day: first_day + ((r >> 32) % days) as u32,
                slot: ((r >> 48) % slots) as u8,
                kind: kind.code(),
                pad: 0,
            }
        })
        .collect()
}

/// Adds every entry into its cell of `table`. On error the table holds a partial sum; clear
/// it before reuse.
#[inline(never)]
pub fn net_compact(entries: &[CompactEntry], table: &mut NettingTable) -> Result<(), NettingError> {
    let first = table.first_day;
    let days = table.days;
    let slots = table.slots;
    for (index, e) in entries.iter().enumerate() {
        let d = e.day.wrapping_sub(first);
        if d >= days || u32::from(e.slot) >= slots {
            return Err(NettingError::OutOfTable { index });
        }
        let cell_index = d as usize * slots as usize + usize::from(e.slot);
        let cell = table
            .cells
            .get_mut(cell_index)
            .ok_or(NettingError::OutOfTable { index })?;
        let slot = cell
            .get_mut(usize::from(e.kind))
            .ok_or(NettingError::UnknownKind { index })?;
        *slot = slot
            .checked_add(e.amount)
            .ok_or(NettingError::Overflow { index })?;
    }
    Ok(())
}

/// The floor the netting is measured against: a plain sum of the amounts.
#[inline(never)]
pub fn sum_amounts(entries: &[CompactEntry]) -> i64 {
    entries
        .iter()
        .fold(0i64, |acc, e| acc.wrapping_add(e.amount))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(amount: i64, day: u32, slot: u8, kind: EntryType) -> CompactEntry {
        CompactEntry {
            amount,
            day,
            slot,
            kind: kind.code(),
            pad: 0,
        }
    }

    #[test]
    fn nets_per_day_and_currency() {
        let mut t = NettingTable::new(100, 3, 2);
        let entries = [
            e(1000, 100, 0, EntryType::Payment),
            e(-40, 100, 0, EntryType::Fee),
            e(500, 101, 1, EntryType::Payment),
            e(-500, 101, 1, EntryType::Refund),
            e(-960, 100, 0, EntryType::Payout),
        ];
        net_compact(&entries, &mut t).unwrap();
        assert_eq!(t.net(100, 0), Some(960));
        assert_eq!(
            t.cell(100, 0).unwrap()[usize::from(EntryType::Fee.code())],
            -40
        );
        assert_eq!(t.net(101, 1), Some(0));
        assert_eq!(t.net(102, 0), Some(0));
        assert_eq!(t.net(103, 0), None);
        assert_eq!(sum_amounts(&entries), 0);
    }

    #[test]
    fn bad_entries_are_errors_not_panics() {
        let mut t = NettingTable::new(100, 3, 2);
        assert_eq!(
            net_compact(&[e(1, 99, 0, EntryType::Payment)], &mut t),
            Err(NettingError::OutOfTable { index: 0 })
        );
        assert_eq!(
            net_compact(&[e(1, 100, 2, EntryType::Payment)], &mut t),
            Err(NettingError::OutOfTable { index: 0 })
        );
        let mut bad = e(1, 100, 0, EntryType::Payment);
        bad.kind = 200;
        assert_eq!(
            net_compact(&[bad], &mut t),
            Err(NettingError::UnknownKind { index: 0 })
        );
        t.clear();
        let big = [
            e(i64::MAX, 100, 0, EntryType::Payment),
            e(1, 100, 0, EntryType::Payment),
        ];
        assert_eq!(
            net_compact(&big, &mut t),
            Err(NettingError::Overflow { index: 1 })
        );
    }
}
