//! [`PartnerStore`]: partners (API key pairs and their settings). No rate or credit rules: the
//! store keeps what it is given; spending credits belongs to [`crate::VerificationStore`].

use crate::{NewPartner, Partner, PartnerUpdate, StoreResult};
use async_trait::async_trait;
use kycd_domain::PartnerId;

#[async_trait]
pub trait PartnerStore: Send + Sync {
    /// Creates a partner; `Conflict` when the name or API key is taken.
    async fn create_partner(&self, partner: &NewPartner) -> StoreResult<Partner>;
    async fn partner_by_name(&self, name: &str) -> StoreResult<Option<Partner>>;
    async fn partner_by_api_key(&self, api_key: &str) -> StoreResult<Option<Partner>>;
    async fn partner_by_id(&self, id: PartnerId) -> StoreResult<Option<Partner>>;
    async fn list_partners(&self) -> StoreResult<Vec<Partner>>;
    async fn count_partners(&self) -> StoreResult<i64>;
    /// Applies the given changes; `NotFound` when no partner has that name.
    async fn update_partner(&self, name: &str, update: &PartnerUpdate) -> StoreResult<Partner>;
}
