//! Arbitrary bytes as signature headers and payload for both verifiers: they must return,
//! never panic, and never accept a header the fuzzer made up. A header the SDK signs itself
//! must keep verifying whatever the payload.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vinr::webhook::{
    signature_header, standard_signature_header, verify, verify_standard, VerifyOptions,
    WebhookSecret,
};

const NOW: i64 = 1_700_000_000;

fuzz_target!(|data: &[u8]| {
    // The first byte picks where the header ends; the rest of the input is the payload.
    let Some((&split, rest)) = data.split_first() else {
        return;
    };
    let at = usize::from(split) * rest.len() / 255;
    let (header_bytes, payload) = rest.split_at(at);
    let header = String::from_utf8_lossy(header_bytes);

    let secrets = [
        WebhookSecret::from_key_array([0x42; 32]),
        WebhookSecret::from_key_array([0x24; 32]),
    ];
    let opts = VerifyOptions::at(NOW);

    assert!(verify(payload, Some(&header), &secrets, &opts).is_err());
    let mut parts = header.splitn(3, '\n');
    let (id, ts, sig) = (parts.next(), parts.next(), parts.next());
    assert!(verify_standard(payload, id, ts, sig, &secrets, &opts).is_err());
    assert!(verify_standard(
        payload,
        Some("msg_1"),
        Some("1700000000"),
        Some(&header),
        &secrets,
        &opts
    )
    .is_err());
    // The header text also goes through the secret parser.
    let _ = WebhookSecret::parse(&header);

    let signed = signature_header(payload, &secrets, NOW).expect("two secrets");
    assert_eq!(
        verify(payload, Some(&signed), &secrets[1..], &opts),
        Ok(NOW)
    );
    let std_sig = standard_signature_header(&secrets, "msg_1", NOW, payload).expect("two secrets");
    assert_eq!(
        verify_standard(
            payload,
            Some("msg_1"),
            Some("1700000000"),
            Some(&std_sig),
            &secrets[..1],
            &opts
        ),
        Ok(NOW)
    );
});
