//! The webhook API as plain strings, for the two Wasm bindings (the full SDK's
//! `src/wasm/webhook.rs` and the webhook-only `crates/webhooks-wasm`).
//!
//! Why numbers rather than thrown errors: throwing a JS error from Rust needs wasm-bindgen's
//! externref glue and the formatter, which the size-budgeted edge build cannot carry, and a
//! failed verification — the path an attacker drives — should cost no allocation. A verify call
//! returns `0` on success, else one number ([`encode`]): the failure's status (its code's
//! 1-based position in [`ERROR_CODES`]) and the values its message needs that only the core
//! knows. The core decides every failure and owns its wording ([`MESSAGES`] and the tables
//! beside it); the JS layer fills in the copy of those templates that this module's test
//! generates into `js/src/webhook-facts.ts` (failing when it is stale), so the edge Wasm carries
//! no text. That file also holds the rest of what the JS layer must know of the core: the header
//! names and size limit, the default tolerance, the secret separator. A second generated file,
//! `tests/js/fixtures/webhook-failures.json`, lists failures with the messages `Display` gives
//! them, which the JS tests reproduce through the package: the encoding cannot drift unseen.
//!
//! Payloads cross as a buffer the JS layer fills itself: it asks for one with [`alloc_payload`],
//! writes the bytes (or `TextEncoder.encodeInto`s a string) straight into linear memory, and
//! hands ownership back with the verify or sign call, which frees it ([`take_payload`]). That is
//! one copy for bytes and one encoding pass for strings; wasm-bindgen's own string passing walks
//! the string in a JS loop first, which measured ~20x slower than `encodeInto` for a 2.6 KB body.
//! A host that computes the HMAC itself ([`BindingMac`]) keeps the payload and passes no buffer.
//!
//! Secrets cross as one string, separated by single spaces (`"whsec_a whsec_b"`): base64 has
//! no spaces, and one string is one boundary copy where an array would be one per element. The
//! JS layer refuses a secret that itself contains a space, so the split is unambiguous.
//!
//! The builds that take a host HMAC keep the last secret list they verified with, parsed
//! ([`verify_status_cached`]): a receiver verifies every delivery with the same list, and parsing
//! it (base64, and keying the HMAC state: two SHA-256 blocks per secret) was a sixth of a Node
//! `verify` of a 0.5 KB body. The copy inlined for browsers does not: its bump allocator
//! (`crates/webhooks-wasm/src/bump.rs`) reuses memory only when no block outlives a call.

use super::standard::{ID_HEADER, SIGNATURE_HEADER as STANDARD_SIGNATURE_HEADER, TIMESTAMP_HEADER};
use super::{
    signature_header_with, verify_standard_with, verify_with, CoreMac, SecretProblem,
    VerifyOptions, WebhookError, WebhookSecret, SIGNATURE_HEADER,
};
use crate::host::PayloadMac;
use std::cell::Cell;

/// Separator of the secrets in a secret list.
pub const SECRET_SEPARATOR: char = ' ';

/// A failed call, as [`encode`] reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Failure<'a> {
    pub error: WebhookError,
    /// For an invalid secret: its 1-based position in the list, and the list.
    pub secret: Option<(usize, &'a str)>,
}

impl From<WebhookError> for Failure<'_> {
    fn from(error: WebhookError) -> Self {
        Failure {
            error,
            secret: None,
        }
    }
}

impl Failure<'_> {
    /// The message, naming which secret of a list of several is invalid.
    pub fn message(&self) -> String {
        let position = self
            .secret
            .map(|(index, list)| (index, secrets_in(list).count()))
            .filter(|&(_, count)| count > 1);
        self.error.message_naming(position)
    }
}

fn secrets_in(list: &str) -> impl Iterator<Item = &str> {
    list.split(SECRET_SEPARATOR).filter(|s| !s.is_empty())
}

/// The headers a failure can name, in the order [`encode`] numbers them.
pub const HEADERS: [&str; 4] = [
    SIGNATURE_HEADER,
    ID_HEADER,
    TIMESTAMP_HEADER,
    STANDARD_SIGNATURE_HEADER,
];

/// Largest time distance [`encode`] reports exactly; beyond it (8.9 million years) it reports
/// this, so that the whole number stays below 2^53, exact as a JS number.
pub const MAX_REPORTED_DISTANCE: u64 = 1 << 48;

