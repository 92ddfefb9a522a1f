//! The scenarios shipped with the app: `content/scenarios/*.toml`, listed (and read once, at build
//! time) by `build.rs`, which writes [`FILES`], [`INDEX`] and [`DEFAULT_TEXT`]. Adding a scenario
//! is one line in `build.rs`'s `ORDER`; a test fails if a file in the directory is missing from
//! the list (or the other way round), and the build fails if one does not parse.
//!
//! **Only the default scenario is inside the player bundle** (issue 16: "an embed fetches only its
//! own scenario"). The others are static files beside it (`dist/scenarios/ID.toml`, copied by
//! Trunk), fetched when a player opens one ([`fetch`]) and kept for the page's life; the picker
//! and the side panel list them from [`INDEX`], so nothing is parsed to show the list. The player
//! reaches the texts only through [`at_hand`] and [`fetch`], which in the browser never name
//! [`FILES`], so LTO leaves the texts out of its bundle (`e2e/scenarios.test.mjs` checks a
//! sentence of three is absent). The lessons' bundle still holds every text through
//! `course::scenario_for` (each lesson plays one, at once, and that page's byte goal is met), as
//! do the native tools and tests ([`by_id`]).

use lambdascope_sim::{Method, Scenario, SourceKind};

/// The scenario shown when the page opens: the first in `build.rs`'s order, the one whose text
/// every bundle carries ([`DEFAULT_TEXT`]).
pub const DEFAULT_ID: &str = "overview";

/// One bundled scenario as listed without reading it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Entry {
    /// Its id, also its file's name without `.toml`.
    pub id: &'static str,
    pub title: &'static str,
    /// The picker group: the one method its sources use, or `None` when they mix methods.
    pub group: Option<Method>,
    /// Its sources' kinds, each once (the side panel's "Watch it" list of a service).
    pub kinds: &'static [SourceKind],
}

include!(concat!(env!("OUT_DIR"), "/scenarios.rs"));

/// The position of a bundled scenario in [`INDEX`] (and [`FILES`]), by id.
pub fn position(id: &str) -> Option<usize> {
    INDEX.iter().position(|e| e.id == id)
}

