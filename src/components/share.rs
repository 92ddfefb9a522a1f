//! The "Share & export" menu (issue 6): a link to this exact moment (Clipboard API, with a
//! selectable field as the visible fallback), iframe and script embed snippets, and downloads of
//! the trace (JSON), the frame (SVG) and the narration (Markdown). Also the list of problems
//! found in the link or the embed's attributes, shown inside the player.

use lambdascope_sim::share::ShareState;
use lambdascope_sim::{Method, SimTime};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::Shared;
use crate::playback::{format_clock, Moment, Session};
use crate::share_link::{self, Showing};

#[derive(Properties, PartialEq)]
pub struct ShareProps {
    pub session: Shared<Session>,
    /// The instant on screen, read when a button is pressed (not a per-frame prop: the menu does
    /// not re-render while playing).
    pub at: Moment,
    pub speed: f64,
    pub filter: Option<Method>,
    /// The bundled scenario's id while the run is an unedited bundled one.
    pub bundled_id: Option<AttrValue>,
    pub lesson: Option<AttrValue>,
    pub beat: Option<u32>,
    /// The player's root element (the SVG export reads the diagram on screen).
    pub player: NodeRef,
}

/// Makes an export's content from the props at the time of the click.
type Maker = Box<dyn Fn(&Now) -> Result<String, String>>;

