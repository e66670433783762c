//! Changing a running account's configuration, and when the engine next has work to do.
//!
//! A change (schedule, payout currency, fees) applies from the next window: the window that
//! contains the engine's clock is settled under the configuration it opened with, so no
//! settlement mixes two schedules. When the schedule changes, the first window of the new
//! one starts where the old one closed, not at the new schedule's nominal start (switching
//! from daily to weekly on a Wednesday gives one Wednesday-to-Monday window).

use chrono::{DateTime, Duration, Utc};

use super::account::AccountConfig;
use super::engine::{midnight, Engine};
use super::error::SettlementError;

impl Engine {
    /// Validates `config`, made at `at`, and schedules it for the close of the window that
    /// contains `at`. A later call before that replaces it. The bank-details flag is not part
    /// of this: see [`Engine::set_bank_details_stale`], which applies at once.
    pub fn change_config(
        &mut self,
        mut config: AccountConfig,
        at: DateTime<Utc>,
    ) -> Result<(), SettlementError> {
        config.validate()?;
        self.check_time(at, "at")?;
        config.bank_details_stale = self.config.bank_details_stale;
        self.next_config = Some((at, config));
        Ok(())
    }

    /// From now on, activity in `currency` settles and pays out in `currency` itself (a
    /// multi-currency account's per-currency payout currency), now and in any waiting change.
    pub fn settle_in_own_currency(&mut self, currency: crate::currency::Currency) {
        self.config.payout_currencies.insert(currency, currency);
        if let Some((_, next)) = &mut self.next_config {
            next.payout_currencies.insert(currency, currency);
        }
    }

    /// The configuration waiting for its window to close, if any.
    pub fn next_config(&self) -> Option<&AccountConfig> {
        self.next_config.as_ref().map(|(_, c)| c)
    }

    /// Called when the window ending on `closed_end` has closed.
    pub(super) fn apply_next_config(&mut self, closed_end: chrono::NaiveDate) {
        let due = matches!(&self.next_config, Some((at, _)) if midnight(closed_end) > *at);
        if !due {
            return;
        }
        if let Some((_, mut config)) = self.next_config.take() {
            if config.schedule != self.config.schedule {
                self.window_floor = Some(closed_end);
            }
            config.bank_details_stale = self.config.bank_details_stale;
            self.config = config;
        }
    }

