//! Vectors, every error code, rotation, time policy and properties of the webhook module.

use std::collections::BTreeSet;

use hmac::Mac;
use proptest::prelude::*;

use super::secret::keyed_mac;
use super::*;

// The README's worked example. Key: the 32 ASCII bytes "vinr webhook example secret 2026",
// so a reader can recompute it with
//   printf '%s' '1700000000.{"id":"evt_1","object":"event","type":"payment.completed"}' \
//     | openssl dgst -sha256 -mac HMAC -macopt key:'vinr webhook example secret 2026'
const EXAMPLE_SECRET: &str = "whsec_dmluciB3ZWJob29rIGV4YW1wbGUgc2VjcmV0IDIwMjY=";
const EXAMPLE_TIMESTAMP: i64 = 1_700_000_000;
const EXAMPLE_BODY: &[u8] = br#"{"id":"evt_1","object":"event","type":"payment.completed"}"#;
const EXAMPLE_HEADER: &str =
    "t=1700000000,v1=d13ad9de1d6b371bb8973aab3707b862217097f07d1357b52154a574de4d5621";
// The same message under a second secret ("vinr webhook rotated secret 2026").
const ROTATED_SECRET: &str = "whsec_dmluciB3ZWJob29rIHJvdGF0ZWQgc2VjcmV0IDIwMjY=";
const ROTATED_V1: &str = "a86a5a2fe7d42c6d46cfc1b67b465a2988d485503a7805867e9df65647f648bb";

fn example() -> WebhookSecret {
    WebhookSecret::parse(EXAMPLE_SECRET).expect("example secret parses")
}

fn rotated() -> WebhookSecret {
    WebhookSecret::parse(ROTATED_SECRET).expect("rotated secret parses")
}

fn at_example() -> VerifyOptions {
    VerifyOptions::at(EXAMPLE_TIMESTAMP)
}

fn check(header: &str, secrets: &[WebhookSecret]) -> Result<i64, WebhookError> {
    verify(EXAMPLE_BODY, Some(header), secrets, &at_example())
}

