use std::str::FromStr;

use proptest::prelude::*;
use rust_decimal::Decimal;

use super::*;
use crate::currency::Currency;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn eur(amount: i64) -> Money {
    Money::new(amount, Currency::EUR)
}

fn cur(code: &str) -> Currency {
    Currency::from_code(code).unwrap()
}

const ALL_RULES: [Rounding; 6] = [
    Rounding::HalfUp,
    Rounding::HalfEven,
    Rounding::TowardZero,
    Rounding::AwayFromZero,
    Rounding::Floor,
    Rounding::Ceiling,
];

#[test]
fn every_rounding_rule_on_halves_negatives_and_near_misses() {
    // value, then HalfUp, HalfEven, TowardZero, AwayFromZero, Floor, Ceiling
    #[rustfmt::skip]
    let table: [(&str, [i64; 6]); 14] = [
        ("2.5",   [3, 2, 2, 3, 2, 3]),
        ("-2.5",  [-3, -2, -2, -3, -3, -2]),
        ("3.5",   [4, 4, 3, 4, 3, 4]),
        ("-3.5",  [-4, -4, -3, -4, -4, -3]),
        ("0.5",   [1, 0, 0, 1, 0, 1]),
        ("-0.5",  [-1, 0, 0, -1, -1, 0]),
        ("2.4",   [2, 2, 2, 3, 2, 3]),
        ("-2.4",  [-2, -2, -2, -3, -3, -2]),
        ("2.6",   [3, 3, 2, 3, 2, 3]),
        ("-2.6",  [-3, -3, -2, -3, -3, -2]),
        ("2.0",   [2, 2, 2, 2, 2, 2]),
        ("-2.0",  [-2, -2, -2, -2, -2, -2]),
        ("2.5000000001",  [3, 3, 2, 3, 2, 3]),
        ("-2.4999999999", [-2, -2, -2, -3, -3, -2]),
    ];
    for (value, expected) in table {
        for (rule, want) in ALL_RULES.iter().zip(expected) {
            let got = Money::from_decimal(dec(value), Currency::JPY, *rule).unwrap();
            assert_eq!(got.amount(), want, "{value} {rule:?}");
        }
    }
}

#[test]
fn apply_rate_fees() {
    let fee = dec("0.014");
    assert_eq!(
        eur(1000).apply_rate(fee, Rounding::HalfUp).unwrap(),
        eur(14)
    );
    // 1250 × 1.4% = 17.5 exactly: half-up goes to 18, half-even too (18 is even).
    assert_eq!(
        eur(1250).apply_rate(fee, Rounding::HalfUp).unwrap(),
        eur(18)
    );
    // 100 × 2.5% = 2.5: the rules disagree here.
    let r = dec("0.025");
    assert_eq!(eur(100).apply_rate(r, Rounding::HalfUp).unwrap(), eur(3));
    assert_eq!(eur(100).apply_rate(r, Rounding::HalfEven).unwrap(), eur(2));
    assert_eq!(eur(-100).apply_rate(r, Rounding::HalfUp).unwrap(), eur(-3));
    assert_eq!(eur(-100).apply_rate(r, Rounding::Floor).unwrap(), eur(-3));
    assert_eq!(eur(-100).apply_rate(r, Rounding::Ceiling).unwrap(), eur(-2));
    assert_eq!(
        eur(1785).apply_rate(fee, Rounding::HalfUp).unwrap(),
        eur(25)
    );
    assert_eq!(
        eur(1785).apply_rate(fee, Rounding::TowardZero).unwrap(),
        eur(24)
    );
    assert_eq!(eur(0).apply_rate(fee, Rounding::HalfUp).unwrap(), eur(0));
}

#[test]
fn apply_rate_overflow_is_an_error() {
    assert_eq!(
        eur(i64::MAX).apply_rate(dec("2"), Rounding::HalfUp),
        Err(MoneyError::Overflow)
    );
    assert_eq!(
        eur(i64::MAX).apply_rate(Decimal::MAX, Rounding::HalfUp),
        Err(MoneyError::Overflow)
    );
    assert_eq!(
        eur(i64::MAX).apply_rate(Decimal::ONE, Rounding::HalfUp),
        Ok(eur(i64::MAX))
    );
}

