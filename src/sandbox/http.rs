//! The request and response as the handler sees them: bytes in, bytes out, no transport.
//!
//! The request's target may be a whole URL of any origin (`https://sandbox.api.vinr.com/v1/…`,
//! `http://127.0.0.1:12111/v1/…`) or a bare path: only the path and query matter, so the same
//! handler serves in-process and over HTTP.

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::error::ApiError;

/// Bodies above this are refused with 413 before any parsing.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;
/// Deeper JSON is refused with 400: no parameter of the API nests more than three levels.
pub const MAX_JSON_DEPTH: usize = 32;

/// One request, borrowed from the host.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub method: &'a str,
    /// A URL (any scheme and origin) or a path starting with `/`.
    pub url: &'a str,
    /// In arrival order; names compare case-insensitively.
    pub headers: &'a [(&'a str, &'a str)],
    pub body: &'a [u8],
}

impl Request<'_> {
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(self.headers, name)
    }
}

/// One response: status, headers and the JSON body, or the bytes of a file (a statement)
/// with `body` empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    /// Names are the sandbox's own, so borrowed: no allocation for them on every response.
    pub headers: Vec<(Cow<'static, str>, String)>,
    pub body: String,
    pub bytes: Option<Vec<u8>>,
}

impl Response {
    pub fn empty() -> Response {
        Response {
            status: 0,
            headers: Vec::new(),
            body: String::new(),
            bytes: None,
        }
    }

    pub(crate) fn json(status: u16, body: String) -> Response {
        // Room for the `Request-Id` every response gets, and one more.
        let mut headers = Vec::with_capacity(3);
        headers.push((Cow::Borrowed("Content-Type"), "application/json".into()));
        Response {
            status,
            headers,
            body,
            bytes: None,
        }
    }

    pub(crate) fn error(err: &ApiError) -> Response {
        Response::json(err.status, err.to_body_json().to_string())
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.headers, name)
    }

    pub(crate) fn set_header(&mut self, name: &'static str, value: String) {
        match self
            .headers
            .iter_mut()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
        {
            Some(slot) => slot.1 = value,
            None => self.headers.push((Cow::Borrowed(name), value)),
        }
    }
}

/// The path and the decoded query pairs of a request target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub path: String,
    pub query: Vec<(String, String)>,
}

/// Where `://` starts in `url`, if anywhere (`str::find` of a string pattern sets up a
/// two-way searcher, which cost more than this walk over the few bytes of a scheme).
pub(crate) fn scheme_end(url: &str) -> Option<usize> {
    url.as_bytes().windows(3).position(|w| w == b"://")
}

impl Target {
    pub fn parse(url: &str) -> Result<Target, ApiError> {
        let rest = match scheme_end(url) {
            Some(scheme_end) => {
                let after = &url[scheme_end + 3..];
                match after.find(['/', '?', '#']) {
                    Some(i) => &after[i..],
                    None => "/",
                }
            }
            None => url,
        };
        let rest = rest.split('#').next().unwrap_or("");
        let (raw_path, raw_query) = match rest.split_once('?') {
            Some((p, q)) => (p, Some(q)),
            None => (rest, None),
        };
        if !raw_path.starts_with('/') {
            return Err(ApiError::route_unknown(
                "the request target must be a URL or a path starting with /v1/",
            ));
        }
        let path = percent_decode(raw_path).ok_or_else(|| {
            ApiError::route_unknown("the request path is not valid percent-encoded UTF-8")
        })?;
        let mut query = Vec::new();
        for pair in raw_query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let decode = |s: &str| percent_decode(&s.replace('+', " "));
            match (decode(k), decode(v)) {
                (Some(k), Some(v)) => query.push((k, v)),
                _ => {
                    return Err(ApiError::invalid_param(
                        "query",
                        "query_invalid",
                        "the query string is not valid percent-encoded UTF-8",
                    ))
                }
            }
        }
        Ok(Target { path, query })
    }
}

