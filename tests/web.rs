//! Component tests in headless Chromium (wasm-bindgen-test): a real player is mounted into the
//! page and driven through its DOM, as a user would.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement, HtmlInputElement};

wasm_bindgen_test_configure!(run_in_browser);

fn doc() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// The page's mount fetches a player's scenario file (`dist/scenarios/ID.toml`) before drawing
/// it (`mount::with_scenario`); this test's server has no `dist/`, so every file is handed over
/// as if fetched.
fn every_scenario_at_hand() {
    for (i, (_, text)) in lambdascope::scenarios::FILES.iter().enumerate() {
        lambdascope::scenarios::remember(i, text).unwrap();
    }
}

/// Mounts a player into a fresh element; returns the element.
async fn mount(attrs: &[(&str, &str)]) -> Element {
    let host = doc().create_element("div").unwrap();
    for (k, v) in attrs {
        host.set_attribute(k, v).unwrap();
    }
    doc().body().unwrap().append_child(&host).unwrap();
    every_scenario_at_hand();
    let props = lambdascope::mount::props_for(&host, &[]);
    yew::Renderer::<lambdascope::Player>::with_root_and_props(host.clone(), props).render();
    // The log, panel and fault buttons follow the first paint; wait for them (a loaded CI
    // machine can take longer than one settle).
    let h = host.clone();
    assert!(
        eventually(move || h.query_selector(".ls-log").ok().flatten().is_some()).await,
        "the player finished rendering"
    );
    settle().await;
    host
}

async fn settle() {
    TimeoutFuture::new(60).await;
}

/// Waits (up to 5 s) until `cond` holds: on a loaded 2-core CI machine a re-run can take longer
/// than one fixed settle.
async fn eventually(cond: impl Fn() -> bool) -> bool {
    for _ in 0..100 {
        if cond() {
            return true;
        }
        TimeoutFuture::new(50).await;
    }
    cond()
}

fn q(root: &Element, sel: &str) -> Element {
    root.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel}"))
}
fn count(root: &Element, sel: &str) -> u32 {
    root.query_selector_all(sel).unwrap().length()
}
fn text(root: &Element, sel: &str) -> String {
    q(root, sel).text_content().unwrap_or_default()
}
fn click(el: &Element) {
    el.dyn_ref::<HtmlElement>()
        .map(|h| h.click())
        .unwrap_or_else(|| {
            let ev = web_sys::MouseEvent::new_with_mouse_event_init_dict("click", &{
                let i = web_sys::MouseEventInit::new();
                i.set_bubbles(true);
                i
            })
            .unwrap();
            el.dispatch_event(&ev).unwrap();
        });
}
fn key(target: &Element, k: &str) {
    let init = web_sys::KeyboardEventInit::new();
    init.set_key(k);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let ev = web_sys::KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).unwrap();
    target.dispatch_event(&ev).unwrap();
}