#[test]
fn convert_across_exponents() {
    let jpy = Money::new(1000, Currency::JPY);
    assert_eq!(
        jpy.convert(Currency::EUR, dec("0.0062"), Rounding::HalfUp)
            .unwrap(),
        eur(620)
    );
    assert_eq!(
        eur(620)
            .convert(Currency::JPY, dec("161.29"), Rounding::HalfUp)
            .unwrap(),
        Money::new(1000, Currency::JPY)
    );
    // €12.34 × 161.29 = ¥1990.3186
    for (rule, want) in [
        (Rounding::HalfUp, 1990),
        (Rounding::Floor, 1990),
        (Rounding::Ceiling, 1991),
    ] {
        assert_eq!(
            eur(1234)
                .convert(Currency::JPY, dec("161.29"), rule)
                .unwrap(),
            Money::new(want, Currency::JPY)
        );
    }
    // €10.00 × 0.3312 = KWD 3.312 = 3312 fils
    assert_eq!(
        eur(1000)
            .convert(Currency::KWD, dec("0.3312"), Rounding::HalfUp)
            .unwrap(),
        Money::new(3312, Currency::KWD)
    );
    // KWD 1.500 × 487.123 = ¥730.6845
    let kwd = Money::new(1500, Currency::KWD);
    assert_eq!(
        kwd.convert(Currency::JPY, dec("487.123"), Rounding::HalfUp)
            .unwrap(),
        Money::new(731, Currency::JPY)
    );
    assert_eq!(
        kwd.convert(Currency::JPY, dec("487.123"), Rounding::TowardZero)
            .unwrap(),
        Money::new(730, Currency::JPY)
    );
    // KWD 3.312 back to EUR at 1/0.3312 ≈ 3.0193236715 → €10.000 → 1000
    assert_eq!(
        Money::new(3312, Currency::KWD)
            .convert(Currency::EUR, dec("3.0193236715"), Rounding::HalfUp)
            .unwrap(),
        eur(1000)
    );
    // Negative amounts convert too (refunds): -¥1000 → -€6.20.
    assert_eq!(
        Money::new(-1000, Currency::JPY)
            .convert(Currency::EUR, dec("0.0062"), Rounding::HalfUp)
            .unwrap(),
        eur(-620)
    );
}

#[test]
fn convert_rejects_bad_rates_and_overflow() {
    for rate in ["0", "-1.2"] {
        assert_eq!(
            eur(100).convert(Currency::USD, dec(rate), Rounding::HalfUp),
            Err(MoneyError::InvalidRate)
        );
    }
    assert_eq!(
        Money::new(i64::MAX, Currency::JPY).convert(Currency::KWD, dec("1000"), Rounding::HalfUp),
        Err(MoneyError::Overflow)
    );
}

#[test]
fn decimal_round_trip() {
    assert_eq!(eur(1050).to_decimal(), dec("10.50"));
    assert_eq!(Money::new(-3150, Currency::KWD).to_decimal(), dec("-3.150"));
    assert_eq!(Money::new(1000, Currency::JPY).to_decimal(), dec("1000"));
    assert_eq!(
        Money::from_decimal(dec("10.505"), Currency::EUR, Rounding::HalfEven).unwrap(),
        eur(1050)
    );
    assert_eq!(
        Money::from_decimal(Decimal::MAX, Currency::EUR, Rounding::HalfUp),
        Err(MoneyError::Overflow)
    );
    for amount in [0, 1, -1, 99, i64::MAX, i64::MIN] {
        let m = Money::new(amount, cur("CLF"));
        assert_eq!(
            Money::from_decimal(m.to_decimal(), m.currency(), Rounding::HalfUp).unwrap(),
            m
        );
    }
}

