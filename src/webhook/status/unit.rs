use super::*;
use crate::webhook::{sign_hex, sign_standard, Reason, ERROR_CODES, MAX_HEADER_BYTES};

const SECRET: &str = "whsec_dmluciB3ZWJob29rIGV4YW1wbGUgc2VjcmV0IDIwMjY=";
const ROTATED: &str = "whsec_dmluciB3ZWJob29rIHJvdGF0ZWQgc2VjcmV0IDIwMjY=";
const BODY: &[u8] = br#"{"id":"evt_1","object":"event","type":"payment.completed"}"#;
const HEADER: &str =
    "t=1700000000,v1=d13ad9de1d6b371bb8973aab3707b862217097f07d1357b52154a574de4d5621";

type HostFn<'a> = &'a mut dyn FnMut(&[u8], &[u8], &mut [u8; 32]) -> bool;

/// The code of a status, `ok` for 0.
fn code(status: f64) -> &'static str {
    if status == 0.0 {
        return "ok";
    }
    ERROR_CODES[(status as u64 % 16) as usize - 1]
}

/// A host HMAC as the Node entries provide one: its own copy of the payload, its own HMAC
/// (here the core's, keyed afresh from the raw key bytes the host receives).
fn host_over(payload: &[u8]) -> impl FnMut(&[u8], &[u8], &mut [u8; 32]) -> bool + '_ {
    move |key, prefix, out| match WebhookSecret::from_bytes(key) {
        Ok(secret) => {
            *out = CoreMac(payload).hmac(&secret, &[prefix]);
            true
        }
        Err(_) => false,
    }
}

/// A [`BindingMac`] over `host` and no payload buffer, as with a host HMAC.
fn hosted(host: HostFn<'_>) -> BindingMac<'_, HostFn<'_>> {
    BindingMac {
        payload: &[],
        host: Some(host),
    }
}

/// The core's own MAC as the bindings use it.
fn core_mac(payload: &[u8]) -> BindingMac<'_, HostFn<'_>> {
    BindingMac {
        payload,
        host: None,
    }
}

/// Each check runs through the core's MAC and through a host's, which must agree.
fn verify_both(payload: &[u8], header: &str, secrets: &str, opts: &VerifyOptions) -> &'static str {
    let core = verify_status(&mut core_mac(payload), header, secrets, opts);
    let mut host = host_over(payload);
    let by_host = verify_status(&mut hosted(&mut host), header, secrets, opts);
    assert_eq!(core, by_host, "{header} with {secrets}");
    code(core)
}

#[test]
fn every_code_is_listed_in_order_and_display_is_the_message() {
    let errors = [
        WebhookError::MissingHeader { header: "h" },
        WebhookError::HeaderTooLarge {
            header: "h",
            len: 1,
            limit: 1,
        },
        WebhookError::MalformedHeader {
            header: "h",
            reason: Reason::EmptyEntry,
        },
        WebhookError::MissingTimestamp {
            expected: Reason::TimestampHeader,
        },
        WebhookError::InvalidTimestamp { header: "h" },
        WebhookError::NoSupportedSignature { header: "h" },
        WebhookError::SignatureMismatch { secrets: 1 },
        WebhookError::TimestampTooOld {
            timestamp: 1,
            age: 1,
            tolerance: 1,
        },
        WebhookError::TimestampTooNew {
            timestamp: 1,
            ahead: 1,
            tolerance: 1,
        },
        WebhookError::InvalidSecret(SecretProblem::TooShort { len: 3 }),
        WebhookError::NoSecret,
    ];
    let codes: Vec<&str> = errors.iter().map(WebhookError::code).collect();
    assert_eq!(codes, ERROR_CODES);
    for (i, e) in errors.iter().enumerate() {
        assert_eq!(code(encode(&Failure::from(*e))), ERROR_CODES[i]);
        assert_eq!(e.to_string(), e.message(), "Display is the one message");
        assert!(
            !e.message().contains('{'),
            "{e}: every placeholder is filled"
        );
    }
}

