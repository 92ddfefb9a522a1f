//! Integration tests of the simulation core, one binary (as nexosim and ripgrep do).
//!
//! Modules:
//! * `sync`        — API Gateway, CloudFront Lambda@Edge, custom RequestResponse (fact sheet §1, §7)
//! * `asynchronous`— Lambda's internal queue, retries, max age, DLQ/destinations, S3/SNS/EventBridge (§2, §6)
//! * `concurrency` — reserved, provisioned, scaling rate, warm reuse (§4)
//! * `time_travel` — determinism, keyframes, forks, scene_at
//! * `budget`      — the player's run budget: clean stops, keyframes linear in the trace, refusals
//! * `properties`  — random valid scenarios × seeds: no panic, conservation, determinism
//! * `content`     — every bundled scenario parses, runs, and ends the way the sheet says
//! * `reference`   — the generated scenario format reference is current and complete
//! * `setups`      — setups added in round 2: long Init, other functions, SNS subscription DLQ, late S3, FIFO groups

// Tests read the bundled scenario files; the purity bans (clippy.toml) are for the library.
#![allow(clippy::disallowed_methods)]

#[path = "../support/common.rs"]
mod common;
#[path = "../support/content_files.rs"]
mod content_files;
#[path = "../support/soak.rs"]
mod soak;

mod asynchronous;
mod budget;
mod concurrency;
mod content;
mod lessons;
mod properties;
mod reference;
mod setups;
mod sync;
mod time_travel;
