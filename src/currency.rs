//! ISO 4217 currencies and their minor-unit exponents.
//!
//! The exponent decides how many minor units make one major unit (EUR 2: 100 cents; JPY 0;
//! KWD 3), which is what every amount in the API is counted in. The table follows ISO 4217's
//! own exponents, not any processor's quirks (Stripe, for instance, treats ISK and UGX
//! specially on payouts; that belongs with the settlement rules, not here).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use thiserror::Error;

use crate::error::FieldError;

/// Active ISO 4217 codes with a minor unit, sorted by code.
///
/// Sorted so [`Currency::from_code`] can binary-search, and so `Currency`'s derived `Ord`
/// (on the table index) is alphabetical order. Left out on purpose: codes without a minor unit
/// (precious metals XAU/XAG/XPT/XPD, XDR, XSU, XUA, the test and "no currency" codes XTS/XXX)
/// and codes withdrawn years ago (HRK, STD, VEF, MRO, ZWL). Still listed while their
/// replacements phase in: ANG (→ XCG), BGN (→ EUR), CUC, SLL (→ SLE).
#[rustfmt::skip]
static TABLE: [([u8; 3], u8); TABLE_LEN] = [
    (*b"AED", 2), (*b"AFN", 2), (*b"ALL", 2), (*b"AMD", 2), (*b"ANG", 2), (*b"AOA", 2),
    (*b"ARS", 2), (*b"AUD", 2), (*b"AWG", 2), (*b"AZN", 2), (*b"BAM", 2), (*b"BBD", 2),
    (*b"BDT", 2), (*b"BGN", 2), (*b"BHD", 3), (*b"BIF", 0), (*b"BMD", 2), (*b"BND", 2),
    (*b"BOB", 2), (*b"BOV", 2), (*b"BRL", 2), (*b"BSD", 2), (*b"BTN", 2), (*b"BWP", 2),
    (*b"BYN", 2), (*b"BZD", 2), (*b"CAD", 2), (*b"CDF", 2), (*b"CHE", 2), (*b"CHF", 2),
    (*b"CHW", 2), (*b"CLF", 4), (*b"CLP", 0), (*b"CNY", 2), (*b"COP", 2), (*b"COU", 2),
    (*b"CRC", 2), (*b"CUC", 2), (*b"CUP", 2), (*b"CVE", 2), (*b"CZK", 2), (*b"DJF", 0),
    (*b"DKK", 2), (*b"DOP", 2), (*b"DZD", 2), (*b"EGP", 2), (*b"ERN", 2), (*b"ETB", 2),
    (*b"EUR", 2), (*b"FJD", 2), (*b"FKP", 2), (*b"GBP", 2), (*b"GEL", 2), (*b"GHS", 2),
    (*b"GIP", 2), (*b"GMD", 2), (*b"GNF", 0), (*b"GTQ", 2), (*b"GYD", 2), (*b"HKD", 2),
    (*b"HNL", 2), (*b"HTG", 2), (*b"HUF", 2), (*b"IDR", 2), (*b"ILS", 2), (*b"INR", 2),
    (*b"IQD", 3), (*b"IRR", 2), (*b"ISK", 0), (*b"JMD", 2), (*b"JOD", 3), (*b"JPY", 0),
    (*b"KES", 2), (*b"KGS", 2), (*b"KHR", 2), (*b"KMF", 0), (*b"KPW", 2), (*b"KRW", 0),
    (*b"KWD", 3), (*b"KYD", 2), (*b"KZT", 2), (*b"LAK", 2), (*b"LBP", 2), (*b"LKR", 2),
    (*b"LRD", 2), (*b"LSL", 2), (*b"LYD", 3), (*b"MAD", 2), (*b"MDL", 2), (*b"MGA", 2),
    (*b"MKD", 2), (*b"MMK", 2), (*b"MNT", 2), (*b"MOP", 2), (*b"MRU", 2), (*b"MUR", 2),
    (*b"MVR", 2), (*b"MWK", 2), (*b"MXN", 2), (*b"MXV", 2), (*b"MYR", 2), (*b"MZN", 2),
    (*b"NAD", 2), (*b"NGN", 2), (*b"NIO", 2), (*b"NOK", 2), (*b"NPR", 2), (*b"NZD", 2),
    (*b"OMR", 3), (*b"PAB", 2), (*b"PEN", 2), (*b"PGK", 2), (*b"PHP", 2), (*b"PKR", 2),
    (*b"PLN", 2), (*b"PYG", 0), (*b"QAR", 2), (*b"RON", 2), (*b"RSD", 2), (*b"RUB", 2),
    (*b"RWF", 0), (*b"SAR", 2), (*b"SBD", 2), (*b"SCR", 2), (*b"SDG", 2), (*b"SEK", 2),
    (*b"SGD", 2), (*b"SHP", 2), (*b"SLE", 2), (*b"SLL", 2), (*b"SOS", 2), (*b"SRD", 2),
    (*b"SSP", 2), (*b"STN", 2), (*b"SVC", 2), (*b"SYP", 2), (*b"SZL", 2), (*b"THB", 2),
    (*b"TJS", 2), (*b"TMT", 2), (*b"TND", 3), (*b"TOP", 2), (*b"TRY", 2), (*b"TTD", 2),
    (*b"TWD", 2), (*b"TZS", 2), (*b"UAH", 2), (*b"UGX", 0), (*b"USD", 2), (*b"USN", 2),
    (*b"UYI", 0), (*b"UYU", 2), (*b"UYW", 4), (*b"UZS", 2), (*b"VED", 2), (*b"VES", 2),
    (*b"VND", 0), (*b"VUV", 0), (*b"WST", 2), (*b"XAF", 0), (*b"XCD", 2), (*b"XCG", 2),
    (*b"XOF", 0), (*b"XPF", 0), (*b"YER", 2), (*b"ZAR", 2), (*b"ZMW", 2), (*b"ZWG", 2),
];