/// A failure as the bindings report it: `status + 16 × detail`, where `status` (1 to 11) is the
/// code's 1-based position in [`ERROR_CODES`](super::ERROR_CODES) and `detail` carries what the
/// JS layer cannot know itself:
/// - `missing_header`, `header_too_large`, `invalid_timestamp`, `no_supported_signature`: the
///   header's position in [`HEADERS`];
/// - `malformed_header`: that position + 4 × the [`Reason`](super::Reason);
///   `missing_timestamp`: the [`Reason`](super::Reason);
/// - `timestamp_too_old` / `_new`: the distance in seconds (the JS layer knows `now`, so the
///   timestamp, and the tolerance), capped at [`MAX_REPORTED_DISTANCE`];
/// - `invalid_secret`: the [`SecretProblem`] + 4 × its length (below 16 when too short) + 64 ×
///   the secret's 1-based position in the list (the JS layer names it when the list has several);
/// - `signature_mismatch`, `no_secret`: 0 (the JS layer knows how many secrets it passed).
pub fn encode(failure: &Failure) -> f64 {
    let header = |name: &str| HEADERS.iter().position(|&h| h == name).unwrap_or(0) as u64;
    let detail = match failure.error {
        WebhookError::MissingHeader { header: name }
        | WebhookError::HeaderTooLarge { header: name, .. }
        | WebhookError::InvalidTimestamp { header: name }
        | WebhookError::NoSupportedSignature { header: name } => header(name),
        WebhookError::MalformedHeader {
            header: name,
            reason,
        } => header(name) + 4 * reason as u64,
        WebhookError::MissingTimestamp { expected } => expected as u64,
        WebhookError::TimestampTooOld { age: distance, .. }
        | WebhookError::TimestampTooNew {
            ahead: distance, ..
        } => distance.min(MAX_REPORTED_DISTANCE),
        WebhookError::InvalidSecret(problem) => {
            let len = match problem {
                SecretProblem::TooShort { len } => len.min(15) as u64,
                _ => 0,
            };
            let position = failure.secret.map_or(0, |(index, _)| index as u64);
            problem.index() as u64 + 4 * len + 64 * position
        }
        WebhookError::SignatureMismatch { .. } | WebhookError::NoSecret => 0,
    };
    (failure.error.index() as u64 + 1 + 16 * detail) as f64
}

/// Parses a space-separated secret list. `standard` makes the `whsec_` prefix optional, as
/// the Standard Webhooks libraries do. An invalid secret's failure names its position.
pub fn parse_secret_list(list: &str, standard: bool) -> Result<Vec<WebhookSecret>, Failure<'_>> {
    // A plain loop rather than `collect::<Result<Vec<_>, _>>()`: the adapter it instantiates
    // costs ~1 KB of the size-budgeted edge Wasm.
    let mut secrets = Vec::new();
    for s in secrets_in(list) {
        match parse_secret(s, standard) {
            Ok(secret) => secrets.push(secret),
            Err(error) => return Err(invalid_in(list, error, secrets.len() + 1)),
        }
    }
    Ok(secrets)
}

fn parse_secret(secret: &str, standard: bool) -> Result<WebhookSecret, WebhookError> {
    if standard {
        WebhookSecret::parse_standard(secret)
    } else {
        WebhookSecret::parse(secret)
    }
}

/// The failure of the `index`th secret of `list`.
fn invalid_in(list: &str, error: WebhookError, index: usize) -> Failure<'_> {
    Failure {
        error,
        secret: Some((index, list)),
    }
}

/// The time policy from the JS numbers. The JS layer has checked that `tolerance` and `now`
/// are safe integers (tolerance non-negative); the conversions saturate rather than wrap in
/// case a caller did not.
pub fn options(tolerance: f64, ignore_timestamp: bool, now: f64) -> VerifyOptions {
    VerifyOptions {
        tolerance_secs: tolerance as u64,
        ignore_timestamp,
        now: now as i64,
    }
}

/// A buffer of `cap` bytes for the JS layer to fill with a payload; returns its address. The
/// caller must pass it back to exactly one `*_owned` binding, which frees it.
pub fn alloc_payload(cap: usize) -> *mut u8 {
    let mut buf = core::mem::ManuallyDrop::new(Vec::<u8>::with_capacity(cap));
    buf.as_mut_ptr()
}

