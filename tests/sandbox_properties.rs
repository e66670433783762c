//! Properties of the sandbox over random sequences of requests: money is conserved (refunds
//! never exceed captures; a customer's `lifetimeVolume` is captures minus refunds), and a
//! sandbox restored from its change records answers exactly as the original.

#[path = "sandbox/harness.rs"]
mod harness;

use std::collections::HashMap;

use harness::Harness;
use proptest::prelude::*;
use serde_json::{json, Value};
use vinr::sandbox::{Sandbox, SandboxConfig};

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
}

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
        };
        answers.push((status, body.to_string()));
    }
    answers
}

fn all(h: &mut Harness, path: &str) -> Vec<Value> {
    let mut out = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let cursor = after
            .as_ref()
            .map(|a| format!("&startingAfter={a}"))
            .unwrap_or_default();
        let page = h.ok("GET", &format!("{path}?limit=100{cursor}"), Value::Null);
        let data = page["data"].as_array().unwrap().clone();
        after = data
            .last()
            .and_then(|v| v["id"].as_str())
            .map(str::to_owned);
        out.extend(data);
        if page["hasMore"] != true {
            return out;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn money_is_conserved(ops in proptest::collection::vec(op(), 1..40)) {
        let mut h = Harness::new();
        for (status, body) in run(&mut h, &ops) {
            prop_assert!(status < 500, "{status} {body}");
        }
        let payments = all(&mut h, "/v1/payments");
        let refunds = all(&mut h, "/v1/refunds");
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
        for c in all(&mut h, "/v1/customers") {
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
