//! Step Functions calling the function (fact sheet §5, §9.10). Each test asserts simulated times
//! and dispositions and names the row it checks.
//!
//! Timing in these scenarios (hop 40 ms, Init 300 ms, handler 200 ms unless said): a Task entered
//! at `s` invokes the function at `s+40`; a cold run ends at `s+540` (warm: `s+240`); its answer
//! reaches the state at `s+580` (warm: `s+280`).
//!
//! Modules: `tasks` (sequence, error names, no retry by default), `retry` (Retry and Catch),
//! `parallel_and_map`, `callback` (`.waitForTaskToken`), `validation`, `properties`, `content`.

// The purity bans are for the library; tests read the bundled scenario files.
#![allow(clippy::disallowed_methods)]

#[path = "support/common.rs"]
mod common;
#[path = "support/content_files.rs"]
mod content_files;
#[path = "support/soak.rs"]
mod soak;

use std::collections::BTreeMap;

use common::*;
use lambdascope_sim::scenario::{JitterStrategy, Retrier};
use lambdascope_sim::trace::*;
use lambdascope_sim::{narrate, Scenario, Sim, SimTime, Timeline};

/// A state machine `sm` starting at `start`, with `states` (TOML `[[sources.states]]` tables).
fn machine(function: &str, start: &str, states: &str) -> String {
    format!(
        "format_version = 1\nid = \"t\"\ntitle = \"t\"\nhorizon_s = 120\n[function]\nduration = {{ distribution = \"fixed\", ms = 200 }}\n{function}\n[[sources]]\nkind = \"step_functions\"\nid = \"sm\"\nstart_at = \"{start}\"\n{states}\n[[workload]]\nsource = \"sm\"\n"
    )
}

fn task(name: &str, next: Option<&str>, extra: &str) -> String {
    let t = match next {
        Some(n) => format!("next = \"{n}\""),
        None => "end = true".into(),
    };
    format!("[[sources.states]]\ntype = \"task\"\nname = \"{name}\"\n{t}\n{extra}\n")
}

/// The execution's final disposition and when (execution = invocation 0).
fn execution(sim: &Sim) -> (u64, Disposition) {
    disposition(sim, 0).expect("execution ended")
}

/// Task invocations per state name, in creation order.
fn tasks_of(sim: &Sim, state: &str) -> Vec<InvocationId> {
    let node = sim
        .topology()
        .by_key(&format!("state:sm:{state}"))
        .unwrap()
        .id;
    sim.trace()
        .iter()
        .filter_map(|e| match &e.kind {
            Trace::EventCreated { inv, source, .. } if *source == node => Some(*inv),
            _ => None,
        })
        .collect()
}

fn entered(sim: &Sim, state: &str) -> Vec<u64> {
    let node = sim
        .topology()
        .by_key(&format!("state:sm:{state}"))
        .unwrap()
        .id;
    sim.trace()
        .iter()
        .filter(|e| matches!(e.kind, Trace::StateEntered { state, .. } if state == node))
        .map(|e| e.at.as_ms())
        .collect()
}

mod tasks {
    use super::*;

    /// SFN-LAMBDA: each Task calls the function and waits for its answer; the next state starts
    /// when the answer arrives.
    #[test]
    fn sequential_tasks_wait_for_each_answer() {
        let states = format!(
            "{}{}[[sources.states]]\ntype = \"succeed\"\nname = \"Done\"\n",
            task("Validate", Some("Charge"), ""),
            task("Charge", Some("Done"), "")
        );
        let sim = run(&machine("", "Validate", &states), 1);
        assert_eq!(entered(&sim, "Validate"), vec![0]);
        assert_eq!(entered(&sim, "Charge"), vec![580]);
        assert_eq!(
            entered(&sim, "Done"),
            vec![860],
            "warm second call: 580 + 280"
        );
        assert_eq!(
            execution(&sim),
            (
                860,
                Disposition::Succeeded {
                    status: None,
                    destination: None
                }
            )
        );
        let v = tasks_of(&sim, "Validate")[0];
        assert_eq!(
            disposition(&sim, v.0),
            Some((
                580,
                Disposition::Succeeded {
                    status: Some(200),
                    destination: None
                }
            ))
        );
    }

    /// SFN-ERR / §9.10: no Retry field, no retry — a throttled call fails the execution at once
    /// with `Lambda.TooManyRequestsException` (SFN-BP).
    #[test]
    fn no_retry_without_a_retry_field() {
        let sim = run(
            &machine(
                "reserved_concurrency = 0",
                "Validate",
                &task("Validate", None, ""),
            ),
            1,
        );
        assert_eq!(
            count(&sim, |k| matches!(k, Trace::RetryScheduled { .. })),
            0
        );
        assert_eq!(
            execution(&sim),
            (
                80,
                Disposition::ExecutionFailed {
                    error: "Lambda.TooManyRequestsException".into(),
                    state: "Validate".into()
                }
            )
        );
        let t = tasks_of(&sim, "Validate")[0];
        assert_eq!(
            disposition(&sim, t.0).unwrap().1,
            Disposition::ErrorReturned {
                status: 429,
                error: "Lambda.TooManyRequestsException".into()
            }
        );
        assert_eq!(sim.totals().handler_runs, 0);
    }