/// Takes back a buffer from [`alloc_payload`] whose first `len` bytes the JS layer has written.
///
/// # Safety
/// `ptr` and `cap` must be exactly those of one [`alloc_payload`] call not yet taken back, and
/// the first `len` bytes must have been written; or `cap` is 0, whatever `ptr` is. A `len` above
/// `cap` is clamped, so a confused caller reads less, never out of bounds.
pub unsafe fn take_payload(ptr: *mut u8, len: usize, cap: usize) -> Vec<u8> {
    if cap == 0 {
        // Nothing was allocated (and `ptr` may be null, which a Vec must never hold).
        return Vec::new();
    }
    // SAFETY: per the contract, ptr/cap describe a live allocation of the global allocator
    // with align 1 (a Vec<u8>'s), and `len.min(cap)` bytes of it are initialised.
    unsafe { Vec::from_raw_parts(ptr, len.min(cap), cap) }
}

/// The MAC of one binding call: the host's function when it passed one (it holds the payload,
/// and writes HMAC-SHA256(key, prefix ++ payload) into `out`, saying whether it could), else the
/// core's over the payload buffer. One type rather than two behind `dyn`, so each verifier is
/// compiled once into the size-budgeted edge Wasm.
pub struct BindingMac<'a, F> {
    pub payload: &'a [u8],
    pub host: Option<F>,
}

impl<F: FnMut(&[u8], &[u8], &mut [u8; 32]) -> bool> PayloadMac for BindingMac<'_, F> {
    fn mac(&mut self, secret: &WebhookSecret, prefix: &[&[u8]]) -> Option<[u8; 32]> {
        match &mut self.host {
            Some(call) => {
                // One slice for the host to read: the prefix is a timestamp, or a message id and
                // a timestamp, so this is small.
                let joined = prefix.concat();
                let mut out = [0u8; 32];
                call(secret.as_bytes(), &joined, &mut out).then_some(out)
            }
            None => CoreMac(self.payload).mac(secret, prefix),
        }
    }
}

fn status(result: Result<i64, Failure<'_>>) -> f64 {
    match result {
        Ok(_) => 0.0,
        Err(failure) => encode(&failure),
    }
}

/// [`verify_with`] with the header absent when empty: `0` if it verifies, else [`encode`]d.
pub fn verify_status(
    mac: &mut impl PayloadMac,
    header: &str,
    secrets: &str,
    opts: &VerifyOptions,
) -> f64 {
    status(verify_list(mac, header, secrets, opts))
}

/// [`verify_with`] over a secret list, with the header absent when empty.
pub fn verify_list<'a>(
    mac: &mut impl PayloadMac,
    header: &str,
    secrets: &'a str,
    opts: &VerifyOptions,
) -> Result<i64, Failure<'a>> {
    parse_secret_list(secrets, false).and_then(|secrets| {
        verify_with(mac, present(header), &secrets, opts).map_err(Failure::from)
    })
}

/// A secret list exactly as it was passed in, with its parse.
struct ParsedList {
    list: Vec<u8>,
    standard: bool,
    secrets: Vec<WebhookSecret>,
}

impl Drop for ParsedList {
    fn drop(&mut self) {
        // The list is the secrets' text: scrubbed like their keys (`WebhookSecret`'s `Drop`).
        self.list.iter_mut().for_each(|b| *b = 0);
        core::hint::black_box(&mut self.list);
    }
}

thread_local! {
    /// The list [`with_parsed_list`] parsed last. One, not a few: a server alternating between
    /// endpoints' secrets parses each time, as before; keeping the last four measured ~250 bytes
    /// more of gzipped Wasm in the size-budgeted client core. Per thread, as Wasm has one thread
    /// and needs no lock.
    static KEPT: Cell<Option<ParsedList>> = const { Cell::new(None) };
}

/// Runs `verify` over `list` parsed as [`parse_secret_list`] does, reusing [`KEPT`] when it is the
/// same list (byte for byte, and parsed the same way), and keeping this one instead. A list that
/// does not parse is not kept, so its failure is reported afresh each time. Nothing is kept while
/// `verify` runs: a call from inside the host's MAC would parse its own list.
fn with_parsed_list<'a>(
    list: &'a str,
    standard: bool,
    verify: &mut dyn FnMut(&[WebhookSecret]) -> Result<i64, WebhookError>,
) -> Result<i64, Failure<'a>> {
    // Not compared in constant time, and need not be: both lists are the receiver's own
    // configuration, and the time tells only whether the list changed, nothing of a key.
    let kept = KEPT
        .try_with(Cell::take)
        .ok()
        .flatten()
        .filter(|p| p.standard == standard && p.list == list.as_bytes());
    let parsed = match kept {
        Some(parsed) => parsed,
        None => ParsedList {
            secrets: parse_secret_list(list, standard)?,
            list: list.as_bytes().to_vec(),
            standard,
        },
    };
    let result = verify(&parsed.secrets);
    // Fails only while the thread ends (natively): the parse is then dropped, and scrubbed.
    let _ = KEPT.try_with(|kept| kept.set(Some(parsed)));
    result.map_err(Failure::from)
}

