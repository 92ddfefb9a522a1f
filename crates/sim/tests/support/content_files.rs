//! Reading the bundled content, shared by the integration-test binaries (each includes this file
//! with `#[path]`; `tests/support/` has no `main.rs`, so it is not a test binary of its own).

use std::path::PathBuf;

/// Every `content/<folder>/*.toml` whose file name starts with one of `prefixes` (all of them
/// when `prefixes` is empty), sorted by name, as (file name, text).
pub fn content_files(folder: &str, prefixes: &[&str]) -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../content")
        .join(folder);
    let mut files: Vec<(String, PathBuf)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), p))
        .filter(|(n, _)| {
            n.ends_with(".toml")
                && (prefixes.is_empty() || prefixes.iter().any(|pre| n.starts_with(pre)))
        })
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|(n, p)| (n, std::fs::read_to_string(&p).unwrap()))
        .collect()
}