#[test]
fn the_worked_example_verifies_through_the_status_interface_with_either_mac() {
    let at = options(300.0, false, 1_700_000_000.0);
    assert_eq!(verify_both(BODY, HEADER, SECRET, &at), "ok");
    let both = format!("{ROTATED} {SECRET}");
    assert_eq!(verify_both(BODY, HEADER, &both, &at), "ok");
    let rotated = WebhookSecret::parse(ROTATED).expect("rotated");
    let signed_by_both = format!("{HEADER},v1={}", sign_hex(&rotated, 1_700_000_000, BODY));
    assert_eq!(verify_both(BODY, &signed_by_both, ROTATED, &at), "ok");
    assert_eq!(
        verify_both(BODY, HEADER, ROTATED, &at),
        "signature_mismatch"
    );
    assert_eq!(
        verify_both(b"{}", HEADER, SECRET, &at),
        "signature_mismatch"
    );
    assert_eq!(verify_both(BODY, "", SECRET, &at), "missing_header");
    assert_eq!(verify_both(BODY, HEADER, "", &at), "no_secret");
    assert_eq!(verify_both(BODY, HEADER, "whsec_!", &at), "invalid_secret");
    let late = options(300.0, false, 1_700_000_301.0);
    assert_eq!(
        verify_both(BODY, HEADER, SECRET, &late),
        "timestamp_too_old"
    );
    let early = options(0.0, false, 1_699_999_999.0);
    assert_eq!(
        verify_both(BODY, HEADER, SECRET, &early),
        "timestamp_too_new"
    );
    let ignored = options(0.0, true, 0.0);
    assert_eq!(verify_both(BODY, HEADER, SECRET, &ignored), "ok");
}

#[test]
fn a_failing_host_mac_never_verifies_and_signs_nothing() {
    let at = options(300.0, false, 1_700_000_000.0);
    let calls = core::cell::Cell::new(0);
    let mut failing = |_: &[u8], _: &[u8], out: &mut [u8; 32]| {
        calls.set(calls.get() + 1);
        // Whatever a failed host left in `out` must not count.
        *out = [0; 32];
        false
    };
    let zeros = format!("t=1700000000,v1={}", "0".repeat(64));
    let both = format!("{SECRET} {ROTATED}");
    let status = verify_status(&mut hosted(&mut failing), &zeros, &both, &at);
    assert_eq!(code(status), "signature_mismatch");
    assert_eq!(calls.get(), 1, "the first failure ends the search");
    assert_eq!(sign_header(&mut hosted(&mut failing), SECRET, 1.0), "");
}

#[test]
fn payload_buffers_round_trip() {
    let ptr = alloc_payload(BODY.len() * 3);
    // SAFETY: the buffer has room for BODY (cap is three times its length).
    unsafe { core::ptr::copy_nonoverlapping(BODY.as_ptr(), ptr, BODY.len()) };
    // SAFETY: ptr/cap from alloc_payload above, BODY.len() bytes written.
    let body = unsafe { take_payload(ptr, BODY.len(), BODY.len() * 3) };
    assert_eq!(body, BODY);
    let empty = alloc_payload(0);
    // SAFETY: as above, with nothing written.
    assert!(unsafe { take_payload(empty, 5, 0) }.is_empty());
    // SAFETY: cap 0 never touches the pointer, null included.
    assert!(unsafe { take_payload(core::ptr::null_mut(), 0, 0) }.is_empty());
}