/// [`verify_status`] with the secret list parsed once and kept (see [`with_parsed_list`]).
pub fn verify_status_cached(
    mac: &mut impl PayloadMac,
    header: &str,
    secrets: &str,
    opts: &VerifyOptions,
) -> f64 {
    status(with_parsed_list(secrets, false, &mut |parsed| {
        verify_with(mac, present(header), parsed, opts)
    }))
}

/// [`verify_standard_status`] with the secret list parsed once and kept (see
/// [`with_parsed_list`]).
pub fn verify_standard_status_cached(
    mac: &mut impl PayloadMac,
    msg_id: &str,
    timestamp: &str,
    signature: &str,
    secrets: &str,
    opts: &VerifyOptions,
) -> f64 {
    status(with_parsed_list(secrets, true, &mut |parsed| {
        verify_standard_with(
            mac,
            present(msg_id),
            present(timestamp),
            present(signature),
            parsed,
            opts,
        )
    }))
}

/// [`verify_standard_with`] with each header absent when empty: `0` if it verifies, else
/// [`encode`]d.
pub fn verify_standard_status(
    mac: &mut impl PayloadMac,
    msg_id: &str,
    timestamp: &str,
    signature: &str,
    secrets: &str,
    opts: &VerifyOptions,
) -> f64 {
    status(verify_standard_list(
        mac, msg_id, timestamp, signature, secrets, opts,
    ))
}

/// [`verify_standard_with`] over a secret list, with each header absent when empty.
pub fn verify_standard_list<'a>(
    mac: &mut impl PayloadMac,
    msg_id: &str,
    timestamp: &str,
    signature: &str,
    secrets: &'a str,
    opts: &VerifyOptions,
) -> Result<i64, Failure<'a>> {
    parse_secret_list(secrets, true).and_then(|secrets| {
        verify_standard_with(
            mac,
            present(msg_id),
            present(timestamp),
            present(signature),
            &secrets,
            opts,
        )
        .map_err(Failure::from)
    })
}

fn present(header: &str) -> Option<&str> {
    (!header.is_empty()).then_some(header)
}

/// The `x-vinr-signature` value at `timestamp`, or `""` if it failed: a secret is invalid (the
/// JS layer, which never passes an empty list, learns which by verifying with the same list), or
/// the host's MAC failed (the host knows why).
pub fn sign_header(mac: &mut impl PayloadMac, secrets: &str, timestamp: f64) -> String {
    parse_secret_list(secrets, false)
        .ok()
        .and_then(|secrets| signature_header_with(mac, &secrets, timestamp as i64).ok())
        .flatten()
        .unwrap_or_default()
}

