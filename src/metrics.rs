//! Series for the metric charts, sampled once per run from the core's scenes (and, for the
//! caller's latency, from the core's per-invocation report). The charts then only move a cursor.
//! The x axis is screen time, so the charts line up with the scrubber above them.

use lambdascope_sim::report::Report;
use lambdascope_sim::scene::Scene;
use lambdascope_sim::topology::NodeKind;
use lambdascope_sim::{Method, SimTime};

use crate::playback::Session;

/// Samples per run.
pub const SAMPLES: usize = 120;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MetricKind {
    /// Counted per sample interval (events in a bucket).
    Count,
    /// A level at the sample instant.
    Level,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Metric {
    Invocations,
    Errors,
    Throttles,
    Retries,
    /// Deliveries of an event that was already delivered (at-least-once made visible).
    Duplicates,
    Concurrency,
    QueueDepth,
    DlqDepth,
    IteratorAge,
    /// New environments Lambda may create now: the scaling budget (L-SCALING), shown when a run
    /// uses it up far enough to see (a burst's 429s then come with the dip that explains them).
    ScalingBudget,
}

impl Metric {
    pub const ALL: [Metric; 10] = [
        Metric::Invocations,
        Metric::Errors,
        Metric::Throttles,
        Metric::Retries,
        Metric::Duplicates,
        Metric::Concurrency,
        Metric::QueueDepth,
        Metric::DlqDepth,
        Metric::IteratorAge,
        Metric::ScalingBudget,
    ];

    pub fn title(self) -> &'static str {
        match self {
            Metric::Invocations => "Invocations",
            Metric::Errors => "Errors",
            Metric::Throttles => "Throttles",
            Metric::Retries => "Retries",
            Metric::Duplicates => "Duplicates",
            Metric::Concurrency => "Concurrency",
            Metric::QueueDepth => "Waiting events",
            Metric::DlqDepth => "DLQ depth",
            Metric::IteratorAge => "Iterator age",
            Metric::ScalingBudget => "New environments left",
        }
    }
    pub fn kind(self) -> MetricKind {
        match self {
            Metric::Invocations
            | Metric::Errors
            | Metric::Throttles
            | Metric::Retries
            | Metric::Duplicates => MetricKind::Count,
            _ => MetricKind::Level,
        }
    }
    pub fn class(self) -> &'static str {
        match self {
            Metric::Invocations => "ls-c-inv",
            Metric::Errors => "ls-c-err",
            Metric::Throttles => "ls-c-thr",
            Metric::Retries => "ls-c-retry",
            Metric::Duplicates => "ls-c-dup",
            Metric::Concurrency => "ls-c-conc",
            Metric::QueueDepth => "ls-c-queue",
            Metric::DlqDepth => "ls-c-dlq",
            Metric::IteratorAge => "ls-c-age",
            Metric::ScalingBudget => "ls-c-scale",
        }
    }
    /// The value for display.
    pub fn show(self, v: u64) -> String {
        match self {
            Metric::IteratorAge => lambdascope_sim::time::format_duration_ms(v),
            _ => v.to_string(),
        }
    }
    /// The value at one scene: a running total for counts, the level for levels.
    pub fn read(self, scene: &Scene, dlq_nodes: &[usize]) -> u64 {
        let c = &scene.counters;
        match self {
            Metric::Invocations => c.invocations,
            Metric::Errors => c.function_errors,
            Metric::Throttles => c.throttles,
            Metric::Retries => c.retries,
            Metric::Duplicates => c.duplicates,
            Metric::Concurrency => u64::from(scene.concurrency_in_use),
            // Lambda's event queue plus SQS messages and stream records not yet read.
            Metric::QueueDepth => {
                u64::from(scene.queue_depth)
                    + scene
                        .nodes
                        .iter()
                        .map(|n| u64::from(n.visible))
                        .sum::<u64>()
            }
            Metric::IteratorAge => scene
                .nodes
                .iter()
                .filter_map(|n| n.iterator_age_ms)
                .max()
                .unwrap_or(0),
            Metric::DlqDepth => dlq_nodes
                .iter()
                .filter_map(|i| scene.nodes.get(*i))
                .map(|n| u64::from(n.stacked))
                .sum(),
            Metric::ScalingBudget => u64::from(scene.scaling.left),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub metric: Metric,
    /// One value per sample (a bucket count for counts, a level for levels).
    pub values: Vec<f64>,
    pub max: f64,
}

/// A synchronous caller's answer: when it arrived (screen x), how long it took, and whether it was an error.
#[derive(Clone, Debug, PartialEq)]
pub struct LatencyPoint {
    pub screen: f64,
    pub at: SimTime,
    pub ms: u64,
    pub error: bool,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Metrics {
    /// Screen x of each sample.
    pub xs: Vec<f64>,
    pub series: Vec<Series>,
    pub latency: Vec<LatencyPoint>,
    pub latency_max: u64,
    /// Node indexes whose stacks count as dead-lettered (DLQ, on-failure, EventBridge's DLQ).
    pub dlq_nodes: Vec<usize>,
}

impl Metrics {
    pub fn of(session: &Session) -> Metrics {
        let tl = session.timeline();
        let topo = &tl.topology;
        let dlq_nodes: Vec<usize> = topo
            .nodes
            .iter()
            .filter(|n| {
                matches!(
                    n.kind,
                    NodeKind::DeadLetterQueue
                        | NodeKind::OnFailure
                        | NodeKind::DeliveryDlq { .. }
                        | NodeKind::QueueDlq { .. }
                        | NodeKind::MappingOnFailure { .. }
                )
            })
            .map(|n| n.id.0 as usize)
            .collect();
        let end = session.map.end_screen();
        let xs: Vec<f64> = (0..=SAMPLES)
            .map(|i| end * i as f64 / SAMPLES as f64)
            .collect();
        let readings: Vec<Vec<u64>> = xs
            .iter()
            .map(|x| {
                let scene = tl.scene_at(session.map.to_sim(*x));
                Metric::ALL
                    .iter()
                    .map(|m| m.read(&scene, &dlq_nodes))
                    .collect()
            })
            .collect();
        // Iterator age only means something for streams.
        let has_shards = topo
            .nodes
            .iter()
            .any(|n| matches!(n.kind, NodeKind::Shard { .. }));
        // The scaling budget only when some sample finds it below a tenth short of full: one
        // cold start refills in 10 ms, and a flat line at 1,000 says nothing.
        let budget_used = |k: usize| {
            let full = u64::from(topo.scaling_rate_per_10s);
            readings.iter().any(|r| r[k] * 10 < full * 9)
        };
        let series = Metric::ALL
            .iter()
            .enumerate()
            .filter(|(k, m)| match m {
                Metric::IteratorAge => has_shards,
                Metric::ScalingBudget => budget_used(*k),
                _ => true,
            })
            .map(|(k, m)| {
                let values: Vec<f64> = match m.kind() {
                    MetricKind::Level => readings.iter().map(|r| r[k] as f64).collect(),
                    MetricKind::Count => (0..readings.len())
                        .map(|i| {
                            if i == 0 {
                                readings[0][k] as f64
                            } else {
                                readings[i][k].saturating_sub(readings[i - 1][k]) as f64
                            }
                        })
                        .collect(),
                };
                let max = values.iter().copied().fold(0.0, f64::max);
                Series {
                    metric: *m,
                    values,
                    max,
                }
            })
            .collect();
        let s = &session.scenario;
        let report = Report::build(
            s,
            topo,
            session.seed,
            SimTime(s.horizon_ms()),
            &tl.trace,
            session.run.totals(),
        );
        let sync_sources: Vec<String> = s
            .file
            .sources
            .iter()
            .filter(|x| x.method() == Method::Synchronous)
            .map(|x| x.id().to_string())
            .collect();
        let latency: Vec<LatencyPoint> = report
            .invocations
            .iter()
            .filter(|r| sync_sources.contains(&r.source))
            .filter_map(|r| {
                let done = r.disposed_ms?;
                let error = !matches!(
                    r.disposition,
                    Some(lambdascope_sim::Disposition::Succeeded { .. })
                );
                Some(LatencyPoint {
                    screen: session.map.to_screen(SimTime(done)),
                    at: SimTime(done),
                    ms: done.saturating_sub(r.created_ms),
                    error,
                })
            })
            .collect();
        let latency_max = latency.iter().map(|p| p.ms).max().unwrap_or(0);
        Metrics {
            xs,
            series,
            latency,
            latency_max,
            dlq_nodes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lambdascope_sim::Scenario;

    #[test]
    fn async_failure_counts_three_errors_two_retries_and_one_dead_letter() {
        let text = crate::scenarios::FILES
            .iter()
            .find(|(n, _)| *n == "async-retries-dlq.toml")
            .unwrap()
            .1;
        let s = Scenario::parse("a.toml", text).unwrap();
        let session = Session::new(1, None, s, 1, Vec::new());
        let m = Metrics::of(&session);
        let total = |metric: Metric| {
            m.series
                .iter()
                .find(|x| x.metric == metric)
                .unwrap()
                .values
                .iter()
                .sum::<f64>()
        };
        assert_eq!(total(Metric::Errors), 3.0);
        assert_eq!(total(Metric::Retries), 2.0);
        let dlq = m
            .series
            .iter()
            .find(|x| x.metric == Metric::DlqDepth)
            .unwrap();
        assert_eq!(*dlq.values.last().unwrap(), 1.0);
        assert_eq!(dlq.values[0], 0.0);
        assert!(m.latency.is_empty(), "S3 has no waiting caller");
        assert_eq!(m.xs.len(), SAMPLES + 1);
    }

    /// The budget's chart is the scene's `scaling.left`: the scaling-rate scenario's 1,100
    /// callers use it up at once (L-SCALING), a single request does not show it at all.
    #[test]
    fn the_scaling_budget_is_charted_when_a_burst_uses_it() {
        let b = crate::scenarios::by_id("scaling-rate").unwrap();
        let session = Session::new(1, None, b.scenario, 1, Vec::new());
        let m = Metrics::of(&session);
        let budget = m
            .series
            .iter()
            .find(|x| x.metric == Metric::ScalingBudget)
            .expect("charted");
        assert_eq!(budget.values[0], 1000.0);
        assert_eq!(budget.max, 1000.0);
        let low = budget.values.iter().copied().fold(f64::MAX, f64::min);
        assert!(low < 100.0, "the burst empties it: lowest sample {low}");
        let tl = session.timeline();
        for (x, v) in m.xs.iter().zip(&budget.values) {
            let scene = tl.scene_at(session.map.to_sim(*x));
            assert_eq!(*v, f64::from(scene.scaling.left));
        }
        let one = crate::scenarios::by_id("apigw-happy-path").unwrap();
        let m = Metrics::of(&Session::new(1, None, one.scenario, 1, Vec::new()));
        assert!(m.series.iter().all(|x| x.metric != Metric::ScalingBudget));
    }

    #[test]
    fn duplicate_deliveries_are_counted() {
        let b = crate::scenarios::by_id("s3-duplicates").unwrap();
        let session = Session::new(1, None, b.scenario, 1, Vec::new());
        let m = Metrics::of(&session);
        let dups: f64 = m
            .series
            .iter()
            .find(|x| x.metric == Metric::Duplicates)
            .unwrap()
            .values
            .iter()
            .sum();
        let end = session.timeline().scene_at(session.map.end_sim());
        assert!(
            end.counters.duplicates > 0,
            "the scenario delivers something twice"
        );
        assert_eq!(dups, end.counters.duplicates as f64);
    }

    #[test]
    fn api_gateway_latency_is_the_round_trip() {
        let text = r#"
format_version = 1
id = "l"
title = "l"
[function]
duration = { distribution = "fixed", ms = 120 }
[[sources]]
kind = "api_gateway"
id = "api"
[[workload]]
source = "api"
"#;
        let session = Session::new(
            1,
            None,
            Scenario::parse("l.toml", text).unwrap(),
            7,
            Vec::new(),
        );
        let m = Metrics::of(&session);
        assert_eq!(m.latency.len(), 1);
        assert_eq!(m.latency[0].ms, 40 + 40 + 300 + 120 + 40 + 40);
        assert!(!m.latency[0].error);
    }
}
