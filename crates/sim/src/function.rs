//! The function and its concurrency model (§4 of the fact sheet).
//!
//! * Execution environments are Initialising → Busy → Idle (warm) and reused (L-ENV [D]).
//!   Warm environments live for the whole run: when Lambda reaps idle environments is not in the
//!   sheet, and runs here are minutes to hours long.
//! * Provisioned environments exist from the start, initialised; traffic above them spills to
//!   on-demand environments with cold starts (L-RESERVED [D], spill-over wording [S]).
//! * Concurrency = environments initialising or busy. The cap is the reserved concurrency if set
//!   (which may be 0), else what the account's other functions leave of the account concurrency
//!   (L-RESERVED [D], L-QUOTAS [D]).
//! * New environments are limited to `scaling_rate_per_10s` (1,000) per 10 s, refilled
//!   continuously and not banked beyond one bucket (L-SCALING [D]).
//! * Over either limit the invoke is throttled with a reason (L-THROTTLE-EXC [D]); the code never runs.

use serde::Serialize;

use crate::scenario::{Account, Behaviour, DurationDist, Function};
use crate::time::SimTime;
use crate::trace::{AttemptOutcome, EnvId, ThrottleReason};
use crate::world::Sim;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnvState {
    Busy,
    Idle,
}

#[derive(Clone, Debug)]
pub struct Env {
    pub provisioned: bool,
    pub state: EnvState,
}

/// The pool of execution environments and the limits on it.
#[derive(Clone, Debug)]
pub struct Environments {
    pub envs: Vec<Env>,
    idle_provisioned: Vec<EnvId>,
    idle_on_demand: Vec<EnvId>,
    /// Environments initialising or running a handler: the concurrency in use.
    pub busy: u32,
    limit: u32,
    limit_is_reserved: bool,
    scaling: ScalingBudget,
}

/// One environment in the scaling bucket's units: its refill is then `per_10s` units per ms,
/// exact in integers (10 s = 10,000 ms).
const ENV_UNITS: u64 = 10_000;

/// The scaling-rate bucket (L-SCALING [D], §4): `per_10s` new execution environments per 10 s,
/// refilled continuously, never banked beyond `per_10s`. The engine takes from it when it creates
/// an on-demand environment; the scene replays the same takes from the trace's
/// `EnvironmentCreated { provisioned: false }` events to show what is left at any instant.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScalingBudget {
    /// In 1/10,000ths of an environment, as of `at`.
    units: u64,
    per_10s: u64,
    at: SimTime,
}

/// What the scaling budget looks like at one instant (for the diagram and the legend).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ScalingView {
    /// New environments Lambda may create right now.
    pub left: u32,
    /// The rate: this many environments per 10 s, refilled continuously, and also the most the
    /// bucket holds (unused rate is not banked beyond it).
    pub per_10s: u32,
    /// Until one more environment is allowed (0 when one is, or the bucket is full).
    pub next_in_ms: u64,
    /// Until the bucket is full again (0 when it is).
    pub full_in_ms: u64,
}

impl ScalingBudget {
    /// A full bucket at time zero.
    pub fn full(per_10s: u32) -> ScalingBudget {
        let per_10s = u64::from(per_10s);
        ScalingBudget {
            units: per_10s * ENV_UNITS,
            per_10s,
            at: SimTime::ZERO,
        }
    }

    fn cap(&self) -> u64 {
        self.per_10s * ENV_UNITS
    }

    /// Units at `now`: what was left plus the refill since, up to the cap.
    fn units_at(&self, now: SimTime) -> u64 {
        self.units
            .saturating_add(now.since(self.at).saturating_mul(self.per_10s))
            .min(self.cap())
    }

    /// Takes one new environment's worth at `now`, if the bucket holds it.
    pub fn take(&mut self, now: SimTime) -> bool {
        self.units = self.units_at(now);
        self.at = now;
        if self.units < ENV_UNITS {
            return false;
        }
        self.units -= ENV_UNITS;
        true
    }

    pub fn view(&self, now: SimTime) -> ScalingView {
        let units = self.units_at(now);
        // Whole milliseconds until `target` units, rounded up (the refill is per ms).
        let until = |target: u64| target.saturating_sub(units).div_ceil(self.per_10s.max(1));
        let next = if units >= ENV_UNITS || units == self.cap() {
            0
        } else {
            until(ENV_UNITS)
        };
        ScalingView {
            left: u32::try_from(units / ENV_UNITS).unwrap_or(u32::MAX),
            per_10s: u32::try_from(self.per_10s).unwrap_or(u32::MAX),
            next_in_ms: next,
            full_in_ms: until(self.cap()),
        }
    }
}

