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
        err.errors[0].message.starts_with(
            "unknown variant `meteor`, expected one of `fail_next_attempt`, `time_out_next_attempt`, `throttle`"
        ),
        "{err}"
    );
    assert_eq!(
        err.errors[1].message,
        "invalid type: string \"2\", expected u32"
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