    /// SFN-BP: a timeout is `Lambda.Unknown` (also matched by States.TaskFailed); a thrown error
    /// keeps its own name.
    #[test]
    fn lambda_error_names() {
        let catch_to =
            |errors: &str| format!("catch = [{{ error_equals = [{errors}], next = \"Handler\" }}]");
        let handler = task("Handler", None, "");
        let timeout = machine(
            "timeout_s = 1",
            "Work",
            &format!(
                "{}{handler}",
                task(
                    "Work",
                    None,
                    &format!(
                        "duration = {{ distribution = \"fixed\", ms = 5000 }}\n{}",
                        catch_to("\"Lambda.Unknown\"")
                    )
                )
            ),
        );
        let sim = run(&timeout, 1);
        let caught: Vec<String> = sim
            .trace()
            .iter()
            .filter_map(|e| match &e.kind {
                Trace::Caught { error, .. } => Some(error.clone()),
                _ => None,
            })
            .collect();
        assert_eq!(caught, vec!["Lambda.Unknown".to_string()]);
        // The run is cut at the 1 s function timeout: 40 + 300 (Init) + 1 000, answer 40 ms later.
        assert_eq!(entered(&sim, "Handler"), vec![1380]);

        let task_failed = timeout.replace("\"Lambda.Unknown\"", "\"States.TaskFailed\"");
        assert_eq!(entered(&run(&task_failed, 1), "Handler"), vec![1380]);

        let thrown = machine(
            "",
            "Work",
            &format!(
                "{}{handler}",
                task(
                    "Work",
                    None,
                    &format!(
                        "behaviour = {{ kind = \"throw\" }}\nerror_type = \"CardDeclined\"\n{}",
                        catch_to("\"CardDeclined\"")
                    )
                )
            ),
        );
        let sim = run(&thrown, 1);
        let w = tasks_of(&sim, "Work")[0];
        assert_eq!(
            disposition(&sim, w.0),
            Some((
                580,
                Disposition::Caught {
                    error: "CardDeclined".into(),
                    state: "Work".into(),
                    next: "Handler".into()
                }
            ))
        );

        let throttled = machine(
            "reserved_concurrency = 0",
            "Work",
            &format!(
                "{}{handler}",
                task(
                    "Work",
                    None,
                    &catch_to("\"Lambda.TooManyRequestsException\"")
                )
            ),
        );
        let sim = run(&throttled, 1);
        assert_eq!(entered(&sim, "Handler"), vec![80]);
    }

    /// A task's own behaviour overrides the function's (one function behind several states), and
    /// attempt-dependent failures count the task's handler runs.
    #[test]
    fn task_behaviour_and_attempt_dependent_failures() {
        let retry = "retry = [{ error_equals = [\"States.ALL\"], interval_seconds = 1 }]";
        let states = task(
            "Flaky",
            None,
            &format!("behaviour = {{ kind = \"throw_first\", attempts = 2 }}\n{retry}"),
        );
        let sim = run(&machine("", "Flaky", &states), 1);
        let t = tasks_of(&sim, "Flaky")[0];
        let runs: Vec<u32> = sim
            .trace()
            .iter()
            .filter_map(|e| match &e.kind {
                Trace::AttemptFinished { inv, attempt, .. } if *inv == t => Some(*attempt),
                _ => None,
            })
            .collect();
        assert_eq!(runs, vec![1, 2, 3]);
        assert_eq!(
            execution(&sim).1,
            Disposition::Succeeded {
                status: None,
                destination: None
            }
        );
    }
}

mod retry {
    use super::*;

    /// SFN-ERR: delay before retry n = IntervalSeconds × BackoffRate^(n−1), capped by
    /// MaxDelaySeconds; integer milliseconds.
    #[test]
    fn retry_delays_follow_the_formula() {
        let r = |interval: u64, rate: f64, max: Option<u64>| Retrier {
            error_equals: vec!["States.ALL".into()],
            interval_seconds: interval,
            max_attempts: 3,
            backoff_rate: rate,
            max_delay_seconds: max,
            jitter_strategy: JitterStrategy::None,
        };
        assert_eq!(
            (1..=4)
                .map(|n| r(1, 2.0, None).delay_ms(n))
                .collect::<Vec<_>>(),
            vec![1000, 2000, 4000, 8000]
        );
        assert_eq!(
            (1..=3)
                .map(|n| r(2, 3.0, Some(5)).delay_ms(n))
                .collect::<Vec<_>>(),
            vec![2000, 5000, 5000]
        );
        assert_eq!(
            (1..=3)
                .map(|n| r(1, 1.5, None).delay_ms(n))
                .collect::<Vec<_>>(),
            vec![1000, 1500, 2250]
        );
        assert_eq!(r(3, 1.0, None).delay_ms(10), 3000);
    }

