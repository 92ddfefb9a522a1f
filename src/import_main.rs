//! Entry point of the Import view's bundle (`lambdascope-import`): the app page at `#import`.
//! The template reader, importer and advice (crate `lambdascope-stack`) are reached only from
//! here, so no other bundle (player, lessons, comparison) carries them.
//! `static/embed.js` picks the bundle a page needs.

fn main() {
    lambdascope::mount::install_crash_handlers();
    lambdascope::mount::mount_import();
}