impl Environments {
    pub fn new(account: &Account, function: &Function) -> Environments {
        // A reservation is this function's own; without one it shares the account's unreserved
        // pool with the other functions, whatever they are using (L-RESERVED [D]).
        let (limit, limit_is_reserved) = match function.reserved_concurrency {
            Some(r) => (r, true),
            None => (
                account
                    .concurrency
                    .saturating_sub(account.other_functions_concurrency),
                false,
            ),
        };
        Environments {
            envs: Vec::new(),
            idle_provisioned: Vec::new(),
            idle_on_demand: Vec::new(),
            busy: 0,
            limit,
            limit_is_reserved,
            scaling: ScalingBudget::full(account.scaling_rate_per_10s),
        }
    }

    pub fn add_provisioned(&mut self) -> EnvId {
        let id = EnvId(self.envs.len() as u32);
        self.envs.push(Env {
            provisioned: true,
            state: EnvState::Idle,
        });
        self.idle_provisioned.push(id);
        id
    }

    /// Takes an environment for one handler run: `Ok((env, cold, created))` or the throttle reason.
    pub fn acquire(
        &mut self,
        now: SimTime,
        forced_throttle: bool,
    ) -> Result<(EnvId, bool, bool), ThrottleReason> {
        if forced_throttle {
            return Err(ThrottleReason::ConcurrentInvocationLimitExceeded);
        }
        if self.busy >= self.limit {
            return Err(if self.limit_is_reserved {
                ThrottleReason::ReservedFunctionConcurrentInvocationLimitExceeded
            } else {
                ThrottleReason::ConcurrentInvocationLimitExceeded
            });
        }
        // Provisioned first: they are initialised and already paid for.
        if let Some(id) = self
            .idle_provisioned
            .pop()
            .or_else(|| self.idle_on_demand.pop())
        {
            self.envs[id.0 as usize].state = EnvState::Busy;
            self.busy += 1;
            return Ok((id, false, false));
        }
        if !self.scaling.take(now) {
            return Err(ThrottleReason::FunctionInvocationRateLimitExceeded);
        }
        let id = EnvId(self.envs.len() as u32);
        self.envs.push(Env {
            provisioned: false,
            state: EnvState::Busy,
        });
        self.busy += 1;
        Ok((id, true, true))
    }

    pub fn scaling_at(&self, now: SimTime) -> ScalingView {
        self.scaling.view(now)
    }

    pub fn release(&mut self, id: EnvId) {
        let env = &mut self.envs[id.0 as usize];
        if env.state == EnvState::Busy {
            env.state = EnvState::Idle;
            self.busy -= 1;
            if env.provisioned {
                self.idle_provisioned.push(id);
            } else {
                self.idle_on_demand.push(id);
            }
        }
    }
}

/// The plan for one handler run, decided when it starts so its end time is known.
pub(crate) struct RunPlan {
    pub run_ms: u64,
    pub outcome: AttemptOutcome,
}

/// The Init phase may take 10 s; past that it is stopped and run again inside the first invoke,
/// where it counts against the function timeout (L-ENV [D]).
pub const INIT_LIMIT_MS: u64 = 10_000;

/// A cold start's Init time as the trace shows it, and the run as the invoke phase sees it: an
/// Init over [`INIT_LIMIT_MS`] is cut there, then repeated inside the invoke under `timeout_ms`
/// (L-ENV [D]), so the handler's run starts that much later and may time out.
fn with_init(init_ms: u64, plan: RunPlan, timeout_ms: u64) -> (u64, RunPlan) {
    if init_ms <= INIT_LIMIT_MS {
        return (init_ms, plan);
    }
    let invoke_ms = init_ms.saturating_add(plan.run_ms);
    let plan = if invoke_ms >= timeout_ms || plan.outcome == AttemptOutcome::TimedOut {
        RunPlan {
            run_ms: timeout_ms,
            outcome: AttemptOutcome::TimedOut,
        }
    } else {
        RunPlan {
            run_ms: invoke_ms,
            outcome: plan.outcome,
        }
    };
    (INIT_LIMIT_MS, plan)
}

