//! Validation: each field against its own declaration first, then the rules that relate fields
//! (AWS's own, each with its sheet row). Configurations AWS itself refuses are refused here with
//! AWS's reason.

use super::*;

pub(crate) fn check_range(
    errors: &mut Vec<(String, String)>,
    field: &str,
    value: u64,
    lo: u64,
    hi: u64,
    why: &str,
) {
    if value < lo || value > hi {
        errors.push((
            field.to_string(),
            format!("must be from {lo} to {hi} (got {value}): {why}"),
        ));
    }
}

/// A uniform distribution's bounds: `max_ms` at least `min_ms`.
pub(crate) fn check_uniform(
    errors: &mut Vec<(String, String)>,
    field: String,
    min_ms: u64,
    max_ms: u64,
) {
    if max_ms < min_ms {
        errors.push((
            field,
            format!("must be at least min_ms ({min_ms}) (got {max_ms})"),
        ));
    }
}

/// Every rule of a scenario: first each field against its own declaration (range, words), then
/// the rules that relate fields, each AWS's own, with the sheet row it comes from.
pub fn validate(s: &ScenarioFile) -> Vec<(String, String)> {
    let mut e: Vec<(String, String)> = Vec::new();
    schema::check_table(ScenarioFile::FIELDS, &s.to_table(), "", &mut e);
    if s.format_version != FORMAT_VERSION {
        e.push((
            "format_version".into(),
            format!(
                "must be {FORMAT_VERSION}: this build reads format_version = {FORMAT_VERSION} (got {})",
                s.format_version
            ),
        ));
    }
    if s.id.is_empty()
        || s.id.len() > 64
        || !s
            .id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        e.push((
            "id".into(),
            format!(
                "must be 1–64 lowercase letters, digits and `-` (got {})",
                schema::quote(&s.id)
            ),
        ));
    }
    let f = &s.function;
    if let DurationDist::Uniform { min_ms, max_ms } = f.duration {
        check_uniform(&mut e, "function.duration.max_ms".into(), min_ms, max_ms);
    }
    let max_reserved = s
        .account
        .concurrency
        .saturating_sub(s.account.minimum_unreserved);
    if let Some(r) = f.reserved_concurrency {
        if r > max_reserved {
            e.push((
                "function.reserved_concurrency".into(),
                format!(
                    "must be from 0 to {max_reserved} (got {r}): at least {} must stay unreserved (account concurrency {} − {}), L-RESERVED",
                    s.account.minimum_unreserved, s.account.concurrency, s.account.minimum_unreserved
                ),
            ));
        }
        if f.provisioned_concurrency > r {
            e.push((
                "function.provisioned_concurrency".into(),
                format!("{} exceeds reserved concurrency {r}: provisioned environments count against it", f.provisioned_concurrency),
            ));
        }
    }
    if f.provisioned_concurrency > s.account.concurrency {
        e.push((
            "function.provisioned_concurrency".into(),
            format!(
                "{} exceeds account concurrency {}",
                f.provisioned_concurrency, s.account.concurrency
            ),
        ));
    }
    // Other functions use the unreserved pool only: what they hold must leave room for this
    // function's own reservation and the unreserved minimum (L-RESERVED).
    let others = s.account.other_functions_concurrency;
    let reserved = f.reserved_concurrency.unwrap_or(0);
    if others > s.account.concurrency.saturating_sub(reserved) {
        e.push((
            "account.other_functions_concurrency".into(),
            format!(
                "must be at most {} (got {others}): other functions share what the account's {} leave after this function's reservation of {reserved} (L-RESERVED)",
                s.account.concurrency.saturating_sub(reserved),
                s.account.concurrency
            ),
        ));
    }
    let a = &s.async_config;
    if a.retry_delays_s.len() < a.maximum_retry_attempts as usize {
        e.push((
            "async.retry_delays_s".into(),
            format!(
                "has {} delays but maximum_retry_attempts is {}: give one delay per retry",
                a.retry_delays_s.len(),
                a.maximum_retry_attempts
            ),
        ));
    }
    if a.throttle_backoff_max_ms < a.throttle_backoff_initial_ms {
        e.push((
            "async.throttle_backoff_max_ms".into(),
            format!(
                "must be at least throttle_backoff_initial_ms ({}) (got {})",
                a.throttle_backoff_initial_ms, a.throttle_backoff_max_ms
            ),
        ));
    }
    for (name, dest, is_dlq, on_success) in [
        ("async.on_success", &a.on_success, false, true),
        ("async.on_failure", &a.on_failure, false, false),
        ("async.dead_letter_queue", &a.dead_letter_queue, true, false),
    ] {
        if let Some(d) = dest {
            if d.fifo {
                e.push((format!("{name}.fifo"), "FIFO queues and topics are not supported as destinations or dead-letter queues (L-ASYNC-REC)".into()));
            }
            if is_dlq && !matches!(d.kind, DestinationKind::Sqs | DestinationKind::Sns) {
                e.push((
                    format!("{name}.kind"),
                    format!(
                        "must be `sqs` or `sns` for a dead-letter queue (got {}; L-ASYNC-REC)",
                        schema::quote(d.kind.word())
                    ),
                ));
            }
            if on_success && d.kind == DestinationKind::S3 {
                e.push((
                    format!("{name}.kind"),
                    "an S3 bucket can only be an on-failure destination (L-ASYNC-REC)".into(),
                ));
            }
            if d.name.is_empty() {
                e.push((format!("{name}.name"), "must not be empty".into()));
            }
        }
    }
    if s.sources.is_empty() {
        e.push((
            "sources".into(),
            "a scenario needs at least one [[sources]] entry".into(),
        ));
    }
    let mut ids: Vec<&str> = Vec::new();
    for (i, src) in s.sources.iter().enumerate() {
        let p = |k: &str| format!("sources[{i}].{k}");
        let id = src.id();
        if id.is_empty()
            || !id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            e.push((
                p("id"),
                format!(
                    "must be letters, digits, `-` and `_` (got {})",
                    schema::quote(id)
                ),
            ));
        }
        if ids.contains(&id) {
            e.push((
                p("id"),
                format!("`{id}` is used by two sources: ids must be unique"),
            ));
        }
        ids.push(id);
        match src {
            Source::ApiGateway(api) => {
                let t = api.integration_timeout_ms();
                match api.api_type {
                    ApiType::Http => check_range(&mut e, &p("integration_timeout_ms"), t, 50, 30_000, "an HTTP API's integration timeout is at most 30 s and cannot be raised, APIGW-HTTPQ"),
                    ApiType::Websocket => check_range(&mut e, &p("integration_timeout_ms"), t, 50, 29_000, "a WebSocket API's integration timeout, APIGW-WSQ"),
                    ApiType::Rest if api.timeout_quota_raised => check_range(&mut e, &p("integration_timeout_ms"), t, 50, 300_000, "a Regional/private REST API with a raised quota, APIGW-2024 / APIGW-RP300"),
                    ApiType::Rest => check_range(&mut e, &p("integration_timeout_ms"), t, 50, 29_000, "a REST API; above 29 s needs timeout_quota_raised = true, APIGW-2017 / APIGW-2024"),
                }
                if api.timeout_quota_raised && api.api_type != ApiType::Rest {
                    e.push((p("timeout_quota_raised"), "only Regional and private REST APIs can raise the integration timeout (APIGW-2024)".into()));
                }
            }
            Source::Cloudfront(_) => {
                if f.provisioned_concurrency > 0 {
                    e.push((
                        "function.provisioned_concurrency".into(),
                        "Lambda@Edge functions cannot use provisioned concurrency (CF-RESTR)"
                            .into(),
                    ));
                }
            }
            Source::Custom(c) => {
                if c.sdk_max_backoff_ms < c.sdk_backoff_base_ms {
                    e.push((
                        p("sdk_max_backoff_ms"),
                        format!(
                            "must be at least sdk_backoff_base_ms ({}) (got {})",
                            c.sdk_backoff_base_ms, c.sdk_max_backoff_ms
                        ),
                    ));
                }
            }
            Source::S3(_) => {}
            Source::Sns(sns) => {
                if sns.dead_letter_queue.as_deref() == Some("") {
                    e.push((p("dead_letter_queue"), "must not be empty".into()));
                }
            }
            Source::EventBridge(eb) => {
                if eb.retry_backoff_max_ms < eb.retry_backoff_initial_ms {
                    e.push((
                        p("retry_backoff_max_ms"),
                        format!(
                            "must be at least retry_backoff_initial_ms ({}) (got {})",
                            eb.retry_backoff_initial_ms, eb.retry_backoff_max_ms
                        ),
                    ));
                }
            }
            Source::Sqs(q) => polling::validate_sqs(&mut e, &p, q, f),
            Source::Kinesis(k) => polling::validate_kinesis(&mut e, &p, k),
            Source::DynamodbStreams(d) => polling::validate_dynamodb(&mut e, &p, d),
            Source::StepFunctions(m) => stepfunctions::validate_step_functions(&mut e, &p, m),
        }
    }
    polling::validate_item_behaviour(&mut e, f);
    let mut total_events: u64 = 0;
    for (i, w) in s.workload.iter().enumerate() {
        let p = |k: &str| format!("workload[{i}].{k}");
        let Some(src) = s.sources.iter().find(|x| x.id() == w.source) else {
            let known: Vec<&str> = s.sources.iter().map(|x| x.id()).collect();
            e.push((
                p("source"),
                format!(
                    "must be the id of a source of this scenario: one of {} (got {})",
                    schema::quoted(&known),
                    schema::quote(&w.source)
                ),
            ));
            continue;
        };
        if src.method() == Method::Polling && w.payload_bytes > BATCH_PAYLOAD_LIMIT {
            e.push((p("payload_bytes"), format!("{} is over the 6 MB batch payload cap: a message or record must fit in one batch (L-ESM)", w.payload_bytes)));
        }
        match w.pattern {
            Pattern::Burst => {
                if w.repeat > 1 && w.every_ms == 0 {
                    e.push((
                        p("every_ms"),
                        "must be at least 1 when repeat > 1 (got 0)".into(),
                    ));
                }
            }
            Pattern::Rate => {
                check_range(
                    &mut e,
                    &p("rate_per_s"),
                    w.rate_per_s,
                    1,
                    100_000,
                    "events per second of a rate",
                );
                check_range(
                    &mut e,
                    &p("duration_s"),
                    w.duration_s,
                    1,
                    MAX_HORIZON_S,
                    "how long a rate lasts",
                );
            }
        }
        total_events = total_events.saturating_add(w.total());
    }
    if total_events > 10_000_000 {
        e.push((
            "workload".into(),
            format!("produces {total_events} events: at most 10,000,000 per scenario"),
        ));
    }
    e
}