    /// The earliest instant at which [`Engine::advance_to`] has something to do: the close of
    /// the window holding the oldest unsettled activity, of the window in which a reserve hold
    /// is released, of the window a configuration change waits for, or a payout's date. `None` when nothing waits. It may name an instant at
    /// which, in the end, nothing happens (the schedule changes meanwhile), never one later
    /// than the first thing due.
    pub fn next_due(&self) -> Option<DateTime<Utc>> {
        let close_of = |day: chrono::NaiveDate| {
            self.config
                .schedule
                .window_containing(day)
                .map(|(_, end)| midnight(end).max(self.clock))
        };
        // Activity is recorded in time order, so the first pending entry is the oldest.
        let activity = self
            .pending
            .first()
            .and_then(|p| close_of(p.entry.created_at.date_naive()));
        // A hold due on day D is released by the first window ending on or after D, the one
        // that contains the day before D.
        let release = self
            .balances
            .values()
            .filter_map(|b| b.reserve.next_release())
            .min()
            .and_then(|d| close_of(d - Duration::days(1)));
        let payout = self.next_payout_due().map(|(at, _)| at);
        // A configuration waiting for its window to close, even with nothing to settle.
        let config = self
            .next_config
            .as_ref()
            .and_then(|(at, _)| close_of(at.date_naive()));
        [activity, release, payout, config]
            .into_iter()
            .flatten()
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::currency::Currency;
    use crate::host::SeededRandom;
    use crate::money::Money;
    use crate::settlement::{Maturity, Schedule, WeeklyAnchor};

    fn at(s: &str) -> DateTime<Utc> {
        s.parse().unwrap()
    }

    fn engine() -> Engine {
        let mut config = AccountConfig::new(Currency::EUR);
        config.maturity = Maturity::Established;
        Engine::new(config, at("2026-04-13T00:00:00Z")).unwrap()
    }

    #[test]
    fn next_due_is_the_close_of_the_oldest_activity_then_the_payout() {
        let mut rng = SeededRandom::new(7);
        let mut e = engine();
        assert_eq!(e.next_due(), None);
        e.record_payment(
            &mut rng,
            "pay_aaaaaaaa",
            Money::new(5000, Currency::EUR),
            at("2026-04-15T10:00:00Z"),
        )
        .unwrap();
        assert_eq!(e.next_due(), Some(at("2026-04-16T00:00:00Z")));
        e.advance_to(&mut rng, at("2026-04-16T00:00:00Z")).unwrap();
        assert_eq!(e.settlements().len(), 1);
        // T+2 business days from Wednesday the 15th: Friday the 17th.
        assert_eq!(e.next_due(), Some(at("2026-04-17T00:00:00Z")));
        e.advance_to(&mut rng, at("2026-04-17T00:00:00Z")).unwrap();
        assert_eq!(e.next_due(), None);
    }

    #[test]
    fn a_schedule_change_waits_for_the_current_window_to_close() {
        let mut rng = SeededRandom::new(7);
        let mut e = engine();
        let mut weekly = e.config().clone();
        weekly.schedule = Schedule::weekly(WeeklyAnchor::Monday, 2).unwrap();
        e.record_payment(
            &mut rng,
            "pay_aaaaaaaa",
            Money::new(5000, Currency::EUR),
            at("2026-04-15T10:00:00Z"),
        )
        .unwrap();
        e.change_config(weekly, at("2026-04-15T11:00:00Z")).unwrap();
        assert!(e.next_config().is_some());
        // Wednesday's activity still settles in Wednesday's daily window.
        e.advance_to(&mut rng, at("2026-04-16T00:00:00Z")).unwrap();
        assert_eq!(e.settlements().len(), 1);
        assert!(e.next_config().is_none());
        e.record_payment(
            &mut rng,
            "pay_aaaaaaab",
            Money::new(5000, Currency::EUR),
            at("2026-04-16T10:00:00Z"),
        )
        .unwrap();
        // Thursday's waits for the weekly window, which starts where the daily one closed.
        e.advance_to(&mut rng, at("2026-04-19T00:00:00Z")).unwrap();
        assert_eq!(e.settlements().len(), 1);
        assert_eq!(e.next_due(), Some(at("2026-04-20T00:00:00Z")));
        e.advance_to(&mut rng, at("2026-04-20T00:00:00Z")).unwrap();
        let second = &e.settlements()[1];
        assert_eq!(second.period_start, at("2026-04-16T00:00:00Z"));
        assert_eq!(second.period_end, at("2026-04-20T00:00:00Z"));
    }

    #[test]
    fn a_change_with_nothing_to_settle_is_due_at_its_window_close() {
        let mut rng = SeededRandom::new(7);
        let mut e = engine();
        let mut weekly = e.config().clone();
        weekly.schedule = Schedule::weekly(WeeklyAnchor::Friday, 2).unwrap();
        e.change_config(weekly, at("2026-04-15T11:00:00Z")).unwrap();
        assert_eq!(e.next_due(), Some(at("2026-04-16T00:00:00Z")));
        e.advance_to(&mut rng, at("2026-04-16T00:00:00Z")).unwrap();
        assert!(e.next_config().is_none());
        assert_eq!(e.next_due(), None);
    }

    #[test]
    fn an_invalid_change_is_refused_and_changes_nothing() {
        let mut e = engine();
        let mut bad = e.config().clone();
        bad.minimum_payout = -1;
        assert_eq!(
            e.change_config(bad, at("2026-04-15T11:00:00Z"))
                .unwrap_err()
                .field(),
            "minimumPayout"
        );
        assert!(e.next_config().is_none());
    }
}