/// A Step Functions task's own handler settings, used instead of the function's (one function
/// serves several Task states that behave differently).
#[derive(Clone, Debug, Default)]
pub(crate) struct RunOverride {
    pub duration: Option<DurationDist>,
    pub behaviour: Option<Behaviour>,
    pub error_type: Option<String>,
}

impl Sim {
    /// Decides how long a run takes and how it ends. `attempt` is 1-based per invocation;
    /// `timeout_ms` is the effective timeout (Lambda@Edge caps it by trigger).
    pub(crate) fn plan_run(
        &mut self,
        attempt: u32,
        timeout_ms: u64,
        response_limit: Option<u64>,
    ) -> RunPlan {
        self.plan_run_with(attempt, timeout_ms, response_limit, None)
    }

    /// [`Sim::plan_run`] with a task's own duration, behaviour and error name where it has them.
    pub(crate) fn plan_run_with(
        &mut self,
        attempt: u32,
        timeout_ms: u64,
        response_limit: Option<u64>,
        over: Option<&RunOverride>,
    ) -> RunPlan {
        let f = &self.scenario.file.function;
        let duration = over
            .and_then(|o| o.duration.as_ref())
            .unwrap_or(&f.duration);
        let behaviour = over
            .and_then(|o| o.behaviour.as_ref())
            .unwrap_or(&f.behaviour);
        let error_type = over
            .and_then(|o| o.error_type.as_ref())
            .unwrap_or(&f.error_type);
        let mut run_ms = match duration {
            DurationDist::Fixed { ms } => *ms,
            DurationDist::Uniform { min_ms, max_ms } => {
                self.rng_function.range_inclusive(*min_ms, *max_ms)
            }
        };
        if let Behaviour::Slow { factor } = *behaviour {
            run_ms = run_ms.saturating_mul(factor as u64);
        }
        if self.now < self.overrides.slow_until {
            run_ms = run_ms.saturating_mul(self.overrides.slow_factor as u64);
        }
        let mut throws = match behaviour {
            Behaviour::Throw => true,
            Behaviour::ThrowFirst { attempts } => attempt <= *attempts,
            Behaviour::ThrowProbability { p } => self.rng_function.chance(*p),
            _ => false,
        };
        let mut times_out = matches!(behaviour, Behaviour::TimeOut);
        if self.overrides.timeout_next > 0 {
            self.overrides.timeout_next -= 1;
            times_out = true;
        } else if self.overrides.fail_next > 0 {
            self.overrides.fail_next -= 1;
            throws = true;
        }
        if times_out || run_ms >= timeout_ms {
            // L-TIMEOUT / L-INVOKE: the runtime stops the handler at its timeout; Unhandled error.
            return RunPlan {
                run_ms: timeout_ms,
                outcome: AttemptOutcome::TimedOut,
            };
        }
        if throws {
            return RunPlan {
                run_ms,
                outcome: AttemptOutcome::FunctionError {
                    error_type: error_type.clone(),
                },
            };
        }
        if let Some(limit) = response_limit {
            if f.response_bytes > limit {
                return RunPlan {
                    run_ms,
                    outcome: AttemptOutcome::ResponseTooLarge { limit_bytes: limit },
                };
            }
        }
        RunPlan {
            run_ms,
            outcome: AttemptOutcome::Succeeded,
        }
    }

    /// Starts a handler run if Lambda has room. On success the run's end is scheduled and the
    /// `AttemptStarted` event emitted; on throttle the `Throttled` event is emitted.
    pub(crate) fn start_attempt(
        &mut self,
        inv: crate::trace::InvocationId,
        try_no: u32,
        timeout_ms: u64,
        response_limit: Option<u64>,
    ) -> Result<u32, ThrottleReason> {
        self.start_attempt_with(inv, try_no, timeout_ms, |sim, attempt| {
            let mut plan = sim.plan_run(attempt, timeout_ms, response_limit);
            // A poison event (`poison_items`): the handler cannot process this request or
            // notification, so every run of it fails, like a poison message in a batch.
            let f = &sim.scenario.file.function;
            let poison = sim
                .invocations
                .get(&inv)
                .is_some_and(|s| f.poison_items.contains(&(s.event.0 as u64)));
            if poison && plan.outcome.is_success() {
                plan.outcome = AttemptOutcome::FunctionError {
                    error_type: f.error_type.clone(),
                };
            }
            plan
        })
    }

