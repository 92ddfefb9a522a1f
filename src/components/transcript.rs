//! The transcript: the text equivalent of the animation so far (each beat's narration, the
//! question and answers, and the core's sentence for every major event), shown on the page and
//! downloadable as Markdown through a Blob URL (no inline script, no server).

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::Shared;
use crate::course::Section;
use crate::playback::format_clock;

/// Most event rows shown per beat on the page.
pub const MAX_ROWS: usize = 200;

#[derive(Properties, PartialEq)]
pub struct TranscriptProps {
    pub sections: Shared<Vec<Section>>,
    /// The Markdown to download (made only when asked for).
    pub markdown: Callback<(), String>,
    /// The downloaded file's name.
    pub file_name: AttrValue,
    pub on_close: Callback<()>,
}

#[function_component(Transcript)]
pub fn transcript(p: &TranscriptProps) -> Html {
    let status = use_state(|| None::<String>);
    let download = {
        let (md, name, status) = (p.markdown.clone(), p.file_name.clone(), status.clone());
        Callback::from(move |_: MouseEvent| {
            status.set(Some(
                match download_text(&name, "text/markdown", &md.emit(())) {
                    Ok(()) => format!("Downloaded {name}."),
                    Err(e) => format!("The download did not start: {e}"),
                },
            ))
        })
    };
    let close = {
        let cb = p.on_close.clone();
        Callback::from(move |_: MouseEvent| cb.emit(()))
    };
    let sections = p.sections.iter().map(|s| {
        // A day of retries is thousands of lines: the page shows the latest, the download all.
        let skipped = s.rows.len().saturating_sub(MAX_ROWS);
        html! {
            <section class="ls-tx-beat">
                <h4>{format!("Beat {}", s.number)}</h4>
                <p>{s.narration.clone()}</p>
                if let Some(q) = &s.question {
                    <p><strong>{"Question: "}</strong>{q.clone()}</p>
                    <ul class="ls-tx-answers">{ for s.answers.iter().map(|a| html! { <li>{a.clone()}</li> }) }</ul>
                    if let Some(r) = &s.reveal { <p>{r.clone()}</p> }
                }
                if !s.rows.is_empty() {
                    <table class="ls-tx-table">
                        <thead><tr><th scope="col">{"time"}</th><th scope="col">{"what happens"}</th></tr></thead>
                        <tbody>
                        if skipped > 0 {
                            <tr><td></td><td class="ls-hint">{format!("… {skipped} earlier events: the Markdown download has them all.")}</td></tr>
                        }
                        { for s.rows[skipped..].iter().map(|(at, text)| html! {
                            <tr><td class="ls-tx-time">{format_clock(*at)}</td><td>{text.clone()}</td></tr>
                        }) }
                        </tbody>
                    </table>
                }
            </section>
        }
    });
    html! {
        <section class="ls-transcript" aria-label="Transcript" data-ls="transcript">
            <div class="ls-tx-head">
                <h3>{"Transcript so far"}</h3>
                <button type="button" class="ls-btn" onclick={download} data-ls="download">{"Download as Markdown"}</button>
                <button type="button" class="ls-btn ls-quiet" onclick={close}>{"Hide the transcript"}</button>
            </div>
            if let Some(s) = &*status { <p class="ls-hint" role="status">{s.clone()}</p> }
            { for sections }
        </section>
    }
}

/// Saves `text` as a file: a Blob, an object URL, a click on a temporary `<a download>`, and the
/// URL revoked once the browser has taken the file.
pub fn download_text(file_name: &str, mime: &str, text: &str) -> Result<(), String> {
    let err = |e: wasm_bindgen::JsValue| {
        e.as_string()
            .or_else(|| {
                wasm_bindgen::JsCast::dyn_ref::<js_sys::Error>(&e)
                    .map(|e| String::from(e.message()))
            })
            .unwrap_or_else(|| "the browser refused".into())
    };
    let window = crate::hooks::window().ok_or("no window")?;
    let doc = window.document().ok_or("no document")?;
    let parts = js_sys::Array::of1(&text.into());
    let opts = web_sys::BlobPropertyBag::new();
    opts.set_type(&format!("{mime};charset=utf-8"));
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &opts).map_err(err)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).map_err(err)?;
    let a: web_sys::HtmlAnchorElement = doc
        .create_element("a")
        .map_err(err)?
        .dyn_into()
        .map_err(|_| "not an anchor")?;
    a.set_href(&url);
    a.set_download(file_name);
    a.set_class_name("ls-sr-only");
    let body = doc.body().ok_or("no body")?;
    body.append_child(&a).map_err(err)?;
    a.click();
    a.remove();
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Ok(())
}
