//! Properties of the sandbox over random sequences of requests: money is conserved (refunds
//! never exceed captures; a customer's `lifetimeVolume` is captures minus refunds), and a
//! sandbox restored from its change records answers exactly as the original (webhook
//! deliveries included: whatever was due when it was stored is due again after the restore).

#[path = "sandbox/harness.rs"]
mod harness;

use std::collections::HashMap;

use harness::Harness;
use proptest::prelude::*;
use serde_json::{json, Value};
use vinr::host::RandomSource;
use vinr::sandbox::{DeliveryResult, Sandbox, SandboxConfig, SEED_BYTES};

#[derive(Debug, Clone)]
enum Op {
    Pay {
        amount: i64,
        capture: bool,
        customer: usize,
        card: usize,
    },
    Capture {
        payment: usize,
        amount: i64,
    },
    Refund {
        payment: usize,
        amount: Option<i64>,
    },
    Cancel {
        payment: usize,
    },
    Advance {
        hours: i64,
    },
    /// A webhook endpoint for one of `HOOK_EVENTS`.
    Hook {
        events: usize,
    },
    /// Every delivery due is answered, with a 500 when `fail`.
    Deliver {
        fail: bool,
    },
}

const HOOK_EVENTS: [&[&str]; 3] = [
    &["*"],
    &["payment.*"],
    &["refund.created", "payment.completed"],
];

const CARDS: [&str; 4] = [
    "4242424242424242",
    "4000000000000002",
    "4000000000000259",
    "4000002760003184",
];

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        (1i64..20_000, any::<bool>(), 0usize..3, 0usize..4).prop_map(
            |(amount, capture, customer, card)| Op::Pay {
                amount,
                capture,
                customer,
                card
            }
        ),
        (0usize..40, 1i64..20_000).prop_map(|(payment, amount)| Op::Capture { payment, amount }),
        (0usize..40, proptest::option::of(1i64..20_000))
            .prop_map(|(payment, amount)| Op::Refund { payment, amount }),
        (0usize..40).prop_map(|payment| Op::Cancel { payment }),
        (1i64..200).prop_map(|hours| Op::Advance { hours }),
        (0usize..3).prop_map(|events| Op::Hook { events }),
        any::<bool>().prop_map(|fail| Op::Deliver { fail }),
    ]
}

