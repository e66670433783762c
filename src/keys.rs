//! API keys: `sk_live_…`, `pk_live_…`, `sk_test_…`, `pk_test_…`.
//!
//! The prefix carries the key's kind and mode, so the client can pick the base URL and refuse
//! a publishable key where a secret one is needed before any request leaves. Nothing in this
//! module ever prints a whole key: errors describe the problem without quoting the input,
//! and `Debug` shows only the prefix and the last four characters.

use std::fmt;

use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::error::FieldError;
use crate::host::RandomSource;
use crate::ids::{is_base62, random_base62};

/// Live or test (sandbox). Objects of one mode do not exist in the other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Live,
    Test,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Live => "live",
            Mode::Test => "test",
        }
    }

    /// The `livemode` flag of API objects and events.
    pub fn is_live(self) -> bool {
        self == Mode::Live
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum KeyKind {
    /// Server-side only; authorizes everything the role allows.
    Secret,
    /// Safe to ship to browsers; can only tokenize and read public data.
    Publishable,
}

impl KeyKind {
    fn tag(self) -> &'static str {
        match self {
            KeyKind::Secret => "sk",
            KeyKind::Publishable => "pk",
        }
    }
}

/// Why a string is not a valid API key. No variant carries the input.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum KeyError {
    #[error("API key must start with sk_live_, pk_live_, sk_test_ or pk_test_")]
    UnknownPrefix,
    #[error("API key is too short: the part after the prefix needs at least {min} characters")]
    TooShort { min: usize },
    #[error("API key is too long: the part after the prefix allows at most {max} characters")]
    TooLong { max: usize },
    /// `position` counts characters after the prefix; it locates a copy-paste slip (a space,
    /// a quote, a newline) without revealing the key.
    #[error("API key has an invalid character at position {position} after the prefix; only letters and digits are allowed")]
    InvalidCharacter { position: usize },
}

impl FieldError for KeyError {
    fn code(&self) -> &'static str {
        match self {
            KeyError::UnknownPrefix => "api_key_unknown_prefix",
            KeyError::TooShort { .. } => "api_key_too_short",
            KeyError::TooLong { .. } => "api_key_too_long",
            KeyError::InvalidCharacter { .. } => "api_key_invalid_character",
        }
    }
}

const MIN_BODY: usize = 8;
/// Generous, but bounded so a pasted blob is rejected instead of stored and compared.
const MAX_BODY: usize = 256;
/// 32 × log2(62) ≈ 190 bits.
const GENERATED_BODY: usize = 32;
const PREFIX_LEN: usize = "sk_live_".len();
const VISIBLE_TAIL: usize = 4;

/// A syntactically valid API key.
///
/// Deliberately not `Display` or `Serialize`: getting the raw key out takes a call to
/// [`ApiKey::expose_secret`], which is easy to spot in review.
#[derive(Clone)]
pub struct ApiKey {
    key: String,
    kind: KeyKind,
    mode: Mode,
}

impl ApiKey {
    pub fn parse(s: &str) -> Result<ApiKey, KeyError> {
        let (kind, mode) = ApiKey::check(s)?;
        Ok(ApiKey {
            key: s.to_owned(),
            kind,
            mode,
        })
    }

    /// What [`ApiKey::parse`] checks, without copying the key: its kind and mode.
    pub fn check(s: &str) -> Result<(KeyKind, Mode), KeyError> {
        let (kind, mode, body) = split_prefix(s).ok_or(KeyError::UnknownPrefix)?;
        let len = body.chars().count();
        if let Some(position) = body.bytes().position(|b| !is_base62(b)) {
            // Report the character index, not the byte index, so multibyte input still
            // points at the right place.
            let position = body
                .char_indices()
                .take_while(|(i, _)| *i < position)
                .count();
            return Err(KeyError::InvalidCharacter { position });
        }
        if len < MIN_BODY {
            return Err(KeyError::TooShort { min: MIN_BODY });
        }
        if len > MAX_BODY {
            return Err(KeyError::TooLong { max: MAX_BODY });
        }
        Ok((kind, mode))
    }

