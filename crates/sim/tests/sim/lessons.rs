//! Every lesson parses, plays to its end on its scenario and seed, and every question's answer
//! is derived from the simulation (and is one of its choices).

use lambdascope_sim::lesson::{Lesson, QuestionKind};
use lambdascope_sim::Scenario;

fn files(name: &str) -> Vec<(String, String)> {
    crate::content_files::content_files(name, &[])
}

#[test]
fn every_lesson_plays_to_its_end() {
    let scenarios: Vec<Scenario> = files("scenarios")
        .iter()
        .map(|(n, t)| Scenario::parse(n, t).unwrap())
        .collect();
    let lessons = files("lessons");
    assert!(lessons.len() >= 12, "found {} lessons", lessons.len());
    let mut chapters = std::collections::BTreeSet::new();
    for (name, text) in lessons {
        let lesson = Lesson::parse(&name, &text).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            chapters.insert(lesson.chapter),
            "{name}: chapter {} used twice",
            lesson.chapter
        );
        let scenario = scenarios
            .iter()
            .find(|s| s.id() == lesson.scenario)
            .unwrap_or_else(|| panic!("{name}: no scenario {}", lesson.scenario));
        let plan = lesson
            .plan(scenario)
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(plan.beats.len(), lesson.beats.len());
        let mut questions = 0;
        for (i, (beat, planned)) in lesson.beats.iter().zip(&plan.beats).enumerate() {
            assert!(
                planned.reached >= planned.starts,
                "{name} beat {i}: reached before it started"
            );
            assert!(
                !planned.narration.contains('{'),
                "{name} beat {i}: `{}` is not filled",
                planned.narration
            );
            if let Some(q) = &beat.question {
                questions += 1;
                let answer = planned.answer.as_ref().unwrap();
                match q.kind {
                    QuestionKind::Number => assert!(
                        answer.parse::<u64>().is_ok(),
                        "{name} beat {i}: `{answer}` is not a number"
                    ),
                    QuestionKind::Choice => assert!(q.choices.iter().any(|c| &c.value == answer)),
                }
            }
        }
        assert!(questions >= 1, "{name} has no question");
    }
}

#[test]
fn lesson_errors_name_the_problem() {
    let bad = "format_version = 1\nid = \"x\"\ntitle = \"x\"\nchapter = 1\nscenario = \"overview\"\n\n[[beats]]\nnarration = \"n\"\nuntil = { event = \"exploded\" }\n";
    let err = Lesson::parse("bad.toml", bad).unwrap_err();
    assert!(
        err.to_string()
            .contains("`exploded` is not a trace event: allowed event_created"),
        "{err}"
    );
    // Format problems: each with its own line and path, the allowed words listed.
    let format = bad.replace(
        "until = { event = \"exploded\" }\n",
        "until = { event = \"disposed\" }\ninject = { input = \"meteor\" }\n\n[[beats]]\nnarration = \"m\"\nuntil = { event = \"disposed\", nth = \"2\" }\n",
    );
    let err = Lesson::parse("format.toml", &format).unwrap_err();
    let got: Vec<(Option<usize>, &str)> = err
        .errors
        .iter()
        .map(|e| (e.line, e.field.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (Some(10), "beats[0].inject.input"),
            (Some(14), "beats[1].until.nth")
        ],
        "{err}"
    );
    assert!(
        err.errors[0]
            .message
            .starts_with("must be one of `fail_next_attempt`, `time_out_next_attempt`, `throttle`"),
        "{err}"
    );
    assert_eq!(
        err.errors[1].message,
        "must be a whole number, 0 or more (got \"2\")"
    );
    // A beat whose condition never happens is reported by plan(), with its number.
    let never = bad.replace("exploded", "caller_gave_up");
    let lesson = Lesson::parse("never.toml", &never).unwrap();
    let scenario = files("scenarios")
        .into_iter()
        .find(|(n, _)| n == "apigw-happy-path.toml")
        .map(|(n, t)| Scenario::parse(&n, &t).unwrap())
        .unwrap();
    let err = lesson.plan(&scenario).unwrap_err();
    assert!(
        err.contains("beat 1") && err.contains("never reached"),
        "{err}"
    );
}

