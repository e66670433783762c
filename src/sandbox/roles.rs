//! The five roles of the dashboard guide and what each may do, as data.
//!
//! | Role | Guide | Permissions here |
//! |---|---|---|
//! | Owner | everything | all |
//! | Administrator | team, API keys, webhooks, all data | all but granting Owner |
//! | Developer | read/write API keys, logs and events; no team | data, keys, events, webhooks, test helpers |
//! | Analyst | read-only reporting and lists | read data |
//! | Support | customers and payments, refunds; no settings | read data, refunds |
//!
//! The guide is silent on whether a Developer's key may move money; it must, or no
//! integration could be built with one, so Developers hold the write permissions on data.

use serde::{Deserialize, Serialize};

use crate::error::ApiError;

/// What a route requires.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Permission {
    /// Retrieve and list payments, refunds, customers, payment methods and disputes.
    ReadData,
    /// Create, capture and cancel payments; create payment methods; write customers.
    WritePayments,
    Refund,
    /// Submit dispute evidence.
    RespondToDisputes,
    ReadEvents,
    ReadApiKeys,
    ManageApiKeys,
    ReadTeam,
    ManageTeam,
    /// The sandbox's test helpers (clock, 3DS outcome, disputes).
    TestHelpers,
    /// Settlements, payouts, statements, reporting and the account's settings.
    ReadFinance,
    /// Change the account's settings (schedule, payout currency, bank account).
    ManageAccount,
    /// Webhook endpoints, their secrets and deliveries.
    ManageWebhooks,
}

impl Permission {
    pub const ALL: [Permission; 13] = [
        Permission::ReadData,
        Permission::WritePayments,
        Permission::Refund,
        Permission::RespondToDisputes,
        Permission::ReadEvents,
        Permission::ReadApiKeys,
        Permission::ManageApiKeys,
        Permission::ReadTeam,
        Permission::ManageTeam,
        Permission::TestHelpers,
        Permission::ReadFinance,
        Permission::ManageAccount,
        Permission::ManageWebhooks,
    ];

    /// For 403 messages: "The analyst role cannot <describe>".
    pub fn describe(self) -> &'static str {
        match self {
            Permission::ReadData => "read payments, customers and other data",
            Permission::WritePayments => "create or change payments and customers",
            Permission::Refund => "issue refunds",
            Permission::RespondToDisputes => "respond to disputes",
            Permission::ReadEvents => "read events",
            Permission::ReadApiKeys => "read API keys",
            Permission::ManageApiKeys => "create, roll or revoke API keys",
            Permission::ReadTeam => "read the team",
            Permission::ManageTeam => "manage the team",
            Permission::TestHelpers => "use test helpers",
            Permission::ReadFinance => "read settlements, payouts, reporting and the account",
            Permission::ManageAccount => "change the account's settings",
            Permission::ManageWebhooks => "manage webhook endpoints and deliveries",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(test, derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Owner,
    Administrator,
    Developer,
    Analyst,
    Support,
}

impl Role {
    pub const ALL: [Role; 5] = [
        Role::Owner,
        Role::Administrator,
        Role::Developer,
        Role::Analyst,
        Role::Support,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Owner => "owner",
            Role::Administrator => "administrator",
            Role::Developer => "developer",
            Role::Analyst => "analyst",
            Role::Support => "support",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn allows(self, permission: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Owner | Role::Administrator => true,
            Role::Developer => !matches!(permission, ReadTeam | ManageTeam | ManageAccount),
            Role::Analyst => matches!(permission, ReadData | ReadFinance),
            Role::Support => matches!(permission, ReadData | Refund),
        }
    }

    /// Whether everything `other` may do, `self` may do too: a key or a grant of role `other`
    /// can be made by a holder of `self`. Owner is granted by Owners only.
    pub fn covers(self, other: Role) -> bool {
        if other == Role::Owner {
            return self == Role::Owner;
        }
        Permission::ALL
            .into_iter()
            .all(|p| !other.allows(p) || self.allows(p))
    }
}

/// 403 `role_exceeds_creator` (`param: "role"`) unless the caller's role covers `target`;
/// `acting` says what the caller tried ("create or change a key with", "grant or change").
/// A caller without a role (a publishable key) never reaches a route that asks.
pub fn require_covers(caller: Option<Role>, target: Role, acting: &str) -> Result<(), ApiError> {
    match caller {
        Some(mine) if !mine.covers(target) => Err(ApiError {
            param: Some("role".into()),
            ..ApiError::permission(
                "role_exceeds_creator",
                format!(
                    "the {} role cannot {acting} the {} role",
                    mine.as_str(),
                    target.as_str()
                ),
            )
        }),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_guide_table_holds() {
        use Permission::*;
        assert!(Permission::ALL.iter().all(|&p| Role::Owner.allows(p)));
        assert!(
            Role::Administrator.allows(ManageTeam) && Role::Administrator.allows(ManageApiKeys)
        );
        assert!(Role::Developer.allows(ManageApiKeys) && Role::Developer.allows(ReadEvents));
        assert!(!Role::Developer.allows(ManageTeam));
        assert!(Role::Analyst.allows(ReadData));
        assert!(!Role::Analyst.allows(Refund) && !Role::Analyst.allows(WritePayments));
        assert!(Role::Support.allows(Refund) && Role::Support.allows(ReadData));
        assert!(!Role::Support.allows(ManageApiKeys) && !Role::Support.allows(ReadEvents));
        // Webhooks: "Administrator: manage … webhooks"; a Developer builds the integration.
        assert!(
            Role::Administrator.allows(ManageWebhooks) && Role::Developer.allows(ManageWebhooks)
        );
        assert!(!Role::Analyst.allows(ManageWebhooks) && !Role::Support.allows(ManageWebhooks));
    }

    #[test]
    fn covering_is_a_subset_of_permissions() {
        assert!(Role::Owner.covers(Role::Owner));
        assert!(!Role::Administrator.covers(Role::Owner));
        assert!(Role::Administrator.covers(Role::Administrator));
        assert!(Role::Developer.covers(Role::Support) && Role::Developer.covers(Role::Analyst));
        assert!(!Role::Developer.covers(Role::Administrator));
        // Analysts read reporting and settlements, which Support (no settings access) does not.
        assert!(!Role::Support.covers(Role::Analyst));
        assert!(Role::Analyst.allows(Permission::ReadFinance));
        assert!(!Role::Support.allows(Permission::ReadFinance));
        assert!(!Role::Developer.allows(Permission::ManageAccount));
        assert!(!Role::Analyst.covers(Role::Support));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
    }
}