    /// SFN-ERR: retries after 1 s, 2 s, 4 s (MaxAttempts 3), then the Catch routes to its `next`
    /// with the error at ResultPath, and the execution goes on.
    #[test]
    fn retries_with_backoff_then_catch() {
        let charge = task(
            "Charge",
            None,
            "behaviour = { kind = \"throw\" }\nerror_type = \"CardDeclined\"\nretry = [{ error_equals = [\"CardDeclined\"], interval_seconds = 1, max_attempts = 3, backoff_rate = 2.0 }]\ncatch = [{ error_equals = [\"States.ALL\"], next = \"Refund\", result_path = \"$.error\" }]",
        );
        let sim = run(
            &machine(
                "",
                "Charge",
                &format!("{charge}{}", task("Refund", None, "")),
            ),
            1,
        );
        let retries: Vec<(u64, u64)> = sim
            .trace()
            .iter()
            .filter_map(|e| match &e.kind {
                Trace::RetryScheduled {
                    due,
                    reason: RetryReason::StateRetry,
                    ..
                } => Some((e.at.as_ms(), due.as_ms())),
                _ => None,
            })
            .collect();
        assert_eq!(retries, vec![(580, 1580), (1860, 3860), (4140, 8140)]);
        let c = tasks_of(&sim, "Charge")[0];
        assert_eq!(
            disposition(&sim, c.0),
            Some((
                8420,
                Disposition::Caught {
                    error: "CardDeclined".into(),
                    state: "Charge".into(),
                    next: "Refund".into()
                }
            ))
        );
        assert_eq!(
            count(
                &sim,
                |k| matches!(k, Trace::Caught { result_path, .. } if result_path == "$.error")
            ),
            1
        );
        assert_eq!(entered(&sim, "Refund"), vec![8420]);
        assert_eq!(
            execution(&sim),
            (
                8700,
                Disposition::Succeeded {
                    status: None,
                    destination: None
                }
            )
        );
        assert_eq!(
            sim.totals().handler_runs,
            5,
            "4 runs of Charge, 1 of Refund"
        );
    }

    /// SFN-ERR: retriers are evaluated in order and the first that matches applies; when it has
    /// no attempts left a later retrier that also matches is not used.
    #[test]
    fn first_matching_retrier_decides() {
        let work = task(
            "Work",
            None,
            "behaviour = { kind = \"throw\" }\nerror_type = \"CardDeclined\"\nretry = [{ error_equals = [\"CardDeclined\"], max_attempts = 1 }, { error_equals = [\"States.ALL\"], max_attempts = 5 }]",
        );
        let sim = run(&machine("", "Work", &work), 1);
        assert_eq!(sim.totals().handler_runs, 2);
        assert_eq!(
            execution(&sim).1,
            Disposition::ExecutionFailed {
                error: "CardDeclined".into(),
                state: "Work".into()
            }
        );
        // MaxAttempts 0: never retried.
        let never = work.replace("max_attempts = 1", "max_attempts = 0");
        assert_eq!(
            run(&machine("", "Work", &never), 1).totals().handler_runs,
            1
        );
    }

    /// SFN-JITTER: FULL draws each delay uniformly in 0…computed delay; NONE uses it exactly.
    #[test]
    fn full_jitter_stays_below_the_computed_delay() {
        let work = |jitter: &str| {
            task("Work", None, &format!("behaviour = {{ kind = \"throw\" }}\nretry = [{{ error_equals = [\"States.ALL\"], interval_seconds = 4, max_attempts = 2, jitter_strategy = \"{jitter}\" }}]"))
        };
        let mut seen = std::collections::BTreeSet::new();
        for seed in 0..40 {
            let sim = run(&machine("", "Work", &work("FULL")), seed);
            for (n, e) in sim
                .trace()
                .iter()
                .filter(|e| matches!(e.kind, Trace::RetryScheduled { .. }))
                .enumerate()
            {
                let Trace::RetryScheduled { due, .. } = e.kind else {
                    unreachable!()
                };
                let delay = due.since(e.at);
                assert!(delay <= 4000 * (1 << n), "retry {} waits {delay} ms", n + 1);
                seen.insert(delay);
            }
        }
        assert!(
            seen.len() > 20,
            "FULL jitter varies with the seed: {seen:?}"
        );
        let exact = run(&machine("", "Work", &work("NONE")), 5);
        let delays: Vec<u64> = exact
            .trace()
            .iter()
            .filter_map(|e| match &e.kind {
                Trace::RetryScheduled { due, .. } => Some(due.since(e.at)),
                _ => None,
            })
            .collect();
        assert_eq!(delays, vec![4000, 8000]);
    }
}