/// What the menu last did, for the status line.
#[derive(Clone, PartialEq)]
enum Status {
    Idle,
    Copied(&'static str),
    /// Copying failed: the text is in the field, selected.
    CopyByHand,
    Saved(String),
    Failed(String),
}

/// The props' values at a render, for callbacks that run later (all cheap clones); the instant
/// is read when they run.
#[derive(Clone)]
struct Now {
    session: Shared<Session>,
    moment: Moment,
    speed: f64,
    filter: Option<Method>,
    bundled_id: Option<AttrValue>,
    lesson: Option<AttrValue>,
    beat: Option<u32>,
    player: NodeRef,
}

impl Now {
    fn of(p: &ShareProps) -> Now {
        Now {
            session: p.session.clone(),
            moment: p.at.clone(),
            speed: p.speed,
            filter: p.filter,
            bundled_id: p.bundled_id.clone(),
            lesson: p.lesson.clone(),
            beat: p.beat,
            player: p.player.clone(),
        }
    }
    fn at(&self) -> SimTime {
        self.moment.get()
    }
    fn state(&self) -> ShareState {
        share_link::state_of(&Showing {
            bundled_id: self.bundled_id.as_deref(),
            scenario: &self.session.scenario,
            seed: self.session.seed,
            inputs: self.session.inputs(),
            at: self.at(),
            speed: self.speed,
            filter: self.filter,
            lesson: self.lesson.as_deref(),
            beat: self.beat,
        })
    }
    fn file_name(&self, ext: &str) -> String {
        format!(
            "lambdascope-{}-seed{}-t{}.{ext}",
            share_link::file_stem(self.session.scenario.id()),
            self.session.seed,
            self.at().as_ms()
        )
    }
}

/// Copies `text`; `done(true)` once copied, `done(false)` if the browser refused (no Clipboard
/// API outside secure contexts, a denied permission, an iframe without `clipboard-write`).
fn copy_text(text: &str, done: Callback<bool>) {
    let clipboard = crate::hooks::window()
        .map(|w| w.navigator())
        .and_then(|n| js_sys::Reflect::get(&n, &"clipboard".into()).ok())
        .filter(|c| !c.is_undefined() && !c.is_null())
        .map(|c| c.unchecked_into::<web_sys::Clipboard>());
    let Some(clipboard) = clipboard else {
        done.emit(false);
        return;
    };
    let (ok, err) = (done.clone(), done);
    let ok = Closure::<dyn FnMut(JsValue)>::once(move |_: JsValue| ok.emit(true));
    let err = Closure::<dyn FnMut(JsValue)>::once(move |_: JsValue| err.emit(false));
    let _ = clipboard.write_text(text).then2(&ok, &err);
    // Exactly one of them runs, once; the pair is small, and this runs on a click.
    ok.forget();
    err.forget();
}

#[function_component(ShareMenu)]
pub fn share_menu(p: &ShareProps) -> Html {
    let text = use_state(String::new);
    let status = use_state(|| Status::Idle);
    let field = use_node_ref();

    let base = crate::embed::app_base();
    let now = Now::of(p);
    // Puts `make(state)` in the field and on the clipboard; `what` names it in the status line.
    let copy = |what: &'static str, make: Box<dyn Fn(&ShareState) -> String>| {
        let (text, status, field, now) = (text.clone(), status.clone(), field.clone(), now.clone());
        Callback::from(move |_: MouseEvent| {
            let value = make(&now.state());
            text.set(value.clone());
            let (status, field) = (status.clone(), field.clone());
            copy_text(
                &value,
                Callback::from(move |ok: bool| {
                    if ok {
                        status.set(Status::Copied(what));
                    } else {
                        status.set(Status::CopyByHand);
                        if let Some(f) = field.cast::<web_sys::HtmlTextAreaElement>() {
                            let _ = f.focus();
                            f.select();
                        }
                    }
                }),
            );
        })
    };
    let title = p.session.scenario.file.title.clone();
    let on_link = copy(
        "Link",
        Box::new({
            let base = base.clone();
            move |st| share_link::link(&base, st)
        }),
    );
    let on_iframe = copy(
        "Iframe embed",
        Box::new({
            let base = base.clone();
            move |st| share_link::iframe_snippet(&base, st, &title)
        }),
    );
    let on_script = copy(
        "Script embed",
        Box::new({
            let base = base.clone();
            move |st| share_link::script_snippet(&base, st)
        }),
    );
    // Downloads `make(now)`; the content is made on click, not on every frame.
    let save = |ext: &'static str, mime: &'static str, make: Maker| {
        let (status, now) = (status.clone(), now.clone());
        Callback::from(move |_: MouseEvent| {
            let name = now.file_name(ext);
            let outcome =
                make(&now).and_then(|content| crate::export::download(&name, mime, &content));
            status.set(match outcome {
                Ok(()) => Status::Saved(name),
                Err(e) => Status::Failed(e),
            });
        })
    };
    let on_json = save(
        "json",
        "application/json",
        Box::new(|n| Ok(crate::export::trace_json(&n.session, &n.state(), n.at()))),
    );
    let on_md = save("md", "text/markdown", {
        let base = base.clone();
        Box::new(move |n| {
            Ok(crate::export::transcript(
                &n.session,
                &share_link::link(&base, &n.state()),
            ))
        })
    });
    let on_svg = save(
        "svg",
        "image/svg+xml",
        Box::new(|n| {
            let root = n
                .player
                .cast::<web_sys::Element>()
                .ok_or("the player is not on screen")?;
            let caption = format!(
                "{} at {} (seed {}) · lambdascope",
                n.session.scenario.file.title,
                format_clock(n.at()),
                n.session.seed
            );
            crate::export::frame_svg(&root, &caption)
        }),
    );
    let select_all = Callback::from(|e: FocusEvent| {
        if let Some(t) = e
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlTextAreaElement>().ok())
        {
            t.select();
        }
    });
    let status_text = match &*status {
        Status::Idle => String::new(),
        Status::Copied(what) => format!("{what} copied to the clipboard."),
        Status::CopyByHand => "The browser did not allow copying: the text above is selected, press Ctrl+C (⌘C on a Mac).".into(),
        Status::Saved(name) => format!("Saved {name}."),
        Status::Failed(why) => format!("Could not export: {why}."),
    };
    html! {
        <details class="ls-share" data-ls="share">
            <summary>{"Share & export"}</summary>
            <div class="ls-share-body">
                <div class="ls-share-row" role="group" aria-label="Share this moment">
                    <button type="button" class="ls-btn ls-text-btn" data-ls="copy-link" onclick={on_link} title="A link that opens paused at this moment, with this seed and these faults">{"Copy link"}</button>
                    <button type="button" class="ls-btn ls-text-btn" data-ls="copy-iframe" onclick={on_iframe}>{"Copy iframe embed"}</button>
                    <button type="button" class="ls-btn ls-text-btn" data-ls="copy-script" onclick={on_script}>{"Copy script embed"}</button>
                </div>
                <textarea class="ls-share-text" ref={field} readonly=true rows="2" value={(*text).clone()} onfocus={select_all}
                    aria-label="Copied text (select it to copy by hand)" data-ls="share-text" placeholder="The link or snippet appears here." />
                <div class="ls-share-row" role="group" aria-label="Download">
                    <span class="ls-share-label">{"Download"}</span>
                    <button type="button" class="ls-btn ls-text-btn" data-ls="export-json" onclick={on_json} title="Every trace event of this run, with the seed and injected faults">{"Trace (JSON)"}</button>
                    <button type="button" class="ls-btn ls-text-btn" data-ls="export-svg" onclick={on_svg} title="This frame as a standalone SVG (no scripts or stylesheets needed)">{"Frame (SVG)"}</button>
                    <button type="button" class="ls-btn ls-text-btn" data-ls="export-md" onclick={on_md} title="The narration of the whole run as a Markdown table">{"Transcript (Markdown)"}</button>
                </div>
                <p class="ls-share-status" role="status" data-ls="share-status">{status_text}</p>
            </div>
        </details>
    }
}

#[derive(Properties, PartialEq)]
pub struct ProblemsProps {
    pub problems: Vec<AttrValue>,
}

/// What was wrong with the link or the attributes (shown as text, never as markup).
#[function_component(Problems)]
pub fn problems(p: &ProblemsProps) -> Html {
    let open = use_state(|| true);
    if p.problems.is_empty() || !*open {
        return html! {};
    }
    let close = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    html! {
        <div class="ls-problems" role="alert" data-ls="problems">
            <p>{"Some of what this link or embed asks for could not be used; the player shows the rest."}</p>
            <ul>{ for p.problems.iter().map(|m| html! { <li>{m.clone()}</li> }) }</ul>
            <button type="button" class="ls-btn ls-text-btn" onclick={close}>{"Dismiss"}</button>
        </div>
    }
}