#[test]
fn checked_arithmetic() {
    assert_eq!(eur(100).checked_add(eur(50)).unwrap(), eur(150));
    assert_eq!(eur(100).checked_sub(eur(150)).unwrap(), eur(-50));
    assert_eq!(eur(7).checked_mul(-3).unwrap(), eur(-21));
    assert_eq!(eur(7).checked_neg().unwrap(), eur(-7));
    assert_eq!(
        eur(1).checked_add(Money::new(1, Currency::USD)),
        Err(MoneyError::CurrencyMismatch {
            left: Currency::EUR,
            right: Currency::USD
        })
    );
    assert!(matches!(
        eur(1).checked_sub(Money::new(1, Currency::JPY)),
        Err(MoneyError::CurrencyMismatch { .. })
    ));
    assert_eq!(eur(i64::MAX).checked_add(eur(1)), Err(MoneyError::Overflow));
    assert_eq!(eur(i64::MIN).checked_sub(eur(1)), Err(MoneyError::Overflow));
    assert_eq!(eur(i64::MIN).checked_neg(), Err(MoneyError::Overflow));
    assert_eq!(eur(i64::MAX).checked_mul(2), Err(MoneyError::Overflow));
    assert_eq!(eur(i64::MIN).checked_mul(-1), Err(MoneyError::Overflow));
    assert!(eur(-1).is_negative() && !eur(0).is_negative());
    assert!(eur(0).is_zero() && Money::zero(Currency::JPY).is_zero());
    assert!(eur(1).is_positive());
}

#[test]
fn checked_sum() {
    assert_eq!(
        Money::checked_sum(Currency::EUR, [eur(1), eur(2), eur(-4)]).unwrap(),
        eur(-1)
    );
    assert_eq!(Money::checked_sum(Currency::EUR, []).unwrap(), eur(0));
    assert!(matches!(
        Money::checked_sum(Currency::USD, [eur(1)]),
        Err(MoneyError::CurrencyMismatch { .. })
    ));
    assert_eq!(
        Money::checked_sum(Currency::EUR, [eur(i64::MAX), eur(1)]),
        Err(MoneyError::Overflow)
    );
}

#[test]
fn parse_major_examples() {
    let ok = [
        ("10.00", "EUR", 1000),
        ("-3.5", "EUR", -350),
        ("1000", "JPY", 1000),
        ("0.01", "EUR", 1),
        ("-0", "EUR", 0),
        ("007.5", "EUR", 750),
        ("3.150", "KWD", 3150),
        ("-3.15", "KWD", -3150),
        ("1.2345", "CLF", 12345),
        ("92233720368547758.07", "EUR", i64::MAX),
        ("-92233720368547758.08", "EUR", i64::MIN),
        ("-9223372036854775808", "JPY", i64::MIN),
    ];
    for (s, code, want) in ok {
        assert_eq!(
            Money::parse_major(s, cur(code)).unwrap(),
            Money::new(want, cur(code)),
            "{s} {code}"
        );
    }
}

#[test]
fn parse_major_rejects() {
    let too_precise = [
        ("10.001", "EUR"),
        ("10.000", "EUR"),
        ("1000.0", "JPY"),
        ("1.0000", "KWD"),
    ];
    for (s, code) in too_precise {
        assert!(
            matches!(
                Money::parse_major(s, cur(code)),
                Err(MoneyError::TooPrecise { .. })
            ),
            "{s}"
        );
    }
    let invalid = [
        "", "-", ".", "1.", ".5", "+1", " 1", "1 ", "1,00", "1e3", "--1", "1.2.3", "abc", "NaN",
        "inf", "١٢", "0x10", "1_000", "-.5",
    ];
    for s in invalid {
        assert_eq!(
            Money::parse_major(s, Currency::EUR),
            Err(MoneyError::Invalid),
            "{s:?}"
        );
    }
    for s in [
        "92233720368547758.08",
        "-92233720368547758.09",
        &"9".repeat(60),
    ] {
        assert_eq!(
            Money::parse_major(s, Currency::EUR),
            Err(MoneyError::Overflow),
            "{s}"
        );
    }
}

