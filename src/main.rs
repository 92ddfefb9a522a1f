//! Entry point of the lessons' bundle (`lambdascope-app`, `lessons.html`): the crash overlay
//! first, then the app page at the lessons. Only the app's own page loads it (`static/embed.js`).

fn main() {
    lambdascope::mount::install_crash_handlers();
    lambdascope::mount::mount_all();
}