fn code(result: Result<i64, WebhookError>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(e) => e.code(),
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn hmac_sha256_matches_rfc4231() {
    // RFC 4231 §4.2–4.8 (test case 5 is truncated to 128 bits by the RFC).
    let long_key = [0xaa; 131];
    let range_key: Vec<u8> = (1..=25).collect();
    let cases: [(&[u8], &[u8], &str); 7] = [
        (&[0x0b; 20], b"Hi There", "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        (b"Jefe", b"what do ya want for nothing?", "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        (&[0xaa; 20], &[0xdd; 50], "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        (&range_key, &[0xcd; 50], "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        (&[0x0c; 20], b"Test With Truncation", "a3b6167473100ee06e0c796c2955552b"),
        (&long_key, b"Test Using Larger Than Block-Size Key - Hash Key First", "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        (&long_key, b"This is a test using a larger than block-size key and a larger than block-size data. The key needs to be hashed before being used by the HMAC algorithm.", "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
    ];
    for (key, data, expected) in cases {
        let mut mac = keyed_mac(key);
        mac.update(data);
        let full = hex(&mac.finalize().into_bytes());
        assert_eq!(&full[..expected.len()], expected);
    }
}

#[test]
fn worked_example_is_stable() {
    let secret = example();
    assert_eq!(secret.as_bytes(), b"vinr webhook example secret 2026");
    assert_eq!(secret.encode(), EXAMPLE_SECRET);
    let header = signature_header(
        EXAMPLE_BODY,
        std::slice::from_ref(&secret),
        EXAMPLE_TIMESTAMP,
    );
    assert_eq!(header.as_deref(), Ok(EXAMPLE_HEADER));
    assert_eq!(
        sign_hex(&secret, EXAMPLE_TIMESTAMP, EXAMPLE_BODY),
        EXAMPLE_HEADER["t=1700000000,v1=".len()..]
    );
    assert_eq!(check(EXAMPLE_HEADER, &[secret]), Ok(EXAMPLE_TIMESTAMP));
}

// Standard Webhooks vectors, from github.com/standard-webhooks/standard-webhooks:
// 1. libraries/javascript/src/webhook.test.ts and libraries/python/tests/test_webhooks.py,
//    "sign function works" / test_sign_function;
// 2. libraries/rust/src/lib.rs, test_sign.
// (Both also recomputed independently with Python's hmac module while writing this.)
const STANDARD_VECTORS: [(&str, &str, i64, &str, &str); 2] = [
    (
        "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
        "msg_p5jXN8AQM9LWM0D4loKWxJek",
        1_614_265_330,
        r#"{"test": 2432232314}"#,
        "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    ),
    (
        "whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD",
        "msg_27UH4WbU6Z5A5EzD8u03UvzRbpk",
        1_649_367_553,
        r#"{"email":"test@example.com","username":"test_user"}"#,
        "v1,tZ1I4/hDygAJgO5TYxiSd6Sd0kDW6hPenDe+bTa3Kkw=",
    ),
];

#[test]
fn standard_webhooks_published_vectors() {
    for (secret, id, ts, payload, expected) in STANDARD_VECTORS {
        let secret = WebhookSecret::parse(secret).expect("vector secret parses");
        assert_eq!(sign_standard(&secret, id, ts, payload.as_bytes()), expected);
        let t = ts.to_string();
        let opts = VerifyOptions::at(ts);
        let ok = verify_standard(
            payload.as_bytes(),
            Some(id),
            Some(&t),
            Some(expected),
            std::slice::from_ref(&secret),
            &opts,
        );
        assert_eq!(ok, Ok(ts));
        // The bare secret (no prefix) is accepted by the specification's libraries too.
        let bare = WebhookSecret::parse_standard(&secret.encode()["whsec_".len()..]);
        assert_eq!(bare.as_ref().ok(), Some(&secret));
    }
}

#[test]
fn standard_webhooks_negative_and_multi_signature_vectors() {
    let (secret, id, ts, payload, good) = STANDARD_VECTORS[0];
    let secrets = [WebhookSecret::parse(secret).expect("parses")];
    let t = ts.to_string();
    let opts = VerifyOptions::at(ts);
    let run = |sig: &str| {
        code(verify_standard(
            payload.as_bytes(),
            Some(id),
            Some(&t),
            Some(sig),
            &secrets,
            &opts,
        ))
    };
    // python/tests/test_webhooks.py test_invalid_signature_raises_error: last byte changed.
    assert_eq!(
        run("v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OA="),
        "signature_mismatch"
    );
    // javascript "invalid signature" and "partial signature".
    assert_eq!(run("v1,dawfeoifkpqwoekfpqoekf"), "malformed_header");
    assert_eq!(run(&good[..8]), "malformed_header");
    assert_eq!(run("v1,"), "malformed_header");
    // javascript/python "multi sig payload is valid": a wrong v1, an unknown v2, the valid one.
    let multi = format!(
        "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= v2,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc= {good} v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc="
    );
    assert_eq!(run(&multi), "ok");
    assert_eq!(run("v1a,anything v2,else"), "no_supported_signature");
    // The unused low bits of the last base64 digit must be zero: `F` differs from `E` there only.
    assert_eq!(run(&good.replace("OE=", "OF=")), "malformed_header");
    // A garbled v1 beside a valid one matches nothing and voids nothing, as in the reference
    // libraries; only a header with no usable v1 at all is malformed.
    let garbled = [
        "v1,!!!notbase64",
        "v1,",
        "v1,Zm9v",
        &good.replace("OE=", "OF="),
    ];
    for bad in garbled {
        assert_eq!(run(&format!("{bad} {good}")), "ok", "{bad} first");
        assert_eq!(run(&format!("{good} {bad}")), "ok", "{bad} last");
        assert_eq!(
            run(&format!("v2,x {bad}")),
            "malformed_header",
            "{bad} alone"
        );
    }
    assert_eq!(run(&garbled.join(" ")), "malformed_header");
    let wrong = "v1,Ceo5qEr07ixe2NLpvHk3FH9bwy/WavXrAFQ/9tdO6mc=";
    assert_eq!(
        run(&format!("v1,!!!notbase64 {wrong}")),
        "signature_mismatch"
    );
    let missing = |id: Option<&str>, t: Option<&str>, s: Option<&str>| {
        code(verify_standard(
            payload.as_bytes(),
            id,
            t,
            s,
            &secrets,
            &opts,
        ))
    };
    assert_eq!(missing(None, Some(&t), Some(good)), "missing_header");
    assert_eq!(missing(Some(id), None, Some(good)), "missing_timestamp");
    assert_eq!(missing(Some(id), Some(&t), None), "missing_header");
    assert_eq!(
        missing(Some(id), Some("hello"), Some(good)),
        "invalid_timestamp"
    );
    assert_eq!(
        missing(Some("msg 1"), Some(&t), Some(good)),
        "malformed_header"
    );
    let late = VerifyOptions::at(ts + 301);
    let result = verify_standard(
        payload.as_bytes(),
        Some(id),
        Some(&t),
        Some(good),
        &secrets,
        &late,
    );
    assert_eq!(code(result), "timestamp_too_old");
}

#[test]
fn standard_header_lists_every_secret() {
    let secrets = [example(), rotated()];
    let header = standard_signature_header(&secrets, "msg_1", EXAMPLE_TIMESTAMP, EXAMPLE_BODY)
        .expect("two secrets");
    assert_eq!(header.split(' ').count(), 2);
    let t = EXAMPLE_TIMESTAMP.to_string();
    for one in [example(), rotated()] {
        let result = verify_standard(
            EXAMPLE_BODY,
            Some("msg_1"),
            Some(&t),
            Some(&header),
            &[one],
            &at_example(),
        );
        assert_eq!(result, Ok(EXAMPLE_TIMESTAMP));
    }
    assert_eq!(
        standard_signature_header(&[], "m", 0, b""),
        Err(WebhookError::NoSecret)
    );
}

#[test]
fn rotation_accepts_any_v1_with_any_secret() {
    let header = signature_header(EXAMPLE_BODY, &[example(), rotated()], EXAMPLE_TIMESTAMP)
        .expect("two secrets");
    assert_eq!(header, format!("{EXAMPLE_HEADER},v1={ROTATED_V1}"));
    let other = WebhookSecret::from_key_array([7; 32]);
    assert_eq!(check(&header, &[example()]), Ok(EXAMPLE_TIMESTAMP));
    assert_eq!(check(&header, &[rotated()]), Ok(EXAMPLE_TIMESTAMP));
    assert_eq!(
        check(&header, &[other.clone(), rotated()]),
        Ok(EXAMPLE_TIMESTAMP)
    );
    assert_eq!(
        check(EXAMPLE_HEADER, &[other.clone(), example()]),
        Ok(EXAMPLE_TIMESTAMP)
    );
    assert_eq!(code(check(&header, &[other])), "signature_mismatch");
}

#[test]
fn unknown_schemes_are_ignored() {
    let v1 = &EXAMPLE_HEADER["t=1700000000,".len()..];
    let header = format!("v0=deadbeef,t=1700000000,v2=YWJj==,{v1},x_y-z=1");
    assert_eq!(check(&header, &[example()]), Ok(EXAMPLE_TIMESTAMP));
    assert_eq!(
        code(check("t=1700000000,v0=deadbeef,v2=abc", &[example()])),
        "no_supported_signature"
    );
}

#[test]
fn whitespace_is_allowed_only_after_commas_and_around_the_value() {
    let v1 = &EXAMPLE_HEADER["t=1700000000,".len()..];
    for ok in [
        format!("t=1700000000, {v1}"),
        format!("t=1700000000,\t {v1}"),
        format!("  t=1700000000,{v1}  "),
    ] {
        assert_eq!(check(&ok, &[example()]), Ok(EXAMPLE_TIMESTAMP), "{ok:?}");
    }
    for bad in [
        format!("t=1700000000 ,{v1}"),
        format!("t =1700000000,{v1}"),
        format!("t= 1700000000,{v1}"),
        format!("t=1700000000,{v1},"),
        format!("t=1700000000,,{v1}"),
        format!("t=1700000000,{}", v1.to_uppercase().replacen("V1", "v1", 1)),
        format!("t=1700000000,t=1700000000,{v1}"),
    ] {
        assert_eq!(
            code(check(&bad, &[example()])),
            "malformed_header",
            "{bad:?}"
        );
    }
}

#[test]
fn tolerance_is_checked_in_both_directions() {
    let secrets = [example()];
    let run = |now: i64, tolerance_secs: u64, ignore_timestamp: bool| {
        let opts = VerifyOptions {
            tolerance_secs,
            ignore_timestamp,
            now,
        };
        verify(EXAMPLE_BODY, Some(EXAMPLE_HEADER), &secrets, &opts)
    };
    let t = EXAMPLE_TIMESTAMP;
    assert_eq!(run(t + 300, 300, false), Ok(t));
    assert_eq!(run(t - 300, 300, false), Ok(t));
    assert_eq!(
        run(t + 301, 300, false),
        Err(WebhookError::TimestampTooOld {
            timestamp: t,
            age: 301,
            tolerance: 300
        })
    );
    assert_eq!(
        run(t - 301, 300, false),
        Err(WebhookError::TimestampTooNew {
            timestamp: t,
            ahead: 301,
            tolerance: 300
        })
    );
    // Zero tolerance means exactly now, not "off".
    assert_eq!(run(t, 0, false), Ok(t));
    assert_eq!(code(run(t + 1, 0, false)), "timestamp_too_old");
    assert_eq!(code(run(t - 1, 0, false)), "timestamp_too_new");
    // Only the explicit switch turns the check off; extreme clocks do not overflow.
    assert_eq!(run(i64::MIN, 0, true), Ok(t));
    assert_eq!(run(i64::MAX, 0, true), Ok(t));
    assert_eq!(
        code(run(i64::MIN, i64::MAX as u64, false)),
        "timestamp_too_new"
    );
    assert_eq!(run(i64::MAX, u64::MAX, false), Ok(t));
}

#[test]
fn the_signature_is_checked_before_the_time() {
    let forged = EXAMPLE_HEADER.replace("v1=d", "v1=e");
    let opts = VerifyOptions::at(EXAMPLE_TIMESTAMP + 10_000);
    assert_eq!(
        code(verify(EXAMPLE_BODY, Some(&forged), &[example()], &opts)),
        "signature_mismatch"
    );
}

#[test]
fn oversized_headers_are_rejected_unread() {
    let v1 = &EXAMPLE_HEADER["t=1700000000,".len()..];
    let base = format!("t=1700000000,{v1},v9=");
    let filler = |total: usize| format!("{base}{}", "a".repeat(total - base.len()));
    let at_limit = filler(MAX_HEADER_BYTES);
    assert_eq!(at_limit.len(), MAX_HEADER_BYTES);
    assert_eq!(check(&at_limit, &[example()]), Ok(EXAMPLE_TIMESTAMP));
    let over = filler(MAX_HEADER_BYTES + 1);
    assert_eq!(
        check(&over, &[example()]),
        Err(WebhookError::HeaderTooLarge {
            header: "x-vinr-signature",
            len: 8193,
            limit: 8192
        })
    );
    // Too large even when it is garbage that would otherwise be malformed.
    assert_eq!(
        code(check(&" ,".repeat(5000), &[example()])),
        "header_too_large"
    );
    let huge = "a".repeat(MAX_HEADER_BYTES + 1);
    let std = verify_standard(
        b"",
        Some(&huge),
        Some("1"),
        Some("v1,x"),
        &[example()],
        &at_example(),
    );
    assert_eq!(code(std), "header_too_large");
}

#[test]
fn timestamps_must_be_canonical_decimals() {
    let v1 = &EXAMPLE_HEADER["t=1700000000,".len()..];
    for t in [
        "",
        "-1",
        "+1700000000",
        "01700000000",
        "17e8",
        "1700000000.0",
        "99999999999999999999",
        "١٧",
    ] {
        let header = format!("t={t},{v1}");
        // An empty or non-ASCII value already breaks the header grammar.
        let expected = if t.is_empty() || !t.is_ascii() {
            "malformed_header"
        } else {
            "invalid_timestamp"
        };
        assert_eq!(code(check(&header, &[example()])), expected, "{t:?}");
    }
    assert_eq!(parse_timestamp("0", "h"), Ok(0));
    assert_eq!(parse_timestamp("9223372036854775807", "h"), Ok(i64::MAX));
    let mut buf = [0u8; 20];
    assert_eq!(write_decimal(i64::MIN, &mut buf), b"-9223372036854775808");
    assert_eq!(write_decimal(0, &mut buf), b"0");
}

#[test]
fn every_error_code_is_reachable() {
    let ex = [example()];
    let opts = at_example();
    let good = EXAMPLE_HEADER;
    let v1 = &good["t=1700000000,".len()..];
    let results = [
        verify(EXAMPLE_BODY, None, &ex, &opts),
        verify(EXAMPLE_BODY, Some("  "), &ex, &opts),
        verify(EXAMPLE_BODY, Some(&"x".repeat(9000)), &ex, &opts),
        verify(EXAMPLE_BODY, Some("garbage"), &ex, &opts),
        verify(EXAMPLE_BODY, Some(v1), &ex, &opts),
        verify(EXAMPLE_BODY, Some(&format!("t=abc,{v1}")), &ex, &opts),
        verify(EXAMPLE_BODY, Some("t=1700000000"), &ex, &opts),
        verify(b"{}", Some(good), &ex, &opts),
        verify(
            EXAMPLE_BODY,
            Some(good),
            &ex,
            &VerifyOptions::at(EXAMPLE_TIMESTAMP + 1000),
        ),
        verify(
            EXAMPLE_BODY,
            Some(good),
            &ex,
            &VerifyOptions::at(EXAMPLE_TIMESTAMP - 1000),
        ),
        WebhookSecret::parse("dmluciB3ZWJob29rIGV4YW1wbGUgc2VjcmV0IDIwMjY=").map(|_| 0),
        verify(EXAMPLE_BODY, Some(good), &[], &opts),
        signature_header(b"", &[], 0).map(|_| 0),
    ];
    let reached: BTreeSet<&str> = results.into_iter().map(code).collect();
    let mut all: BTreeSet<&str> = ERROR_CODES.into_iter().collect();
    all.insert("ok");
    assert_eq!(
        reached.iter().filter(|c| **c != "ok").count(),
        ERROR_CODES.len()
    );
    assert!(reached.is_subset(&all));
}

#[test]
fn secrets_parse_strictly_and_never_leak() {
    let bad = [
        (
            "dmluciB3ZWJob29rIGV4YW1wbGUgc2VjcmV0IDIwMjY=",
            SecretProblem::MissingPrefix,
        ),
        (
            "whsec_dmluciB3ZWJob29rIGV4YW1wbGUgc2VjcmV0IDIwMjY=\n",
            SecretProblem::NotBase64,
        ),
        (
            "whsec_dmluciB3ZWJob29rIGV4YW1wbGUgc2VjcmV0IDIwMj",
            SecretProblem::NotBase64,
        ),
        (
            "whsec_dmluci_3ZWJob29rIGV4YW1wbGUgc2VjcmV0IDIwMjY=",
            SecretProblem::NotBase64,
        ),
        ("whsec_c2hvcnQ=", SecretProblem::TooShort { len: 5 }),
        ("whsec_", SecretProblem::TooShort { len: 0 }),
    ];
    for (text, problem) in bad {
        let err = WebhookSecret::parse(text).expect_err(text);
        assert_eq!(err, WebhookError::InvalidSecret(problem));
        assert_eq!(err.code(), "invalid_secret");
        let body = &text[text.len().min(6)..];
        assert!(body.is_empty() || !err.to_string().contains(body), "{err}");
    }
    // Unpadded base64 is fine when its length allows it (the 32-byte key ends in one `=`).
    let unpadded = WebhookSecret::parse(EXAMPLE_SECRET.trim_end_matches('='));
    assert_eq!(unpadded.as_ref().ok(), Some(&example()));
    let key16 = WebhookSecret::parse("whsec_MDEyMzQ1Njc4OWFiY2RlZg");
    assert_eq!(
        key16.map(|s| s.as_bytes().to_vec()),
        Ok(b"0123456789abcdef".to_vec())
    );
    assert_eq!(
        WebhookSecret::from_bytes(&[1; 15]).map(|_| ()),
        Err(WebhookError::InvalidSecret(SecretProblem::TooShort {
            len: 15
        }))
    );

    let secret = example();
    let shown = format!("{secret:?}");
    assert!(
        !shown.contains("dmlu") && !shown.contains("vinr"),
        "{shown}"
    );
    let mismatch = check(&EXAMPLE_HEADER.replace("v1=d1", "v1=d2"), &[secret]).expect_err("forged");
    let message = mismatch.to_string();
    assert!(
        !message.contains(&EXAMPLE_HEADER[16..]) && !message.contains("dmlu"),
        "{message}"
    );
}

#[test]
fn generate_draws_from_the_host_random_source() {
    let mut calls = 0;
    let secret = WebhookSecret::generate(&mut |buf: &mut [u8]| {
        calls += 1;
        buf.iter_mut().enumerate().for_each(|(i, b)| *b = i as u8);
    });
    assert_eq!(calls, 1);
    assert_eq!(secret.as_bytes(), (0..32).collect::<Vec<u8>>().as_slice());
    let encoded = secret.encode();
    assert!(encoded.starts_with("whsec_") && encoded.len() == 6 + 44);
    assert_eq!(WebhookSecret::parse(&encoded).as_ref(), Ok(&secret));
}

/// A header byte flipped by XOR with a 7-bit mask stays ASCII, so the result is still a `&str`.
fn flip_ascii(text: &str, index: usize, mask: u8) -> String {
    let mut bytes = text.as_bytes().to_vec();
    bytes[index] ^= mask;
    String::from_utf8(bytes).unwrap_or_default()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn sign_then_verify_round_trips(
        key in proptest::array::uniform32(any::<u8>()),
        body in proptest::collection::vec(any::<u8>(), 0..600),
        t in 0..=i64::MAX,
    ) {
        let secret = WebhookSecret::from_key_array(key);
        let header = signature_header(&body, std::slice::from_ref(&secret), t).expect("one secret");
        prop_assert_eq!(verify(&body, Some(&header), std::slice::from_ref(&secret), &VerifyOptions::at(t)), Ok(t));
        let id = "msg_prop";
        let sig = sign_standard(&secret, id, t, &body);
        let ts = t.to_string();
        prop_assert_eq!(verify_standard(&body, Some(id), Some(&ts), Some(&sig), &[secret], &VerifyOptions::at(t)), Ok(t));
    }

    #[test]
    fn any_changed_byte_fails(
        body in proptest::collection::vec(any::<u8>(), 1..300),
        t in 1_000_000_000i64..4_000_000_000,
        pick in any::<prop::sample::Index>(),
        mask in 1u8..=0x7f,
    ) {
        let secrets = [example()];
        let opts = VerifyOptions::at(t);
        let header = signature_header(&body, &secrets, t).expect("one secret");

        let mut changed = body.clone();
        let i = pick.index(changed.len());
        changed[i] ^= mask;
        prop_assert!(verify(&changed, Some(&header), &secrets, &opts).is_err());

        // Byte offsets of the digits of t ("t=" is 2 bytes) and of the 64 hex digits at the end.
        let t_len = t.to_string().len();
        let in_t = 2 + pick.index(t_len);
        prop_assert!(verify(&body, Some(&flip_ascii(&header, in_t, mask)), &secrets, &opts).is_err());
        let in_sig = header.len() - 64 + pick.index(64);
        prop_assert!(verify(&body, Some(&flip_ascii(&header, in_sig, mask)), &secrets, &opts).is_err());

        let ts = t.to_string();
        let sig = sign_standard(&secrets[0], "msg_1", t, &body);
        prop_assert!(verify_standard(&changed, Some("msg_1"), Some(&ts), Some(&sig), &secrets, &opts).is_err());
        let bad_ts = flip_ascii(&ts, pick.index(ts.len()), mask);
        prop_assert!(verify_standard(&body, Some("msg_1"), Some(&bad_ts), Some(&sig), &secrets, &opts).is_err());
        // Only the base64 digits: '=' padding carries no signature bits, and dropping it (a
        // flip to trailing whitespace does) leaves the same signature, accepted by design.
        let digits = sig.trim_end_matches('=').len();
        let bad_sig = flip_ascii(&sig, 3 + pick.index(digits - 3), mask);
        prop_assert!(verify_standard(&body, Some("msg_1"), Some(&ts), Some(&bad_sig), &secrets, &opts).is_err());
        let bad_id = flip_ascii("msg_1", pick.index(5), mask);
        prop_assert!(verify_standard(&body, Some(&bad_id), Some(&ts), Some(&sig), &secrets, &opts).is_err());
    }

    // The bounded stand-in for the cargo-fuzz target (fuzz/fuzz_targets/webhook_header.rs) that
    // runs with every `cargo test`: arbitrary headers never panic, and a random header never
    // verifies.
    #[test]
    fn arbitrary_headers_never_panic(
        header in ".{0,300}",
        near in "(t=[0-9]{1,12}|v1=[0-9a-f]{64}|v[0-9]=[ -~]{0,8}|[ ,=\t]){0,8}",
        body in proptest::collection::vec(any::<u8>(), 0..64),
    ) {
        let secrets = [example(), rotated()];
        let opts = VerifyOptions::at(EXAMPLE_TIMESTAMP);
        for h in [&header, &near] {
            prop_assert!(verify(&body, Some(h), &secrets, &opts).is_err());
            prop_assert!(verify_standard(&body, Some(h), Some(h), Some(h), &secrets, &opts).is_err());
            prop_assert!(verify_standard(&body, Some("msg_1"), Some("1700000000"), Some(h), &secrets, &opts).is_err());
        }
    }
}