mod parallel_and_map {
    use super::*;

    /// SFN-PAR: when a branch fails the Parallel state fails at once and the other branches are
    /// stopped, but the Lambda invocation they started keeps running.
    #[test]
    fn parallel_fails_fast_and_started_invocations_keep_running() {
        let states = format!(
            "[[sources.states]]\ntype = \"parallel\"\nname = \"Fulfil\"\nbranches = [\"Charge\", \"Reserve\"]\nend = true\n{}{}",
            task("Charge", None, "behaviour = { kind = \"throw\" }\nerror_type = \"CardDeclined\""),
            task("Reserve", None, "duration = { distribution = \"fixed\", ms = 2500 }")
        );
        let sim = run(&machine("timeout_s = 5", "Fulfil", &states), 1);
        assert_eq!(
            execution(&sim),
            (
                580,
                Disposition::ExecutionFailed {
                    error: "CardDeclined".into(),
                    state: "Fulfil".into()
                }
            )
        );
        let reserve = tasks_of(&sim, "Reserve")[0];
        assert_eq!(
            disposition(&sim, reserve.0).map(|d| (d.0, d.1.label())),
            Some((580, "abandoned"))
        );
        let finished: Vec<u64> = sim
            .trace()
            .iter()
            .filter(|e| matches!(e.kind, Trace::AttemptFinished { inv, .. } if inv == reserve))
            .map(|e| e.at.as_ms())
            .collect();
        assert_eq!(finished, vec![40 + 300 + 2500], "it ran to its end");
        assert_eq!(
            count(
                &sim,
                |k| matches!(k, Trace::StateExited { error: Some(e), .. } if e == "Stopped")
            ),
            1
        );
    }

    /// SFN-PAR: Parallel waits for all branches; a Catch on it handles a branch's error.
    #[test]
    fn parallel_waits_for_all_and_can_be_caught() {
        let ok = format!(
            "[[sources.states]]\ntype = \"parallel\"\nname = \"Fulfil\"\nbranches = [\"A\", \"B\"]\nnext = \"Done\"\n{}{}[[sources.states]]\ntype = \"succeed\"\nname = \"Done\"\n",
            task("A", None, ""),
            task("B", None, "duration = { distribution = \"fixed\", ms = 1000 }")
        );
        let sim = run(&machine("", "Fulfil", &ok), 1);
        assert_eq!(
            entered(&sim, "Done"),
            vec![40 + 300 + 1000 + 40],
            "after the slower branch"
        );
        let caught = ok
            .replace(
                "next = \"Done\"\n",
                "next = \"Done\"\ncatch = [{ error_equals = [\"States.ALL\"], next = \"Done\" }]\n",
            )
            .replace(
                "task\"\nname = \"A\"",
                "task\"\nname = \"A\"\nbehaviour = { kind = \"throw\" }",
            );
        let sim = run(&machine("", "Fulfil", &caught), 1);
        assert_eq!(entered(&sim, "Done"), vec![580]);
        assert_eq!(
            execution(&sim).1,
            Disposition::Succeeded {
                status: None,
                destination: None
            }
        );
    }

    fn most_at_once(sim: &Sim, state: &str) -> u32 {
        let tl = Timeline::new(sim.topology().clone(), sim.trace().to_vec());
        let node = sim
            .topology()
            .by_key(&format!("state:sm:{state}"))
            .unwrap()
            .id
            .0 as usize;
        let mut most = 0;
        let mut active = 0i64;
        for e in sim.trace() {
            match &e.kind {
                Trace::StateEntered { state, .. } if state.0 as usize == node => active += 1,
                Trace::StateExited { state, .. } if state.0 as usize == node => active -= 1,
                _ => {}
            }
            most = most.max(active);
        }
        // The view model agrees at the busiest instant it can see.
        let peak = (0..sim.horizon().as_ms())
            .step_by(50)
            .map(|t| tl.scene_at(SimTime(t)).nodes[node].active)
            .max()
            .unwrap();
        assert_eq!(peak as i64, most);
        most as u32
    }

