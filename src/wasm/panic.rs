//! Panics as JS exceptions.
//!
//! Wasm has no unwinding here (`panic = "abort"`), so a panic would end in the `unreachable`
//! instruction and JS would see `RuntimeError: unreachable` with no message. The hook instead
//! throws a JS `Error` named `VinrPanic` carrying the panic message; the TypeScript layer turns
//! it into a `VinrInternalError` and replaces the instance, whose Rust state may be mid-update.

/// The `name` the JS layer looks for to recognise a panic.
pub const PANIC_ERROR_NAME: &str = "VinrPanic";

pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let error = js_sys::Error::new(&info.to_string());
        error.set_name(PANIC_ERROR_NAME);
        // Throwing unwinds the JS stack through the Wasm frames; Rust destructors do not run,
        // which is why the JS side discards this instance afterwards.
        wasm_bindgen::throw_val(error.into());
    }));
}