#[test]
fn signing_matches_the_example_with_either_mac_and_reports_failures() {
    assert_eq!(
        sign_header(&mut core_mac(BODY), SECRET, 1_700_000_000.0),
        HEADER
    );
    let both = format!("{SECRET} {ROTATED}");
    let mut host = host_over(BODY);
    let by_host = sign_header(&mut hosted(&mut host), &both, 1_700_000_000.0);
    assert_eq!(
        by_host,
        sign_header(&mut core_mac(BODY), &both, 1_700_000_000.0)
    );
    assert!(by_host.starts_with(HEADER));
    assert_eq!(sign_header(&mut core_mac(BODY), "", 1.0), "");
    assert_eq!(sign_header(&mut core_mac(BODY), "nope", 1.0), "");
    let at = options(0.0, true, 0.0);
    let bare = &SECRET[6..];
    assert_eq!(verify_both(b"", "t=1,v1=x", bare, &at), "invalid_secret");
    let std = |s| {
        code(verify_standard_status(
            &mut core_mac(b""),
            "x",
            "1",
            "v1,x",
            s,
            &at,
        ))
    };
    assert_eq!(
        std(bare),
        "malformed_header",
        "the prefix is optional in Standard Webhooks"
    );
    assert_eq!(std("whsec_!"), "invalid_secret");
}

#[test]
fn standard_headers_verify_through_the_status_interface_with_either_mac() {
    let secret = WebhookSecret::parse(SECRET).expect("example secret");
    let sig = sign_standard(&secret, "msg_1", 1_700_000_000, BODY);
    let at = options(300.0, false, 1_700_000_000.0);
    let check = |id: &str, ts: &str, sig: &str, secrets: &str, opts: &VerifyOptions| {
        let core = verify_standard_status(&mut core_mac(BODY), id, ts, sig, secrets, opts);
        let mut host = host_over(BODY);
        let by_host = verify_standard_status(&mut hosted(&mut host), id, ts, sig, secrets, opts);
        assert_eq!(core, by_host, "{id} {ts} {sig}");
        code(core)
    };
    let rotating = format!("{ROTATED} {SECRET}");
    let garbled_first = format!("v1,!!!notbase64 {sig}");
    let t = "1700000000";
    assert_eq!(check("msg_1", t, &sig, SECRET, &at), "ok");
    assert_eq!(check("msg_1", t, &sig, &rotating, &at), "ok");
    assert_eq!(check("msg_1", t, &garbled_first, SECRET, &at), "ok");
    assert_eq!(
        check("msg_1", t, "v1,!!!notbase64", SECRET, &at),
        "malformed_header"
    );
    assert_eq!(check("msg_1", t, &sig, ROTATED, &at), "signature_mismatch");
    assert_eq!(check("msg_2", t, &sig, SECRET, &at), "signature_mismatch");
    let late = options(300.0, false, 1_700_000_301.0);
    assert_eq!(check("msg_1", t, &sig, SECRET, &late), "timestamp_too_old");
    assert_eq!(check("", t, &sig, SECRET, &at), "missing_header");
    assert_eq!(check("msg_1", "", &sig, SECRET, &at), "missing_timestamp");
    assert_eq!(check("msg_1", t, "", SECRET, &at), "missing_header");
}

