//! The app page: the player, the lessons, the comparison and the Import view, chosen by the URL
//! fragment (`#lessons`, `#lesson=ID&beat=N`, `#compare`, `#compare=FAULT`, `#import`; anything
//! else is the player and its own share-link parameters). Only the app's own page mounts this; embeds on other
//! pages (`[data-lambdascope]`) get the plain player. Each bundle's page component draws its own
//! views and reloads the page for the others ([`App`]: the lessons; [`PlayerPage`]: the player;
//! [`ComparePage`], [`ImportPage`]).

use lambdascope_sim::share::ShareState;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::compare::CompareView;
use super::import::ImportView;
use super::lesson::Lessons;
use super::player::{Player, PlayerProps};
use crate::compare::Fault;
use crate::hooks::next_instance;
use crate::share_link::Problem;

/// Which view a URL fragment asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Route {
    Player,
    /// A lesson and beat (from 0), or none: resume, else chapter 1. `problems`: what was wrong
    /// with the link's `lesson` or `beat`, each naming its parameter, for the page's notice.
    Lessons {
        lesson: Option<String>,
        beat: Option<usize>,
        problems: Vec<String>,
    },
    /// The fault to compare, and what was wrong with the link's `compare` if it named none.
    Compare(Fault, Option<String>),
    /// Your own stack: a template pasted or dropped, its diagram and advice (issue 13).
    Import,
}

/// Reads a fragment (with or without `#`). Lesson ids and beats go through the core's link
/// parser, so a bad one is treated like any bad link parameter: not obeyed, and named in a notice.
pub fn route(hash: &str) -> Route {
    let h = hash.trim_start_matches(['#', '?']);
    let keys: Vec<(&str, &str)> = h
        .split('&')
        .map(|kv| kv.split_once('=').unwrap_or((kv, "")))
        .collect();
    if let Some((_, v)) = keys.iter().find(|(k, _)| *k == "compare") {
        // `#compare` alone is the comparison's own link (the default fault).
        let problem = (!v.is_empty() && Fault::from_slug(v).is_none()).then(|| {
            let allowed: Vec<&str> = Fault::ALL.iter().map(|f| f.slug()).collect();
            let value = lambdascope_sim::share::percent_decode(v).unwrap_or_else(|| v.to_string());
            Problem {
                source: "URL parameter `compare`".into(),
                message: format!(
                    "{} is not a fault: allowed {}; here is {}.",
                    crate::share_link::quote(&value),
                    allowed.join(", "),
                    Fault::FunctionError.slug()
                ),
            }
            .to_string()
        });
        return Route::Compare(Fault::from_slug(v).unwrap_or(Fault::FunctionError), problem);
    }
    // The Import view keeps its scenario in the address's query (`?z=…#import`).
    if keys.iter().any(|(k, _)| *k == "import") {
        return Route::Import;
    }
    // A link that names a scenario is a player link, even if it remembers the lesson it came from.
    let scenario = keys
        .iter()
        .any(|(k, _)| matches!(*k, "s" | "scenario" | "z" | "toml"));
    if !scenario && keys.iter().any(|(k, _)| *k == "lessons" || *k == "lesson") {
        // Each on its own, so a bad beat does not lose a good lesson id.
        let mut problems = Vec::new();
        let mut one = |key: &str| {
            let (k, v) = keys.iter().find(|(k, _)| *k == key)?;
            ShareState::from_query(&format!("{k}={v}"))
                .map_err(|errors| {
                    problems.extend(errors.into_iter().map(|e| {
                        Problem {
                            source: format!("URL parameter `{}`", e.param),
                            message: e.message,
                        }
                        .to_string()
                    }))
                })
                .ok()
        };
        let lesson = one("lesson").and_then(|s| s.lesson);
        // The link parser allows beats 1–1000 only.
        let beat = one("beat").and_then(|s| s.beat).map(|b| b as usize - 1);
        return Route::Lessons {
            lesson,
            beat,
            problems,
        };
    }
    Route::Player
}

/// The view this page's URL asks for: its fragment's, or its query's when the fragment is empty.
fn page_route(hash: &str) -> Route {
    match route(hash) {
        Route::Player if hash.trim_start_matches('#').is_empty() => route(&current_search()),
        r => r,
    }
}

/// The query string (`?lesson=ID&beat=N` links written by the share code land on the lesson too).
fn current_search() -> String {
    crate::hooks::window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default()
}

