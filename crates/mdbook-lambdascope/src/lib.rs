//! The text transform behind `mdbook-lambdascope`: fenced `lambdascope` blocks become player
//! mount points.
//!
//! ````markdown
//! ```lambdascope
//! scenario = "async-retries-dlq"
//! seed = 7
//! at = "61s"
//! ```
//! ````
//!
//! becomes `<div class="lambdascope-embed" data-lambdascope="async-retries-dlq" data-seed="7"
//! data-at="61000"></div>`, which the player script mounts (every such element gets its own
//! independent player). A block may instead hold a whole scenario (it has `format_version`): it is
//! validated here, at book build time, and carried in `data-toml`. Problems fail the build with the
//! chapter, the block's line and what is allowed — a broken embed never ships silently.
//!
//! Everything inserted into HTML is attribute-escaped; the preprocessor never emits script.

use lambdascope_sim::time::parse_duration;
use lambdascope_sim::Scenario;

/// Options of a block that names a bundled scenario.
#[derive(Debug, Default, PartialEq)]
pub struct EmbedOptions {
    pub scenario: String,
    pub seed: Option<u64>,
    pub at_ms: Option<u64>,
}

/// Replaces every ```` ```lambdascope ```` block in `markdown`. `chapter` names the chapter in errors.
pub fn transform(chapter: &str, markdown: &str) -> Result<String, String> {
    let mut out = String::with_capacity(markdown.len());
    let mut lines = markdown.split_inclusive('\n').enumerate();
    while let Some((n, line)) = lines.next() {
        let trimmed = line.trim_start();
        let fence_len = trimmed.chars().take_while(|c| *c == '`').count();
        let info = trimmed[fence_len.min(trimmed.len())..].trim();
        if fence_len >= 3 && info == "lambdascope" {
            let fence = &trimmed[..fence_len];
            let mut body = String::new();
            let mut closed = false;
            for (_, l) in lines.by_ref() {
                if l.trim() == fence {
                    closed = true;
                    break;
                }
                body.push_str(l);
            }
            if !closed {
                return Err(format!(
                    "{chapter}: line {}: the ```lambdascope block is never closed",
                    n + 1
                ));
            }
            let html = block_to_html(&body)
                .map_err(|e| format!("{chapter}: line {}: ```lambdascope block: {e}", n + 1))?;
            out.push_str(&html);
            out.push('\n');
        } else if fence_len >= 3 {
            // Some other fenced block (which may itself show a ```lambdascope example): copy it
            // through untouched up to its closing fence.
            let fence = &trimmed[..fence_len];
            out.push_str(line);
            for (_, l) in lines.by_ref() {
                out.push_str(l);
                let t = l.trim();
                if t.starts_with(fence) && t.chars().all(|c| c == '`') {
                    break;
                }
            }
        } else {
            out.push_str(line);
        }
    }
    Ok(out)
}

/// One block's HTML.
pub fn block_to_html(body: &str) -> Result<String, String> {
    let value: toml::Table = toml::from_str(body).map_err(|e| e.message().trim().to_string())?;
    if value.contains_key("format_version") {
        let scenario = Scenario::parse("inline scenario", body).map_err(|e| e.to_string())?;
        return Ok(format!(
            "<div class=\"lambdascope-embed\" data-lambdascope=\"{}\" data-toml=\"{}\"></div>",
            escape_attr(scenario.id()),
            escape_attr(body)
        ));
    }
    let o = options(&value)?;
    let mut html = format!(
        "<div class=\"lambdascope-embed\" data-lambdascope=\"{}\"",
        escape_attr(&o.scenario)
    );
    if let Some(s) = o.seed {
        html.push_str(&format!(" data-seed=\"{s}\""));
    }
    if let Some(t) = o.at_ms {
        html.push_str(&format!(" data-at=\"{t}\""));
    }
    html.push_str("></div>");
    Ok(html)
}

fn options(t: &toml::Table) -> Result<EmbedOptions, String> {
    let mut o = EmbedOptions::default();
    for (k, v) in t {
        match (k.as_str(), v) {
            ("scenario", toml::Value::String(s)) => {
                if s.is_empty() || s.len() > 64 || !s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-') {
                    return Err(format!("scenario `{s}` is not a scenario id (lowercase letters, digits, `-`)"));
                }
                o.scenario = s.clone();
            }
            ("seed", toml::Value::Integer(i)) if *i >= 0 => o.seed = Some(*i as u64),
            ("at", toml::Value::String(s)) => o.at_ms = Some(parse_duration(s)?.as_ms()),
            ("at", toml::Value::Integer(i)) if *i >= 0 => o.at_ms = Some(*i as u64 * 1000),
            (k @ ("scenario" | "seed" | "at"), _) => return Err(format!("`{k}` has the wrong type: scenario = \"id\", seed = 7, at = \"61s\"")),
            (k, _) => return Err(format!("unknown option `{k}`: allowed scenario, seed, at (or a whole scenario with format_version)")),
        }
    }
    if o.scenario.is_empty() {
        return Err("name a scenario: scenario = \"async-retries-dlq\" (or write a whole scenario with format_version = 1)".into());
    }
    Ok(o)
}