const TABLE_LEN: usize = 168;

// `Currency` stores the index in a u8.
const _: () = assert!(TABLE_LEN <= u8::MAX as usize);

/// A currency from the ISO 4217 table: a small `Copy` handle, cheap to pass and compare.
///
/// Ordering is alphabetical by code.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Currency(u8);

#[derive(Debug, Error, Clone, PartialEq, Eq)]
pub enum CurrencyError {
    /// `code` is the caller's input, upper-cased and cut to a few characters so a stray
    /// payload cannot bloat error messages or logs.
    #[error("unknown currency code '{code}'; expected an ISO 4217 code such as EUR")]
    Unknown { code: String },
}

impl FieldError for CurrencyError {
    fn code(&self) -> &'static str {
        match self {
            CurrencyError::Unknown { .. } => "currency_unknown",
        }
    }
}

/// Resolves a code at compile time; an unknown code in a constant is a build error, not a
/// runtime panic.
const fn known(code: [u8; 3]) -> Currency {
    let mut i = 0;
    while i < TABLE_LEN {
        let c = TABLE[i].0;
        if c[0] == code[0] && c[1] == code[1] && c[2] == code[2] {
            return Currency(i as u8);
        }
        i += 1;
    }
    panic!("currency missing from the ISO 4217 table");
}

impl Currency {
    pub const EUR: Currency = known(*b"EUR");
    pub const USD: Currency = known(*b"USD");
    pub const GBP: Currency = known(*b"GBP");
    pub const CHF: Currency = known(*b"CHF");
    pub const JPY: Currency = known(*b"JPY");
    pub const KRW: Currency = known(*b"KRW");
    pub const KWD: Currency = known(*b"KWD");
    pub const SEK: Currency = known(*b"SEK");
    pub const NOK: Currency = known(*b"NOK");
    pub const DKK: Currency = known(*b"DKK");
    pub const PLN: Currency = known(*b"PLN");
    pub const CAD: Currency = known(*b"CAD");
    pub const AUD: Currency = known(*b"AUD");

    /// Looks up a code in any ASCII case (`"eur"`, `"Eur"` and `"EUR"` are the same).
    pub fn from_code(code: &str) -> Result<Currency, CurrencyError> {
        let unknown = || CurrencyError::Unknown {
            code: code
                .chars()
                .take(8)
                .collect::<String>()
                .to_ascii_uppercase(),
        };
        let bytes = code.as_bytes();
        if bytes.len() != 3 || !bytes.iter().all(u8::is_ascii_alphabetic) {
            return Err(unknown());
        }
        let upper = [
            bytes[0].to_ascii_uppercase(),
            bytes[1].to_ascii_uppercase(),
            bytes[2].to_ascii_uppercase(),
        ];
        TABLE
            .binary_search_by(|(c, _)| c.cmp(&upper))
            .ok()
            .and_then(|i| u8::try_from(i).ok())
            .map(Currency)
            .ok_or_else(unknown)
    }

    /// The upper-case ISO 4217 code.
    pub fn code(self) -> &'static str {
        std::str::from_utf8(&self.entry().0).unwrap_or("XXX")
    }

    /// Number of decimal places of the minor unit (EUR 2, JPY 0, KWD 3).
    pub fn exponent(self) -> u8 {
        self.entry().1
    }

    /// Every currency in the table, in alphabetical order.
    pub fn all() -> impl Iterator<Item = Currency> {
        (0..TABLE_LEN).filter_map(|i| u8::try_from(i).ok().map(Currency))
    }

    fn entry(self) -> &'static ([u8; 3], u8) {
        // The field is private and only ever set from a valid table index, so this always
        // hits; the fallback exists only to keep the path panic-free.
        TABLE.get(usize::from(self.0)).unwrap_or(&FALLBACK)
    }
}

static FALLBACK: ([u8; 3], u8) = (*b"XXX", 0);

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl fmt::Debug for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Currency({})", self.code())
    }
}