#[wasm_bindgen_test]
async fn default_player_draws_the_overview_and_all_ten_services() {
    let host = mount(&[("data-lambdascope", "")]).await;
    assert_eq!(
        count(&host, ".ls-svc"),
        10,
        "the catalog strip shows all ten sources"
    );
    // overview: 6 sources + 1 caller + queue + event source mapping + function + DLQ.
    assert_eq!(count(&host, ".ls-diagram .ls-node"), 11);
    assert_eq!(
        count(&host, ".ls-node.ls-m-sync"),
        3,
        "client, API Gateway, your code"
    );
    assert_eq!(
        count(&host, ".ls-node.ls-m-async"),
        5,
        "S3, SNS, EventBridge, the event queue, the DLQ"
    );
    assert!(host.query_selector(".ls-node-function").unwrap().is_some());
    assert_eq!(
        q(&host, ".ls-player")
            .get_attribute("data-ls-playing")
            .as_deref(),
        Some("true"),
        "the default scenario is moving"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn a_deep_link_opens_paused_at_its_instant_and_keys_step_events() {
    let host = mount(&[
        ("data-lambdascope", "async-retries-dlq"),
        ("data-at", "62420"),
    ])
    .await;
    let player = q(&host, ".ls-player");
    assert_eq!(
        player.get_attribute("data-ls-playing").as_deref(),
        Some("false")
    );
    assert!(
        text(&host, ".ls-clock").starts_with("1:02.420"),
        "{}",
        text(&host, ".ls-clock")
    );
    // Attempt 2 is running: one busy environment.
    assert_eq!(count(&host, ".ls-env-busy"), 1);
    key(&player, "End");
    settle().await;
    assert!(
        text(&host, ".ls-clock").starts_with("3:04.100"),
        "{}",
        text(&host, ".ls-clock")
    );
    assert_eq!(
        text(&host, ".ls-node-dlq .ls-count"),
        "1",
        "the event reached the DLQ"
    );
    key(&player, "Home");
    settle().await;
    assert!(text(&host, ".ls-clock").starts_with("0:00.000"));
    key(&player, "ArrowRight");
    settle().await;
    assert!(
        !text(&host, ".ls-clock").starts_with("0:00.000"),
        "→ steps to the next event"
    );
    key(&player, " ");
    settle().await;
    assert_eq!(
        player.get_attribute("data-ls-playing").as_deref(),
        Some("true"),
        "Space plays"
    );
    key(&player, " ");
    key(&player, "?");
    settle().await;
    assert!(
        host.query_selector(".ls-help").unwrap().is_some(),
        "? opens the help sheet"
    );
    key(&player, "Escape");
    settle().await;
    assert!(host.query_selector(".ls-help").unwrap().is_none());
    host.remove();
}

#[wasm_bindgen_test]
async fn selecting_a_box_opens_its_panel_and_refuses_an_out_of_range_value() {
    let host = mount(&[("data-lambdascope", "async-retries-dlq")]).await;
    let function = q(&host, ".ls-node-function");
    key(&function, "Enter");
    settle().await;
    assert_eq!(text(&host, ".ls-panel h2"), "The Lambda function");
    let field = q(&host, "[data-path='function.timeout_s'] input");
    let input: HtmlInputElement = field.clone().dyn_into().unwrap();
    assert_eq!(input.value(), "3");
    assert_eq!(
        text(&host, "[data-path='function.timeout_s'] .ls-field-hint"),
        "default 3 · allowed 1–900 · L-TIMEOUT"
    );
    input.set_value("901");
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    field
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    settle().await;
    let err = text(&host, "[data-path='function.timeout_s'] .ls-field-error");
    assert!(
        err.starts_with("must be a whole number of seconds from 1 to 900 (got 901)"),
        "refused with the reason: {err}"
    );
    // A valid value is accepted and re-runs the scenario from the start.
    input.set_value("1");
    field
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("change", &init).unwrap())
        .unwrap();
    settle().await;
    assert!(
        eventually(|| text(&host, "[data-path='function.timeout_s'] .ls-field-error").is_empty())
            .await,
        "a valid value clears the error: {}",
        text(&host, "[data-path='function.timeout_s'] .ls-field-error")
    );
    assert!(
        text(&host, ".ls-clock").starts_with("0:0"),
        "the run restarted"
    );
    assert!(q(&host, "select[data-ls='picker']")
        .text_content()
        .unwrap()
        .contains("(edited)"));
    click(&q(&host, ".ls-panel .ls-close"));
    settle().await;
    assert!(!text(&host, ".ls-panel h2").contains("Lambda function"));
    host.remove();
}

#[wasm_bindgen_test]
async fn injecting_a_fault_forks_the_run() {
    let host = mount(&[("data-lambdascope", "apigw-happy-path"), ("data-at", "10")]).await;
    assert_eq!(count(&host, ".ls-branch li"), 0);
    let fail = host
        .query_selector_all(".ls-fault")
        .unwrap()
        .item(0)
        .unwrap()
        .dyn_into::<Element>()
        .unwrap();
    assert_eq!(fail.text_content().unwrap(), "Fail next attempt");
    click(&fail);
    settle().await;
    assert_eq!(count(&host, ".ls-branch li"), 1);
    assert_eq!(
        count(&host, ".ls-scrubber .ls-mk-input"),
        1,
        "the fork is marked on the timeline"
    );
    let player = q(&host, ".ls-player");
    key(&player, "End");
    settle().await;
    assert!(
        count(&host, ".ls-scrubber .ls-mk-caller") >= 1,
        "the caller now sees an error"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn a_bad_inline_scenario_is_explained_and_the_default_still_plays() {
    let host = mount(&[("data-toml", "format_version = 1\nid = \"x\"\ntitle = \"x\"\n[function]\ntimeout_s = 901\n[[sources]]\nkind = \"s3\"\nid = \"u\"\n")]).await;
    let notice = text(&host, ".ls-notice");
    assert!(
        notice.contains("function.timeout_s: must be a whole number of seconds from 1 to 900"),
        "{notice}"
    );
    assert_eq!(
        count(&host, ".ls-diagram .ls-node"),
        11,
        "the default scenario is shown instead"
    );
    host.remove();
}

#[wasm_bindgen_test]
async fn the_crash_overlay_says_what_happened() {
    let host = mount(&[("data-lambdascope", "")]).await;
    host.set_attribute("data-lambdascope-mounted", "").unwrap();
    lambdascope::mount::show_crash("index out of bounds: the len is 3 but the index is 7");
    let overlay = q(&host, ".ls-crash");
    assert_eq!(overlay.get_attribute("role").as_deref(), Some("alert"));
    assert!(overlay.text_content().unwrap().contains("the index is 7"));
    overlay.remove();
    host.remove();
}

// ---- Lessons and comparison (issue 5) ----

/// Mounts the lessons page at a lesson's first beat; returns the host.
async fn mount_lessons(lesson: &str, beat: Option<usize>) -> Element {
    use lambdascope::components::lesson::{Lessons, LessonsProps};
    let host = doc().create_element("div").unwrap();
    doc().body().unwrap().append_child(&host).unwrap();
    let props = LessonsProps {
        lesson: Some(lesson.to_string().into()),
        beat,
        problems: Vec::new(),
        instance: 900,
        on_explore: yew::Callback::noop(),
        host_width: 0.0,
    };
    yew::Renderer::<Lessons>::with_root_and_props(host.clone(), props).render();
    settle().await;
    host
}

fn phase(host: &Element) -> String {
    q(host, ".ls-lesson")
        .get_attribute("data-ls-phase")
        .unwrap_or_default()
}
fn beat_no(host: &Element) -> String {
    q(host, ".ls-lesson")
        .get_attribute("data-ls-beat")
        .unwrap_or_default()
}
fn answer_number(host: &Element, value: &str) {
    let input: HtmlInputElement = q(host, "[data-ls='question'] input[type='number']")
        .dyn_into()
        .unwrap();
    input.set_value(value);
    let init = web_sys::EventInit::new();
    init.set_bubbles(true);
    input
        .dispatch_event(&web_sys::Event::new_with_event_init_dict("input", &init).unwrap())
        .unwrap();
}

#[wasm_bindgen_test]
async fn a_lesson_asks_first_then_plays_and_says_right_or_wrong_and_continue_and_back_move_between_beats(
) {
    let host = mount_lessons("async-retries", Some(3)).await;
    // Beat 4 asks, after two failed attempts, how many runs there will be in all.
    assert_eq!((phase(&host), beat_no(&host)), ("ask".into(), "4".into()));
    let start = text(&host, ".ls-lesson .ls-clock");
    assert!(
        start.starts_with("1:0"),
        "beat 4 starts after the first retry: {start}"
    );
    // A wrong prediction: the beat plays, then the feedback says so, with the fact behind it.
    answer_number(&host, "2");
    settle().await;
    click(&q(&host, "[data-ls='check']"));
    assert!(
        eventually(|| phase(&host) == "playing").await,
        "{}",
        phase(&host)
    );
    click(&q(&host, "[data-ls='continue']")); // skip to the end of the beat
    assert!(eventually(|| phase(&host) == "done").await);
    let feedback = text(&host, "[data-ls='feedback']");
    assert!(
        feedback.contains("Not quite. You said 2; the simulation says 3."),
        "{feedback}"
    );
    assert!(feedback.contains("L-ASYNC-ERR"), "{feedback}");
    assert!(
        text(&host, ".ls-lesson .ls-clock").starts_with("3:04"),
        "stopped where beat 4 is reached: attempt 3 has failed"
    );
    // Retry, and this time right.
    click(&q(&host, "[data-ls='retry']"));
    assert!(eventually(|| phase(&host) == "ask").await);
    assert_eq!(
        text(&host, ".ls-lesson .ls-clock"),
        start,
        "back at the beat's start"
    );
    answer_number(&host, "3");
    settle().await;
    click(&q(&host, "[data-ls='check']"));
    assert!(eventually(|| phase(&host) == "playing").await);
    click(&q(&host, "[data-ls='continue']"));
    assert!(eventually(|| phase(&host) == "done").await);
    assert!(text(&host, "[data-ls='feedback']").contains("Right: 3."));
    // Back: beat 3 (no question), paused at its start; Continue plays it; → back on beat 4 asks.
    let player = q(&host, ".ls-lesson");
    key(&player, "ArrowLeft");
    assert!(eventually(|| beat_no(&host) == "3" && phase(&host) == "ready").await);
    assert!(text(&host, ".ls-lesson .ls-clock").starts_with("0:02.380"));
    click(&q(&host, "[data-ls='continue']"));
    assert!(eventually(|| phase(&host) == "playing").await);
    key(&player, "ArrowRight");
    assert!(eventually(|| phase(&host) == "done").await);
    assert_eq!(
        text(&host, ".ls-lesson .ls-clock"),
        start,
        "beat 3 ends where beat 4 starts"
    );
    key(&player, "ArrowRight");
    assert!(eventually(|| beat_no(&host) == "4" && phase(&host) == "ask").await);
    // Progress went to local storage.
    let stored = web_sys::window()
        .unwrap()
        .local_storage()
        .unwrap()
        .unwrap()
        .get_item("lambdascope.progress")
        .unwrap()
        .unwrap();
    assert!(stored.contains("current=async-retries"), "{stored}");
    host.remove();
}

#[wasm_bindgen_test]
async fn the_comparison_shows_three_lanes_on_one_clock_and_its_table_follows_the_fault() {
    use lambdascope::compare::Fault;
    use lambdascope::components::compare::{CompareProps, CompareView};
    let host = doc().create_element("div").unwrap();
    doc().body().unwrap().append_child(&host).unwrap();
    let props = CompareProps {
        fault: Fault::Throttle,
        instance: 901,
        on_fault: yew::Callback::noop(),
    };
    yew::Renderer::<CompareView>::with_root_and_props(host.clone(), props).render();
    settle().await;
    assert_eq!(count(&host, ".ls-lane"), 3);
    let cells: Vec<String> = {
        let list = host
            .query_selector_all(".ls-summary-table tr:nth-child(2) td")
            .unwrap();
        (0..list.length())
            .map(|i| list.item(i).unwrap().text_content().unwrap())
            .collect()
    };
    assert_eq!(
        cells[0], "500 ×6",
        "a throttled synchronous caller gets the error at once"
    );
    let root = q(&host, ".ls-compare");
    key(&root, "End");
    settle().await;
    let instants: Vec<String> = {
        let list = host.query_selector_all(".ls-lane .ls-diagram").unwrap();
        (0..list.length())
            .map(|i| {
                list.item(i)
                    .unwrap()
                    .dyn_into::<Element>()
                    .unwrap()
                    .get_attribute("data-at")
                    .unwrap()
            })
            .collect()
    };
    assert_eq!(instants.len(), 3);
    assert!(
        instants.iter().all(|a| *a == instants[0]),
        "one clock: {instants:?}"
    );
    host.remove();
}