/// Defines the `#[wasm_bindgen]` webhook exports shared by the full SDK (`src/wasm/webhook.rs`)
/// and the edge build (`crates/webhooks-wasm`), so both expose the same functions from one
/// source. The invoking crate must depend on `wasm-bindgen`.
///
/// Payload-taking exports receive `(ptr, len, cap)` of a buffer from `webhookAlloc` and free it.
/// The JS layer is their only caller; see [`take_payload`] for the contract it keeps.
///
/// `webhook_wasm_exports!(host)` gives each of them a last parameter `host`: an object whose
/// `mac(key, keyLen, prefix, prefixLen, out)` writes HMAC-SHA256(key, prefix ++ payload) at `out`
/// (addresses in linear memory) for the payload the JS layer holds, and returns whether it could;
/// with it, the JS layer passes no buffer. `webhook_wasm_exports!()` leaves that out: the host
/// path costs ~1.6 KB, which the edge build inlined for browsers (which never take it) cannot
/// spare in its size budget. The `host` builds' verify exports also keep the last secret list
/// they parsed ([`verify_status_cached`]), which needs the general allocator only those builds
/// have.
#[macro_export]
macro_rules! webhook_wasm_exports {
    () => {
        $crate::webhook_wasm_exports!(@exports);
    };
    (host) => {
        #[wasm_bindgen::prelude::wasm_bindgen]
        extern "C" {
            /// The host's HMAC-SHA256 (`node:crypto`'s in the Node entries).
            pub type HostHmac;
            #[wasm_bindgen::prelude::wasm_bindgen(method)]
            fn mac(this: &HostHmac, key: u32, key_len: u32, prefix: u32, prefix_len: u32, out: u32) -> bool;
        }

        fn host_mac_fn(host: &HostHmac) -> impl FnMut(&[u8], &[u8], &mut [u8; 32]) -> bool + '_ {
            move |key, prefix, out| {
                host.mac(
                    key.as_ptr() as u32,
                    key.len() as u32,
                    prefix.as_ptr() as u32,
                    prefix.len() as u32,
                    out.as_mut_ptr() as u32,
                )
            }
        }

        $crate::webhook_wasm_exports!(@exports host);
    };
    (@mac $payload:ident) => {
        $crate::webhook::CoreMac(&$payload)
    };
    (@mac $payload:ident $host:ident) => {
        $crate::webhook::status::BindingMac {
            payload: &$payload,
            host: $host.as_ref().map(host_mac_fn),
        }
    };
    // The builds with the host parameter have a general allocator, so they keep the parsed secret
    // list between calls (`verify_status_cached`); the inlined one, on a bump allocator, cannot.
    (@verify) => {
        $crate::webhook::status::verify_status
    };
    (@verify $host:ident) => {
        $crate::webhook::status::verify_status_cached
    };
    (@verify_standard) => {
        $crate::webhook::status::verify_standard_status
    };
    (@verify_standard $host:ident) => {
        $crate::webhook::status::verify_standard_status_cached
    };
    (@exports $($host:ident)?) => {
        /// A buffer of `cap` bytes for a payload; pass it to exactly one other webhook call.
        #[wasm_bindgen::prelude::wasm_bindgen(js_name = webhookAlloc)]
        pub fn webhook_alloc(cap: u32) -> u32 {
            $crate::webhook::status::alloc_payload(cap as usize) as u32
        }

        /// Verifies an `x-vinr-signature` header (empty when absent) over the payload buffer
        /// with a space-separated secret list: 0 if valid, else the failure (`encode`).
        #[allow(clippy::too_many_arguments)]
        #[wasm_bindgen::prelude::wasm_bindgen(js_name = webhookVerify)]
        pub fn webhook_verify(
            ptr: u32,
            len: u32,
            cap: u32,
            header: &str,
            secrets: &str,
            tolerance: f64,
            ignore_timestamp: bool,
            now: f64,
            $($host: Option<HostHmac>,)?
        ) -> f64 {
            // SAFETY: the JS layer passes a buffer from webhookAlloc, once (see take_payload).
            let payload = unsafe {
                $crate::webhook::status::take_payload(ptr as *mut u8, len as usize, cap as usize)
            };
            let opts = $crate::webhook::status::options(tolerance, ignore_timestamp, now);
            let mut mac = $crate::webhook_wasm_exports!(@mac payload $($host)?);
            $crate::webhook_wasm_exports!(@verify $($host)?)(&mut mac, header, secrets, &opts)
        }

        /// Verifies Standard Webhooks headers (each empty when absent) over the payload buffer:
        /// 0 if valid, else the failure (`encode`).
        #[allow(clippy::too_many_arguments)]
        #[wasm_bindgen::prelude::wasm_bindgen(js_name = webhookVerifyStandard)]
        pub fn webhook_verify_standard(
            ptr: u32,
            len: u32,
            cap: u32,
            msg_id: &str,
            timestamp: &str,
            signature: &str,
            secrets: &str,
            tolerance: f64,
            ignore_timestamp: bool,
            now: f64,
            $($host: Option<HostHmac>,)?
        ) -> f64 {
            // SAFETY: the JS layer passes a buffer from webhookAlloc, once (see take_payload).
            let payload = unsafe {
                $crate::webhook::status::take_payload(ptr as *mut u8, len as usize, cap as usize)
            };
            let opts = $crate::webhook::status::options(tolerance, ignore_timestamp, now);
            let mut mac = $crate::webhook_wasm_exports!(@mac payload $($host)?);
            $crate::webhook_wasm_exports!(@verify_standard $($host)?)(
                &mut mac, msg_id, timestamp, signature, secrets, &opts,
            )
        }

        /// The `x-vinr-signature` value for the payload buffer at `timestamp`, one `v1` per
        /// secret of the list; `""` if it failed (see `sign_header`).
        #[wasm_bindgen::prelude::wasm_bindgen(js_name = webhookSign)]
        pub fn webhook_sign(
            ptr: u32,
            len: u32,
            cap: u32,
            secrets: &str,
            timestamp: f64,
            $($host: Option<HostHmac>,)?
        ) -> alloc::string::String {
            // SAFETY: the JS layer passes a buffer from webhookAlloc, once (see take_payload).
            let payload = unsafe {
                $crate::webhook::status::take_payload(ptr as *mut u8, len as usize, cap as usize)
            };
            let mut mac = $crate::webhook_wasm_exports!(@mac payload $($host)?);
            $crate::webhook::status::sign_header(&mut mac, secrets, timestamp)
        }
    };
}

