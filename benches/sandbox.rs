//! The sandbox's core, native, through `Sandbox::handle`, to separate the core's own time from
//! the Wasm boundary and the JS face. Two flows:
//! - the flow of `benches/sandbox/bench.mjs` (create a customer, tokenize and attach a card,
//!   authorize, capture, refund in part, list);
//! - the flow of the server benchmark (`benches/server/flows.mjs`), as `vinr sandbox` hands it
//!   to the core: whole URLs, the headers its load generator sends (lower-cased and sorted, as
//!   `rawRequest` passes them), an `Idempotency-Key` on every POST, one card tokenized per
//!   virtual user; once with `recordChanges` off (`--memory`) and once on (durable: every batch
//!   committed after its request, as the server's storage does after its fsync).
//!
//! Run: `cargo bench -p vinr --bench sandbox` (scripts/bench-sandbox.sh runs both halves).
//! `BENCH_FLOWS` sets the flows per run; `BENCH_RUNS` picks runs (`classic`, `memory`,
//! `durable`, comma-separated; all by default), e.g. one run under callgrind;
//! `BENCH_DUMP=FILE` writes every response and change batch of the server flow runs to `FILE`,
//! to compare two builds byte for byte.

use std::fmt::Write as _;
use std::io::Write as _;
use std::time::Instant;

use chrono::{DateTime, Duration, TimeZone, Utc};
use serde_json::Value;
use vinr::host::SeededRandom;
use vinr::sandbox::{Request, Sandbox, SandboxConfig};

const DEFAULT_FLOWS: usize = 20_000;
const STEPS: [&str; 7] = [
    "customer",
    "card",
    "attach",
    "authorize",
    "capture",
    "refund",
    "list",
];
const SERVER_STEPS: [&str; 6] = [
    "customer", "payment", "capture", "refund", "retrieve", "list",
];
/// The server benchmark's virtual users (`BENCH_CONNECTIONS`' default).
const USERS: usize = 50;
const ORIGIN: &str = "http://127.0.0.1:12199";
/// Host time between two requests: a server answering about 10,000 requests a second.
const TICK_MICROS: i64 = 100;

struct Bench {
    sandbox: Sandbox,
    now: DateTime<Utc>,
    rng: SeededRandom,
    /// Seconds spent in the handler, per step of the flow.
    spent: Vec<f64>,
    /// Seconds spent in the handler per tenth of the run: whether the rate holds as the store
    /// grows.
    tenths: [f64; 10],
    record_changes: bool,
    dump: Option<std::io::BufWriter<std::fs::File>>,
}