#[test]
fn format_major_examples() {
    assert_eq!(eur(1000).format_major(), "10.00");
    assert_eq!(eur(5).format_major(), "0.05");
    assert_eq!(eur(-5).format_major(), "-0.05");
    assert_eq!(eur(0).format_major(), "0.00");
    assert_eq!(Money::new(-3150, Currency::KWD).format_major(), "-3.150");
    assert_eq!(Money::new(1000, Currency::JPY).format_major(), "1000");
    assert_eq!(Money::new(-1, Currency::JPY).format_major(), "-1");
    assert_eq!(eur(i64::MIN).format_major(), "-92233720368547758.08");
    assert_eq!(eur(1050).to_string(), "10.50 EUR");
}

#[test]
fn allocate_examples() {
    let parts = eur(100).allocate(&[1, 1, 1]).unwrap();
    assert_eq!(parts, vec![eur(34), eur(33), eur(33)]);
    let parts = eur(-100).allocate(&[1, 1, 1]).unwrap();
    assert_eq!(parts, vec![eur(-34), eur(-33), eur(-33)]);
    // 1000 split 70/30 exactly.
    assert_eq!(
        eur(1000).allocate(&[70, 30]).unwrap(),
        vec![eur(700), eur(300)]
    );
    // Remainders 0.5 / 0.5 tie → lower index wins; zero weight gets nothing.
    assert_eq!(
        eur(5).allocate(&[1, 0, 1]).unwrap(),
        vec![eur(3), eur(0), eur(2)]
    );
    // Largest remainder beats index order: 10 × [1, 2] / 3 = 3.33, 6.67.
    assert_eq!(eur(10).allocate(&[1, 2]).unwrap(), vec![eur(3), eur(7)]);
    assert_eq!(eur(0).allocate(&[3, 4]).unwrap(), vec![eur(0), eur(0)]);
    assert_eq!(eur(7).allocate(&[9]).unwrap(), vec![eur(7)]);
    let big = eur(i64::MIN).allocate(&[u64::MAX, u64::MAX]).unwrap();
    assert_eq!(big, vec![eur(i64::MIN / 2), eur(i64::MIN / 2)]);
    assert_eq!(
        eur(i64::MIN).allocate(&[0, 5]).unwrap(),
        vec![eur(0), eur(i64::MIN)]
    );
}

#[test]
fn allocate_rejects_degenerate_weights() {
    assert_eq!(eur(10).allocate(&[]), Err(MoneyError::InvalidWeights));
    assert_eq!(eur(10).allocate(&[0, 0]), Err(MoneyError::InvalidWeights));
}

