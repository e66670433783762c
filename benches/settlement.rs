//! Settlement netting benchmark (native half).
//!
//! Nets 1,000,000 compact balance entries across 4 currencies and 30 days into per-(day,
//! currency) settlement lines and compares with a plain summation loop over the same entries
//! (the floor). The Wasm half runs the same `net_compact` over the same generated workload
//! under Node. Run: `cargo bench --bench settlement`.

use std::hint::black_box;
use std::time::{Duration, Instant};

use vinr::settlement::netting::synthetic_entries;
use vinr::settlement::{net_compact, sum_amounts, CompactEntry, NettingTable};

const ENTRIES: usize = 1_000_000;
const DAYS: u32 = 30;
const CURRENCIES: u8 = 4;
const FIRST_DAY: u32 = 20_558; // 2026-04-15 as days since 1970-01-01.

/// Best-of-`rounds` time of `f`, after a warm-up.
fn best(rounds: usize, mut f: impl FnMut()) -> Duration {
    f();
    (0..rounds)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn main() {
    let entries = synthetic_entries(ENTRIES, 2026, FIRST_DAY, DAYS, CURRENCIES);
    let mut table = NettingTable::new(FIRST_DAY, DAYS, CURRENCIES);
    let rounds = 25;

    let netting = best(rounds, || {
        table.clear();
        net_compact(black_box(&entries), &mut table).expect("in range");
        black_box(&table);
    });
    let floor = best(rounds, || {
        black_box(sum_amounts(black_box(&entries)));
    });

    // The nets add up to the plain sum minus payouts (none in this workload).
    let total: i64 = (FIRST_DAY..FIRST_DAY + DAYS)
        .flat_map(|d| (0..CURRENCIES).map(move |s| (d, s)))
        .map(|(d, s)| table.net(d, s).unwrap_or(0))
        .sum();
    assert_eq!(total, sum_amounts(&entries));

    let per_sec = |d: Duration| ENTRIES as f64 / d.as_secs_f64();
    println!(
        "settlement netting, native ({} entries, {} days x {} currencies, best of {rounds})",
        ENTRIES, DAYS, CURRENCIES
    );
    println!(
        "  bytes per entry        {}",
        std::mem::size_of::<CompactEntry>()
    );
    println!(
        "  netting                {:>10.3} ms  {:>14.0} entries/s",
        netting.as_secs_f64() * 1e3,
        per_sec(netting)
    );
    println!(
        "  floor (plain sum)      {:>10.3} ms  {:>14.0} entries/s",
        floor.as_secs_f64() * 1e3,
        per_sec(floor)
    );
    println!(
        "  ratio to floor         {:>10.2}x",
        netting.as_secs_f64() / floor.as_secs_f64()
    );
}