    /// SFN-MAP: MaxConcurrency bounds the iterations running at once; inline Map runs at most 40
    /// whatever MaxConcurrency says (0 = no explicit limit).
    #[test]
    fn map_respects_max_concurrency_and_the_inline_cap() {
        let map = |items: u32, mc: u32| {
            format!(
                "[[sources.states]]\ntype = \"map\"\nname = \"Each\"\nitem_processor_start_at = \"Work\"\nitems = {items}\nmax_concurrency = {mc}\nend = true\n{}",
                task("Work", None, "duration = { distribution = \"fixed\", ms = 1000 }")
            )
        };
        let sim = run(&machine("", "Each", &map(10, 3)), 1);
        assert_eq!(most_at_once(&sim, "Work"), 3);
        assert_eq!(tasks_of(&sim, "Work").len(), 10);
        assert_eq!(
            execution(&sim).1,
            Disposition::Succeeded {
                status: None,
                destination: None
            }
        );
        let items: Vec<u32> = sim
            .trace()
            .iter()
            .filter_map(|e| match &e.kind {
                Trace::StateEntered { item: Some(i), .. } => Some(*i),
                _ => None,
            })
            .collect();
        assert_eq!(items, (0..10).collect::<Vec<_>>());
        let sim = run(&machine("", "Each", &map(100, 0)), 1);
        assert_eq!(most_at_once(&sim, "Work"), 40);
        let sim = run(&machine("", "Each", &map(100, 500)), 1);
        assert_eq!(most_at_once(&sim, "Work"), 40);
    }

    /// A poison item fails its iteration; the Map fails fast like Parallel and a Catch handles it.
    #[test]
    fn map_item_failure_fails_the_map() {
        let states = format!(
            "[[sources.states]]\ntype = \"map\"\nname = \"Each\"\nitem_processor_start_at = \"Work\"\nitems = 6\nmax_concurrency = 2\nnext = \"Done\"\ncatch = [{{ error_equals = [\"BadItem\"], next = \"Report\" }}]\n{}{}[[sources.states]]\ntype = \"succeed\"\nname = \"Done\"\n",
            task("Work", None, "error_type = \"BadItem\""),
            task("Report", None, "")
        );
        let sim = run(&machine("poison_items = [3]", "Each", &states), 1);
        assert!(entered(&sim, "Done").is_empty());
        assert_eq!(entered(&sim, "Report").len(), 1);
        assert!(
            tasks_of(&sim, "Work").len() <= 5,
            "items after the failure never start"
        );
        let bad = sim.trace().iter().find_map(|e| match &e.kind {
            Trace::Disposed {
                disposition: Disposition::ErrorReturned { error, .. },
                ..
            } => Some(error.clone()),
            _ => None,
        });
        assert_eq!(bad.as_deref(), Some("BadItem"));
    }
}

mod callback {
    use super::*;

    fn approve(extra: &str) -> String {
        machine(
            "",
            "Approve",
            &task(
                "Approve",
                None,
                &format!("resource = \"arn:aws:states:::lambda:invoke.waitForTaskToken\"\n{extra}"),
            ),
        )
    }

    /// SFN-LAMBDA / SFN-HB: the function's answer only hands the token over; the state waits for
    /// SendTaskSuccess.
    #[test]
    fn waits_for_send_task_success() {
        let sim = run(&approve("callback = { after_ms = 5000 }"), 1);
        // Function done at 540, token at the worker 620, SendTaskSuccess at 5 620, arrives 5 660.
        assert_eq!(
            execution(&sim),
            (
                5660,
                Disposition::Succeeded {
                    status: None,
                    destination: None
                }
            )
        );
        assert_eq!(
            count(&sim, |k| matches!(
                k,
                Trace::CallbackReceived {
                    callback: CallbackKind::Success,
                    ..
                }
            )),
            1
        );
        let t = tasks_of(&sim, "Approve")[0];
        assert_eq!(disposition(&sim, t.0).map(|d| d.0), Some(5660));
    }

    /// SFN-HB: heartbeats restart the HeartbeatSeconds clock; without them the task fails with
    /// States.HeartbeatTimeout, and TimeoutSeconds caps the whole wait with States.Timeout.
    #[test]
    fn heartbeats_and_timeouts() {
        let beating = run(
            &approve(
                "heartbeat_seconds = 3\ncallback = { after_ms = 7000, heartbeat_every_ms = 2000 }",
            ),
            1,
        );
        assert_eq!(
            count(&beating, |k| matches!(
                k,
                Trace::CallbackReceived {
                    callback: CallbackKind::Heartbeat,
                    ..
                }
            )),
            3
        );
        assert_eq!(
            execution(&beating),
            (
                7660,
                Disposition::Succeeded {
                    status: None,
                    destination: None
                }
            )
        );

        let silent = run(
            &approve("heartbeat_seconds = 3\ncallback = { after_ms = 7000 }"),
            1,
        );
        assert_eq!(
            execution(&silent),
            (
                3000,
                Disposition::ExecutionFailed {
                    error: "States.HeartbeatTimeout".into(),
                    state: "Approve".into()
                }
            )
        );
        assert_eq!(
            count(&silent, |k| matches!(k, Trace::CallbackReceived { .. })),
            0,
            "the late answer is refused"
        );

        let slow = run(
            &approve(
                "timeout_seconds = 4\ncallback = { after_ms = 10000, heartbeat_every_ms = 1000 }",
            ),
            1,
        );
        assert_eq!(
            execution(&slow),
            (
                4000,
                Disposition::ExecutionFailed {
                    error: "States.Timeout".into(),
                    state: "Approve".into()
                }
            )
        );

        let never = run(&approve("timeout_seconds = 20"), 1);
        assert_eq!(
            execution(&never).0,
            20_000,
            "no worker answer at all: the timeout ends it"
        );
    }

