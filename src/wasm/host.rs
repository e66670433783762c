//! Host capabilities handed in from JS, adapted to the core's [`crate::host`] traits.

use wasm_bindgen::prelude::*;

use crate::host::RandomSource;

/// Randomness from a JS function `(bytes: Uint8Array) => void` that fills its argument, e.g.
/// `(b) => crypto.getRandomValues(b)`. The SDK passes it in; the core never reaches for
/// `crypto` itself, so tests and the sandbox can hand in a seeded source instead.
pub struct JsRandom<'a> {
    fill: &'a js_sys::Function,
    /// The first error the JS function threw. `RandomSource::fill_bytes` cannot fail, so the
    /// error is kept here and reported by [`JsRandom::finish`] after the caller is done.
    failure: Option<JsValue>,
}

impl<'a> JsRandom<'a> {
    pub fn new(fill: &'a js_sys::Function) -> Self {
        JsRandom {
            fill,
            failure: None,
        }
    }

    /// Whether every fill succeeded; the error the host's function threw otherwise.
    pub fn finish(self) -> Result<(), JsValue> {
        self.failure.map_or(Ok(()), Err)
    }
}

impl RandomSource for JsRandom<'_> {
    fn fill_bytes(&mut self, dest: &mut [u8]) {
        if self.failure.is_some() {
            dest.fill(0);
            return;
        }
        let view = js_sys::Uint8Array::new_with_length(dest.len() as u32);
        match self.fill.call1(&JsValue::NULL, &view) {
            Ok(_) => view.copy_to(dest),
            Err(e) => {
                dest.fill(0);
                self.failure = Some(e);
            }
        }
    }
}