#[test]
fn kept_secret_lists_answer_for_the_list_passed_never_for_an_earlier_one() {
    let at = options(300.0, false, 1_700_000_000.0);
    let secret = WebhookSecret::parse(SECRET).expect("example secret");
    let sig = sign_standard(&secret, "msg_1", 1_700_000_000, BODY);
    let t = "1700000000";
    // Each step's status from the kept lists must be the one a fresh parse gives.
    let vinr = |secrets: &str| {
        let mut host = host_over(BODY);
        let kept = verify_status_cached(&mut hosted(&mut host), HEADER, secrets, &at);
        assert_eq!(
            kept,
            verify_status(&mut core_mac(BODY), HEADER, secrets, &at),
            "{secrets}"
        );
        code(kept)
    };
    let standard = |secrets: &str| {
        let mut host = host_over(BODY);
        let kept =
            verify_standard_status_cached(&mut hosted(&mut host), "msg_1", t, &sig, secrets, &at);
        let fresh = verify_standard_status(&mut core_mac(BODY), "msg_1", t, &sig, secrets, &at);
        assert_eq!(kept, fresh, "{secrets}");
        code(kept)
    };
    // A rolled secret of the same length, one character apart from the one just used.
    let mut rolled = SECRET.to_owned();
    rolled.replace_range(8..9, "n");
    assert_ne!(rolled, SECRET);
    let both = format!("{ROTATED} {SECRET}");
    for _ in 0..2 {
        assert_eq!(vinr(SECRET), "ok");
        assert_eq!(vinr(ROTATED), "signature_mismatch");
        assert_eq!(vinr(SECRET), "ok");
        assert_eq!(vinr(&rolled), "signature_mismatch");
        assert_eq!(vinr(&both), "ok");
        assert_eq!(vinr(ROTATED), "signature_mismatch");
        assert_eq!(vinr(SECRET), "ok");
    }
    // Several lists in turn, each replacing the one kept: every one is answered for itself.
    let lists = [
        SECRET.to_owned(),
        ROTATED.to_owned(),
        rolled.clone(),
        both.clone(),
        format!("{SECRET} {ROTATED}"),
        format!("{rolled} {ROTATED}"),
    ];
    for _ in 0..3 {
        for list in &lists {
            let expected = if list.contains(SECRET) {
                "ok"
            } else {
                "signature_mismatch"
            };
            assert_eq!(vinr(list), expected, "{list}");
        }
    }
    // One string, parsed two ways: bare base64 is a secret to Standard Webhooks, not to VINR.
    let bare = &SECRET[6..];
    assert_eq!(standard(bare), "ok");
    assert_eq!(vinr(bare), "invalid_secret");
    assert_eq!(standard(bare), "ok");
    assert_eq!(standard(SECRET), "ok");
    assert_eq!(standard(ROTATED), "signature_mismatch");
    // A list that does not parse is not kept: it fails each time, naming the same secret.
    let invalid = format!("{SECRET} whsec_!");
    assert_eq!(vinr(&invalid), "invalid_secret");
    assert_eq!(vinr(&invalid), "invalid_secret");
    assert_eq!(vinr(SECRET), "ok");
}

#[test]
fn encode_carries_what_the_js_layer_cannot_know() {
    let secret_list = |list: &str| match parse_secret_list(list, false) {
        Err(failure) => encode(&failure) as u64,
        Ok(_) => 0,
    };
    // invalid_secret (status 10): problem + 4 × len + 64 × position.
    assert_eq!(secret_list("whsec_c2hvcnQ="), 10 + 16 * (2 + 4 * 5 + 64));
    assert_eq!(
        secret_list(&format!("{SECRET} whsec_! {ROTATED}")),
        10 + 16 * (1 + 64 * 2)
    );
    assert_eq!(secret_list(&format!("{SECRET} nope")), 10 + 16 * (64 * 2));
    let far = WebhookError::TimestampTooNew {
        timestamp: i64::MAX,
        ahead: u64::MAX,
        tolerance: 300,
    };
    let report = encode(&far.into());
    assert!(report < 2f64.powi(53), "exact as a JS number");
    assert_eq!(report as u64, 9 + 16 * MAX_REPORTED_DISTANCE);
}

