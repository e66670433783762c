//! Exports for the tests and benchmarks only (feature `test-hooks`): a panic on demand, for the
//! JS test of how a panic surfaces (`tests/js/panic.test.mjs`), and the Wasm half of the netting
//! benchmark (`benches/settlement-wasm.mjs`). scripts/build.sh builds them into a small Wasm of
//! their own in `target/bindgen/test-hooks/`; no Wasm of the package carries them.

use wasm_bindgen::prelude::*;

use crate::error::ApiError;
use crate::settlement::netting::{synthetic_entries, ENTRY_BYTES};
use crate::settlement::{net_compact, sum_amounts, CompactEntry, NettingTable};
use crate::wasm::{error, money};

/// Panics on purpose, so the tests can prove the panic hook (`panic.rs`) and the JS layer's
/// instance replacement end to end.
#[wasm_bindgen(js_name = debugPanic)]
pub fn debug_panic(message: &str) {
    panic!("{message}");
}

/// The Wasm half of the netting benchmark: the same synthetic entries as
/// `benches/settlement.rs`, generated here so that no copy across the boundary is timed; JS
/// times [`NettingBench::net`] against [`NettingBench::floor`].
#[wasm_bindgen]
pub struct NettingBench {
    entries: Vec<CompactEntry>,
    table: NettingTable,
}

#[wasm_bindgen]
impl NettingBench {
    /// `count` entries over `days` days from `first_day` (days since 1970-01-01) and
    /// `currencies` currency slots, from `seed`.
    #[wasm_bindgen(constructor)]
    pub fn new(count: u32, seed: u32, first_day: u32, days: u32, currencies: u8) -> NettingBench {
        NettingBench {
            entries: synthetic_entries(
                count as usize,
                u64::from(seed),
                first_day,
                days,
                currencies,
            ),
            table: NettingTable::new(first_day, days, currencies),
        }
    }

    /// Nets every entry into per-(day, currency) lines; returns Σ of the nets (a checksum
    /// that must equal [`NettingBench::floor`], since the workload has no payouts).
    pub fn net(&mut self) -> Result<f64, JsValue> {
        self.table.clear();
        net_compact(&self.entries, &mut self.table)
            .map_err(|e| error::to_js(&ApiError::from_field_error("entries", &e)))?;
        money::to_js_number(self.table.total_net())
    }

    /// The floor: a plain sum of the same entries' amounts.
    pub fn floor(&self) -> Result<f64, JsValue> {
        money::to_js_number(sum_amounts(&self.entries))
    }

    #[wasm_bindgen(js_name = bytesPerEntry)]
    pub fn bytes_per_entry(&self) -> u32 {
        ENTRY_BYTES as u32
    }

    pub fn len(&self) -> u32 {
        self.entries.len() as u32
    }

    #[wasm_bindgen(js_name = isEmpty)]
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }
}