fn run(h: &mut Harness, ops: &[Op]) -> Vec<(u16, String)> {
    let customers: Vec<String> = (0..3)
        .map(|i| {
            h.ok(
                "POST",
                "/v1/customers",
                json!({ "email": format!("c{i}@example.com") }),
            )["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    let mut payments: Vec<String> = Vec::new();
    let mut answers = Vec::new();
    for op in ops {
        let nth = |i: usize| payments.get(i % payments.len().max(1)).cloned();
        let (status, body) = match op {
            Op::Pay {
                amount,
                capture,
                customer,
                card,
            } => {
                let (s, v) = h.pay(
                    CARDS[*card],
                    *amount,
                    json!({"capture": capture, "customer": customers[*customer]}),
                );
                let id = v["id"]
                    .as_str()
                    .or(v["error"]["paymentId"].as_str())
                    .map(str::to_owned);
                payments.extend(id);
                (s, v)
            }
            Op::Capture { payment, amount } => match nth(*payment) {
                Some(p) => h.post(
                    &format!("/v1/payments/{p}/capture"),
                    json!({ "amount": amount }),
                ),
                None => continue,
            },
            Op::Refund { payment, amount } => match nth(*payment) {
                Some(p) => h.post("/v1/refunds", json!({"payment": p, "amount": amount})),
                None => continue,
            },
            Op::Cancel { payment } => match nth(*payment) {
                Some(p) => h.post(&format!("/v1/payments/{p}/cancel"), Value::Null),
                None => continue,
            },
            Op::Advance { hours } => (200, h.advance(hours * 3600)),
            Op::Hook { events } => h.post(
                "/v1/webhooks",
                json!({"url": "https://example.com/hooks", "enabledEvents": HOOK_EVENTS[*events]}),
            ),
            Op::Deliver { fail } => (200, deliver(h, *fail)),
        };
        answers.push((status, body.to_string()));
    }
    answers
}

/// Answers every delivery due (after a request, which runs the mode's due jobs) until none is;
/// the ids answered.
fn deliver(h: &mut Harness, fail: bool) -> Value {
    h.get("/v1/webhooks");
    let mut sent = Vec::new();
    loop {
        let due = h.sandbox.take_deliveries(h.now);
        if due.is_empty() {
            break;
        }
        for d in due {
            let mut seed = [0u8; SEED_BYTES];
            h.rng.fill_bytes(&mut seed);
            let result = DeliveryResult {
                id: d.id.clone(),
                status: Some(if fail { 500 } else { 200 }),
                duration_ms: 1,
                error: None,
            };
            if let Some(batch) = h.sandbox.record_delivery(result, h.now, seed) {
                h.sandbox.commit(batch.seq);
                h.batches.push(batch);
            }
            sent.push(d.id);
        }
    }
    sent.sort();
    json!(sent)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn money_is_conserved(ops in proptest::collection::vec(op(), 1..40)) {
        let mut h = Harness::new();
        for (status, body) in run(&mut h, &ops) {
            prop_assert!(status < 500, "{status} {body}");
        }
        let payments = h.all("/v1/payments", 100);
        let refunds = h.all("/v1/refunds", 100);
        let mut refunded: HashMap<String, i64> = HashMap::new();
        for r in &refunds {
            *refunded.entry(r["payment"].as_str().unwrap().to_owned()).or_default() += r["amount"].as_i64().unwrap();
        }
        let mut volume: HashMap<String, i64> = HashMap::new();
        for p in &payments {
            let (captured, back) = (p["amountCaptured"].as_i64().unwrap(), p["amountRefunded"].as_i64().unwrap());
            prop_assert!(back <= captured, "{p}");
            prop_assert!(captured <= p["amount"].as_i64().unwrap());
            prop_assert_eq!(back, refunded.get(p["id"].as_str().unwrap()).copied().unwrap_or(0));
            if let Some(c) = p["customer"].as_str() {
                *volume.entry(c.to_owned()).or_default() += captured - back;
            }
        }
        for c in h.all("/v1/customers", 100) {
            let want = volume.get(c["id"].as_str().unwrap()).copied().unwrap_or(0);
            let have = c["lifetimeVolume"]["EUR"].as_i64().unwrap_or(0);
            prop_assert_eq!(have, want);
        }
    }

    #[test]
    fn a_restored_sandbox_answers_as_the_original(ops in proptest::collection::vec(op(), 1..25), split in 0usize..25) {
        let config = SandboxConfig { record_changes: true, rate_limit: None };
        let mut original = Harness::with_config(config.clone(), 21);
        let split = split.min(ops.len());
        run(&mut original, &ops[..split]);
        let batches: Vec<&[u8]> = original.batches.iter().map(|b| b.bytes.as_slice()).collect();
        let sandbox = Sandbox::restore(config, None, batches.iter().copied()).unwrap();
        prop_assert_eq!(sandbox.snapshot(), original.sandbox.snapshot());
        let mut reopened = Harness { sandbox, now: original.now, rng: original.rng.clone(), keys: original.keys.clone(), batches: Vec::new(), commit: true };
        let rest = &ops[split..];
        prop_assert_eq!(run(&mut original, rest), run(&mut reopened, rest));
        prop_assert_eq!(original.sandbox.snapshot(), reopened.sandbox.snapshot());
    }
}

const PATHS: [&str; 12] = [
    "/v1/payments",
    "/v1/payments/{pay}",
    "/v1/payments/{pay}/capture",
    "/v1/payments/{pay}/timeline",
    "/v1/refunds",
    "/v1/customers",
    "/v1/customers/{cust}",
    "/v1/customers/{cust}/payment_methods",
    "/v1/payment_methods",
    "/v1/events?type=payment.*",
    "/v1/test_helpers/clock/advance",
    "/v1/api_keys",
];

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        "[a-zA-Z0-9_@. ]{0,12}".prop_map(Value::from),
    ];
    leaf.prop_recursive(4, 24, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::from),
            proptest::collection::btree_map(
                prop_oneof![
                    Just("amount".to_owned()),
                    Just("currency".to_owned()),
                    Just("payment".to_owned()),
                    Just("card".to_owned()),
                    Just("metadata".to_owned()),
                    "[a-z]{1,6}"
                ],
                inner,
                0..5
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// The fuzz target's bounded stand-in: structured junk never panics and always gets a
    /// JSON answer, an error envelope when it is not 200.
    #[test]
    fn arbitrary_requests_never_panic(
        method in prop_oneof![Just("GET"), Just("POST"), Just("PATCH"), Just("DELETE")],
        path in 0usize..PATHS.len(),
        body in prop_oneof![json_value().prop_map(|v| v.to_string().into_bytes()), proptest::collection::vec(any::<u8>(), 0..64)],
    ) {
        let mut h = Harness::new();
        let cust = h.ok("POST", "/v1/customers", json!({}))["id"].as_str().unwrap().to_owned();
        let (_, pay) = h.pay("4242424242424242", 100, json!({"capture": false}));
        let path = PATHS[path].replace("{pay}", pay["id"].as_str().unwrap()).replace("{cust}", &cust);
        let sk = h.sk();
        let response = h.raw(method, &path, Some(&sk), &[], &body);
        let parsed: Value = serde_json::from_str(&response.body).unwrap();
        if response.status != 200 {
            prop_assert!(parsed["error"]["code"].is_string(), "{}", response.body);
        }
    }
}
