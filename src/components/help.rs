//! The `?` help sheet: keyboard shortcuts (they act only while the player has focus).

use yew::prelude::*;

use super::glyph::icon;

#[derive(Properties, PartialEq)]
pub struct HelpProps {
    pub instance: u32,
    pub on_close: Callback<()>,
}

const KEYS: [(&str, &str); 9] = [
    ("Space", "play / pause"),
    ("← →", "step one event back / forward"),
    ("+ −", "faster / slower (log scale, 0.01× to 100×)"),
    ("Home End", "go to the start / the end"),
    ("Tab", "move between boxes and controls"),
    ("Enter", "open the selected box's details"),
    ("Esc", "close this sheet or the details panel"),
    ("?", "show or hide this sheet"),
    (
        "click the timeline",
        "go to that moment; then inject a fault to branch",
    ),
];

#[function_component(HelpSheet)]
pub fn help_sheet(p: &HelpProps) -> Html {
    let close_ref = use_node_ref();
    {
        let r = close_ref.clone();
        use_effect_with((), move |_| {
            if let Some(b) = r.cast::<web_sys::HtmlElement>() {
                let _ = b.focus();
            }
        });
    }
    let close = {
        let cb = p.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let title = format!("ls-help-title-{}", p.instance);
    html! {
        <div class="ls-help" role="dialog" aria-modal="true" aria-labelledby={title.clone()}>
            <div class="ls-help-card">
                <button type="button" class="ls-btn ls-close" ref={close_ref} onclick={close} aria-label="Close keyboard help and legend">{icon("close")}</button>
                <h2 id={title}>{"Keyboard"}</h2>
                <p class="ls-hint">{"Shortcuts work while the player has focus (click it or Tab into it); they never affect the rest of the page."}</p>
                <dl class="ls-keys">
                    { for KEYS.iter().map(|(k, v)| html! { <><dt><kbd>{*k}</kbd></dt><dd>{*v}</dd></> }) }
                </dl>
                // Every glyph of the diagram and the timeline, in every player (embeds have no
                // legend of their own).
                <super::catalog_strip::Legend open={true} />
            </div>
        </div>
    }
}