impl Bench {
    fn new(record_changes: bool, steps: usize) -> (Bench, String, String) {
        let now = Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 0).unwrap();
        let mut rng = SeededRandom::new(2026);
        let config = SandboxConfig {
            record_changes,
            ..SandboxConfig::default()
        };
        let (sandbox, _) = Sandbox::create(config, now, &mut rng);
        let keys: Value = serde_json::from_str(&sandbox.owner_keys_json()).unwrap();
        let key = |kind: &str| format!("Bearer {}", keys["test"][kind].as_str().unwrap());
        let (sk, pk) = (key("secretKey"), key("publishableKey"));
        let bench = Bench {
            sandbox,
            now,
            rng,
            spent: vec![0.0; steps],
            tenths: [0.0; 10],
            record_changes,
            dump: None,
        };
        (bench, sk, pk)
    }

    /// One request as the classic flow sends it: a bare path, no idempotency key.
    fn send(&mut self, step: usize, method: &str, url: &str, key: &str, body: &str) -> String {
        let headers = [("authorization", key), ("content-type", "application/json")];
        self.call(step, 0, method, url, &headers, body)
    }

    /// One request as the server hands it to the core.
    fn serve(&mut self, step: usize, tenth: usize, method: &str, path: &str, key: &str) -> String {
        self.serve_body(step, tenth, method, path, key, None, None)
    }

    #[allow(clippy::too_many_arguments)]
    fn serve_body(
        &mut self,
        step: usize,
        tenth: usize,
        method: &str,
        path: &str,
        key: &str,
        body: Option<&str>,
        idempotency_key: Option<&str>,
    ) -> String {
        let url = format!("{ORIGIN}{path}");
        let length = body.map_or(0, str::len).to_string();
        let mut headers = vec![("authorization", key)];
        if method == "POST" {
            headers.push(("content-length", &length));
        }
        if body.is_some() {
            headers.push(("content-type", "application/json"));
        }
        headers.push(("host", &ORIGIN[7..]));
        if let Some(k) = idempotency_key {
            headers.push(("idempotency-key", k));
        }
        self.now += Duration::microseconds(TICK_MICROS);
        self.call(step, tenth, method, &url, &headers, body.unwrap_or(""))
    }

    fn call(
        &mut self,
        step: usize,
        tenth: usize,
        method: &str,
        url: &str,
        headers: &[(&str, &str)],
        body: &str,
    ) -> String {
        let request = Request {
            method,
            url,
            headers,
            body: body.as_bytes(),
        };
        let t = Instant::now();
        let outcome = self.sandbox.handle(&request, self.now, &mut self.rng);
        let seconds = t.elapsed().as_secs_f64();
        self.spent[step] += seconds;
        self.tenths[tenth] += seconds;
        if let Some(batch) = &outcome.changes {
            // The server's storage accepts every batch before it answers.
            if self.record_changes {
                self.sandbox.commit(batch.seq);
            }
        }
        let response = outcome.response;
        if let Some(out) = &mut self.dump {
            let mut text = format!("{method} {url}\n{}\n", response.status);
            for (name, value) in &response.headers {
                let _ = writeln!(text, "{name}: {value}");
            }
            let _ = writeln!(text, "{}", response.body);
            let _ = out.write_all(text.as_bytes());
            if let Some(batch) = &outcome.changes {
                let _ = writeln!(out, "batch {}", batch.seq);
                let _ = out.write_all(&batch.bytes);
            }
        }
        response.body
    }
}

fn id(body: &str) -> String {
    let start = body.find("\"id\":\"").map_or(0, |i| i + 6);
    body[start..].split('"').next().unwrap_or("").to_owned()
}

fn per_step(names: &[&str], spent: &[f64], flows: usize, decimals: usize) -> String {
    names
        .iter()
        .zip(spent)
        .map(|(n, s)| format!("{n} {:.decimals$}", s * 1e6 / flows as f64))
        .collect::<Vec<_>>()
        .join(", ")
}