/// The answer key follows the model: inject a failure and the computed answer changes.
#[test]
fn answers_are_computed_not_typed() {
    let scenario = files("scenarios")
        .into_iter()
        .find(|(n, _)| n == "apigw-happy-path.toml")
        .map(|(n, t)| Scenario::parse(&n, &t).unwrap())
        .unwrap();
    let text = |inject: &str| {
        format!(
            "format_version = 1\nid = \"q\"\ntitle = \"q\"\nchapter = 1\nscenario = \"apigw-happy-path\"\n\n[[beats]]\nnarration = \"n\"\nuntil = {{ event = \"disposed\", invocation = 0 }}\n{inject}\n[beats.question]\nprompt = \"p\"\nkind = \"number\"\nmeasure = {{ measure = \"caller_status\", invocation = 0 }}\nexplain = \"e\"\nsource = \"L-APIGW-ERR\"\n"
        )
    };
    let plain = Lesson::parse("a.toml", &text(""))
        .unwrap()
        .plan(&scenario)
        .unwrap();
    assert_eq!(plain.beats[0].answer.as_deref(), Some("200"));
    let failing = Lesson::parse(
        "b.toml",
        &text("inject = { input = \"fail_next_attempt\" }"),
    )
    .unwrap()
    .plan(&scenario)
    .unwrap();
    assert_eq!(failing.beats[0].answer.as_deref(), Some("502"));
}

/// Condition fields select what they say (a filter that never matches would make every count 0).
#[test]
fn condition_filters_select_events() {
    use lambdascope_sim::lesson::{measure, Condition, Measure};
    let scenario = files("scenarios")
        .into_iter()
        .find(|(n, _)| n == "async-throttling.toml")
        .map(|(n, t)| Scenario::parse(&n, &t).unwrap())
        .unwrap();
    let run = lambdascope_sim::Run::new(&scenario, 1, vec![]);
    let count = |c: Condition| {
        measure(&run, &Measure::Count { of: c })
            .unwrap()
            .parse::<usize>()
            .unwrap()
    };
    let all = count(Condition {
        event: "retry_scheduled".into(),
        ..Default::default()
    });
    let throttled = count(Condition {
        event: "retry_scheduled".into(),
        reason: Some("throttled".into()),
        ..Default::default()
    });
    assert!(
        all > 0 && throttled == all,
        "{all} retries, {throttled} for throttles"
    );
    assert_eq!(
        count(Condition {
            event: "retry_scheduled".into(),
            reason: Some("function_error".into()),
            ..Default::default()
        }),
        0
    );
    assert_eq!(
        count(Condition {
            event: "attempt_finished".into(),
            outcome: Some("succeeded".into()),
            ..Default::default()
        }),
        10
    );
    assert_eq!(
        count(Condition {
            event: "sent".into(),
            node: Some("function".into()),
            attempt: Some(1),
            ..Default::default()
        }),
        10 + throttled,
        "each throttled try is sent again as attempt 1"
    );
    let bad = "format_version = 1\nid = \"x\"\ntitle = \"x\"\nchapter = 1\nscenario = \"s\"\n\n[[beats]]\nnarration = \"n\"\nuntil = { event = \"retry_scheduled\", reason = \"bored\" }\n";
    assert!(Lesson::parse("bad.toml", bad)
        .unwrap_err()
        .to_string()
        .contains("`bored` is not a retry reason"));
}

/// A one-beat lesson on the SQS poison-message scenario (six orders at 0 ms; message #3 fails on
/// every receive).
fn sqs_lesson(beats: &str) -> Result<Lesson, lambdascope_sim::ScenarioErrors> {
    Lesson::parse(
        "t.toml",
        &format!("format_version = 1\nid = \"t\"\ntitle = \"t\"\nchapter = 1\nscenario = \"sqs-poison-dlq\"\n{beats}"),
    )
}

fn sqs_scenario() -> Scenario {
    files("scenarios")
        .into_iter()
        .find(|(n, _)| n == "sqs-poison-dlq.toml")
        .map(|(n, t)| Scenario::parse(&n, &t).unwrap())
        .unwrap()
}

/// Numbers come from the event that reached the beat: the same sentence says receive 1, then 2.
#[test]
fn placeholders_are_filled_from_the_run() {
    let beat = "\n[[beats]]\nnarration = \"Receive {receive_count} of message {event} fails in invocation {invocation}: {error}.\"\nuntil = { event = \"attempt_finished\", outcome = \"function_error\" }\n";
    let lesson = sqs_lesson(&format!("{beat}{beat}")).unwrap();
    let plan = lesson.plan(&sqs_scenario()).unwrap();
    let text: Vec<&str> = plan.beats.iter().map(|b| b.narration.as_str()).collect();
    assert_eq!(
        text,
        [
            "Receive 1 of message {event} fails in invocation 9: InvalidOrder.",
            "Receive 2 of message {event} fails in invocation 12: InvalidOrder."
        ]
        .map(|t| t.replace("{event}", "#3"))
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
    );
    // The lesson's own text keeps its placeholders; only the plan is filled.
    assert!(lesson.beats[0].narration.contains("{receive_count}"));
}

