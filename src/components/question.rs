//! Predict, then reveal: a beat's question before it plays (radio buttons or a number), and the
//! feedback after it has played. The right answer is the plan's, computed by the simulation; the
//! feedback says whether the learner's prediction matched, then why, with its fact-sheet source.

use lambdascope_sim::lesson::{Question, QuestionKind};
use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::prelude::*;

use crate::course::{answer_label, Given};

#[derive(Properties, PartialEq)]
pub struct AskProps {
    pub question: Question,
    /// Beat number from 1 (ids must differ between beats).
    pub beat: usize,
    pub instance: u32,
    pub on_answer: Callback<String>,
    pub on_skip: Callback<()>,
}

#[function_component(Ask)]
pub fn ask(p: &AskProps) -> Html {
    let value = use_state(String::new);
    let error = use_state(|| None::<&'static str>);
    let first = use_node_ref();
    {
        // A new question takes the focus, so a keyboard user can answer at once.
        let first = first.clone();
        use_effect_with(p.beat, move |_| {
            if let Some(el) = first.cast::<web_sys::HtmlElement>() {
                let _ = el.focus();
            }
        });
    }
    let q = &p.question;
    let submit = {
        let (value, error, cb, kind) = (value.clone(), error.clone(), p.on_answer.clone(), q.kind);
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let v = value.trim().to_string();
            match kind {
                QuestionKind::Choice if v.is_empty() => {
                    error.set(Some("Pick one of the answers first."))
                }
                QuestionKind::Number if lambdascope_sim::parse_f64(v.trim()).is_none() => {
                    error.set(Some("Type a number first."))
                }
                _ => {
                    error.set(None);
                    cb.emit(v);
                }
            }
        })
    };
    let set_value = {
        let value = value.clone();
        Callback::from(move |e: Event| {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                value.set(i.value());
            }
        })
    };
    let typed = {
        let value = value.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(i) = e
                .target()
                .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
            {
                value.set(i.value());
            }
        })
    };
    // Enter on a radio button answers with it (browsers submit forms on Enter only from text fields).
    let enter = {
        let (error, cb) = (error.clone(), p.on_answer.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" {
                if let Some(i) = e
                    .target()
                    .and_then(|t| t.dyn_into::<HtmlInputElement>().ok())
                {
                    e.prevent_default();
                    if i.checked() {
                        error.set(None);
                        cb.emit(i.value());
                    } else {
                        error.set(Some(
                            "Pick one of the answers first (Space or the arrow keys).",
                        ));
                    }
                }
            }
        })
    };
    let id = format!("ls-q{}-{}", p.instance, p.beat);
    let field = match q.kind {
        QuestionKind::Choice => html! {
            <div class="ls-choices" role="radiogroup" aria-labelledby={format!("{id}-prompt")} onkeydown={enter}>
                { for q.choices.iter().enumerate().map(|(i, c)| html! {
                    <label class="ls-choice">
                        <input type="radio" name={id.clone()} value={c.value.clone()} checked={*value == c.value}
                            onchange={set_value.clone()} ref={if i == 0 { first.clone() } else { NodeRef::default() }} />
                        <span>{c.label.clone()}</span>
                    </label>
                }) }
            </div>
        },
        QuestionKind::Number => html! {
            <label class="ls-number">
                <span class="ls-sr-only">{"Your answer"}</span>
                <input type="number" inputmode="numeric" min="0" step="1" value={(*value).clone()} oninput={typed}
                    ref={first.clone()} aria-labelledby={format!("{id}-prompt")} />
            </label>
        },
    };
    let skip = {
        let cb = p.on_skip.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    html! {
        <form class="ls-question" onsubmit={submit} data-ls="question">
            <p class="ls-q-kicker">{"Predict before you watch"}</p>
            <h3 id={format!("{id}-prompt")}>{q.prompt.clone()}</h3>
            {field}
            if let Some(msg) = *error { <p class="ls-q-error" role="alert">{msg}</p> }
            <div class="ls-q-actions">
                <button type="submit" class="ls-btn ls-primary" data-ls="check">{"Check and play"}</button>
                <button type="button" class="ls-btn ls-quiet" onclick={skip}>{"Just play it"}</button>
            </div>
        </form>
    }
}

#[derive(Properties, PartialEq)]
pub struct FeedbackProps {
    pub question: Question,
    /// The simulation's answer.
    pub key_value: String,
    pub given: Option<Given>,
    pub on_retry: Callback<()>,
}

/// The sentence the feedback (and the narrator) opens with.
pub fn verdict(q: &Question, key: &str, given: Option<&Given>) -> String {
    let truth = answer_label(q, key);
    match given {
        Some(g) if g.right => format!("Right: {truth}."),
        Some(g) => format!(
            "Not quite. You said {}; the simulation says {truth}.",
            answer_label(q, &g.value)
        ),
        None => format!("The simulation says {truth}."),
    }
}

#[function_component(Feedback)]
pub fn feedback(p: &FeedbackProps) -> Html {
    let q = &p.question;
    let retry = {
        let cb = p.on_retry.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let class = match &p.given {
        Some(g) if g.right => "ls-right",
        Some(_) => "ls-wrong",
        None => "ls-skipped",
    };
    html! {
        <section class={classes!("ls-feedback", class)} data-ls="feedback" aria-label="Feedback">
            <h3><span class="ls-mark" aria-hidden="true">{match class { "ls-right" => "✓ ", "ls-wrong" => "✗ ", _ => "" }}</span>
                {verdict(q, &p.key_value, p.given.as_ref())}</h3>
            <p>{q.explain.clone()}</p>
            <p class="ls-source">{"Fact sheet: "}<code>{q.source.clone()}</code></p>
            <button type="button" class="ls-btn" onclick={retry} data-ls="retry">{"Try the question again"}</button>
        </section>
    }
}
