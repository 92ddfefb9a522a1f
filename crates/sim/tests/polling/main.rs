//! Event source mappings: SQS standard and FIFO, Kinesis, DynamoDB Streams (fact sheet §3, §9,
//! §11). Every test asserts simulated times and dispositions and names the sheet row it checks.
//!
//! Timing of one batch in these scenarios (hop 40 ms, Init 300 ms, handler 200 ms unless said):
//! polled at `p` → at the mapping `p+40` → at the function `p+80` → (cold: Init until `p+380`)
//! → handler ends `p+580` → answer at the mapping `p+620` → delete at the queue `p+660`.
//!
//! Modules:
//! * `sqs`        — standard queues: batches, visibility, redrive, partial responses, pollers (§3b)
//! * `fifo`       — FIFO queues: order per message group, a failing group held back (§3b)
//! * `streams`    — Kinesis and DynamoDB Streams: shards, blocking retries, bisection (§3c)
//! * `validation` — what the format refuses for mappings, with AWS's reasons
//! * `properties` — conservation, ordering, determinism over random scenarios and seeds
//! * `content`    — the bundled `sqs-*`, `fifo-*`, `kinesis-*`, `dynamodb-*` stories
//!
//! Helpers every test binary uses live once in `tests/support/`; the ones below are about
//! polled items and batches.

// The purity bans are for the library; tests read the bundled scenario files.
#![allow(clippy::disallowed_methods)]

#[path = "../support/common.rs"]
mod common;
#[path = "../support/content_files.rs"]
mod content_files;
#[path = "../support/soak.rs"]
mod soak;

mod content;
mod fifo;
mod properties;
mod sqs;
mod streams;
mod validation;

use std::collections::BTreeMap;

use common::*;
use lambdascope_sim::trace::*;
use lambdascope_sim::{narrate, Scenario, Sim, SimTime, Timeline};

/// A scenario with one source; `function` and `extra` are TOML fragments.
fn one(horizon_s: u64, function: &str, source: &str, extra: &str) -> String {
    format!(
        "format_version = 1\nid = \"t\"\ntitle = \"t\"\nhorizon_s = {horizon_s}\n[function]\nduration = {{ distribution = \"fixed\", ms = 200 }}\n{function}\n[[sources]]\n{source}\n{extra}\n"
    )
}

/// The invocation of the item with event number `event`.
fn item(sim: &Sim, event: u32) -> InvocationId {
    sim.trace()
        .iter()
        .find_map(|e| match &e.kind {
            Trace::EventCreated { inv, event: ev, .. } if ev.0 == event => Some(*inv),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no event #{event}"))
}

/// (time, disposition) of an item by event number.
fn disposed(sim: &Sim, event: u32) -> Option<(u64, Disposition)> {
    disposition(sim, item(sim, event).0)
}

/// One polled batch: (time, batch, [(event, delivery)]).
type Polled = (u64, InvocationId, Vec<(u32, u32)>);

/// Every batch, in order.
fn batches(sim: &Sim) -> Vec<Polled> {
    sim.trace()
        .iter()
        .filter_map(|e| match &e.kind {
            Trace::BatchPolled { batch, items, .. } => Some((
                e.at.as_ms(),
                *batch,
                items.iter().map(|i| (i.event.0, i.delivery)).collect(),
            )),
            _ => None,
        })
        .collect()
}

const SQS: &str = "kind = \"sqs\"\nid = \"q\"\nqueue = \"orders\"";
const RBIF: &str = "function_response_types = [\"ReportBatchItemFailures\"]";
