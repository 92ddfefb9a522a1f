//! Entry point of the comparison's bundle (`lambdascope-compare`): the app page at `#compare`
//! (`compare.html`). The comparison (three lanes, one fault) is reached only from here, so the
//! lessons page's bundle does not carry it. `static/embed.js` picks the bundle a page needs.

fn main() {
    lambdascope::mount::install_crash_handlers();
    lambdascope::mount::mount_compare();
}
