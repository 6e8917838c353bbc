//! kycd's webhooks: outbox rows (event building, chaos), the `IdentificationWebhook` body, the `Idenfy-Signature` and Standard Webhooks
//! signatures, the retry schedule (pure functions), the network policy that keeps deliveries off
//! private addresses, and the durable delivery worker that drains the store's outbox.

pub mod network;
pub mod outbox;
pub mod payload;
pub mod schedule;
pub mod sender;
pub mod signer;
pub mod worker;

pub use schedule::RetrySchedule;
pub use sender::{HttpSender, SendOutcome, Sender};
pub use worker::{DeliveryWorker, WorkerConfig};