#[test]
fn serde_shape() {
    let m = Money::new(1000, Currency::EUR);
    let json = serde_json::to_value(m).unwrap();
    assert_eq!(json, serde_json::json!({"amount": 1000, "currency": "EUR"}));
    assert_eq!(serde_json::from_value::<Money>(json).unwrap(), m);
    assert!(serde_json::from_str::<Money>(r#"{"amount": 1.5, "currency": "EUR"}"#).is_err());
    assert!(serde_json::from_str::<Money>(r#"{"amount": 1, "currency": "EURO"}"#).is_err());
    assert_eq!(
        serde_json::to_string(&Rounding::HalfUp).unwrap(),
        "\"halfUp\""
    );
}

#[test]
fn error_codes_are_stable() {
    assert_eq!(MoneyError::Overflow.code(), "amount_overflow");
    assert_eq!(MoneyError::Invalid.code(), "amount_invalid");
    assert_eq!(
        MoneyError::TooPrecise {
            currency: Currency::EUR,
            max_decimals: 2
        }
        .code(),
        "amount_too_precise"
    );
    let e = MoneyError::TooPrecise {
        currency: Currency::JPY,
        max_decimals: 0,
    };
    assert_eq!(e.to_string(), "JPY amounts allow at most 0 decimal places");
}

fn any_currency() -> impl Strategy<Value = Currency> {
    let all: Vec<Currency> = Currency::all().collect();
    proptest::sample::select(all)
}

fn any_rounding() -> impl Strategy<Value = Rounding> {
    proptest::sample::select(ALL_RULES.to_vec())
}

fn any_decimal() -> impl Strategy<Value = Decimal> {
    (any::<i64>(), 0u32..=28).prop_map(|(m, s)| Decimal::try_new(m, s).unwrap())
}

proptest! {
    #[test]
    fn format_then_parse_round_trips(amount in any::<i64>(), currency in any_currency()) {
        let m = Money::new(amount, currency);
        let text = m.format_major();
        prop_assert_eq!(Money::parse_major(&text, currency), Ok(m));
    }

    #[test]
    fn allocate_conserves_the_sum(
        amount in any::<i64>(),
        weights in proptest::collection::vec(any::<u64>(), 1..12),
    ) {
        let m = eur(amount);
        match m.allocate(&weights) {
            Ok(parts) => {
                prop_assert_eq!(parts.len(), weights.len());
                let total: i128 = parts.iter().map(|p| i128::from(p.amount())).sum();
                prop_assert_eq!(total, i128::from(amount));
                for (p, w) in parts.iter().zip(&weights) {
                    if *w == 0 { prop_assert_eq!(p.amount(), 0); }
                    prop_assert!(p.amount() == 0 || (p.amount() < 0) == (amount < 0));
                }
                let negated = m.checked_neg().ok().map(|n| n.allocate(&weights));
                if let Some(Ok(neg_parts)) = negated {
                    for (a, b) in parts.iter().zip(neg_parts) {
                        prop_assert_eq!(a.amount(), -b.amount());
                    }
                }
            }
            Err(e) => {
                prop_assert_eq!(e, MoneyError::InvalidWeights);
                prop_assert!(weights.iter().all(|&w| w == 0));
            }
        }
    }

    #[test]
    fn allocate_small_weights_conserves(amount in any::<i64>(), weights in proptest::collection::vec(1u64..10, 1..8)) {
        let parts = eur(amount).allocate(&weights).unwrap();
        let total: i128 = parts.iter().map(|p| i128::from(p.amount())).sum();
        prop_assert_eq!(total, i128::from(amount));
    }

    #[test]
    fn checked_ops_never_panic_and_agree_with_i64(a in any::<i64>(), b in any::<i64>()) {
        prop_assert_eq!(eur(a).checked_add(eur(b)).ok(), a.checked_add(b).map(eur));
        prop_assert_eq!(eur(a).checked_sub(eur(b)).ok(), a.checked_sub(b).map(eur));
        prop_assert_eq!(eur(a).checked_mul(b).ok(), a.checked_mul(b).map(eur));
        prop_assert_eq!(eur(a).checked_neg().ok(), a.checked_neg().map(eur));
    }

    #[test]
    fn rate_ops_never_panic(
        a in any::<i64>(),
        rate in any_decimal(),
        from in any_currency(),
        to in any_currency(),
        rule in any_rounding(),
    ) {
        let m = Money::new(a, from);
        let _ = m.apply_rate(rate, rule);
        let _ = m.convert(to, rate, rule);
        let _ = Money::from_decimal(rate, to, rule);
    }

    #[test]
    fn parse_never_panics(s in "\\PC{0,40}", currency in any_currency()) {
        let _ = Money::parse_major(&s, currency);
    }

    #[test]
    fn parse_of_numeric_strings_matches_decimal(
        int in "-?[0-9]{1,15}",
        frac in proptest::option::of("[0-9]{1,2}"),
    ) {
        let s = match &frac { Some(f) => format!("{int}.{f}"), None => int.clone() };
        let m = Money::parse_major(&s, Currency::EUR).unwrap();
        prop_assert_eq!(m.to_decimal(), Decimal::from_str(&s).unwrap());
    }
}
