//! Cards: number checks (Luhn), brands, and the test cards whose numbers decide a payment's
//! outcome. The number itself is never stored; only what it decides (brand, last four, the
//! outcome) is.

use serde::{Deserialize, Serialize};

/// What a card does when charged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Behaviour {
    Succeeds,
    /// Declined with this code.
    Declines(DeclineCode),
    /// 3-D Secure: the payment waits in `requires_action` until authenticated.
    RequiresAuthentication,
    /// Succeeds, then a `fraudulent` dispute opens one simulated day after capture.
    DisputedLater,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum DeclineCode {
    CardDeclined,
    InsufficientFunds,
    LostCard,
    StolenCard,
    ExpiredCard,
    IncorrectCvc,
    ProcessingError,
    /// 3-D Secure was attempted and failed.
    AuthenticationFailed,
}

impl DeclineCode {
    pub fn as_str(self) -> &'static str {
        match self {
            DeclineCode::CardDeclined => "card_declined",
            DeclineCode::InsufficientFunds => "insufficient_funds",
            DeclineCode::LostCard => "lost_card",
            DeclineCode::StolenCard => "stolen_card",
            DeclineCode::ExpiredCard => "expired_card",
            DeclineCode::IncorrectCvc => "incorrect_cvc",
            DeclineCode::ProcessingError => "processing_error",
            DeclineCode::AuthenticationFailed => "authentication_failed",
        }
    }

    pub fn message(self) -> &'static str {
        match self {
            DeclineCode::CardDeclined => "The card was declined.",
            DeclineCode::InsufficientFunds => "The card has insufficient funds.",
            DeclineCode::LostCard => "The card was declined: it is reported lost.",
            DeclineCode::StolenCard => "The card was declined: it is reported stolen.",
            DeclineCode::ExpiredCard => "The card has expired.",
            DeclineCode::IncorrectCvc => "The card's security code is incorrect.",
            DeclineCode::ProcessingError => {
                "An error occurred while processing the card; try again."
            }
            DeclineCode::AuthenticationFailed => "3-D Secure authentication failed.",
        }
    }
}

/// The test cards developers know, and what each does. They clear in test mode only.
pub const TEST_CARDS: [(&str, Behaviour); 10] = [
    ("4242424242424242", Behaviour::Succeeds),
    (
        "4000000000000002",
        Behaviour::Declines(DeclineCode::CardDeclined),
    ),
    (
        "4000000000009995",
        Behaviour::Declines(DeclineCode::InsufficientFunds),
    ),
    (
        "4000000000009987",
        Behaviour::Declines(DeclineCode::LostCard),
    ),
    (
        "4000000000009979",
        Behaviour::Declines(DeclineCode::StolenCard),
    ),
    (
        "4000000000000069",
        Behaviour::Declines(DeclineCode::ExpiredCard),
    ),
    (
        "4000000000000127",
        Behaviour::Declines(DeclineCode::IncorrectCvc),
    ),
    (
        "4000000000000119",
        Behaviour::Declines(DeclineCode::ProcessingError),
    ),
    ("4000002760003184", Behaviour::RequiresAuthentication),
    ("4000000000000259", Behaviour::DisputedLater),
];

pub fn test_card(number: &str) -> Option<Behaviour> {
    TEST_CARDS
        .iter()
        .find(|(n, _)| *n == number)
        .map(|(_, b)| *b)
}

/// Digits only: spaces and dashes, as people type them, are dropped; anything else is not a
/// card number.
pub fn normalize_number(input: &str) -> Option<String> {
    let digits: String = input.chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if (12..=19).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
        Some(digits)
    } else {
        None
    }
}

pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b - b'0');
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    sum.is_multiple_of(10)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "snake_case")]
pub enum Brand {
    Visa,
    Mastercard,
    Amex,
    Discover,
    Jcb,
    Diners,
    Unionpay,
    Unknown,
}

pub fn brand(digits: &str) -> Brand {
    let prefix = |n: usize| {
        digits
            .get(..n)
            .and_then(|p| p.parse::<u32>().ok())
            .unwrap_or(0)
    };
    match (prefix(1), prefix(2), prefix(4)) {
        (4, _, _) => Brand::Visa,
        (_, 34 | 37, _) => Brand::Amex,
        (_, 51..=55, _) | (_, _, 2221..=2720) => Brand::Mastercard,
        (_, 65, _) | (_, _, 6011) => Brand::Discover,
        (_, _, 3528..=3589) => Brand::Jcb,
        (_, 36 | 38 | 39, _) | (_, _, 3000..=3059) => Brand::Diners,
        (_, 62, _) => Brand::Unionpay,
        _ => Brand::Unknown,
    }
}

/// The security code has 4 digits on Amex cards and 3 on the others.
pub fn cvc_valid(cvc: &str, brand: Brand) -> bool {
    let want = if brand == Brand::Amex { 4 } else { 3 };
    cvc.len() == want && cvc.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_test_card_passes_luhn_and_is_visa() {
        for (number, _) in TEST_CARDS {
            assert!(luhn_valid(number), "{number}");
            assert_eq!(brand(number), Brand::Visa);
        }
        assert!(!luhn_valid("4242424242424241"));
    }

    #[test]
    fn numbers_are_normalized() {
        assert_eq!(
            normalize_number("4242 4242 4242 4242").as_deref(),
            Some("4242424242424242")
        );
        assert_eq!(
            normalize_number("4242-4242-4242-4242").as_deref(),
            Some("4242424242424242")
        );
        assert_eq!(normalize_number("4242x242"), None);
        assert_eq!(normalize_number("42424242"), None);
    }

    #[test]
    fn brands_and_cvc_lengths() {
        assert_eq!(brand("5555555555554444"), Brand::Mastercard);
        assert_eq!(brand("2223003122003222"), Brand::Mastercard);
        assert_eq!(brand("378282246310005"), Brand::Amex);
        assert_eq!(brand("6011111111111117"), Brand::Discover);
        assert_eq!(brand("3566002020360505"), Brand::Jcb);
        assert!(cvc_valid("1234", Brand::Amex) && !cvc_valid("123", Brand::Amex));
        assert!(cvc_valid("123", Brand::Visa) && !cvc_valid("12a", Brand::Visa));
    }
}
