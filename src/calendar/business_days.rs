//! Walking a calendar day by day.
//!
//! A [`Cursor`] keeps one year's closures so a walk computes each year's holidays once; that
//! keeps even a walk to the end of the supported range (millions of days) cheap enough for a
//! test, and every step is checked, so the walk ends in an error rather than a panic or an
//! endless loop at the end of the range.

use chrono::{Datelike, NaiveDate};

use super::{CalendarError, CalendarId};

pub(super) struct Cursor {
    id: CalendarId,
    year: Option<i32>,
    closures: Vec<NaiveDate>,
}

impl Cursor {
    pub(super) fn new(id: CalendarId) -> Self {
        Self {
            id,
            year: None,
            closures: Vec::new(),
        }
    }

    pub(super) fn is_business_day(&mut self, date: NaiveDate) -> Result<bool, CalendarError> {
        let year = date.year();
        if self.year != Some(year) {
            self.closures = self
                .id
                .holidays_in_year(year)?
                .into_iter()
                .map(|h| h.date)
                .collect();
            self.year = Some(year);
        }
        Ok(!self.id.spec().is_weekend(date) && self.closures.binary_search(&date).is_err())
    }

    /// The day after `date`, or the range error for the year after it.
    fn succ(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        date.succ_opt()
            .ok_or_else(|| self.id.out_of_range(date.year().saturating_add(1)))
    }
}

pub(super) fn next_on_or_after(
    id: CalendarId,
    date: NaiveDate,
) -> Result<NaiveDate, CalendarError> {
    let mut cursor = Cursor::new(id);
    let mut day = date;
    while !cursor.is_business_day(day)? {
        day = cursor.succ(day)?;
    }
    Ok(day)
}

pub(super) fn add(id: CalendarId, date: NaiveDate, n: u32) -> Result<NaiveDate, CalendarError> {
    let mut cursor = Cursor::new(id);
    // `date` must be in range even though it is not counted: T+n of a date the calendar does not
    // cover is not something we can vouch for.
    let date_is_business_day = cursor.is_business_day(date)?;
    if n == 0 {
        return if date_is_business_day {
            Ok(date)
        } else {
            next_on_or_after(id, date)
        };
    }
    let mut day = date;
    let mut remaining = n;
    while remaining > 0 {
        day = cursor.succ(day)?;
        if cursor.is_business_day(day)? {
            remaining -= 1;
        }
    }
    Ok(day)
}

pub(super) fn between(id: CalendarId, a: NaiveDate, b: NaiveDate) -> Result<i64, CalendarError> {
    let (from, to, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
    let mut cursor = Cursor::new(id);
    // Both ends must be covered, even `from`, which is not counted; checking `to` first also
    // names the caller's out-of-range date rather than the first year the walk ran out of.
    cursor.is_business_day(to)?;
    cursor.is_business_day(from)?;
    let mut count: i64 = 0;
    let mut day = from;
    while day < to {
        day = cursor.succ(day)?;
        if cursor.is_business_day(day)? {
            count += 1;
        }
    }
    Ok(sign * count)
}
