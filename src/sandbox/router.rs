//! The route table: every endpoint of the sandbox as one row (method, path, handler, the
//! permission it needs, who may call it). The role × route matrix is this data, which the
//! tests walk.

use crate::error::ApiError;
use crate::sandbox::context::{Ctx, Reply};
use crate::sandbox::params::Params;
use crate::sandbox::roles::Permission;
use crate::sandbox::{
    account_settings, api_keys, clock, customers, deliveries, disputes, events, files,
    payment_list, payment_methods, payments, payouts, refunds, reporting, settlements, team,
    timeline, webhook_endpoints,
};

pub type Handler = fn(&mut Ctx, Params) -> Result<Reply, ApiError>;

/// Who may call a route, beyond its permission.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Secret keys whose role has the permission.
    Secret,
    /// Also publishable keys (only `POST /payment_methods`).
    Publishable,
    /// Secret keys of test mode only (test helpers): 403 `test_mode_only` in live mode.
    TestMode,
    /// No key: the URL's own signature (statement links, `files.rs`).
    SignedUrl,
}

#[derive(Debug)]
pub struct Route {
    pub method: &'static str,
    /// Segments; `:id` matches one segment and is passed to the handler.
    pub path: &'static str,
    pub handler: Handler,
    pub permission: Permission,
    pub access: Access,
    /// How many `/`-separated segments `path` has (counted once, at compile time: the
    /// routes of another length are skipped without looking at them).
    pub segments: usize,
}

const fn segment_count(path: &str) -> usize {
    let bytes = path.as_bytes();
    let mut count = 1;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'/' {
            count += 1;
        }
        i += 1;
    }
    count
}

macro_rules! routes {
    ($( $method:literal $path:literal => $handler:path, $perm:ident, $access:ident; )*) => {
        &[ $( Route { method: $method, path: $path, handler: $handler, permission: Permission::$perm, access: Access::$access, segments: segment_count($path) }, )* ]
    };
}

pub static ROUTES: &[Route] = routes! {
    "POST"   "/v1/payments" => payments::create, WritePayments, Secret;
    "GET"    "/v1/payments" => payment_list::list, ReadData, Secret;
    "GET"    "/v1/payments/:id" => payments::retrieve, ReadData, Secret;
    "POST"   "/v1/payments/:id/capture" => payments::capture, WritePayments, Secret;
    "POST"   "/v1/payments/:id/cancel" => payments::cancel, WritePayments, Secret;
    "GET"    "/v1/payments/:id/timeline" => timeline::timeline, ReadData, Secret;
    "POST"   "/v1/payment_methods" => payment_methods::create, WritePayments, Publishable;
    "GET"    "/v1/payment_methods/:id" => payment_methods::retrieve, ReadData, Secret;
    "POST"   "/v1/refunds" => refunds::create, Refund, Secret;
    "GET"    "/v1/refunds" => refunds::list, ReadData, Secret;
    "GET"    "/v1/refunds/:id" => refunds::retrieve, ReadData, Secret;
    "POST"   "/v1/customers" => customers::create, WritePayments, Secret;
    "GET"    "/v1/customers" => customers::list, ReadData, Secret;
    "GET"    "/v1/customers/:id" => customers::retrieve, ReadData, Secret;
    "PATCH"  "/v1/customers/:id" => customers::update, WritePayments, Secret;
    "DELETE" "/v1/customers/:id" => customers::remove, WritePayments, Secret;
    "GET"    "/v1/customers/:id/payment_methods" => customers::list_payment_methods, ReadData, Secret;
    "POST"   "/v1/customers/:id/payment_methods" => customers::attach_payment_method, WritePayments, Secret;
    "GET"    "/v1/disputes" => disputes::list, ReadData, Secret;
    "GET"    "/v1/disputes/:id" => disputes::retrieve, ReadData, Secret;
    "POST"   "/v1/disputes/:id/evidence" => disputes::submit_evidence, RespondToDisputes, Secret;
    "GET"    "/v1/events" => events::list, ReadEvents, Secret;
    "GET"    "/v1/events/:id" => events::retrieve, ReadEvents, Secret;
    "POST"   "/v1/api_keys" => api_keys::create, ManageApiKeys, Secret;
    "GET"    "/v1/api_keys" => api_keys::list, ReadApiKeys, Secret;
    "POST"   "/v1/api_keys/:id/roll" => api_keys::roll, ManageApiKeys, Secret;
    "DELETE" "/v1/api_keys/:id" => api_keys::revoke, ManageApiKeys, Secret;
    "POST"   "/v1/team/members" => team::create, ManageTeam, Secret;
    "GET"    "/v1/team/members" => team::list, ReadTeam, Secret;
    "PATCH"  "/v1/team/members/:id" => team::update, ManageTeam, Secret;
    "DELETE" "/v1/team/members/:id" => team::remove, ManageTeam, Secret;
    "POST"   "/v1/webhooks" => webhook_endpoints::create, ManageWebhooks, Secret;
    "GET"    "/v1/webhooks" => webhook_endpoints::list, ManageWebhooks, Secret;
    "GET"    "/v1/webhooks/:id" => webhook_endpoints::retrieve, ManageWebhooks, Secret;
    "PATCH"  "/v1/webhooks/:id" => webhook_endpoints::update, ManageWebhooks, Secret;
    "DELETE" "/v1/webhooks/:id" => webhook_endpoints::remove, ManageWebhooks, Secret;
    "POST"   "/v1/webhooks/:id/roll_secret" => webhook_endpoints::roll_secret, ManageWebhooks, Secret;
    "GET"    "/v1/webhooks/:id/deliveries" => deliveries::list, ManageWebhooks, Secret;
    "POST"   "/v1/webhooks/:id/deliveries/:id/replay" => deliveries::replay, ManageWebhooks, Secret;
    "GET"    "/v1/test_helpers/clock" => clock::retrieve, TestHelpers, TestMode;
    "POST"   "/v1/test_helpers/clock/advance" => clock::advance, TestHelpers, TestMode;
    "POST"   "/v1/test_helpers/payments/:id/authenticate" => payments::authenticate, TestHelpers, TestMode;
    "POST"   "/v1/test_helpers/payments/:id/dispute" => disputes::open_for_test, TestHelpers, TestMode;
    "POST"   "/v1/test_helpers/disputes/:id/close" => disputes::close_for_test, TestHelpers, TestMode;
    "GET"    "/v1/settlements" => settlements::list, ReadFinance, Secret;
    "GET"    "/v1/settlements/:id" => settlements::retrieve, ReadFinance, Secret;
    "GET"    "/v1/settlements/:id/transactions" => settlements::transactions, ReadFinance, Secret;
    "GET"    "/v1/settlements/:id/statement" => settlements::statement, ReadFinance, Secret;
    "GET"    "/v1/payouts" => payouts::list, ReadFinance, Secret;
    "GET"    "/v1/payouts/:id" => payouts::retrieve, ReadFinance, Secret;
    "POST"   "/v1/test_helpers/payouts/:id/fail" => payouts::fail_for_test, TestHelpers, TestMode;
    "GET"    "/v1/account" => account_settings::retrieve, ReadFinance, Secret;
    "PATCH"  "/v1/account" => account_settings::update, ManageAccount, Secret;
    "GET"    "/v1/reporting/summary" => reporting::summary, ReadFinance, Secret;
    "GET"    "/v1/reporting/export" => reporting::export, ReadFinance, Secret;
    "GET"    "/v1/files/statements/:id" => files::serve, ReadFinance, SignedUrl;
};

