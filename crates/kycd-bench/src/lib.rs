//! kycd's benchmark instruments: a bounded loopback load generator, a webhook receiver, the
//! harness that starts kycd and its comparators, the scenarios and their reports. It measures
//! kycd from the outside over HTTP; it must not reach into kycd's internals or send anything to
//! a non-loopback address.

pub mod bodies;
pub mod fixtures;
pub mod harness;
pub mod load;
pub mod receiver;
pub mod report;
pub mod scenarios;
pub mod stats;
