//! Entry point: the crash overlay first, then a player in every `[data-lambdascope]` element.

fn main() {
    lambdascope::mount::install_crash_handlers();
    lambdascope::mount::mount_all();
}
