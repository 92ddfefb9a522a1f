//! The Import view (issue 13, `#import`, full app only): paste, drop or open an AWS SAM or
//! CloudFormation template; pick one of its functions; its diagram plays in the player (opened as
//! a share link with an inline scenario opens it) with the advice beside it, each finding a link
//! to the moment it shows in the run. The logic is in [`crate::import_view`] (pure); this is the
//! page around it. Every piece of the template the page shows is a text node, never markup.

use std::rc::Rc;

use lambdascope_sim::share::ScenarioRef;
use lambdascope_sim::Scenario;
use lambdascope_stack::import::{Import, Imported};
use wasm_bindgen::JsCast;
use web_sys::{HtmlElement, HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::player::{Player, PlayerProps};
use super::Shared;
use crate::import_view::{self as logic, Failure, Finding, Moment};
use crate::playback::format_clock;
use crate::share_link::{self, ControlsMode, ViewOptions};

#[derive(Properties, PartialEq)]
pub struct ImportProps {
    /// The page's query when the view opened. The player keeps the address current
    /// (`?z=…#import`), so a scenario in it (a reload, a copied address) is shown again.
    pub search: String,
}

/// Where the functions came from.
#[derive(Clone, PartialEq)]
enum Origin {
    /// A template (its file name, or "pasted template").
    Template(String),
    /// The page's address: the scenario alone, with the link's seed and moment.
    Link(Rc<PlayerProps>),
}

/// What the view shows below the template.
#[derive(Clone, PartialEq)]
enum Shown {
    Nothing,
    Failed(Failure),
    Imported {
        origin: Origin,
        import: Shared<Import>,
        /// Counts imports: a new one is a new player.
        generation: u32,
    },
}

/// The player's opening moment after a finding was followed (`visit` counts the clicks).
#[derive(Clone, PartialEq, Default)]
struct Goto {
    visit: u32,
    moment: Option<Moment>,
}

fn initial(search: &str) -> Shown {
    let req = share_link::from_url(search, "");
    let Some(ScenarioRef::Inline(text)) = &req.state.scenario else {
        return Shown::Nothing;
    };
    let function = logic::from_link(text);
    let props = crate::mount::props_from(req.clone());
    Shown::Imported {
        origin: Origin::Link(Rc::new(props)),
        import: Shared::new(Import {
            functions: vec![function],
            notes: Vec::new(),
        }),
        generation: 0,
    }
}

#[function_component(ImportView)]
pub fn import_view(p: &ImportProps) -> Html {
    let shown = use_state({
        let search = p.search.clone();
        move || initial(&search)
    });
    let editing = use_state(|| matches!(*shown, Shown::Nothing));
    let chosen = use_state(|| 0usize);
    let goto = use_state(Goto::default);
    let dragging = use_state(|| false);
    let area = use_node_ref();
    let play = use_node_ref();

    // Reads a template and shows the outcome; keeps the chosen function when the new template
    // still has it (an edit and re-import).
    let load = {
        let (shown, editing, chosen, goto) =
            (shown.clone(), editing.clone(), chosen.clone(), goto.clone());
        Callback::from(
            move |(name, text): (String, String)| match logic::read(&name, &text) {
                Ok(import) => {
                    let keep = match &*shown {
                        Shown::Imported { import: old, .. } => old
                            .functions
                            .get(*chosen)
                            .and_then(|f| {
                                import
                                    .functions
                                    .iter()
                                    .position(|g| g.function == f.function)
                            })
                            .unwrap_or(0),
                        _ => 0,
                    };
                    let generation = match &*shown {
                        Shown::Imported { generation, .. } => generation + 1,
                        _ => 1,
                    };
                    chosen.set(keep);
                    goto.set(Goto::default());
                    editing.set(false);
                    shown.set(Shown::Imported {
                        origin: Origin::Template(name),
                        import: Shared::new(import),
                        generation,
                    });
                }
                Err(f) => {
                    editing.set(true);
                    shown.set(Shown::Failed(f));
                }
            },
        )
    };
    let fail = {
        let (shown, editing) = (shown.clone(), editing.clone());
        Callback::from(move |f: Failure| {
            editing.set(true);
            shown.set(Shown::Failed(f));
        })
    };
    // Puts a template in the text box (a file, the sample) and imports it.
    let load_text = {
        let (area, load) = (area.clone(), load.clone());
        Callback::from(move |(name, text): (String, String)| {
            if let Some(ta) = area.cast::<HtmlTextAreaElement>() {
                ta.set_value(&text);
            }
            load.emit((name, text));
        })
    };
    let read_file = {
        let (load_text, fail) = (load_text.clone(), fail.clone());
        Callback::from(move |file: web_sys::File| read_file(file, load_text.clone(), fail.clone()))
    };
    let on_import = {
        let (area, load) = (area.clone(), load.clone());
        Callback::from(move |_: MouseEvent| {
            if let Some(ta) = area.cast::<HtmlTextAreaElement>() {
                load.emit(("pasted template".into(), ta.value()));
            }
        })
    };
    // A paste (or text dropped into the box) imports at once; typing waits for the button.
    let on_input = {
        let (area, load) = (area.clone(), load.clone());
        Callback::from(move |e: InputEvent| {
            if matches!(
                e.input_type().as_str(),
                "insertFromPaste" | "insertFromDrop"
            ) {
                if let Some(ta) = area.cast::<HtmlTextAreaElement>() {
                    load.emit(("pasted template".into(), ta.value()));
                }
            }
        })
    };
    let on_sample = {
        let load_text = load_text.clone();
        Callback::from(move |_: MouseEvent| {
            load_text.emit((logic::SAMPLE_NAME.into(), logic::SAMPLE.into()))
        })
    };
    let on_pick = {
        let read_file = read_file.clone();
        Callback::from(move |e: Event| {
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            if let Some(file) = input.files().and_then(|l| l.get(0)) {
                read_file.emit(file);
            }
            // The same file picked again is read again.
            input.set_value("");
        })
    };
    // The whole view takes a dropped file (anywhere else the browser would open it instead).
    let on_drag = {
        let dragging = dragging.clone();
        Callback::from(move |e: DragEvent| {
            e.prevent_default();
            dragging.set(e.type_() != "dragleave" && e.type_() != "drop");
        })
    };
    let on_drop = {
        let (dragging, read_file, load_text) =
            (dragging.clone(), read_file.clone(), load_text.clone());
        Callback::from(move |e: DragEvent| {
            dragging.set(false);
            let Some(dt) = e.data_transfer() else { return };
            if let Some(file) = dt.files().and_then(|l| l.get(0)) {
                e.prevent_default();
                read_file.emit(file);
            } else if e
                .target()
                .and_then(|t| t.dyn_into::<HtmlTextAreaElement>().ok())
                .is_none()
            {
                // Text dropped beside the box (into the box, the box takes it itself).
                e.prevent_default();
                if let Ok(text) = dt.get_data("text/plain") {
                    load_text.emit(("dropped text".into(), text));
                }
            }
        })
    };
    // A line named by an error or a note: the template unfolds, then the line is selected.
    let line_asked = use_state(|| (0u32, 0u32));
    let select_line = {
        let (line_asked, editing) = (line_asked.clone(), editing.clone());
        Callback::from(move |line: u32| {
            editing.set(true);
            line_asked.set((line, line_asked.1 + 1));
        })
    };
    {
        let area = area.clone();
        use_effect_with(*line_asked, move |(line, _)| {
            if let Some(ta) = area.cast::<HtmlTextAreaElement>() {
                if let Some((a, b)) = logic::line_range(&ta.value(), *line) {
                    let _ = ta.focus();
                    let _ = ta.set_selection_range(a, b);
                }
            }
        });
    }
    let on_follow = {
        let goto = goto.clone();
        Callback::from(move |m: Moment| {
            goto.set(Goto {
                visit: goto.visit + 1,
                moment: Some(m),
            })
        })
    };
    // After a finding is followed, the player (reopened at its moment) gets the focus and comes
    // into view: on a phone the advice is below it.
    {
        let play = play.clone();
        use_effect_with(goto.visit, move |visit| {
            // After the reopened player's first frame is laid out (its rest arrives then).
            if *visit > 0 {
                crate::hooks::after_paint(move || focus_player(&play));
            }
        });
    }
    let on_choose = {
        let (chosen, goto) = (chosen.clone(), goto.clone());
        Callback::from(move |e: Event| {
            if let Some(i) = e
                .target_dyn_into::<HtmlSelectElement>()
                .and_then(|s| s.value().parse::<usize>().ok())
            {
                chosen.set(i);
                goto.set(Goto::default());
            }
        })
    };

    let result = match &*shown {
        Shown::Imported {
            origin,
            import,
            generation,
        } => html! {
            <Outcome origin={origin.clone()} import={import.clone()} generation={*generation} chosen={*chosen} goto={(*goto).clone()}
                play={play.clone()} {on_choose} {on_follow} on_line={select_line.clone()}
                on_edit={{ let editing = editing.clone(); Callback::from(move |_: MouseEvent| editing.set(!*editing)) }} editing={*editing} />
        },
        _ => html! {},
    };
    let error = match &*shown {
        Shown::Failed(f) => error_box(f, &select_line),
        _ => html! {},
    };
    html! {
        <section class={classes!("ls-import", (*dragging).then_some("ls-dragging"))} aria-labelledby="ls-import-h"
            ondragover={on_drag.clone()} ondragenter={on_drag.clone()} ondragleave={on_drag} ondrop={on_drop}>
            <div class="ls-import-intro">
                <h1 id="ls-import-h">{"Your own stack"}</h1>
                <p>{"Paste an AWS SAM or CloudFormation template (YAML with "}<code>{"!Ref"}</code>{", "}<code>{"!GetAtt"}</code>{", "}<code>{"!Sub"}</code>
                   {"… or JSON), drop a file here, or open one. Each Lambda function becomes a scenario: how the template invokes it and what it does when things fail. It plays, with what the fact sheet warns about beside it, each finding linked to the moment it shows in the run."}</p>
                <p class="ls-private"><strong>{"Nothing leaves your browser."}</strong>{" The template is read and simulated on this page; it is never uploaded or sent anywhere."}</p>
            </div>
            <div class={classes!("ls-import-input", (!*editing).then_some("ls-folded"))}>
                <label class="ls-import-label" for="ls-template">{"Template"}</label>
                <textarea id="ls-template" ref={area} class="ls-template" spellcheck="false" autocomplete="off"
                    placeholder="Resources:\n  MyFunction:\n    Type: AWS::Serverless::Function\n    …" oninput={on_input} data-ls="template" />
                <div class="ls-import-actions">
                    <button type="button" class="ls-btn ls-primary" onclick={on_import} data-ls="import">{"Import"}</button>
                    <label class="ls-btn ls-file">{"Open a file…"}
                        <input type="file" accept=".yaml,.yml,.json,.template,.txt,application/json,application/yaml,text/yaml,text/plain" onchange={on_pick} data-ls="file" />
                    </label>
                    <button type="button" class="ls-btn" onclick={on_sample} data-ls="sample">{"Try a sample template"}</button>
                </div>
            </div>
            {error}
            {result}
        </section>
    }
}

/// A refusal: what was wrong, where, and that line of the template (a click selects it).
fn error_box(f: &Failure, select_line: &Callback<u32>) -> Html {
    let line = f.line.map(|l| {
        let cb = select_line.clone();
        html! { <button type="button" class="ls-linkbtn" onclick={Callback::from(move |_: MouseEvent| cb.emit(l))}>{format!("Line {l}")}</button> }
    });
    html! {
        <div class="ls-import-error" role="alert" data-ls="import-error">
            <p><strong>{"The template could not be imported. "}</strong>{line}{if f.line.is_some() { ": " } else { "" }}{f.message.clone()}</p>
            if let (Some(l), Some(x)) = (f.line, &f.excerpt) {
                <pre class="ls-excerpt"><span class="ls-ln" aria-hidden="true">{format!("{l} │ ")}</span>{x.clone()}</pre>
            }
        </div>
    }
}

/// Reads a dropped or picked file (after checking its size) and hands its text on.
fn read_file(file: web_sys::File, on_text: Callback<(String, String)>, on_fail: Callback<Failure>) {
    let name = file.name();
    if let Err(f) = logic::check_file_size(&name, file.size()) {
        on_fail.emit(f);
        return;
    }
    wasm_bindgen_futures::spawn_local(async move {
        match wasm_bindgen_futures::JsFuture::from(file.text()).await {
            Ok(v) => on_text.emit((name, v.as_string().unwrap_or_default())),
            Err(_) => on_fail.emit(Failure::plain(format!(
                "{} could not be read as text",
                logic::shown_name(&name)
            ))),
        }
    });
}

fn focus_player(play: &NodeRef) {
    let Some(el) = play
        .cast::<web_sys::Element>()
        .and_then(|w| w.query_selector(".ls-player").ok().flatten())
        .and_then(|p| p.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    let opts = web_sys::FocusOptions::new();
    opts.set_prevent_scroll(true);
    let _ = el.focus_with_options(&opts);
    // Its top into view when it is above the window or low in it (on a phone the player is taller
    // than the window and the advice, where the click was, is below it).
    let top = el.get_bounding_client_rect().top();
    let height = web_sys::window()
        .and_then(|w| w.inner_height().ok())
        .and_then(|h| h.as_f64())
        .unwrap_or(0.0);
    if top < 0.0 || top > height * 0.5 {
        let view = web_sys::ScrollIntoViewOptions::new();
        view.set_block(web_sys::ScrollLogicalPosition::Start);
        el.scroll_into_view_with_scroll_into_view_options(&view);
    }
}

#[derive(Properties, PartialEq)]
struct OutcomeProps {
    origin: Origin,
    import: Shared<Import>,
    generation: u32,
    chosen: usize,
    goto: Goto,
    play: NodeRef,
    editing: bool,
    on_choose: Callback<Event>,
    on_follow: Callback<Moment>,
    on_line: Callback<u32>,
    on_edit: Callback<MouseEvent>,
}

/// The imported functions: the picker, the chosen one's player and its advice.
#[function_component(Outcome)]
fn outcome(p: &OutcomeProps) -> Html {
    let functions = &p.import.functions;
    let Some(f) = functions.get(p.chosen).or(functions.first()) else {
        return html! {};
    };
    let what = match &p.origin {
        Origin::Template(name) => format!(
            "{}: {} function{}",
            logic::shown_name(name),
            functions.len(),
            if functions.len() == 1 { "" } else { "s" }
        ),
        Origin::Link(_) => {
            "The scenario in this page's address (a link carries the scenario, not its template)"
                .into()
        }
    };
    let picker = (functions.len() > 1).then(|| html! {
        <label class="ls-import-pick">
            <span>{"Function"}</span>
            <select onchange={p.on_choose.clone()} data-ls="function">
                { for functions.iter().enumerate().map(|(i, g)| html! {
                    <option value={i.to_string()} selected={i == p.chosen}>
                        {format!("{} (line {}){}", g.function, g.line, if logic::playable(g).is_ok() { "" } else { " — cannot be played" })}
                    </option>
                }) }
            </select>
        </label>
    });
    let seed = match &p.origin {
        Origin::Link(props) => props.seed,
        Origin::Template(_) => logic::SEED,
    };
    let body = match logic::playable(f) {
        Ok(s) => html! {
            <Played function={Shared::new(f.clone())} scenario={Shared::new(s.clone())} {seed} origin={p.origin.clone()}
                key={format!("{}-{}", p.generation, p.chosen)} goto={p.goto.clone()} play={p.play.clone()}
                on_follow={p.on_follow.clone()} on_line={p.on_line.clone()} notes={notes_html(&p.import, f, &p.on_line)} />
        },
        Err(why) => html! {
            <>
                <p class="ls-notice" role="alert">{format!("{}: {why}", f.function)}</p>
                {notes_html(&p.import, f, &p.on_line)}
            </>
        },
    };
    html! {
        <div class="ls-import-out" data-ls="import-result">
            <div class="ls-import-bar">
                <p class="ls-import-what">{what}</p>
                {picker.unwrap_or_default()}
                <button type="button" class="ls-btn" onclick={p.on_edit.clone()} aria-expanded={p.editing.to_string()} data-ls="edit">
                    {match (&p.origin, p.editing) {
                        (_, true) => "Hide the template",
                        (Origin::Template(_), false) => "Edit the template",
                        (Origin::Link(_), false) => "Import a template",
                    }}</button>
            </div>
            {body}
        </div>
    }
}

/// What was not mapped (or mapped by an assumption), each with its template line (a click
/// selects that line in the template).
fn notes_html(import: &Import, f: &Imported, on_line: &Callback<u32>) -> Html {
    let notes = logic::notes(&import.notes, &f.notes);
    if notes.is_empty() {
        return html! {};
    }
    html! {
        <section class="ls-notes" aria-label="Not mapped">
            <h3>{"Not mapped, or mapped by an assumption"}</h3>
            <ul data-ls="notes">
                { for notes.iter().map(|n| {
                    let line = n.line.map(|l| {
                        let cb = on_line.clone();
                        html! { <button type="button" class="ls-linkbtn ls-ln" onclick={Callback::from(move |_: MouseEvent| cb.emit(l))}>{format!("line {l}")}</button> }
                    });
                    html! { <li>{line}{" "}{n.text.clone()}</li> }
                }) }
            </ul>
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct PlayedProps {
    function: Shared<Imported>,
    scenario: Shared<Scenario>,
    seed: u64,
    origin: Origin,
    goto: Goto,
    play: NodeRef,
    on_follow: Callback<Moment>,
    on_line: Callback<u32>,
    notes: Html,
}

/// One function: its player (opened at the followed finding's moment) and its advice.
#[function_component(Played)]
fn played(p: &PlayedProps) -> Html {
    let findings = use_memo((), {
        let (f, s, seed) = (p.function.clone(), p.scenario.clone(), p.seed);
        move |_| logic::advice(&f, &s, seed)
    });
    // The player: as a link to the scenario would open it; after a finding is followed, as the
    // link to that moment (and its fork) would. A new visit is a new player.
    let mut props = match (&p.origin, p.goto.visit) {
        (Origin::Link(props), 0) => (**props).clone(),
        _ => PlayerProps {
            toml: Some(p.function.text.clone().into()),
            seed: p.seed,
            ..PlayerProps::default()
        },
    };
    if let Some(m) = &p.goto.moment {
        props.at_ms = Some(m.at.as_ms());
        props.link.inputs = m.what_if.clone().into_iter().collect();
    }
    props.view = ViewOptions {
        controls: ControlsMode::Minimal,
        ..props.view
    };
    let explore = share_link::link(
        &crate::embed::app_base(),
        &logic::moment_state(&p.scenario, p.seed, None),
    );
    html! {
        <div class="ls-import-result">
            <div class="ls-import-play" ref={p.play.clone()}>
                <Player key={p.goto.visit.to_string()} ..props />
                <p class="ls-import-explore"><a href={explore} data-ls="explore">{"Open in Explore →"}</a>
                    {" every control: edit the workload and the settings, inject faults."}</p>
            </div>
            <aside class="ls-advice" aria-labelledby="ls-advice-h">
                <h2 id="ls-advice-h">{format!("Advice for {}", p.function.function)}</h2>
                <Findings findings={Shared::from(findings.clone())} scenario={p.scenario.clone()} seed={p.seed} current={p.goto.moment.clone()} on_follow={p.on_follow.clone()} />
                {p.notes.clone()}
                <details class="ls-import-toml">
                    <summary>{"The scenario (TOML)"}</summary>
                    <pre data-ls="toml">{p.function.text.clone()}</pre>
                </details>
            </aside>
        </div>
    }
}

#[derive(Properties, PartialEq)]
struct FindingsProps {
    findings: Shared<Vec<Finding>>,
    scenario: Shared<Scenario>,
    seed: u64,
    current: Option<Moment>,
    on_follow: Callback<Moment>,
}

/// The findings, each with the moment it shows as a link (a click reopens the player there; the
/// link itself opens that moment in Explore).
#[function_component(Findings)]
fn findings(p: &FindingsProps) -> Html {
    if p.findings.is_empty() {
        return html! { <p class="ls-muted" data-ls="no-findings">{"No findings: nothing in this function's settings is one the fact sheet warns about."}</p> };
    }
    let base = crate::embed::app_base();
    html! {
        <>
        <p class="ls-muted">{format!("{} finding{} from a simulated run (seed {}). Each links to the moment it shows.", p.findings.len(), if p.findings.len() == 1 { "" } else { "s" }, p.seed)}</p>
        <ol class="ls-findings" data-ls="findings">
            { for p.findings.iter().map(|f| {
                let on = f.moment.is_some() && f.moment == p.current;
                let moment = f.moment.as_ref().map(|m| {
                    let href = share_link::link(&base, &logic::moment_state(&p.scenario, p.seed, Some(m)));
                    let (cb, m2) = (p.on_follow.clone(), m.clone());
                    let click = Callback::from(move |e: MouseEvent| {
                        // A modified click opens the link as the browser would (a new tab).
                        if e.button() == 0 && !(e.ctrl_key() || e.meta_key() || e.shift_key() || e.alt_key()) {
                            e.prevent_default();
                            cb.emit(m2.clone());
                        }
                    });
                    html! {
                        <a class="ls-moment" {href} onclick={click} data-ls="moment" data-at={m.at.as_ms().to_string()} aria-current={on.then_some("true")}>
                            <span class="ls-moment-kind">{if m.what_if.is_some() { "What if: " } else { "In this run: " }}</span>
                            {m.text.clone()}
                            <span class="ls-moment-at">{format!(" — at {} →", format_clock(m.at))}</span>
                        </a>
                    }
                });
                html! {
                    <li class={classes!("ls-finding", on.then_some("ls-on"))} data-rule={f.rule}>
                        <p class="ls-finding-head"><code>{f.rule}</code>{" "}<span class="ls-row" title="The fact sheet's row">{f.row}</span></p>
                        <p class="ls-finding-subject">{f.subject.clone()}</p>
                        <p class="ls-finding-problem">{f.problem.clone()}</p>
                        { moment.unwrap_or_else(|| html! { <p class="ls-muted">{"Not seen in this run."}</p> }) }
                    </li>
                }
            }) }
        </ol>
        </>
    }
}