    /// SFN-HB: SendTaskFailure fails the task with the worker's error, which Catch can handle.
    #[test]
    fn send_task_failure_is_caught() {
        let states = format!(
            "{}{}",
            task("Approve", None, "resource = \"arn:aws:states:::lambda:invoke.waitForTaskToken\"\ncallback = { after_ms = 1000, outcome = \"failure\", error = \"Rejected\" }\ncatch = [{ error_equals = [\"Rejected\"], next = \"Notify\" }]"),
            task("Notify", None, "")
        );
        let sim = run(&machine("", "Approve", &states), 1);
        assert_eq!(entered(&sim, "Notify"), vec![1660]);
        assert_eq!(
            execution(&sim).1,
            Disposition::Succeeded {
                status: None,
                destination: None
            }
        );
    }

    /// A retried callback task gets a new token: the first try's worker is refused.
    #[test]
    fn a_retry_refuses_the_old_token() {
        let extra = "timeout_seconds = 2\ncallback = { after_ms = 2500 }\nretry = [{ error_equals = [\"States.Timeout\"], interval_seconds = 1, max_attempts = 1 }]";
        let sim = run(&approve(extra), 1);
        // Try 1 times out at 2 000 (its worker would answer at 3 160: refused). Try 2 starts at
        // 3 000, its function answers at 3 280, the worker at 5 820 — after its own timeout (5 000).
        assert_eq!(
            count(&sim, |k| matches!(k, Trace::CallbackReceived { .. })),
            0
        );
        assert_eq!(
            execution(&sim),
            (
                5000,
                Disposition::ExecutionFailed {
                    error: "States.Timeout".into(),
                    state: "Approve".into()
                }
            )
        );
    }
}

mod validation {
    use super::*;

    fn fields(text: &str) -> Vec<String> {
        Scenario::parse("bad.toml", text)
            .unwrap_err()
            .errors
            .into_iter()
            .map(|e| format!("{}: {}", e.field, e.message))
            .collect()
    }

    #[test]
    fn definitions_are_checked_as_asl_does() {
        let e = fields(&machine("", "Nope", &task("A", Some("Missing"), "")));
        assert!(
            e[0].starts_with("sources[0].start_at: `Nope` is not a state"),
            "{e:?}"
        );
        assert!(
            e[1].starts_with("sources[0].states[0].next: `Missing`"),
            "{e:?}"
        );

        let e = fields(&machine("", "A", &task("A", None, "retry = [{ error_equals = [\"States.ALL\", \"X\"], backoff_rate = 0.5, max_delay_seconds = 0 }]")));
        assert_eq!(e.len(), 3, "{e:?}");
        // Each field's own range first (declared), then the rules of the definition.
        assert!(
            e[0].contains("backoff_rate: must be a number from 1 to 1000 (got 0.5)")
                && e[1].contains("max_delay_seconds")
                && e[2].contains("States.ALL"),
            "{e:?}"
        );

        let e = fields(&machine("", "A", &task("A", None, "heartbeat_seconds = 5")));
        assert!(e[0].contains("waitForTaskToken"), "{e:?}");

        let e = fields(&machine(
            "",
            "A",
            &format!("{}{}", task("A", Some("B"), ""), task("B", Some("A"), "")),
        ));
        assert!(
            e[0].contains("A → B → A") && e[0].contains("loops forever"),
            "{e:?}"
        );

        let e = fields(&machine(
            "",
            "A",
            &format!("{}{}", task("A", None, ""), task("Orphan", None, "")),
        ));
        assert!(e[0].contains("`Orphan` can never be reached"), "{e:?}");

        let e = fields(&machine(
            "",
            "A",
            &task("A", None, "resource = \"arn:aws:states:::sqs:sendMessage\""),
        ));
        assert!(
            e[0].contains("must be one of `arn:aws:states:::lambda:invoke`")
                && e[0].ends_with("— SFN-LAMBDA"),
            "{e:?}"
        );

        let unknown = Scenario::parse(
            "bad.toml",
            &machine("", "A", &task("A", None, "retries = 3")),
        )
        .unwrap_err();
        assert!(
            unknown.errors[0].message.contains("retries"),
            "{}",
            unknown.errors[0].message
        );
    }
}