/// Follows `hashchange` (links between the views, the back button).
#[hook]
fn use_hash() -> String {
    let hash = use_state_eq(crate::hooks::location_hash);
    {
        let hash = hash.clone();
        use_effect_with((), move |_| {
            let cb = Closure::<dyn FnMut()>::new(move || hash.set(crate::hooks::location_hash()));
            let w = crate::hooks::window();
            if let Some(w) = &w {
                let _ =
                    w.add_event_listener_with_callback("hashchange", cb.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = &w {
                    let _ = w.remove_event_listener_with_callback(
                        "hashchange",
                        cb.as_ref().unchecked_ref(),
                    );
                }
                drop(cb);
            }
        });
    }
    (*hash).clone()
}

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// What the page's player would show (its attributes and the URL's share parameters).
    pub player: PlayerProps,
}

/// The app's pages, one per bundle (issue 16): each page preloads its own bundle's wasm, so a
/// link to a view another bundle draws goes to that bundle's page (`static/embed.js` forwards an
/// address that names the wrong page, so older `index.html#lessons` links still arrive).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Page {
    /// `index.html` (or the directory): the player-only bundle, the explore view.
    Explore,
    /// `lessons.html`: the lessons' bundle.
    Lessons,
    /// `compare.html`: the comparison's bundle.
    Compare,
    /// `import.html`: the Import view's bundle.
    Import,
}

impl Page {
    /// The page's address, relative to the app's directory.
    pub fn path(self) -> &'static str {
        match self {
            Page::Explore => "./",
            Page::Lessons => "lessons.html",
            Page::Compare => "compare.html",
            Page::Import => "import.html",
        }
    }

    /// The page whose bundle is meant for a view.
    pub fn of(route: &Route) -> Page {
        match route {
            Route::Player => Page::Explore,
            Route::Lessons { .. } => Page::Lessons,
            Route::Compare(..) => Page::Compare,
            Route::Import => Page::Import,
        }
    }

    /// A link from this page to the view `fragment` names (without `#`): the fragment alone when
    /// this page is that view's, else that view's page with it. (The explore view's own page is
    /// the directory: a link there is `./`, with the fragment when there is one.)
    pub fn link(self, fragment: &str) -> String {
        let to = Page::of(&route(fragment));
        match (to == self, fragment.is_empty()) {
            (true, _) => format!("#{fragment}"),
            (false, true) => to.path().to_string(),
            (false, false) => format!("{}#{fragment}", to.path()),
        }
    }
}

/// The site navigation (in the player's header, or atop the other views).
#[derive(Properties, PartialEq)]
pub struct NavProps {
    pub here: &'static str,
    /// The page it is on (its links to other pages' views go there).
    pub page: Page,
}

#[function_component(SiteNav)]
pub fn site_nav(p: &NavProps) -> Html {
    let link = |fragment: &'static str, name: &'static str, label: &'static str| {
        html! { <a class={classes!("ls-navlink", (p.here == name).then_some("ls-on"))} href={p.page.link(fragment)}
        aria-current={(p.here == name).then_some("page")}>{label}</a> }
    };
    html! {
        <nav class="ls-sitenav" aria-label="lambdascope">
            {link("", "player", "Explore")}
            {link("lessons", "lessons", "Lessons")}
            {link("compare", "compare", "Compare")}
            {link("import", "import", "Your stack")}
        </nav>
    }
}

fn brand(page: Page) -> Html {
    html! { <a class="ls-brand" href={page.link("")}><span class="ls-logo" aria-hidden="true">{"λ"}</span><span class="ls-name">{"lambdascope"}</span></a> }
}