impl FromStr for Currency {
    type Err = CurrencyError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Currency::from_code(s)
    }
}

impl Serialize for Currency {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.code())
    }
}

impl<'de> Deserialize<'de> for Currency {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        Currency::from_code(&s).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_unique_and_uppercase() {
        for pair in TABLE.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{:?} !< {:?}", pair[0].0, pair[1].0);
        }
        for (code, exp) in TABLE.iter() {
            assert!(code.iter().all(u8::is_ascii_uppercase));
            assert!(*exp <= 4);
        }
    }

    #[test]
    fn exponents_match_iso_4217() {
        #[rustfmt::skip]
        let expected = [
            ("EUR", 2), ("USD", 2), ("GBP", 2), ("CHF", 2), ("SEK", 2), ("NOK", 2),
            ("DKK", 2), ("PLN", 2), ("CZK", 2), ("HUF", 2), ("RON", 2), ("BGN", 2),
            ("AUD", 2), ("NZD", 2), ("CAD", 2), ("HKD", 2), ("SGD", 2), ("CNY", 2),
            ("INR", 2), ("BRL", 2), ("MXN", 2), ("ZAR", 2), ("AED", 2), ("SAR", 2),
            ("ILS", 2), ("TRY", 2), ("THB", 2), ("MYR", 2), ("IDR", 2), ("PHP", 2),
            ("TWD", 2), ("MGA", 2), ("JPY", 0), ("KRW", 0), ("CLP", 0), ("VND", 0),
            ("ISK", 0), ("UGX", 0), ("XAF", 0), ("XOF", 0), ("XPF", 0), ("PYG", 0),
            ("RWF", 0), ("BIF", 0), ("DJF", 0), ("GNF", 0), ("KMF", 0), ("VUV", 0),
            ("UYI", 0), ("KWD", 3), ("BHD", 3), ("OMR", 3), ("JOD", 3), ("TND", 3),
            ("LYD", 3), ("IQD", 3), ("CLF", 4), ("UYW", 4),
        ];
        for (code, exp) in expected {
            let c = Currency::from_code(code).unwrap();
            assert_eq!(c.exponent(), exp, "{code}");
            assert_eq!(c.code(), code);
        }
    }

    #[test]
    fn constants_resolve_to_their_codes() {
        assert_eq!(Currency::EUR.code(), "EUR");
        assert_eq!(Currency::JPY.exponent(), 0);
        assert_eq!(Currency::KWD.exponent(), 3);
        assert_eq!(Currency::from_code("usd").unwrap(), Currency::USD);
    }

    #[test]
    fn any_ascii_case_is_accepted() {
        for s in ["eur", "EUR", "Eur", "eUr"] {
            assert_eq!(Currency::from_code(s).unwrap(), Currency::EUR);
            assert_eq!(s.parse::<Currency>().unwrap().to_string(), "EUR");
        }
    }

    #[test]
    fn unknown_and_malformed_codes_are_rejected() {
        for s in [
            "", "EU", "EURO", "XYZ", "E1R", "ÉUR", "eu\u{0}", "HRK", "XAU", " EUR",
        ] {
            assert!(
                matches!(Currency::from_code(s), Err(CurrencyError::Unknown { .. })),
                "{s:?}"
            );
        }
        assert_eq!(
            Currency::from_code("xyz"),
            Err(CurrencyError::Unknown { code: "XYZ".into() })
        );
        let long = "A".repeat(10_000);
        match Currency::from_code(&long) {
            Err(CurrencyError::Unknown { code }) => assert_eq!(code.len(), 8),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            CurrencyError::Unknown { code: "XYZ".into() }.code(),
            "currency_unknown"
        );
    }

    #[test]
    fn all_round_trips_through_from_code() {
        let all: Vec<Currency> = Currency::all().collect();
        assert_eq!(all.len(), TABLE_LEN);
        for c in &all {
            assert_eq!(Currency::from_code(c.code()).unwrap(), *c);
        }
        let mut sorted = all.clone();
        sorted.sort();
        assert_eq!(sorted, all);
        assert!(Currency::EUR < Currency::USD);
    }

    #[test]
    fn serde_is_the_uppercase_code_and_validates() {
        assert_eq!(serde_json::to_string(&Currency::JPY).unwrap(), "\"JPY\"");
        let c: Currency = serde_json::from_str("\"kwd\"").unwrap();
        assert_eq!(c, Currency::KWD);
        assert!(serde_json::from_str::<Currency>("\"ABC\"").is_err());
        assert!(serde_json::from_str::<Currency>("123").is_err());
        for c in Currency::all() {
            let json = serde_json::to_string(&c).unwrap();
            assert_eq!(serde_json::from_str::<Currency>(&json).unwrap(), c);
        }
    }

    #[test]
    fn debug_shows_the_code() {
        assert_eq!(format!("{:?}", Currency::GBP), "Currency(GBP)");
    }
}
