//! lambdascope, the web app: draws the AWS services invoking a Lambda function and animates the
//! message flow computed by the simulation core (`lambdascope-sim`).
//!
//! The app owns no AWS behaviour. It holds playback state (cursor, speed, playing), layout and
//! styling; everything it shows comes from the core's `Scene` at the cursor's instant.
//!
//! * [`playback`]: the cursor, the wall-clock → simulated-time mapping, idle-gap compression
//!   (pure; tested natively).
//! * [`layout`]: where boxes go and the curves messages travel (pure).
//! * [`params`]: the side panel's editable parameters, read and validated through the core.
//! * [`catalog`]: the ten source kinds and what each one does, in words.
//! * [`metrics`]: chart series sampled from the timeline.
//! * [`scenarios`]: the bundled `content/scenarios/*.toml`.
//! * [`announce`]: the screen-reader queue (one announcement at a time, paced; pure).
//! * [`compare`]: comparison mode: one template, three methods, one fault, one clock (pure).
//! * [`course`]: the bundled `content/lessons/*.toml` and the lesson player's reducer, answers,
//!   progress and transcript (pure).
//! * [`share_link`]: share links and embed options from URLs and attributes, and back (pure).
//! * [`embed`]: embedding in other pages: visibility, the iframe resize protocol, host themes.
//! * [`export`]: the trace as JSON, the frame as a standalone SVG, the transcript as Markdown.
//! * [`import_view`]: the Import view's logic: a SAM or CloudFormation template → its functions'
//!   scenarios and advice, each finding with its moment (pure; full app only).
//! * `bench` (feature `bench` only): `benchSim`, the debug export `scripts/bench-sim --wasm` times
//!   the player bundle with.
//! * [`components`] and [`hooks`]: the Yew function components and hooks.

pub mod announce;
#[cfg(feature = "bench")]
pub mod bench;
pub mod catalog;
pub mod compare;
pub mod components;
pub mod course;
pub mod embed;
pub mod export;
pub mod hooks;
pub mod import_view;
pub mod keymap;
pub mod layout;
pub mod metrics;
pub mod mount;
pub mod params;
pub mod playback;
pub mod scenarios;
pub mod share_link;

pub use components::player::{Player, PlayerProps};