/// The explore view: the player with the site navigation and the way into the lessons, or, on a
/// lesson's "explore freely from here" link (it names a bundled lesson and beat), the way back
/// to that beat.
fn explore_view(page: &PlayerProps, hash: &str) -> Html {
    let on = Page::Explore;
    // A player link in the fragment that arrived after the page loaded (a link followed
    // or typed into the address bar within the page) is the player's request now; the
    // page's own request was read once, when it loaded.
    let fragment = hash.trim_start_matches('#');
    let mut props = if fragment.is_empty() {
        page.clone()
    } else {
        PlayerProps {
            host_width: page.host_width,
            ..crate::mount::props_from(crate::share_link::from_url(&current_search(), hash))
        }
    };
    // Where the learner left off, as stored: no lesson is parsed on the first paint's path (and
    // the player-only bundle has no lesson parser). `load_progress` has already dropped unknown
    // lessons and clamped beats against `course::OUTLINE`, so the beat offered exists.
    let progress = super::lesson::load_progress();
    let resume = progress
        .current
        .as_deref()
        .map(|id| (id, progress.beat(id).unwrap_or(0)));
    let start = match resume {
        Some((id, b)) => {
            let what = progress
                .current_label
                .clone()
                .unwrap_or_else(|| "where you left off".to_string());
            let href = on.link(crate::course::link(id, b).trim_start_matches('#'));
            html! { <p class="ls-start">{"Lessons: "}<a {href}>
            {format!("continue {what}, at beat {} →", b + 1)}</a></p> }
        }
        None => {
            html! { <p class="ls-start">{"New to Lambda? "}<a href={on.link("lesson=three-ways&beat=1")}>
            {"Start with chapter 1: three ways to invoke a function →"}</a></p> }
        }
    };
    let from_lesson = match (&props.link.lesson, props.link.beat) {
        (Some(id), Some(beat))
            if crate::course::OUTLINE
                .iter()
                .any(|(l, beats)| l == id && beat as usize <= *beats) =>
        {
            Some(crate::course::link(id, beat as usize - 1))
        }
        _ => None,
    };
    let Some(back) = from_lesson else {
        props.children = html! { <><SiteNav here="player" page={on} />{start}</> };
        return html! { <Player key={hash.to_string()} ..props /> };
    };
    props.children = html! { <SiteNav here="player" page={on} /> };
    html! {
        <div class="ls-app">
            <div class="ls-explore-bar">
                <a class="ls-btn ls-primary" href={on.link(back.trim_start_matches('#'))} data-ls="back-to-lesson">{"← Back to the lesson"}</a>
                <span class="ls-hint">{"The same run at the same moment, with every control: play, scrub, inject a fault, change a parameter."}</span>
            </div>
            <Player key={hash.to_string()} ..props />
        </div>
    }
}

/// The lessons page (`lessons.html`, the `lambdascope-app` bundle): the course and its lessons;
/// any other view loads the page again (the loader forwards it to its page).
#[function_component(App)]
pub fn app(p: &AppProps) -> Html {
    let hash = use_hash();
    let instance = *use_memo((), |_| next_instance());
    let Some(Route::Lessons {
        lesson,
        beat,
        problems,
    }) = own_route(&hash, Page::Lessons)
    else {
        return reload();
    };
    // "Explore freely from here": the explore page, on the share link of this run at this
    // instant (which names the lesson and beat, for its way back). A page of its own since issue
    // 16: drawing the full player here kept it in the lessons' bundle (424 KB gzip with it, 321 KB
    // without), for every reader of every lesson.
    let on_explore = Callback::from(move |st: ShareState| {
        if let Some(w) = crate::hooks::window() {
            let _ = w
                .location()
                .assign(&format!("{}?{}", Page::Explore.path(), st.to_query()));
        }
    });
    html! {
        <div class="ls-app">
            <header class="ls-site">{brand(Page::Lessons)}<SiteNav here="lessons" page={Page::Lessons} /></header>
            <Lessons key={hash.clone()} lesson={lesson.map(AttrValue::from)} {beat} {problems} {instance} {on_explore} host_width={p.player.host_width} />
        </div>
    }
}

/// The view this page's URL asks for, when `page`'s bundle draws it; `None` when another page's
/// does (the caller then loads the page again, and the loader forwards it: [`reload`]).
fn own_route(hash: &str, page: Page) -> Option<Route> {
    let r = page_route(hash);
    (Page::of(&r) == page).then_some(r)
}

/// Loads the page again (the loader, `static/embed.js`, then fetches the bundle its URL needs).
fn reload() -> Html {
    if let Some(w) = crate::hooks::window() {
        let _ = w.location().reload();
    }
    html! { <p class="ls-loading">{"Loading…"}</p> }
}

/// The app page in the Import view's bundle (`lambdascope-import`): the Import view alone; any
/// other view loads the page again, as [`PlayerPage`] does.
#[function_component(ImportPage)]
pub fn import_page(_: &AppProps) -> Html {
    let hash = use_hash();
    if own_route(&hash, Page::Import).is_none() {
        return reload();
    }
    html! {
        <div class="ls-app">
            <header class="ls-site">{brand(Page::Import)}<SiteNav here="import" page={Page::Import} /></header>
            <ImportView search={current_search()} />
        </div>
    }
}

