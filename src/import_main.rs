//! Entry point of the Import view's bundle (`lambdascope-import`): the app page at `#import`.
//! The template reader, importer and advice (crate `lambdascope-stack`) are reached only from
//! here, so neither the player-only bundle nor the full app (lessons, comparison) carries them.
//! `static/embed.js` picks the bundle a page needs.

fn main() {
    lambdascope::mount::install_crash_handlers();
    lambdascope::mount::mount_import();
}