fn classic(flows: usize) {
    let (mut b, sk, pk) = Bench::new(false, STEPS.len());
    let card = r#"{"type":"card","card":{"number":"4242424242424242","expMonth":12,"expYear":2030,"cvc":"123"}}"#;
    let started = Instant::now();
    for _ in 0..flows {
        let cust = id(&b.send(
            0,
            "POST",
            "/v1/customers",
            &sk,
            r#"{"email":"bench@example.com"}"#,
        ));
        let pm = id(&b.send(1, "POST", "/v1/payment_methods", &pk, card));
        b.send(
            2,
            "POST",
            &format!("/v1/customers/{cust}/payment_methods"),
            &sk,
            &format!(r#"{{"paymentMethod":"{pm}"}}"#),
        );
        let body =
            format!(r#"{{"amount":2500,"currency":"EUR","customer":"{cust}","capture":false}}"#);
        let pay = id(&b.send(3, "POST", "/v1/payments", &sk, &body));
        b.send(4, "POST", &format!("/v1/payments/{pay}/capture"), &sk, "");
        b.send(
            5,
            "POST",
            "/v1/refunds",
            &sk,
            &format!(r#"{{"payment":"{pay}","amount":500}}"#),
        );
        b.send(6, "GET", "/v1/payments?limit=10", &sk, "");
    }
    let elapsed = started.elapsed().as_secs_f64();
    let requests = (flows * STEPS.len()) as f64;
    println!("sandbox core, native: {flows} flows, {requests} requests in {elapsed:.2} s");
    println!(
        "  {:.0} requests/s, {:.2} µs per request",
        requests / elapsed,
        elapsed * 1e6 / requests
    );
    println!("  µs per step: {}", per_step(&STEPS, &b.spent, flows, 1));
}

/// The server benchmark's flow, each pass by the next virtual user in turn.
fn server(flows: usize, record_changes: bool, dump: Option<&str>) {
    let (mut b, sk, pk) = Bench::new(record_changes, SERVER_STEPS.len());
    if let Some(path) = dump {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .expect("BENCH_DUMP names a file that can be written");
        b.dump = Some(std::io::BufWriter::new(file));
    }
    let card = r#"{"type":"card","card":{"number":"4242424242424242","expMonth":12,"expYear":2030,"cvc":"123"}}"#;
    // Idempotency keys as load.mjs makes them: `bench-<run>-<user>-<n>`.
    let mut sent = [0usize; USERS];
    let mut key = |user: usize| {
        sent[user] += 1;
        format!("bench-3f2a9c1e-{user}-{}", sent[user] - 1)
    };
    let cards: Vec<String> = (0..USERS)
        .map(|user| {
            let k = key(user);
            let body = b.serve_body(
                0,
                0,
                "POST",
                "/v1/payment_methods",
                &pk,
                Some(card),
                Some(&k),
            );
            id(&body)
        })
        .collect();
    b.spent.fill(0.0);
    b.tenths.fill(0.0);
    let started = Instant::now();
    for flow in 0..flows {
        let user = flow % USERS;
        let tenth = flow * 10 / flows;
        let body = r#"{"email":"bench@example.com"}"#;
        let k = key(user);
        let customer =
            id(&b.serve_body(0, tenth, "POST", "/v1/customers", &sk, Some(body), Some(&k)));
        let body = format!(
            r#"{{"amount":2500,"currency":"EUR","customer":"{customer}","paymentMethod":"{}","capture":false}}"#,
            cards[user]
        );
        let k = key(user);
        let payment =
            id(&b.serve_body(1, tenth, "POST", "/v1/payments", &sk, Some(&body), Some(&k)));
        let k = key(user);
        let path = format!("/v1/payments/{payment}/capture");
        b.serve_body(2, tenth, "POST", &path, &sk, None, Some(&k));
        let body = format!(r#"{{"payment":"{payment}","amount":500}}"#);
        let k = key(user);
        b.serve_body(3, tenth, "POST", "/v1/refunds", &sk, Some(&body), Some(&k));
        let got = b.serve(4, tenth, "GET", &format!("/v1/payments/{payment}"), &sk);
        assert!(got.contains(r#""amountRefunded":500"#), "{got}");
        b.serve(5, tenth, "GET", "/v1/payments?limit=10", &sk);
    }
    let elapsed = started.elapsed().as_secs_f64();
    let handled: f64 = b.spent.iter().sum();
    let requests = flows * SERVER_STEPS.len();
    let label = if record_changes {
        "durable (recordChanges on)"
    } else {
        "--memory (recordChanges off)"
    };
    println!("sandbox core, native, server flow, {label}: {flows} flows, {requests} requests in {elapsed:.2} s");
    println!(
        "  {:.2} µs per request in the handler",
        handled * 1e6 / requests as f64
    );
    println!(
        "  µs per step: {}",
        per_step(&SERVER_STEPS, &b.spent, flows, 2)
    );
    let per_tenth = (requests / 10).max(1) as f64;
    let tenths: Vec<String> = b
        .tenths
        .iter()
        .map(|s| format!("{:.2}", s * 1e6 / per_tenth))
        .collect();
    println!(
        "  µs per request, each tenth of the run: {}",
        tenths.join(" ")
    );
}

fn main() {
    let flows: usize = std::env::var("BENCH_FLOWS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_FLOWS);
    let runs = std::env::var("BENCH_RUNS").unwrap_or_else(|_| "classic,memory,durable".into());
    let dump = std::env::var("BENCH_DUMP").ok();
    for run in runs.split(',').map(str::trim) {
        match run {
            "classic" => classic(flows),
            "memory" => server(flows, false, dump.as_deref()),
            "durable" => server(flows, true, dump.as_deref()),
            other => panic!("BENCH_RUNS: unknown run '{other}' (classic, memory, durable)"),
        }
    }
}