/// The app page in the comparison's bundle (`lambdascope-compare`, `compare.html`): the
/// comparison alone (three lanes of the same fault, issue 9); any other view loads the page
/// again. Its own bundle since issue 16: the lessons page's bundle was 15 KB gzip (0.08 s on a
/// phone's link) larger for a view few of its readers open.
#[function_component(ComparePage)]
pub fn compare_page(_: &AppProps) -> Html {
    let hash = use_hash();
    let instance = *use_memo((), |_| next_instance());
    let Some(Route::Compare(fault, problem)) = own_route(&hash, Page::Compare) else {
        return reload();
    };
    let on_fault = Callback::from(|f: Fault| {
        if let Some(h) = crate::hooks::window().and_then(|w| w.history().ok()) {
            let _ = h.replace_state_with_url(
                &JsValue::NULL,
                "",
                Some(&format!("#compare={}", f.slug())),
            );
        }
    });
    html! {
        <div class="ls-app">
            <header class="ls-site">{brand(Page::Compare)}<SiteNav here="compare" page={Page::Compare} /></header>
            // Keyed by the address: a link to another fault (the site navigation's `#compare`,
            // say) starts from that fault.
            <CompareRoute key={hash.clone()} initial={fault} {problem} {instance} {on_fault} />
        </div>
    }
}

/// The app page in the player-only bundle (`lambdascope-player`, which embeds and the explore
/// page load): the explore view alone. It has no lessons, no comparison and no Import view; when
/// the URL asks for them it loads the page again, and the loader (`static/embed.js`, which reads the URL the same
/// way as [`route`]) then fetches that view's bundle instead.
#[function_component(PlayerPage)]
pub fn player_page(p: &AppProps) -> Html {
    let hash = use_hash();
    if own_route(&hash, Page::Explore).is_none() {
        return reload();
    }
    explore_view(&p.player, &hash)
}

#[derive(Properties, PartialEq)]
struct CompareRouteProps {
    initial: Fault,
    /// What was wrong with the link's `compare`, shown until another fault is chosen.
    problem: Option<String>,
    instance: u32,
    on_fault: Callback<Fault>,
}