thread_local! {
    /// The last failure to fetch each bundled scenario, by position, until a player takes it
    /// ([`take_failure`]) or a fetch succeeds.
    static FAILED: std::cell::RefCell<Vec<(usize, String)>> =
        const { std::cell::RefCell::new(Vec::new()) };
    /// The bundled scenarios this page has read, by position: each is fetched and parsed once a
    /// page (the picker compares the run with the file as read on every new run).
    static FETCHED: std::cell::RefCell<Vec<(usize, Scenario)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The bundled scenario at `index`, parsed, if its text is at hand without a download: the default
/// always; natively every one (the prerender and the tests read [`FILES`]); in the browser the
/// ones fetched so far. `Some(Err)` names what is wrong with a text that does not parse.
pub fn at_hand(index: usize) -> Option<Result<Scenario, String>> {
    let id = INDEX.get(index)?.id;
    if let Some(s) = FETCHED.with(|f| {
        f.borrow()
            .iter()
            .find(|(i, _)| *i == index)
            .map(|(_, s)| s.clone())
    }) {
        return Some(Ok(s));
    }
    let text = if id == DEFAULT_ID {
        DEFAULT_TEXT
    } else {
        #[cfg(not(target_arch = "wasm32"))]
        {
            FILES.get(index)?.1
        }
        #[cfg(target_arch = "wasm32")]
        return None;
    };
    let read = Scenario::parse(&format!("{id}.toml"), text).map_err(|e| e.to_string());
    if let Ok(s) = &read {
        FETCHED.with(|f| f.borrow_mut().push((index, s.clone())));
    }
    Some(read)
}

/// Reads `text` as the file of the bundled scenario at `index` and keeps it for the page's life
/// (what [`fetch`] does with the file it got; the browser tests hand it [`FILES`]' text).
pub fn remember(index: usize, text: &str) -> Result<Scenario, String> {
    let id = INDEX.get(index).map(|e| e.id).unwrap_or_default();
    let scenario = Scenario::parse(&format!("{id}.toml"), text).map_err(|e| e.to_string())?;
    if scenario.id() != id {
        return Err(format!("it holds scenario `{}`, not `{id}`", scenario.id()));
    }
    FETCHED.with(|f| {
        let mut f = f.borrow_mut();
        f.retain(|(i, _)| *i != index);
        f.push((index, scenario.clone()));
    });
    Ok(scenario)
}

/// Why the last fetch of the bundled scenario at `index` failed, if it did, taken: the player
/// mounted after its mount's fetch failed says why without asking again; a later one asks again.
pub fn take_failure(index: usize) -> Option<String> {
    FAILED.with(|f| {
        let mut f = f.borrow_mut();
        let at = f.iter().position(|(i, _)| *i == index)?;
        Some(f.remove(at).1)
    })
}

/// The address of a bundled scenario's file: `scenarios/ID.toml` in the directory the player's
/// bundle was loaded from (`embed::files_base`: a host page's players load it from the
/// lambdascope folder, not the page's own).
pub fn file_url(base: &str, id: &str) -> String {
    format!("{}scenarios/{id}.toml", crate::share_link::base_dir(base))
}

/// Natively every scenario is at hand ([`FILES`]).
#[cfg(not(target_arch = "wasm32"))]
pub async fn fetch(index: usize) -> Result<Scenario, String> {
    at_hand(index).unwrap_or_else(|| Err(format!("no bundled scenario at {index}")))
}

/// The bundled scenario at `index`, fetched (once a page) if it is not [`at_hand`]. The error
/// says which file could not be had and why, for the notice the player shows with the default.
#[cfg(target_arch = "wasm32")]
pub async fn fetch(index: usize) -> Result<Scenario, String> {
    let read = fetch_file(index).await;
    FAILED.with(|f| {
        let mut f = f.borrow_mut();
        f.retain(|(i, _)| *i != index);
        if let Err(e) = &read {
            f.push((index, e.clone()));
        }
    });
    read
}

#[cfg(target_arch = "wasm32")]
async fn fetch_file(index: usize) -> Result<Scenario, String> {
    use wasm_bindgen::JsCast;
    use wasm_bindgen_futures::JsFuture;
    if let Some(found) = at_hand(index) {
        return found;
    }
    let id = INDEX.get(index).map(|e| e.id).unwrap_or_default();
    let url = file_url(&crate::embed::files_base(), id);
    let fail = |why: String| format!("{url}: {why}");
    let win = web_sys::window().ok_or_else(|| fail("no window".into()))?;
    // A failed fetch rejects with a TypeError ("Failed to fetch"): its message.
    let js_text = |v: wasm_bindgen::JsValue| {
        v.as_string()
            .or_else(|| {
                v.dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
            })
            .unwrap_or_else(|| "a network error".into())
    };
    let response: web_sys::Response = JsFuture::from(win.fetch_with_str(&url))
        .await
        .map_err(|e| fail(js_text(e)))?
        .dyn_into()
        .map_err(|_| fail("not a response".into()))?;
    if !response.ok() {
        return Err(fail(format!("the server answered {}", response.status())));
    }
    let text = JsFuture::from(response.text().map_err(|e| fail(js_text(e)))?)
        .await
        .map_err(|e| fail(js_text(e)))?
        .as_string()
        .unwrap_or_default();
    remember(index, &text).map_err(fail)
}

/// A bundled scenario, parsed from [`FILES`] (the lessons, the native tools and tests; the player
/// goes through [`at_hand`] and [`fetch`]).
#[derive(Clone, Debug)]
pub struct Bundled {
    /// Its index in [`FILES`] (stable: the player refers to bundled scenarios by it).
    pub index: usize,
    pub file: &'static str,
    pub scenario: Scenario,
    /// The picker group: the one method its sources use, or `None` when they mix methods.
    pub group: Option<Method>,
}

fn parse(index: usize) -> Option<Bundled> {
    let (file, text) = FILES.get(index)?;
    let scenario = Scenario::parse(file, text).ok()?;
    let methods = scenario.methods();
    let group = if methods.len() == 1 {
        Some(methods[0])
    } else {
        None
    };
    Some(Bundled {
        index,
        file,
        scenario,
        group,
    })
}

/// Every bundled scenario, parsed, in [`FILES`] order (the build refuses a file that does not
/// parse).
pub fn bundled() -> Vec<Bundled> {
    (0..FILES.len()).filter_map(parse).collect()
}

/// One bundled scenario by id, parsing only that file (file stems are ids; a test checks it).
pub fn by_id(id: &str) -> Option<Bundled> {
    FILES
        .iter()
        .position(|(f, _)| f.strip_suffix(".toml") == Some(id))
        .and_then(parse)
}

/// Picker group label.
pub fn group_label(group: Option<Method>) -> &'static str {
    match group {
        Some(Method::Synchronous) => "Synchronous",
        Some(Method::Asynchronous) => "Asynchronous",
        Some(Method::Polling) => "Polling",
        None => "Mixed methods",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_file_in_content_is_bundled_and_parses() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/content/scenarios");
        let mut on_disk: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter(|n| n.ends_with(".toml"))
            .collect();
        on_disk.sort();
        let mut listed: Vec<String> = FILES.iter().map(|(n, _)| n.to_string()).collect();
        listed.sort();
        assert_eq!(
            listed, on_disk,
            "build.rs ORDER must list every content/scenarios/*.toml"
        );
        for (name, text) in FILES {
            if let Err(e) = Scenario::parse(name, text) {
                panic!("{e}");
            }
        }
        let all = bundled();
        assert_eq!(all.len(), FILES.len());
        for b in &all {
            assert_eq!(
                Some(b.scenario.id()),
                b.file.strip_suffix(".toml"),
                "a bundled file is named after its id"
            );
            assert_eq!(by_id(b.scenario.id()).map(|x| x.index), Some(b.index));
        }
        assert!(
            by_id(DEFAULT_ID).is_some(),
            "the default scenario is bundled"
        );
        assert!(by_id("no-such-scenario").is_none());
    }

    /// The index the browser lists the scenarios from says what the files say.
    #[test]
    fn the_index_is_the_files_read() {
        assert_eq!(INDEX.len(), FILES.len());
        assert_eq!(INDEX[0].id, DEFAULT_ID, "the default comes first");
        assert_eq!(DEFAULT_TEXT, FILES[0].1);
        for (i, (entry, b)) in INDEX.iter().zip(bundled()).enumerate() {
            assert_eq!(entry.id, b.scenario.id());
            assert_eq!(entry.title, b.scenario.file.title);
            assert_eq!(entry.group, b.group, "{}", entry.id);
            let mut kinds: Vec<SourceKind> =
                b.scenario.file.sources.iter().map(|s| s.kind()).collect();
            kinds.sort();
            kinds.dedup();
            assert_eq!(entry.kinds, kinds.as_slice(), "{}", entry.id);
            assert_eq!(position(entry.id), Some(i));
            assert_eq!(at_hand(i), Some(Ok(b.scenario.clone())));
        }
        assert_eq!(position("no-such-scenario"), None);
        assert_eq!(at_hand(INDEX.len()), None);
    }

    #[test]
    fn a_scenario_file_is_fetched_from_the_bundles_folder() {
        assert_eq!(
            file_url("https://h/ls/index.html", "sqs-happy-path"),
            "https://h/ls/scenarios/sqs-happy-path.toml"
        );
        assert_eq!(
            file_url("https://docs.example.org/book/lambdascope/", "overview"),
            "https://docs.example.org/book/lambdascope/scenarios/overview.toml"
        );
    }
}