/// Failures of the JS API with the code and message the core gives them, for
/// `tests/js/webhooks.test.mjs` to reproduce through the package (see the module docs).
fn failure_vectors() -> serde_json::Value {
    use serde_json::json;
    let now = 1_700_000_000i64;
    let opts = options(300.0, false, now as f64);
    let vinr = |header: &str, secrets: &[&str], opts: &VerifyOptions| {
        let list = secrets.join(" ");
        let failure =
            verify_list(&mut core_mac(BODY), header, &list, opts).expect_err("a failing case");
        json!({
            "api": "verify", "header": header, "secret": secrets,
            "now": opts.now, "tolerance": opts.tolerance_secs,
            "code": failure.error.code(), "message": failure.message(),
        })
    };
    let standard = |id: &str, ts: &str, sig: &str, secrets: &[&str], opts: &VerifyOptions| {
        let list = secrets.join(" ");
        let failure = verify_standard_list(&mut core_mac(BODY), id, ts, sig, &list, opts)
            .expect_err("a failing case");
        json!({
            "api": "verifyStandard",
            "headers": { "webhook-id": id, "webhook-timestamp": ts, "webhook-signature": sig },
            "secret": secrets, "now": opts.now, "tolerance": opts.tolerance_secs,
            "code": failure.error.code(), "message": failure.message(),
        })
    };
    let v1 = &HEADER["t=1700000000,".len()..];
    let std_sig = sign_standard(
        &WebhookSecret::parse(SECRET).expect("example secret"),
        "msg_1",
        now,
        BODY,
    );
    let huge = format!("{HEADER},v0={}", "a".repeat(MAX_HEADER_BYTES));
    let short = "whsec_c2hvcnQ=";
    let cases = vec![
        vinr("", &[SECRET], &opts),
        vinr(&huge, &[SECRET], &opts),
        vinr(&format!("t={now},,{v1}"), &[SECRET], &opts),
        vinr(&format!("t={now},v1"), &[SECRET], &opts),
        vinr(&format!("t={now},v 1=ab"), &[SECRET], &opts),
        vinr(&format!("t={now},v1=ab\u{e9}"), &[SECRET], &opts),
        vinr(&format!("t={now},t={now},{v1}"), &[SECRET], &opts),
        vinr(&format!("t={now},v1={}", "AB".repeat(32)), &[SECRET], &opts),
        vinr(v1, &[SECRET], &opts),
        vinr(&format!("t=0{now},{v1}"), &[SECRET], &opts),
        vinr(&format!("t={now},v0=abc"), &[SECRET], &opts),
        vinr(HEADER, &[ROTATED], &opts),
        vinr(HEADER, &[ROTATED, &SECRET[..20]], &opts),
        vinr(HEADER, &[short], &opts),
        vinr(HEADER, &[SECRET, "whsec_!", ROTATED], &opts),
        vinr(HEADER, &[&SECRET[6..]], &opts),
        vinr(
            HEADER,
            &[SECRET],
            &options(300.0, false, (now + 301) as f64),
        ),
        vinr(HEADER, &[SECRET], &options(10.0, false, (now - 11) as f64)),
        standard("", "1700000000", &std_sig, &[SECRET], &opts),
        standard("msg 1", "1700000000", &std_sig, &[SECRET], &opts),
        standard("msg_1", "", &std_sig, &[SECRET], &opts),
        standard("msg_1", "17e8", &std_sig, &[SECRET], &opts),
        standard("msg_1", "1700000000", "v1", &[SECRET], &opts),
        standard("msg_1", "1700000000", "v1,!!! v1a,x", &[SECRET], &opts),
        standard("msg_1", "1700000000", "v1a,x", &[SECRET], &opts),
        standard(
            "msg_1",
            "1700000000",
            &std_sig,
            &[ROTATED, "whsec_!"],
            &opts,
        ),
        standard("msg_2", "1700000000", &std_sig, &[ROTATED, SECRET], &opts),
    ];
    json!({ "payload": String::from_utf8_lossy(BODY), "cases": cases })
}

#[test]
fn webhook_failure_vectors_are_current() {
    const OUTPUT: &str = "tests/js/fixtures/webhook-failures.json";
    let vectors = failure_vectors();
    let codes: std::collections::BTreeSet<&str> = vectors["cases"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|case| case["code"].as_str())
        .collect();
    // Every code the core reports to the JS layer (it raises no_secret itself).
    assert_eq!(codes.len(), ERROR_CODES.len() - 1, "{codes:?}");
    check_generated(
        OUTPUT,
        &(serde_json::to_string_pretty(&vectors).expect("json") + "\n"),
    );
}

#[test]
fn webhook_facts_are_current() {
    check_generated("js/src/webhook-facts.ts", &typescript_facts());
}

fn check_generated(output: &str, fresh: &str) {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(output);
    if std::env::var("VINR_UPDATE_TYPES").is_ok_and(|v| v == "1") {
        std::fs::write(&path, fresh).expect("write the generated file");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{output} is stale: run `VINR_UPDATE_TYPES=1 cargo test -p vinr webhook_` and commit it"
    );
}
