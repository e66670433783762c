//! Payout dates: business days of the payout currency's calendar.
//!
//! EUR, USD, GBP, CHF, JPY, CAD, AUD, SEK, NOK, DKK and PLN use their calendars from
//! [`crate::calendar`] (see [`CalendarId::for_currency`]). Currencies without a calendar of ours
//! fall back to Monday–Friday (no holidays): a documented approximation, never a silent guess
//! about a region's holidays.

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use super::error::SettlementError;
use crate::calendar::CalendarId;
use crate::currency::Currency;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayoutCalendar {
    Region(CalendarId),
    WeekdaysOnly,
}

impl PayoutCalendar {
    pub fn for_currency(currency: Currency) -> PayoutCalendar {
        CalendarId::for_currency(currency.code())
            .map_or(PayoutCalendar::WeekdaysOnly, PayoutCalendar::Region)
    }

    pub fn is_business_day(self, date: NaiveDate) -> bool {
        match self {
            PayoutCalendar::Region(id) => id.is_business_day(date),
            PayoutCalendar::WeekdaysOnly => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// T+n with the same semantics as [`CalendarId::add_business_days`]: counting starts the
    /// day after `date`; `n = 0` rolls forward to a business day.
    pub fn add_business_days(self, date: NaiveDate, n: u32) -> Result<NaiveDate, SettlementError> {
        match self {
            PayoutCalendar::Region(id) => id
                .add_business_days(date, n)
                .map_err(SettlementError::calendar("payoutDate")),
            PayoutCalendar::WeekdaysOnly => {
                let step = |d: NaiveDate| {
                    d.checked_add_signed(Duration::days(1))
                        .ok_or(SettlementError::Overflow {
                            field: "payoutDate",
                        })
                };
                let mut day = date;
                let mut remaining = n;
                while remaining > 0 {
                    day = step(day)?;
                    if self.is_business_day(day) {
                        remaining -= 1;
                    }
                }
                while !self.is_business_day(day) {
                    day = step(day)?;
                }
                Ok(day)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn regional_and_fallback_calendars() {
        let eur = PayoutCalendar::for_currency(Currency::EUR);
        assert_eq!(eur, PayoutCalendar::Region(CalendarId::Target));
        // Thursday 2 April 2026 + 2: Good Friday and Easter Monday are closed → Wed 8 April.
        assert_eq!(eur.add_business_days(d(2026, 4, 2), 2), Ok(d(2026, 4, 8)));
        let sek = PayoutCalendar::for_currency(Currency::SEK);
        assert_eq!(sek, PayoutCalendar::Region(CalendarId::Sweden));
        // Good Friday 3 April 2026 + 2: Easter Monday is closed too → Wed 8 April.
        assert_eq!(sek.add_business_days(d(2026, 4, 3), 2), Ok(d(2026, 4, 8)));
        let jpy = PayoutCalendar::for_currency(Currency::JPY);
        assert_eq!(jpy, PayoutCalendar::Region(CalendarId::Japan));
        let brl = PayoutCalendar::for_currency(Currency::from_code("BRL").unwrap());
        assert_eq!(brl, PayoutCalendar::WeekdaysOnly);
        // Friday + 2 → Tuesday; Saturday + 0 → Monday.
        assert_eq!(brl.add_business_days(d(2026, 4, 3), 2), Ok(d(2026, 4, 7)));
        assert_eq!(brl.add_business_days(d(2026, 4, 4), 0), Ok(d(2026, 4, 6)));
        assert_eq!(brl.add_business_days(d(2026, 4, 6), 0), Ok(d(2026, 4, 6)));
    }
}
