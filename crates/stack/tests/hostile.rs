//! Bad and hostile templates: every one gets a clear error naming its line (or a scenario whose
//! text stays text), within bounded sizes, and nothing panics.

use lambdascope_stack::import::{import, MAX_RESOURCES};
use lambdascope_stack::yaml::{MAX_DEPTH, MAX_TEMPLATE_BYTES};

fn error(text: &str) -> (Option<u32>, String) {
    let e = import("t.yaml", text, None).expect_err("should be refused");
    (e.line, e.message)
}

const FUNCTION: &str =
    "Resources:\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Timeout: 5\n";

#[test]
fn malformed_yaml_and_json_name_their_line() {
    let (line, msg) =
        error("Resources:\n  Fn:\n    Type: [AWS::Serverless::Function\n  Other: 1\n");
    assert!(line.is_some_and(|l| l >= 3), "{line:?} {msg}");
    assert!(msg.starts_with("not valid YAML or JSON"), "{msg}");
    let (line, msg) = error("{\n  \"Resources\": {\n    \"Fn\": {\"Type\": \"AWS::Lambda::Function\" \"x\": 1}\n  }\n}\n");
    assert_eq!(line, Some(3), "{msg}");
}

#[test]
fn templates_without_functions_or_resources_are_refused_with_what_is_imported() {
    assert_eq!(
        error("Description: nothing\n").1,
        "the template has no `Resources` section: there is no function to import"
    );
    let (_, msg) = error("Resources:\n  Q:\n    Type: AWS::SQS::Queue\n");
    assert_eq!(msg, "no Lambda function in the template: lambdascope imports AWS::Serverless::Function and AWS::Lambda::Function resources");
    assert_eq!(
        error("- a list\n").1,
        "a template is a mapping with a `Resources` section"
    );
    let (line, msg) = error("Resources:\n  Fn:\n    Properties: {}\n");
    assert_eq!(
        (line, msg.as_str()),
        (Some(3), "resource `Fn` has no `Type`")
    );
    let e = import("t.yaml", FUNCTION, Some("Missing")).unwrap_err();
    assert_eq!(
        e.message,
        "`Missing` is not a function of this template: its functions are Fn"
    );
}

#[test]
fn sizes_are_bounded() {
    let big = format!("{FUNCTION}#{}", "x".repeat(MAX_TEMPLATE_BYTES));
    assert!(error(&big).1.contains("at most 1048576 bytes"));
    let mut many = String::from("Resources:\n");
    for i in 0..=MAX_RESOURCES {
        many.push_str(&format!("  Q{i}:\n    Type: AWS::SQS::Queue\n"));
    }
    assert_eq!(
        error(&many),
        (
            Some(2),
            "501 resources: CloudFormation allows at most 500 in a stack".into()
        )
    );
    let deep = format!(
        "Resources: {}{}",
        "{a: ".repeat(MAX_DEPTH * 2),
        "}".repeat(MAX_DEPTH * 2)
    );
    assert!(error(&deep).1.contains("levels deep"));
}

#[test]
fn hostile_names_are_refused_and_shown_escaped() {
    let (line, msg) =
        error("Resources:\n  \"Evil\\e[31m\\nName\":\n    Type: AWS::Serverless::Function\n");
    // The line where the resource's body starts.
    assert_eq!(line, Some(3));
    assert_eq!(msg, "resource `Evil\\u{1b}[31m\\nName` is not a valid logical id: CloudFormation allows 1–255 letters A–Z, a–z and digits 0–9");
    let (line, msg) = error(&format!(
        "{FUNCTION}      Events:\n        \"<script>\":\n          Type: S3\n"
    ));
    assert_eq!(line, Some(8));
    assert!(
        msg.starts_with("event `<script>` is not a valid logical id"),
        "{msg}"
    );
}

#[test]
fn hostile_text_in_values_stays_text() {
    // A state name with quotes, a newline and markup: written as a TOML string, read back the same.
    let name = "Charge \\\"now\\\"\\n<b>\\u0007";
    let text = format!(
        "{FUNCTION}  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        StartAt: \"{name}\"\n        States:\n          \"{name}\":\n            Type: Task\n            Resource: !GetAtt Fn.Arn\n            End: true\n"
    );
    let i = import("t.yaml", &text, None).unwrap();
    let s = i.functions[0]
        .scenario
        .as_ref()
        .unwrap_or_else(|e| panic!("{e}\n{}", i.functions[0].text));
    let lambdascope_sim::scenario::Source::StepFunctions(m) = &s.file.sources[0] else {
        panic!()
    };
    assert_eq!(m.states[0].name(), "Charge \"now\"\n<b>\u{7}");
    // Comments never carry a control character (a newline there would end the comment).
    assert!(i.functions[0]
        .text
        .lines()
        .filter(|l| l.starts_with('#'))
        .all(|l| !l.contains('\u{7}')));
}

#[test]
fn a_mapping_lambda_would_reject_is_refused_with_aws_reason_and_line() {
    let text = "Resources:\n  Q:\n    Type: AWS::SQS::Queue\n    Properties:\n      VisibilityTimeout: 10\n  Fn:\n    Type: AWS::Serverless::Function\n    Properties:\n      Timeout: 20\n      Events:\n        Jobs:\n          Type: SQS\n          Properties:\n            Queue: !GetAtt Q.Arn\n";
    let i = import("t.yaml", text, None).unwrap();
    let e = i.functions[0].scenario.as_ref().unwrap_err();
    assert_eq!(e.errors[0].field, "sources[0].visibility_timeout_s");
    assert!(e.errors[0].message.contains("Lambda rejects a mapping whose function timeout exceeds the queue's visibility timeout"), "{e}");
    assert!(e.errors[0].line.is_some());
}

#[test]
fn no_prefix_of_any_corpus_template_panics() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/templates");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "expected") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let cuts: Vec<usize> = (0..text.len())
            .step_by(13)
            .filter(|i| text.is_char_boundary(*i))
            .collect();
        for cut in cuts {
            let _ = import("t.yaml", &text[..cut], None);
            // A stray character in the middle, too.
            let mut bent = text.clone();
            bent.insert(cut, ['{', ']', '!', '&', '*', '"', ':'][cut % 7]);
            let _ = import("t.yaml", &bent, None);
        }
    }
}
