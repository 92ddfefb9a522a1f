//! Entry point of the player-only bundle (`lambdascope-player`): what embeds and the explore page
//! load. The same library as `lambdascope-app`, but its `main` never reaches the lessons or the
//! comparison, so link-time optimisation leaves them out (about a sixth of the download).
//! `static/embed.js` picks the bundle a page needs.

fn main() {
    lambdascope::mount::install_crash_handlers();
    lambdascope::mount::mount_players();
}