/// Why no route matched.
#[derive(Debug)]
pub enum Miss {
    /// No route has this path.
    NotFound(ApiError),
    /// Routes have this path, with these methods.
    MethodNotAllowed(ApiError, String),
}

/// The route for `method` and `path`, with the values of its `:id` segments.
pub fn resolve(method: &str, path: &str) -> Result<(&'static Route, Vec<String>), Miss> {
    let segments = split_path(path.trim_end_matches('/'));
    // The length and the method first: two comparisons, and most rows differ in one.
    for route in ROUTES
        .iter()
        .filter(|r| r.segments == segments.len() && r.method.eq_ignore_ascii_case(method))
    {
        if let Some(captured) = match_path(route.path, &segments) {
            return Ok((route, captured));
        }
    }
    let allowed: Vec<&str> = ROUTES
        .iter()
        .filter(|r| r.segments == segments.len() && match_path(r.path, &segments).is_some())
        .map(|r| r.method)
        .collect();
    if allowed.is_empty() {
        return Err(Miss::NotFound(ApiError::route_unknown(format!(
            "no route for {method} {}; see the API reference for the endpoints under /v1",
            shorten(path)
        ))));
    }
    let allow = allowed.join(", ");
    Err(Miss::MethodNotAllowed(
        ApiError::invalid_request(
            405,
            "method_not_allowed",
            format!("{method} is not allowed here; allowed: {allow}"),
        ),
        allow,
    ))
}

/// The `/`-separated segments of `path` (`str::split` sets up a searcher for each call, which
/// cost more than the walk over a short path).
fn split_path(path: &str) -> Vec<&str> {
    let mut segments = Vec::with_capacity(6);
    let mut start = 0;
    for (i, b) in path.bytes().enumerate() {
        if b == b'/' {
            segments.push(&path[start..i]);
            start = i + 1;
        }
    }
    segments.push(&path[start..]);
    segments
}

/// `segments` has as many segments as `pattern` (see [`Route::segments`]).
fn match_path(pattern: &str, segments: &[&str]) -> Option<Vec<String>> {
    let mut captured = Vec::new();
    for (p, s) in pattern.as_bytes().split(|b| *b == b'/').zip(segments) {
        if p == b":id" {
            if s.is_empty() {
                return None;
            }
            captured.push((*s).to_owned());
        } else if p != s.as_bytes() {
            return None;
        }
    }
    Some(captured)
}

/// Paths are echoed in messages only cut short.
fn shorten(path: &str) -> String {
    path.chars().take(80).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_with_ids() {
        let (route, ids) = resolve("POST", "/v1/payments/pay_123/capture").unwrap();
        assert_eq!(route.path, "/v1/payments/:id/capture");
        assert_eq!(ids, vec!["pay_123".to_string()]);
        let (route, _) = resolve("get", "/v1/payments/").unwrap();
        assert_eq!(route.path, "/v1/payments");
    }

    #[test]
    fn unknown_paths_and_methods_are_told_apart() {
        match resolve("GET", "/v1/nothing") {
            Err(Miss::NotFound(e)) => {
                assert_eq!((e.status, e.code.as_str()), (404, "route_unknown"))
            }
            other => panic!("{other:?}"),
        }
        match resolve("PUT", "/v1/payments") {
            Err(Miss::MethodNotAllowed(e, allow)) => {
                assert_eq!(e.status, 405);
                assert_eq!(allow, "POST, GET");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn segment_counts_are_the_paths() {
        for route in ROUTES {
            assert_eq!(
                route.segments,
                route.path.split('/').count(),
                "{}",
                route.path
            );
        }
    }

    #[test]
    fn every_route_is_unique() {
        for (i, a) in ROUTES.iter().enumerate() {
            for b in &ROUTES[i + 1..] {
                assert!(
                    !(a.method == b.method && a.path == b.path),
                    "{} {}",
                    a.method,
                    a.path
                );
            }
        }
    }
}