    /// [`Sim::start_attempt`] with the run planned by `plan(sim, attempt)`: the same concurrency
    /// path (environments, limits, throttles) for a polled batch (whose plan decides which items
    /// fail) or a Step Functions task (with its own behaviour).
    pub(crate) fn start_attempt_with(
        &mut self,
        inv: crate::trace::InvocationId,
        try_no: u32,
        timeout_ms: u64,
        plan: impl FnOnce(&mut Sim, u32) -> RunPlan,
    ) -> Result<u32, ThrottleReason> {
        let forced = self.now < self.overrides.throttle_until;
        match self.envs.acquire(self.now, forced) {
            Err(reason) => {
                self.emit(crate::trace::Trace::Throttled { inv, reason });
                Err(reason)
            }
            Ok((env, cold, created)) => {
                if created {
                    self.emit(crate::trace::Trace::EnvironmentCreated {
                        env,
                        provisioned: false,
                    });
                }
                let attempt = {
                    let s = self.invocations.get_mut(&inv).expect("live invocation");
                    s.attempts += 1;
                    s.running += 1;
                    s.attempts
                };
                let plan = plan(self, attempt);
                let (init_ms, plan) = if cold {
                    with_init(self.scenario.file.function.init_ms, plan, timeout_ms)
                } else {
                    (0, plan)
                };
                let init_ends = self.now.plus(init_ms);
                let ends = init_ends.plus(plan.run_ms);
                self.emit(crate::trace::Trace::AttemptStarted {
                    inv,
                    attempt,
                    env,
                    cold,
                    init_ends,
                    ends,
                });
                self.agenda.push(
                    ends,
                    crate::world::Happening::AttemptEnd {
                        inv,
                        attempt,
                        try_no,
                        env,
                        outcome: plan.outcome,
                    },
                );
                Ok(attempt)
            }
        }
    }

    pub(crate) fn function_timeout_ms(&self) -> u64 {
        self.scenario.file.function.timeout_s as u64 * 1000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_bucket_allows_rate_then_refills_continuously() {
        let account = Account {
            concurrency: 100_000,
            minimum_unreserved: 100,
            scaling_rate_per_10s: 1000,
            other_functions_concurrency: 0,
        };
        let mut envs = Environments::new(&account, &Function::default());
        for _ in 0..1000 {
            assert!(envs.acquire(SimTime(0), false).is_ok());
        }
        assert_eq!(
            envs.acquire(SimTime(0), false),
            Err(ThrottleReason::FunctionInvocationRateLimitExceeded)
        );
        // 100 environments per second come back: 10 ms per environment.
        assert!(envs.acquire(SimTime(10), false).is_ok());
        assert!(envs.acquire(SimTime(10), false).is_err());
    }

    /// What the scene shows: whole environments left, and when the next one and a full bucket
    /// come back (10 ms per environment at 1,000 per 10 s).
    #[test]
    fn the_budget_view_counts_what_is_left_and_when_it_refills() {
        let mut b = ScalingBudget::full(1000);
        assert_eq!(
            b.view(SimTime(0)),
            ScalingView {
                left: 1000,
                per_10s: 1000,
                next_in_ms: 0,
                full_in_ms: 0
            }
        );
        for _ in 0..1000 {
            assert!(b.take(SimTime(40)));
        }
        assert!(!b.take(SimTime(40)));
        let v = b.view(SimTime(45));
        assert_eq!((v.left, v.next_in_ms, v.full_in_ms), (0, 5, 9_995));
        let v = b.view(SimTime(5_040));
        assert_eq!((v.left, v.next_in_ms, v.full_in_ms), (500, 0, 5_000));
        // Never banked beyond the rate.
        assert_eq!(b.view(SimTime(60_000)).left, 1000);
    }

    #[test]
    fn reserved_zero_throttles_with_reserved_reason() {
        let f = Function {
            reserved_concurrency: Some(0),
            ..Function::default()
        };
        let mut envs = Environments::new(&Account::default(), &f);
        assert_eq!(
            envs.acquire(SimTime(0), false),
            Err(ThrottleReason::ReservedFunctionConcurrentInvocationLimitExceeded)
        );
    }

    #[test]
    fn warm_environment_is_reused() {
        let mut envs = Environments::new(&Account::default(), &Function::default());
        let (a, cold, _) = envs.acquire(SimTime(0), false).unwrap();
        assert!(cold);
        envs.release(a);
        let (b, cold, _) = envs.acquire(SimTime(5), false).unwrap();
        assert_eq!(a, b);
        assert!(!cold);
    }
}
