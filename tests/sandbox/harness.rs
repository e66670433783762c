// Shared by the test crates tests/sandbox.rs, sandbox_access.rs and sandbox_properties.rs, each using a part.
#![allow(dead_code)]

//! Drives a `Sandbox` as a host would: a seeded random source, a manual clock, JSON in and out.

use chrono::{DateTime, TimeZone, Utc};
use serde_json::{json, Value};
use vinr::host::SeededRandom;
use vinr::sandbox::{ChangeBatch, Request, Response, Sandbox, SandboxConfig};

pub struct Harness {
    pub sandbox: Sandbox,
    pub now: DateTime<Utc>,
    pub rng: SeededRandom,
    pub keys: Value,
    /// Every change batch, in order (when the config records them).
    pub batches: Vec<ChangeBatch>,
    pub commit: bool,
}

pub fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 4, 15, 10, 30, 0).unwrap()
}

impl Harness {
    pub fn new() -> Harness {
        Harness::with_config(SandboxConfig::default(), 7)
    }

    pub fn with_config(config: SandboxConfig, seed: u64) -> Harness {
        let mut rng = SeededRandom::new(seed);
        let (sandbox, first) = Sandbox::create(config, t0(), &mut rng);
        let keys: Value = serde_json::from_str(&sandbox.owner_keys_json()).unwrap();
        Harness {
            sandbox,
            now: t0(),
            rng,
            keys,
            batches: vec![first],
            commit: true,
        }
    }

    pub fn sk(&self) -> String {
        self.keys["test"]["secretKey"].as_str().unwrap().to_owned()
    }
    pub fn pk(&self) -> String {
        self.keys["test"]["publishableKey"]
            .as_str()
            .unwrap()
            .to_owned()
    }
    pub fn live_sk(&self) -> String {
        self.keys["live"]["secretKey"].as_str().unwrap().to_owned()
    }

    /// Sends a request with `Authorization: Bearer key` (when given) and extra headers.
    pub fn raw(
        &mut self,
        method: &str,
        path: &str,
        key: Option<&str>,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Response {
        let auth = key.map(|k| format!("Bearer {k}"));
        let mut all: Vec<(&str, &str)> = Vec::new();
        if let Some(a) = &auth {
            all.push(("Authorization", a.as_str()));
        }
        all.extend_from_slice(headers);
        let url = format!("https://sandbox.api.vinr.com{path}");
        let request = Request {
            method,
            url: &url,
            headers: &all,
            body,
        };
        let outcome = self.sandbox.handle(&request, self.now, &mut self.rng);
        if let Some(batch) = outcome.changes {
            if self.commit {
                self.sandbox.commit(batch.seq);
            }
            self.batches.push(batch);
        }
        outcome.response
    }

    pub fn call(&mut self, method: &str, path: &str, key: &str, body: Value) -> (u16, Value) {
        let bytes = if body.is_null() {
            Vec::new()
        } else {
            body.to_string().into_bytes()
        };
        let r = self.raw(method, path, Some(key), &[], &bytes);
        (r.status, serde_json::from_str(&r.body).unwrap())
    }

    pub fn post(&mut self, path: &str, body: Value) -> (u16, Value) {
        let sk = self.sk();
        self.call("POST", path, &sk, body)
    }

    pub fn get(&mut self, path: &str) -> (u16, Value) {
        let sk = self.sk();
        self.call("GET", path, &sk, Value::Null)
    }

    pub fn ok(&mut self, method: &str, path: &str, body: Value) -> Value {
        let sk = self.sk();
        let (status, value) = self.call(method, path, &sk, body);
        assert_eq!(status, 200, "{method} {path}: {value}");
        value
    }

    pub fn card(&mut self, number: &str) -> String {
        let pk = self.pk();
        let (status, pm) = self.call(
            "POST",
            "/v1/payment_methods",
            &pk,
            json!({"type": "card", "card": {"number": number, "expMonth": 12, "expYear": 2030, "cvc": "123"}}),
        );
        assert_eq!(status, 200, "{pm}");
        pm["id"].as_str().unwrap().to_owned()
    }

    pub fn pay(&mut self, number: &str, amount: i64, extra: Value) -> (u16, Value) {
        let pm = self.card(number);
        let mut body = json!({"amount": amount, "currency": "EUR", "paymentMethod": pm});
        if let (Some(b), Some(e)) = (body.as_object_mut(), extra.as_object()) {
            for (k, v) in e {
                b.insert(k.clone(), v.clone());
            }
        }
        self.post("/v1/payments", body)
    }

    /// Every object of a list, page by page (`limit`: the page size; `path` may have a query).
    pub fn all(&mut self, path: &str, limit: u32) -> Vec<Value> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut out = Vec::new();
        let mut cursor = String::new();
        loop {
            let url = format!("{path}{sep}limit={limit}{cursor}");
            let page = self.ok("GET", &url, Value::Null);
            let data = page["data"].as_array().unwrap().clone();
            let last = data
                .last()
                .and_then(|v| v["id"].as_str())
                .map(str::to_owned);
            out.extend(data);
            match (page["hasMore"].as_bool(), last) {
                (Some(true), Some(id)) => cursor = format!("&startingAfter={id}"),
                _ => return out,
            }
        }
    }

    /// A new secret key of `role` in test mode.
    pub fn key_for(&mut self, role: &str) -> String {
        let key = self.ok(
            "POST",
            "/v1/api_keys",
            json!({"type": "secret", "role": role}),
        );
        key["secret"].as_str().unwrap().to_owned()
    }

    pub fn advance(&mut self, seconds: i64) -> Value {
        self.ok(
            "POST",
            "/v1/test_helpers/clock/advance",
            json!({ "seconds": seconds }),
        )
    }
}

pub fn error_code(v: &Value) -> &str {
    v["error"]["code"].as_str().unwrap_or("")
}