mod properties {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: crate::soak::cases(64), ..ProptestConfig::default() })]

        /// Random machines (task behaviours, retriers with jitter, Parallel/Map, catches) and seeds:
        /// every execution ends exactly once or is still running; no invocation is disposed twice;
        /// a Map never runs more iterations than its limit; same seed ⇒ same trace.
        #[test]
        fn executions_end_once_and_runs_are_deterministic(
            p_fail in 0u32..4, attempts in 0u32..4, interval in 1u64..3, jitter in any::<bool>(), items in 0u32..12, mc in 0u32..5,
            reserved in prop::option::of(1u32..4), catch in any::<bool>(), executions in 1u64..4, seed in any::<u64>(),
        ) {
            let _timer = crate::soak::time_case("executions_end_once_and_runs_are_deterministic", || {
                format!("p_fail {p_fail}/4, {attempts} attempts, interval {interval} s, jitter {jitter}, {items} items, max concurrency {mc}, reserved {reserved:?}, catch {catch}, {executions} executions, seed {seed}")
            });
            let retry = format!("retry = [{{ error_equals = [\"States.ALL\"], interval_seconds = {interval}, max_attempts = {attempts}, jitter_strategy = \"{}\" }}]", if jitter { "FULL" } else { "NONE" });
            let behaviour = format!("behaviour = {{ kind = \"throw_probability\", p = {} }}", p_fail as f64 / 4.0);
            let catch_line = if catch { "catch = [{ error_equals = [\"States.ALL\"], next = \"Cleanup\" }]\n" } else { "" };
            let states = format!(
                "[[sources.states]]\ntype = \"map\"\nname = \"Each\"\nitem_processor_start_at = \"Work\"\nitems = {items}\nmax_concurrency = {mc}\nnext = \"Both\"\n{catch_line}{}[[sources.states]]\ntype = \"parallel\"\nname = \"Both\"\nbranches = [\"Left\", \"Right\"]\nend = true\n{catch_line}{}{}{}",
                task("Work", None, &format!("{behaviour}\n{retry}")),
                task("Left", None, &behaviour),
                task("Right", None, &format!("{retry}\nduration = {{ distribution = \"uniform\", min_ms = 50, max_ms = 900 }}")),
                if catch { task("Cleanup", None, "") } else { String::new() },
            );
            let mut function = String::new();
            if let Some(r) = reserved {
                function += &format!("reserved_concurrency = {r}\n");
            }
            let text = machine(&function, "Each", &states).replace("horizon_s = 120", "horizon_s = 900").replace("[[workload]]\nsource = \"sm\"\n", &format!("[[workload]]\nsource = \"sm\"\ncount = {executions}\n"));
            let sim = run(&text, seed);
            let mut seen = BTreeMap::new();
            for e in sim.trace() {
                if let Trace::Disposed { inv, .. } = &e.kind {
                    prop_assert!(seen.insert(*inv, ()).is_none(), "{:?} disposed twice", inv);
                }
            }
            // Executions are the state machine's own invocations (status None); each ends once, and
            // within the 15-minute horizon every one of them ends.
            let ended = sim.trace().iter().filter(|e| matches!(&e.kind,
                Trace::Disposed { disposition: Disposition::Succeeded { status: None, .. } | Disposition::ExecutionFailed { .. }, .. }
            )).count() as u64;
            prop_assert_eq!(ended, executions);
            let limit = if mc == 0 { 40 } else { mc.min(40) } as i64 * executions as i64;
            let work = sim.topology().by_key("state:sm:Work").unwrap().id;
            let mut active = 0i64;
            for e in sim.trace() {
                match &e.kind {
                    Trace::StateEntered { state, .. } if *state == work => active += 1,
                    Trace::StateExited { state, .. } if *state == work => active -= 1,
                    _ => {}
                }
                prop_assert!(active <= limit);
            }
            let again = run(&text, seed);
            prop_assert_eq!(sim.trace(), again.trace());
        }
    }
}

mod content {
    use super::*;

    fn files() -> Vec<(String, String)> {
        crate::content_files::content_files("scenarios", &["stepfunctions-"])
    }

    #[test]
    fn every_step_functions_story_parses_runs_and_is_narrated() {
        let files = files();
        assert!(files.len() >= 5, "found {}", files.len());
        for (name, text) in files {
            let s = Scenario::parse(&name, &text).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(format!("{}.toml", s.id()), name);
            let mut sim = Sim::new(&s, 1);
            sim.run();
            for i in 0..sim.trace().len() {
                assert!(!narrate::sentence(sim.topology(), sim.trace(), i).is_empty());
            }
            let a = lambdascope_sim::Run::new(&s, 3, Vec::new());
            let b = lambdascope_sim::Run::new(&s, 3, Vec::new());
            assert_eq!(a.trace(), b.trace(), "{name}: deterministic");
        }
    }