    /// A fresh key with a 32-character random part. Live keys need a cryptographic `rng`.
    pub fn generate(kind: KeyKind, mode: Mode, rng: &mut dyn RandomSource) -> ApiKey {
        let key = format!(
            "{}_{}_{}",
            kind.tag(),
            mode.as_str(),
            random_base62(rng, GENERATED_BODY)
        );
        ApiKey { key, kind, mode }
    }

    pub fn mode(&self) -> Mode {
        self.mode
    }

    pub fn kind(&self) -> KeyKind {
        self.kind
    }

    pub fn is_secret(&self) -> bool {
        self.kind == KeyKind::Secret
    }

    /// The full key, for the `Authorization` header and for storage. Do not log it.
    pub fn expose_secret(&self) -> &str {
        &self.key
    }

    /// `sk_live_…abcd`: enough to tell keys apart in logs and the dashboard.
    pub fn redacted(&self) -> String {
        let prefix = self.key.get(..PREFIX_LEN).unwrap_or("");
        let tail_start = self.key.len().saturating_sub(VISIBLE_TAIL);
        let tail = self.key.get(tail_start..).unwrap_or("");
        format!("{prefix}…{tail}")
    }
}

/// Constant-time in the key's contents, so comparing a presented key against a stored one
/// does not leak how many leading characters matched.
impl PartialEq for ApiKey {
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (self.key.as_bytes(), other.key.as_bytes());
        if a.len() != b.len() {
            return false;
        }
        a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for ApiKey {}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiKey")
            .field("key", &self.redacted())
            .field("kind", &self.kind)
            .field("mode", &self.mode)
            .finish()
    }
}