fn percent_decode(s: &str) -> Option<String> {
    if !s.contains('%') {
        return Some(s.to_owned());
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// A request body must be JSON. Its `Content-Type`, when given with a body, is `application/json`
/// (or another `…/…+json`), or `text/plain`: what `fetch` sends for a string body given without
/// a type, so that `fetch(url, { method: 'POST', body: JSON.stringify(…) })` works. Anything else
/// is 415, saying what to send: a form body (curl's `-d` default) would otherwise get a puzzling
/// "not valid JSON" instead.
pub fn check_content_type(content_type: Option<&str>, body: &[u8]) -> Result<(), ApiError> {
    let Some(given) = content_type else {
        return Ok(());
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(());
    }
    let essence = given.split(';').next().unwrap_or("").trim();
    let ends_with_json = essence.len() >= 5
        && essence.is_char_boundary(essence.len() - 5)
        && essence[essence.len() - 5..].eq_ignore_ascii_case("+json");
    let json = essence.eq_ignore_ascii_case("application/json")
        || (essence.contains('/') && ends_with_json)
        || essence.eq_ignore_ascii_case("text/plain");
    if json {
        return Ok(());
    }
    Err(ApiError::invalid_request(
        415,
        "content_type_unsupported",
        format!(
            "the request body must be JSON sent with 'Content-Type: application/json', not '{}'",
            printable(given)
        ),
    ))
}

/// `text` cut to 100 characters of visible ASCII, for quoting input back in a message.
fn printable(text: &str) -> String {
    text.chars()
        .take(100)
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// Parses a request body into its top-level object: 413 above [`MAX_BODY_BYTES`], 400 for
/// invalid JSON, for nesting deeper than [`MAX_JSON_DEPTH`] and for anything but an object.
/// An empty body is an empty object (a capture with no parameters).
pub fn parse_body(body: &[u8]) -> Result<Map<String, Value>, ApiError> {
    if body.len() > MAX_BODY_BYTES {
        return Err(ApiError::invalid_request(
            413,
            "body_too_large",
            format!("the request body is over {MAX_BODY_BYTES} bytes"),
        ));
    }
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    // Checked before parsing so that no input makes the parser recurse deeply.
    if json_depth_exceeds(body, MAX_JSON_DEPTH) {
        return Err(ApiError::invalid_request(
            400,
            "body_too_deep",
            format!("the request body nests deeper than {MAX_JSON_DEPTH} levels"),
        ));
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::invalid_request(
            400,
            "body_not_object",
            "the request body must be a JSON object",
        )),
        Err(e) => Err(ApiError::invalid_request(
            400,
            "body_invalid_json",
            format!(
                "the request body is not valid JSON (line {}, column {})",
                e.line(),
                e.column()
            ),
        )),
    }
}

/// Whether brackets outside strings nest deeper than `limit`.
fn json_depth_exceeds(body: &[u8], limit: usize) -> bool {
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for &b in body {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => {
                depth += 1;
                if depth > limit {
                    return true;
                }
            }
            b'}' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

/// The first header called `name`, compared case-insensitively as HTTP requires, in a list of
/// name/value pairs of any string type.
pub(crate) fn find_header<'a, K: AsRef<str>, V: AsRef<str>>(
    headers: &'a [(K, V)],
    name: &str,
) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k.as_ref().eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_are_case_insensitive_and_first_wins() {
        let headers = [("Idempotency-Key", "k1"), ("idempotency-key", "k2")];
        assert_eq!(find_header(&headers, "IDEMPOTENCY-KEY"), Some("k1"));
        assert_eq!(find_header(&headers, "authorization"), None);
    }

    #[test]
    fn targets_of_any_origin_reduce_to_path_and_query() {
        for url in [
            "https://sandbox.api.vinr.com/v1/payments?limit=3&status=failed",
            "http://127.0.0.1:12111/v1/payments?limit=3&status=failed",
            "/v1/payments?limit=3&status=failed#frag",
        ] {
            let t = Target::parse(url).unwrap();
            assert_eq!(t.path, "/v1/payments");
            assert_eq!(
                t.query,
                vec![
                    ("limit".to_string(), "3".to_string()),
                    ("status".to_string(), "failed".to_string())
                ]
            );
        }
        assert_eq!(Target::parse("https://x.test").unwrap().path, "/");
    }

    #[test]
    fn query_values_are_percent_and_plus_decoded() {
        let t = Target::parse("/v1/payments?search=ada%40example.com&x=a+b").unwrap();
        assert_eq!(t.query[0].1, "ada@example.com");
        assert_eq!(t.query[1].1, "a b");
        assert_eq!(
            Target::parse("/v1/payments?search=%ff").unwrap_err().code,
            "query_invalid"
        );
        assert_eq!(Target::parse("v1/x").unwrap_err().status, 404);
    }

    #[test]
    fn bodies_are_limited_in_size_and_depth() {
        assert!(parse_body(b"").unwrap().is_empty());
        let refused =
            check_content_type(Some("application/x-www-form-urlencoded"), b"amount=1").unwrap_err();
        assert_eq!(
            (refused.status, refused.code.as_str()),
            (415, "content_type_unsupported")
        );
        assert!(refused
            .message
            .contains("application/x-www-form-urlencoded"));
        for ok in [
            "application/json",
            "Application/JSON; charset=utf-8",
            "application/merge-patch+json",
            "text/plain;charset=UTF-8",
        ] {
            assert!(check_content_type(Some(ok), b"{}").is_ok(), "{ok}");
        }
        assert!(check_content_type(None, b"{}").is_ok());
        assert!(check_content_type(Some("multipart/form-data; boundary=x"), b"").is_ok());
        assert!(parse_body(b"  \n").unwrap().is_empty());
        let big = vec![b' '; MAX_BODY_BYTES + 1];
        assert_eq!(parse_body(&big).unwrap_err().status, 413);
        let deep = format!("{}{}", "[".repeat(33), "]".repeat(33));
        assert_eq!(
            parse_body(deep.as_bytes()).unwrap_err().code,
            "body_too_deep"
        );
        let ok_depth = format!("{{\"a\":{}1{}}}", "[".repeat(31), "]".repeat(31));
        assert!(parse_body(ok_depth.as_bytes()).is_ok());
        // Brackets inside strings do not count.
        let in_string = format!("{{\"a\":\"{}\"}}", "[".repeat(100));
        assert!(parse_body(in_string.as_bytes()).is_ok());
        assert_eq!(parse_body(b"[1]").unwrap_err().code, "body_not_object");
        assert_eq!(
            parse_body(b"{\"a\":").unwrap_err().code,
            "body_invalid_json"
        );
    }
}
