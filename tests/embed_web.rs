//! Embedding, share links and untrusted input (issue 6) in headless Chromium: players mounted from
//! element attributes, as `embed.js` mounts them on a host page.
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::{Element, HtmlElement};

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

/// Mounts a player from `attrs` the way the page's mount does (attributes only, no URL).
async fn mount(attrs: &[(&str, &str)]) -> Element {
    let host = doc().create_element("div").unwrap();
    for (k, v) in attrs {
        host.set_attribute(k, v).unwrap();
    }
    doc().body().unwrap().append_child(&host).unwrap();
    every_scenario_at_hand();
    let props = lambdascope::mount::props_with(&host, None);
    yew::Renderer::<lambdascope::Player>::with_root_and_props(host.clone(), props).render();
    wait_for(&host, ".ls-diagram .ls-node").await;
    host
}

/// Waits (up to 5 s) until `sel` matches inside `root`.
async fn wait_for(root: &Element, sel: &str) {
    for _ in 0..100 {
        if root.query_selector(sel).unwrap().is_some() {
            return;
        }
        TimeoutFuture::new(50).await;
    }
    panic!("{sel} never appeared");
}

fn text(root: &Element, sel: &str) -> String {
    root.query_selector(sel)
        .unwrap()
        .unwrap_or_else(|| panic!("no {sel}"))
        .text_content()
        .unwrap_or_default()
}

fn count(root: &Element, sel: &str) -> u32 {
    root.query_selector_all(sel).unwrap().length()
}

#[wasm_bindgen_test]
async fn attributes_set_the_moment_faults_and_controls() {
    let host = mount(&[
        ("data-lambdascope", "async-retries-dlq"),
        ("data-seed", "3"),
        ("data-at", "5460"),
        ("data-faults", "500:throttle.2000"),
        ("data-controls", "minimal"),
        ("data-theme", "dark"),
    ])
    .await;
    let player = host.query_selector(".ls-player").unwrap().unwrap();
    assert_eq!(
        player.get_attribute("data-ls-playing").as_deref(),
        Some("false"),
        "a moment lands paused"
    );
    assert!(
        text(&host, ".ls-clock").starts_with("0:05.460"),
        "{}",
        text(&host, ".ls-clock")
    );
    let classes = player.class_name();
    assert!(
        classes.contains("ls-theme-dark") && classes.contains("ls-controls-minimal"),
        "{classes}"
    );
    assert_eq!(
        count(&host, ".ls-strip, .ls-side, .ls-inject"),
        0,
        "minimal: no strip, side panel or fault buttons"
    );
    assert_eq!(count(&host, ".ls-controls"), 1);
    assert_eq!(count(&host, "[data-ls=problems]"), 0);
    host.remove();
}

#[wasm_bindgen_test]
async fn bad_attributes_are_listed_as_text_and_the_player_still_runs() {
    let host = mount(&[
        ("data-lambdascope", "<b id=evil>x</b>"),
        ("data-seed", "-1"),
        ("data-controls", "none"),
    ])
    .await;
    let list = text(&host, "[data-ls=problems] ul");
    assert!(
        list.contains("attribute `data-lambdascope`: `<b id=evil>x</b>` is not a scenario id"),
        "{list}"
    );
    assert!(
        list.contains("attribute `data-seed`: `-1` is not a whole number"),
        "{list}"
    );
    assert!(
        doc().get_element_by_id("evil").is_none(),
        "markup in an attribute stays text"
    );
    // controls=none: the diagram alone, still a focusable player whose keys work.
    assert_eq!(
        count(&host, ".ls-controls, .ls-scrubber, details.ls-share"),
        0
    );
    let player: HtmlElement = host
        .query_selector(".ls-player")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert_eq!(player.tab_index(), 0);
    host.remove();
}

#[wasm_bindgen_test]
async fn theme_auto_follows_the_host_pages_dark_mode_marker() {
    let html = doc().document_element().unwrap();
    html.set_attribute("data-theme", "dark").unwrap();
    let host = mount(&[("data-lambdascope", "apigw-happy-path")]).await;
    let player = host.query_selector(".ls-player").unwrap().unwrap();
    assert!(
        player.class_name().contains("ls-theme-dark"),
        "{}",
        player.class_name()
    );
    // The host switches to light: the player follows without a reload.
    html.set_attribute("data-theme", "light").unwrap();
    for _ in 0..40 {
        if player.class_name().contains("ls-theme-light") {
            break;
        }
        TimeoutFuture::new(25).await;
    }
    assert!(
        player.class_name().contains("ls-theme-light"),
        "{}",
        player.class_name()
    );
    html.remove_attribute("data-theme").unwrap();
    host.remove();
}

#[wasm_bindgen_test]
async fn copy_link_puts_a_link_to_this_moment_in_the_field() {
    let host = mount(&[
        ("data-lambdascope", "sqs-happy-path"),
        ("data-at", "1500"),
        ("data-speed", "2"),
    ])
    .await;
    let button: HtmlElement = host
        .query_selector("[data-ls=copy-link]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    button.click();
    let status = host
        .query_selector("[data-ls=share-status]")
        .unwrap()
        .unwrap();
    for _ in 0..40 {
        if !status.text_content().unwrap_or_default().is_empty() {
            break;
        }
        TimeoutFuture::new(25).await;
    }
    // Copied, or (no clipboard permission in the test browser) left selected to copy by hand;
    // either way the field holds the link.
    let said = status.text_content().unwrap_or_default();
    assert!(
        said.contains("copied") || said.contains("did not allow"),
        "{said}"
    );
    let field: web_sys::HtmlTextAreaElement = host
        .query_selector("[data-ls=share-text]")
        .unwrap()
        .unwrap()
        .dyn_into()
        .unwrap();
    assert!(
        field
            .value()
            .ends_with("?s=sqs-happy-path&seed=1&t=1500&speed=2"),
        "{}",
        field.value()
    );
    host.remove();
}