fn split_prefix(s: &str) -> Option<(KeyKind, Mode, &str)> {
    const PREFIXES: [(&str, KeyKind, Mode); 4] = [
        ("sk_live_", KeyKind::Secret, Mode::Live),
        ("pk_live_", KeyKind::Publishable, Mode::Live),
        ("sk_test_", KeyKind::Secret, Mode::Test),
        ("pk_test_", KeyKind::Publishable, Mode::Test),
    ];
    PREFIXES
        .iter()
        .find_map(|(p, kind, mode)| s.strip_prefix(p).map(|body| (*kind, *mode, body)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::host::SeededRandom;

    #[test]
    fn parses_all_four_prefixes() {
        let cases = [
            ("sk_live_abcdEFGH1234", KeyKind::Secret, Mode::Live),
            ("pk_live_abcdEFGH1234", KeyKind::Publishable, Mode::Live),
            ("sk_test_abcdEFGH1234", KeyKind::Secret, Mode::Test),
            ("pk_test_abcdEFGH1234", KeyKind::Publishable, Mode::Test),
        ];
        for (s, kind, mode) in cases {
            let k = ApiKey::parse(s).unwrap();
            assert_eq!(k.kind(), kind);
            assert_eq!(k.mode(), mode);
            assert_eq!(k.is_secret(), kind == KeyKind::Secret);
            assert_eq!(k.expose_secret(), s);
        }
    }

    #[test]
    fn rejects_unknown_prefixes() {
        for s in [
            "",
            "sk_abcdEFGH1234",
            "rk_live_abcdEFGH1234",
            "SK_LIVE_abcdEFGH1234",
            "sk_prod_abcdEFGH1234",
            "whsec_abcdEFGH1234",
            " sk_live_abcdEFGH1234",
        ] {
            assert_eq!(ApiKey::parse(s), Err(KeyError::UnknownPrefix), "{s:?}");
        }
    }

    #[test]
    fn rejects_short_long_and_bad_bodies() {
        assert_eq!(
            ApiKey::parse("sk_live_"),
            Err(KeyError::TooShort { min: 8 })
        );
        assert_eq!(
            ApiKey::parse("sk_live_1234567"),
            Err(KeyError::TooShort { min: 8 })
        );
        assert!(ApiKey::parse("sk_live_12345678").is_ok());
        let long = format!("sk_test_{}", "a".repeat(257));
        assert_eq!(ApiKey::parse(&long), Err(KeyError::TooLong { max: 256 }));
        assert_eq!(
            ApiKey::parse("sk_live_abcd EFGH"),
            Err(KeyError::InvalidCharacter { position: 4 })
        );
        assert_eq!(
            ApiKey::parse("sk_live_abcdEFGH\n"),
            Err(KeyError::InvalidCharacter { position: 8 })
        );
        assert_eq!(
            ApiKey::parse("sk_live_ééabcdEFGH"),
            Err(KeyError::InvalidCharacter { position: 0 })
        );
        assert_eq!(
            ApiKey::parse("sk_live_abé"),
            Err(KeyError::InvalidCharacter { position: 2 })
        );
        assert_eq!(
            ApiKey::parse("sk_live_abcd_EFGH"),
            Err(KeyError::InvalidCharacter { position: 4 })
        );
    }

    #[test]
    fn errors_never_echo_the_key() {
        let secret_body = "SuperSecretValue9";
        for s in [
            format!("sk_live_{secret_body}!"),
            format!("xx_live_{secret_body}"),
            format!("sk_live_{}", &secret_body[..5]),
            format!("sk_live_{}", secret_body.repeat(40)),
        ] {
            let err = ApiKey::parse(&s).unwrap_err();
            let text = format!("{err} {err:?}");
            assert!(!text.contains("SuperSecret"), "{text}");
            assert!(!text.contains("Value9"), "{text}");
        }
    }

    #[test]
    fn debug_redacts_all_but_prefix_and_last_four() {
        let k = ApiKey::parse("sk_live_SuperSecretValue9wxyz").unwrap();
        let dbg = format!("{k:?}");
        assert!(dbg.contains("sk_live_…wxyz"), "{dbg}");
        assert!(!dbg.contains("SuperSecret"), "{dbg}");
        assert_eq!(k.redacted(), "sk_live_…wxyz");
        let minimal = ApiKey::parse("pk_test_12345678").unwrap();
        assert_eq!(minimal.redacted(), "pk_test_…5678");
    }

    #[test]
    fn generate_produces_parseable_keys_of_the_right_kind() {
        let mut rng = SeededRandom::new(5);
        for kind in [KeyKind::Secret, KeyKind::Publishable] {
            for mode in [Mode::Live, Mode::Test] {
                let k = ApiKey::generate(kind, mode, &mut rng);
                assert_eq!(k.expose_secret().len(), PREFIX_LEN + GENERATED_BODY);
                let parsed = ApiKey::parse(k.expose_secret()).unwrap();
                assert_eq!(parsed, k);
                assert_eq!((parsed.kind(), parsed.mode()), (kind, mode));
            }
        }
        let a = ApiKey::generate(KeyKind::Secret, Mode::Test, &mut SeededRandom::new(1));
        let b = ApiKey::generate(KeyKind::Secret, Mode::Test, &mut SeededRandom::new(2));
        assert_ne!(a, b);
    }

    #[test]
    fn equality_compares_whole_keys() {
        let a = ApiKey::parse("sk_test_abcdefgh").unwrap();
        let b = ApiKey::parse("sk_test_abcdefgh").unwrap();
        let c = ApiKey::parse("sk_test_abcdefgi").unwrap();
        let d = ApiKey::parse("sk_test_abcdefghi").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_ne!(a, d);
    }

    #[test]
    fn mode_serde_and_helpers() {
        assert_eq!(serde_json::to_string(&Mode::Live).unwrap(), "\"live\"");
        assert_eq!(
            serde_json::from_str::<Mode>("\"test\"").unwrap(),
            Mode::Test
        );
        assert!(serde_json::from_str::<Mode>("\"Live\"").is_err());
        assert!(Mode::Live.is_live());
        assert!(!Mode::Test.is_live());
        assert_eq!(
            serde_json::to_string(&KeyKind::Publishable).unwrap(),
            "\"publishable\""
        );
    }

    #[test]
    fn error_codes_are_stable() {
        assert_eq!(KeyError::UnknownPrefix.code(), "api_key_unknown_prefix");
        assert_eq!(KeyError::TooShort { min: 8 }.code(), "api_key_too_short");
        assert_eq!(
            KeyError::InvalidCharacter { position: 0 }.code(),
            "api_key_invalid_character"
        );
    }
}
