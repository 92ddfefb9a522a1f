//! `mdbook-lambdascope`: an mdBook preprocessor. mdBook runs `mdbook-lambdascope supports html`,
//! then pipes `[context, book]` JSON through it. See the crate docs of the library for the block
//! syntax, and examples/book for a whole book.

use std::io::Read;
use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("supports") {
        // Players need a browser: HTML only.
        return if args.get(1).map(String::as_str) == Some("html") {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        };
    }
    let mut input = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut input) {
        eprintln!("mdbook-lambdascope: cannot read stdin: {e}");
        return ExitCode::FAILURE;
    }
    let parsed: serde_json::Value = match serde_json::from_str(&input) {
        Ok(v) => v,
        Err(e) => {
            eprintln!("mdbook-lambdascope: expected mdBook's [context, book] JSON on stdin: {e}");
            return ExitCode::FAILURE;
        }
    };
    let Some(mut book) = parsed.as_array().and_then(|a| a.get(1)).cloned() else {
        eprintln!("mdbook-lambdascope: expected a JSON array [context, book] on stdin");
        return ExitCode::FAILURE;
    };
    if let Err(e) = mdbook_lambdascope::process_book(&mut book) {
        eprintln!("mdbook-lambdascope: {e}");
        return ExitCode::FAILURE;
    }
    println!("{book}");
    ExitCode::SUCCESS
}