/// Escapes text for a double-quoted HTML attribute.
pub fn escape_attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' => out.push_str("&#10;"),
            _ => out.push(c),
        }
    }
    out
}

/// Walks mdBook's book JSON (0.4's `sections` or 0.5's `items`) and transforms every chapter.
pub fn process_book(book: &mut serde_json::Value) -> Result<(), String> {
    fn walk(v: &mut serde_json::Value) -> Result<(), String> {
        match v {
            serde_json::Value::Object(map) => {
                if let Some(serde_json::Value::Object(ch)) = map.get_mut("Chapter") {
                    let name = ch
                        .get("name")
                        .and_then(|n| n.as_str())
                        .unwrap_or("chapter")
                        .to_string();
                    if let Some(serde_json::Value::String(content)) = ch.get_mut("content") {
                        *content = transform(&name, content)?;
                    }
                    if let Some(sub) = ch.get_mut("sub_items") {
                        walk(sub)?;
                    }
                    return Ok(());
                }
                for (_, child) in map.iter_mut() {
                    walk(child)?;
                }
                Ok(())
            }
            serde_json::Value::Array(items) => items.iter_mut().try_for_each(walk),
            _ => Ok(()),
        }
    }
    walk(book)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_block_becomes_a_mount_point() {
        let md = "# Retries\n\nText.\n\n```lambdascope\nscenario = \"async-retries-dlq\"\nseed = 7\nat = \"61s\"\n```\n\nMore.\n";
        let out = transform("Retries", md).unwrap();
        assert!(out.contains("<div class=\"lambdascope-embed\" data-lambdascope=\"async-retries-dlq\" data-seed=\"7\" data-at=\"61000\"></div>"), "{out}");
        assert!(
            out.starts_with("# Retries\n\nText.\n\n") && out.ends_with("\nMore.\n"),
            "{out}"
        );
    }

    #[test]
    fn other_code_blocks_are_left_alone() {
        let md = "```rust\nlet x = 1;\n```\n````\n```lambdascope\n````\n";
        assert_eq!(transform("c", md).unwrap(), md);
    }

    #[test]
    fn inline_scenarios_are_validated_and_escaped() {
        let md = "```lambdascope\nformat_version = 1\nid = \"mine\"\ntitle = \"<script>alert('x')</script> & co\"\n[[sources]]\nkind = \"s3\"\nid = \"up\"\n[[workload]]\nsource = \"up\"\n```\n";
        let out = transform("c", md).unwrap();
        assert!(out.contains("data-lambdascope=\"mine\""), "{out}");
        assert!(!out.contains("<script>"), "{out}");
        assert!(
            out.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co"),
            "{out}"
        );
        let bad = md.replace("kind = \"s3\"", "kind = \"ftp\"");
        let e = transform("Chapter 3", &bad).unwrap_err();
        assert!(
            e.starts_with("Chapter 3: line 1: ```lambdascope block:"),
            "{e}"
        );
    }

    #[test]
    fn mistakes_fail_the_build_with_what_is_allowed() {
        assert!(transform("c", "```lambdascope\nscenario = \"x\"\n")
            .unwrap_err()
            .contains("never closed"));
        assert!(transform("c", "```lambdascope\nscenrio = \"x\"\n```\n")
            .unwrap_err()
            .contains("unknown option `scenrio`: allowed scenario, seed, at"));
        assert!(transform("c", "```lambdascope\nseed = 1\n```\n")
            .unwrap_err()
            .contains("name a scenario"));
        assert!(transform(
            "c",
            "```lambdascope\nscenario = \"x\"\nat = \"soon\"\n```\n"
        )
        .unwrap_err()
        .contains("is not a duration"));
    }

    #[test]
    fn walks_both_book_json_shapes() {
        let chapter = |c: &str| serde_json::json!({"Chapter": {"name": "A", "content": c, "sub_items": [{"Chapter": {"name": "B", "content": c, "sub_items": []}}]}});
        let block = "```lambdascope\nscenario = \"overview\"\n```\n";
        for key in ["sections", "items"] {
            let mut book = serde_json::json!({ key: [chapter(block), "Separator"] });
            process_book(&mut book).unwrap();
            let text = book.to_string();
            assert_eq!(
                text.matches("data-lambdascope=\\\"overview\\\"").count(),
                2,
                "{text}"
            );
        }
    }
}