/// A placeholder the reaching event does not carry is a plan error naming lesson and beat.
#[test]
fn a_placeholder_without_a_value_is_refused() {
    let lesson = sqs_lesson("\n[[beats]]\nnarration = \"It answers {status}.\"\nuntil = { event = \"attempt_started\" }\n").unwrap();
    let err = lesson.plan(&sqs_scenario()).unwrap_err();
    assert!(
        err.contains("lesson t: beat 1")
            && err.contains("`{status}` has no value on the `attempt_started` event"),
        "{err}"
    );
}

/// An unknown placeholder is a format error with the file, the line, the lesson and the beat.
#[test]
fn an_unknown_placeholder_names_lesson_beat_and_line() {
    let err = sqs_lesson("\n[[beats]]\nnarration = \"ok\"\nuntil = { event = \"attempt_started\" }\n\n[[beats]]\nnarration = \"Receive {recieve_count}.\"\nuntil = { event = \"attempt_started\" }\n").unwrap_err();
    assert_eq!(err.errors.len(), 1, "{err}");
    let e = &err.errors[0];
    assert_eq!(
        (e.line, e.field.as_str()),
        (Some(12), "beats[1].narration"),
        "{err}"
    );
    assert!(
        e.message.starts_with(
            "lesson `t`, beat 2: unknown placeholder `{recieve_count}`: known {invocation}"
        ),
        "{err}"
    );
    assert!(err.to_string().starts_with("t.toml: line 12: "), "{err}");
    // A brace that is never closed is refused too, not shown as is.
    assert!(sqs_lesson("\n[[beats]]\nnarration = \"Receive {receive_count.\"\nuntil = { event = \"attempt_started\" }\n").is_err());
}

/// A beat reached at the instant it starts shows nothing: refused unless marked `still`.
#[test]
fn a_beat_that_plays_for_no_time_is_refused() {
    // Every message is polled at 0 ms, when the lesson starts.
    let beat = |extra: &str| {
        format!("\n[[beats]]\nnarration = \"Six orders wait in the queue.\"\nuntil = {{ event = \"batch_polled\" }}\n{extra}")
    };
    let err = sqs_lesson(&beat(""))
        .unwrap()
        .plan(&sqs_scenario())
        .unwrap_err();
    assert!(
        err.contains("lesson t: beat 1") && err.contains("plays 0 ms and shows nothing to watch"),
        "{err}"
    );
    assert!(sqs_lesson(&beat("still = true"))
        .unwrap()
        .plan(&sqs_scenario())
        .is_ok());
    // Reached when the batch reaches the function, it shows the batch travel: accepted.
    let moving = beat("").replace("batch_polled", "attempt_started");
    assert!(sqs_lesson(&moving).unwrap().plan(&sqs_scenario()).is_ok());
}

/// A beat that says something fails must show a failure among its own events.
#[test]
fn a_claim_not_among_the_beats_events_is_refused() {
    // The first handler runs start at 80 ms; the failure of message #3 comes at 780 ms.
    let beat = |text: &str, extra: &str| {
        format!("\n[[beats]]\nnarration = \"{text}\"\nuntil = {{ event = \"attempt_started\" }}\n{extra}")
    };
    let err = sqs_lesson(&beat("The function fails.", ""))
        .unwrap()
        .plan(&sqs_scenario())
        .unwrap_err();
    assert!(
        err.contains("lesson t: beat 1")
            && err.contains(
                "talks of `failure` but none of its events between 0 ms and 80 ms shows it"
            ),
        "{err}"
    );
    assert!(sqs_lesson(&beat("The function starts, cold.", ""))
        .unwrap()
        .plan(&sqs_scenario())
        .is_ok());
    // A status in the text is a claim too; so is a declared one.
    let err = sqs_lesson(&beat("The caller gets 502.", ""))
        .unwrap()
        .plan(&sqs_scenario())
        .unwrap_err();
    assert!(err.contains("talks of status 502"), "{err}");
    let err = sqs_lesson(&beat("Watch.", "shows = [\"dead_letter\"]"))
        .unwrap()
        .plan(&sqs_scenario())
        .unwrap_err();
    assert!(err.contains("talks of `dead_letter`"), "{err}");
    // Declaring what it shows replaces what the words suggest (a negation, a conditional).
    assert!(
        sqs_lesson(&beat("Nothing fails yet.", "shows = [\"cold_start\"]"))
            .unwrap()
            .plan(&sqs_scenario())
            .is_ok()
    );
    // Unknown claim words are format errors.
    let err = sqs_lesson(&beat("x", "shows = [\"explosion\"]")).unwrap_err();
    assert!(
        err.to_string().contains("`explosion` is not a claim"),
        "{err}"
    );
}
