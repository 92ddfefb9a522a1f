//! # lambdascope-sim: how AWS services invoke a Lambda function, event by event
//!
//! A deterministic discrete-event simulation of the three ways Lambda gets invoked, written so a
//! browser can draw it and a test can pin it down. It is *pure*: no browser, no wall clock, no
//! threads, no I/O, no hash-map iteration. A run is a function of (scenario, seed, inputs).
//!
//! ```text
//!   Client ─▶ API Gateway ─┐                                   (synchronous: caller waits)
//!   Viewer ─▶ CloudFront ──┼──────────────────────▶ ┌──────────────────┐
//!   Your code (Invoke) ────┘                        │ Lambda function  │
//!                                                   │  environments:   │──▶ on-success
//!   S3 ─────────┐                                   │  init/busy/idle  │
//!   SNS ────────┼──▶ [ internal event queue ] ────▶ └──────────────────┘
//!   EventBridge ┘        │  retries 1 min, 2 min         (asynchronous: 202, Lambda retries)
//!   Your code (Event) ───┘  └──▶ DLQ / on-failure destination
//!
//!   SQS queue ──────┐  (visible │ in flight)                        (polling: Lambda's pollers
//!   Kinesis shards ─┼──▶ [ event source mapping ] ──batch──▶ fn      take batches; each batch is
//!   DynamoDB shards ┘        │ queue DLQ (redrive) / on-failure       one synchronous invoke)
//!
//!   Step Functions: [Task] ─Invoke─▶ fn ─▶ [Parallel ┬ Task ┐] ─▶ [Map × n] ─▶ ...
//!                     Retry / Catch          (a synchronous caller with its own retries)
//! ```
//!
//! ## A tour
//!
//! * [`scenario`] parses versioned TOML (`format_version = 1`) into a validated [`Scenario`].
//! * [`Sim`] steps the world: [`Sim::new`], [`Sim::step`], [`Sim::advance_to`], [`Sim::apply`].
//!   Time is [`SimTime`] (integer milliseconds); the agenda pops `(time, seq)` in order.
//! * Everything that happens is appended to the trace, a closed enum ([`Trace`]) — the only
//!   channel to the view. Messages carry departure and arrival times.
//! * [`scene::Timeline`] folds a trace into a [`scene::Scene`] at any instant: node states,
//!   tokens with their progress along an edge, queue depths, retry timers, concurrency.
//! * [`report::Report`] folds a trace into per-invocation attempts and dispositions;
//!   [`narrate`] turns each trace event into a sentence.
//! * Polling lives in [`invoke::polling`] (the mappings) with [`services::sqs`] and
//!   [`services::streams`]; Step Functions in [`services::stepfunctions`]. Messages and records
//!   are invocations of their own; a batch is one more invocation that lists them.
//!
//! ## One synchronous invocation, stepped
//!
//! ```
//! use lambdascope_sim::{Scenario, Sim, SimTime, Trace, Disposition};
//!
//! let text = r#"
//! format_version = 1
//! id = "hello"
//! title = "One request through API Gateway"
//! [function]
//! duration = { distribution = "fixed", ms = 120 }
//! [[sources]]
//! kind = "api_gateway"
//! id = "api"
//! [[workload]]
//! source = "api"
//! "#;
//! let scenario = Scenario::parse("hello.toml", text).unwrap();
//! let mut sim = Sim::new(&scenario, 7);
//! sim.run();
//! // Client → API Gateway → Lambda (cold start: 300 ms init) → API Gateway → Client, 40 ms a hop.
//! let done = sim.trace().iter().find_map(|e| match &e.kind {
//!     Trace::Disposed { disposition, .. } => Some((e.at, disposition.clone())),
//!     _ => None,
//! }).unwrap();
//! assert_eq!(done.0, SimTime(40 + 40 + 300 + 120 + 40 + 40));
//! assert_eq!(done.1, Disposition::Succeeded { status: Some(200), destination: None });
//! ```

#![forbid(unsafe_code)]

pub mod agenda;
pub mod deflate;
pub mod function;
pub mod idmap;
mod invocations;
pub mod invoke;
pub mod lesson;
pub mod narrate;
pub mod order;
pub mod report;
pub mod rng;
pub mod run;
pub mod scenario;
pub mod scene;
pub mod services;
pub mod share;
pub mod source_kind;
pub mod time;
pub mod topology;
pub mod totals;
pub mod trace;
pub mod world;

pub use run::{Budget, BudgetStop, Run, TimedInput};
pub use scenario::{parse_f64, Method, Scenario, ScenarioError, ScenarioErrors};
pub use scene::{Scene, SceneCursor, Timeline};
pub use source_kind::SourceKind;
pub use time::SimTime;
pub use topology::{Node, NodeKind, Topology};
pub use totals::Totals;
pub use trace::{Disposition, Input, Trace, TraceEvent};
pub use world::{Retention, Sim};