/// Holds the chosen fault (the URL follows it without a navigation).
#[function_component(CompareRoute)]
fn compare_route(p: &CompareRouteProps) -> Html {
    let fault = use_state(|| p.initial);
    let notice = use_state(|| p.problem.clone());
    let on_fault = {
        let (fault, notice, cb) = (fault.clone(), notice.clone(), p.on_fault.clone());
        Callback::from(move |f: Fault| {
            fault.set(f);
            notice.set(None);
            cb.emit(f);
        })
    };
    html! {
        <>
            // The same notice as the lessons page's for a link it cannot follow.
            if let Some(n) = &*notice { <p class="ls-notice" role="alert">{n.clone()}</p> }
            <CompareView fault={*fault} instance={p.instance} {on_fault} />
        </>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A lessons route without problems.
    fn lessons(lesson: Option<&str>, beat: Option<usize>) -> Route {
        Route::Lessons {
            lesson: lesson.map(str::to_string),
            beat,
            problems: Vec::new(),
        }
    }

    #[test]
    fn fragments_choose_the_view() {
        assert_eq!(route(""), Route::Player);
        assert_eq!(
            route("?lesson=async-retries&beat=3"),
            lessons(Some("async-retries"), Some(2)),
            "a share link's query names a lesson too"
        );
        assert_eq!(
            route("?s=overview&lesson=async-retries&beat=3"),
            Route::Player
        );
        assert_eq!(route("#scenario=overview&t=5000"), Route::Player);
        assert_eq!(route("#s=async-retries-dlq&seed=3"), Route::Player);
        assert_eq!(route("#lessons"), lessons(None, None));
        assert_eq!(
            route("#lesson=async-retries&beat=3"),
            lessons(Some("async-retries"), Some(2))
        );
        assert_eq!(
            route("#lesson=async-retries"),
            lessons(Some("async-retries"), None)
        );
        assert_eq!(
            route("#s=async-retries-dlq&t=63220&lesson=async-retries&beat=4"),
            Route::Player
        );
        assert_eq!(
            route("#compare"),
            Route::Compare(Fault::FunctionError, None)
        );
        assert_eq!(
            route("#compare=poison"),
            Route::Compare(Fault::Poison, None)
        );
        assert_eq!(route("#import"), Route::Import);
        assert_eq!(route("?import"), Route::Import);
        assert_eq!(route("#import&z=abc"), Route::Import);
    }

    /// Issue 12: a bad `lesson`, `beat` or `compare` is not obeyed, and the notice names it.
    #[test]
    fn bad_lesson_beat_and_compare_are_named() {
        let Route::Lessons {
            lesson,
            beat,
            problems,
        } = route("#lesson=%3Cscript%3E&beat=0")
        else {
            panic!("not the lessons")
        };
        assert_eq!((lesson, beat), (None, None), "a hostile link is not obeyed");
        assert_eq!(
            problems,
            vec![
                "URL parameter `lesson`: `<script>` is not a lesson id: use 1–64 lowercase letters, digits and `-`".to_string(),
                "URL parameter `beat`: `0` is not a beat number: allowed 1–1000".to_string(),
            ]
        );
        let Route::Lessons {
            lesson,
            beat,
            problems,
        } = route("#lesson=sqs&beat=x")
        else {
            panic!("not the lessons")
        };
        assert_eq!((lesson.as_deref(), beat), (Some("sqs"), None));
        assert_eq!(
            problems,
            vec!["URL parameter `beat`: `x` is not a beat number: allowed 1–1000".to_string()]
        );
        // Well-formed but past the lesson's end: the lessons page, which knows the lesson's
        // length, says so (course::check_beat).
        assert_eq!(
            route("#lesson=sqs&beat=999"),
            lessons(Some("sqs"), Some(998))
        );
        assert_eq!(
            route("#compare=meteor%3Cb%3E"),
            Route::Compare(
                Fault::FunctionError,
                Some("URL parameter `compare`: `meteor<b>` is not a fault: allowed none, function-error, throttle, timeout, poison; here is function-error.".into())
            )
        );
    }

    /// Each view's links: within its own page a fragment, to another page's view that page.
    #[test]
    fn links_go_to_the_page_whose_bundle_draws_the_view() {
        assert_eq!(Page::Explore.link(""), "#");
        assert_eq!(Page::Explore.link("lessons"), "lessons.html#lessons");
        assert_eq!(
            Page::Explore.link("lesson=three-ways&beat=1"),
            "lessons.html#lesson=three-ways&beat=1"
        );
        assert_eq!(Page::Explore.link("compare"), "compare.html#compare");
        assert_eq!(Page::Explore.link("import"), "import.html#import");
        assert_eq!(Page::Lessons.link(""), "./");
        assert_eq!(Page::Lessons.link("lessons"), "#lessons");
        assert_eq!(Page::Lessons.link("compare"), "compare.html#compare");
        assert_eq!(Page::Compare.link("compare=poison"), "#compare=poison");
        assert_eq!(Page::Compare.link("lessons"), "lessons.html#lessons");
        assert_eq!(Page::Compare.link(""), "./");
        assert_eq!(Page::Lessons.link("import"), "import.html#import");
        assert_eq!(Page::Import.link(""), "./");
        assert_eq!(Page::Import.link("import"), "#import");
        assert_eq!(Page::Import.link("lessons"), "lessons.html#lessons");
    }

    /// The loader forwards an address to the page of the bundle its view needs, by the same
    /// names: `PAGES` in `static/embed.js` is [`Page::path`] per bundle.
    #[test]
    fn the_loader_knows_each_page_by_its_bundle() {
        let js = include_str!("../../static/embed.js");
        for (bundle, page) in [
            ("lambdascope-player", Page::Explore),
            ("lambdascope-app", Page::Lessons),
            ("lambdascope-compare", Page::Compare),
            ("lambdascope-import", Page::Import),
        ] {
            assert!(
                js.contains(&format!("'{bundle}': '{}'", page.path())),
                "embed.js's PAGES does not send {bundle} to {}",
                page.path()
            );
        }
    }

    /// `static/embed.js` loads the player-only bundle unless the URL asks for another view, read
    /// as [`route`] reads it, and the player bundle reloads the page for any view but the player:
    /// a view whose key the loader does not know would reload forever. Every route's key (the
    /// match below has no catch-all, so a new view must name one) is in the loader's rule.
    #[test]
    fn the_loader_fetches_the_full_app_for_every_view_but_the_player() {
        fn key(r: &Route) -> Option<&'static str> {
            match r {
                Route::Player => None,
                Route::Lessons { .. } => Some("lessons"),
                Route::Compare(..) => Some("compare"),
                Route::Import => Some("import"),
            }
        }
        let js = include_str!("../../static/embed.js");
        let rule = js
            .split("function bundle()")
            .nth(1)
            .and_then(|rest| rest.split("\n}\n").next())
            .expect("embed.js has its bundle() rule");
        for example in [
            route("#lessons"),
            route("#compare"),
            route("#import"),
            route(""),
        ] {
            if let Some(k) = key(&example) {
                assert_eq!(route(&format!("#{k}")), example);
                assert!(
                    rule.contains(&format!("has('{k}')")),
                    "embed.js's bundle() does not ask for that view's bundle on `#{k}`"
                );
            }
        }
    }
}