    /// Each story ends the way the sheet says, for several seeds.
    #[test]
    fn bundled_step_functions_stories_match_the_fact_sheet() {
        for seed in [1, 2, 3, 42] {
            // SFN-LAMBDA: three tasks and the execution succeed.
            let s = run_bundled("stepfunctions-sequence", seed);
            assert_eq!(disposition_counts(&s), BTreeMap::from([("succeeded", 4)]));

            // SFN-ERR: 1 + 3 runs of Charge (2 s, 4 s, 8 s apart), then Catch → NotifyCustomer.
            let s = run_bundled("stepfunctions-retry-catch", seed);
            assert_eq!(
                disposition_counts(&s),
                BTreeMap::from([("caught", 1), ("succeeded", 2)])
            );
            let dues: Vec<u64> = s
                .trace()
                .iter()
                .filter_map(|e| match &e.kind {
                    Trace::RetryScheduled { due, .. } => Some(due.since(e.at)),
                    _ => None,
                })
                .collect();
            assert_eq!(dues, vec![2000, 4000, 8000]);

            // SFN-PAR: fail fast; the other branch's invocation is abandoned but runs to its end.
            let s = run_bundled("stepfunctions-parallel-fail-fast", seed);
            assert_eq!(
                disposition_counts(&s),
                BTreeMap::from([
                    ("abandoned", 1),
                    ("error_returned", 1),
                    ("execution_failed", 1)
                ])
            );
            assert_eq!(s.totals().handler_runs, 2);

            // SFN-MAP: 12 items, never more than 4 at once.
            let s = run_bundled("stepfunctions-map", seed);
            assert_eq!(disposition_counts(&s), BTreeMap::from([("succeeded", 13)]));
            assert!(s.totals().peak_concurrency <= 4);

            // SFN-HB: heartbeats keep the task alive until SendTaskSuccess.
            let s = run_bundled("stepfunctions-callback", seed);
            assert_eq!(disposition_counts(&s), BTreeMap::from([("succeeded", 3)]));
            assert!(
                s.trace()
                    .iter()
                    .filter(|e| matches!(
                        e.kind,
                        Trace::CallbackReceived {
                            callback: CallbackKind::Heartbeat,
                            ..
                        }
                    ))
                    .count()
                    >= 4
            );

            // SFN-BP / SFN-JITTER: throttles are Lambda.TooManyRequestsException, retried with jitter.
            let s = run_bundled("stepfunctions-throttle-retry", seed);
            assert!(s.totals().throttles > 0);
            assert_eq!(disposition_counts(&s), BTreeMap::from([("succeeded", 11)]));
        }
    }
}

mod errors {
    use lambdascope_sim::scenario::error_matches;

    /// SFN-ERR / SFN-BP: what `States.ALL` and `States.TaskFailed` match.
    #[test]
    fn wildcards_match_as_the_sheet_says() {
        let l = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert!(error_matches(&l(&["States.ALL"]), "Lambda.Unknown"));
        assert!(error_matches(&l(&["States.TaskFailed"]), "Lambda.Unknown"));
        assert!(error_matches(&l(&["States.ALL"]), "States.Timeout"));
        assert!(!error_matches(&l(&["States.TaskFailed"]), "States.Timeout"));
        assert!(!error_matches(&l(&["States.ALL"]), "States.Runtime"));
        assert!(!error_matches(
            &l(&["States.ALL"]),
            "States.DataLimitExceeded"
        ));
        assert!(error_matches(&l(&["States.Runtime"]), "States.Runtime"));
        assert!(!error_matches(&l(&["CardDeclined"]), "Lambda.Unknown"));
    }
}

mod history {
    use super::*;

    /// SFN-MAP (history ≤ 25,000 events) / SFN-ERR (`States.ALL` does not catch
    /// `States.Runtime`): a Catch that loops back forever ends the execution instead of running
    /// until the horizon, and nothing can catch that.
    #[test]
    fn a_catch_loop_hits_the_history_limit() {
        let states = "[[sources.states]]\ntype = \"parallel\"\nname = \"Loop\"\nbranches = [\"Boom\"]\nend = true\ncatch = [{ error_equals = [\"States.ALL\"], next = \"Loop\" }]\n[[sources.states]]\ntype = \"fail\"\nname = \"Boom\"\nerror = \"Boom\"\n";
        let sim = run(&machine("", "Loop", states), 1);
        assert_eq!(
            execution(&sim),
            (
                0,
                Disposition::ExecutionFailed {
                    error: "States.Runtime".into(),
                    state: "Loop".into()
                }
            )
        );
        assert_eq!(
            count(&sim, |k| matches!(k, Trace::StateEntered { .. })),
            25_001
        );
    }
}