/// `js/src/webhook-facts.ts`: what the JS layer needs to know of the core, generated so that it
/// has no copy of its own (see the module docs).
pub fn typescript_facts() -> String {
    use super::{
        DEFAULT_TOLERANCE_SECS, ERROR_CODES, MAX_HEADER_BYTES, MESSAGES, MIN_SECRET_BYTES,
        PROBLEMS, REASONS,
    };
    let list = |items: &[&str]| -> String {
        items
            .iter()
            .map(|item| format!("  {},\n", js_string(item)))
            .collect()
    };
    let codes: Vec<String> = ERROR_CODES.iter().map(|c| format!("  | '{c}'")).collect();
    format!(
        "// Generated by src/webhook/status.rs from the Rust core. Do not edit: change the core and run\n\
         // `VINR_UPDATE_TYPES=1 cargo test -p vinr webhook_`.\n\n\
         /** The codes of the core's webhook errors (`WebhookError::code`). */\n\
         export type WebhookCoreErrorCode =\n{codes};\n\n\
         /** A failure the core reports is `status + 16 × detail`: status n is `ERROR_CODES[n - 1]` (see `encode` in status.rs). */\n\
         export const ERROR_CODES: readonly WebhookCoreErrorCode[] = [\n{error_codes}];\n\
         /** The message of each code, in `ERROR_CODES` order; `{{name}}` stands for a value. */\n\
         export const MESSAGES: readonly string[] = [\n{messages}];\n\
         /** What is wrong with a header, or where its timestamp was expected. */\n\
         export const REASONS: readonly string[] = [\n{reasons}];\n\
         /** Why a secret is invalid. */\n\
         export const PROBLEMS: readonly string[] = [\n{problems}];\n\
         /** The headers a failure names, by the number the core reports. */\n\
         export const HEADERS: readonly string[] = [\n{headers}];\n\n\
         /** Largest header the core parses, in bytes; the JS layer passes no more than this (plus one) into Wasm. */\n\
         export const MAX_HEADER_BYTES = {MAX_HEADER_BYTES};\n\
         /** Shortest secret key, in bytes. */\n\
         export const MIN_SECRET_BYTES = {MIN_SECRET_BYTES};\n\
         /** Default `tolerance`, seconds. */\n\
         export const DEFAULT_TOLERANCE = {DEFAULT_TOLERANCE_SECS};\n\
         /** Separator of the secrets in the list passed to the core; no secret may contain it. */\n\
         export const SECRET_SEPARATOR = '{SECRET_SEPARATOR}';\n\
         export const SIGNATURE_HEADER = '{SIGNATURE_HEADER}';\n\
         export const STANDARD_ID_HEADER = '{ID_HEADER}';\n\
         export const STANDARD_TIMESTAMP_HEADER = '{TIMESTAMP_HEADER}';\n\
         export const STANDARD_SIGNATURE_HEADER = '{STANDARD_SIGNATURE_HEADER}';\n",
        codes = codes.join("\n"),
        error_codes = list(&ERROR_CODES),
        messages = list(&MESSAGES),
        reasons = list(&REASONS),
        problems = list(&PROBLEMS),
        headers = list(&HEADERS),
    )
}

/// A JS string literal: single-quoted, with `'` and `\` escaped.
fn js_string(text: &str) -> String {
    format!("'{}'", text.replace('\\', "\\\\").replace('\'', "\\'"))
}

#[cfg(test)]
mod unit;
