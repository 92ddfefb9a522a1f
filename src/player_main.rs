//! Entry point of the player-only bundle (`lambdascope-player`): what embeds and the explore page
//! load. The same library as `lambdascope-app`, but its `main` never reaches the lessons or the
//! comparison, so link-time optimisation leaves them out. It is the only bundle that draws
//! players in host pages (`static/embed.js` loads it on every page but the app's own), so the
//! loader's `mount()` and `sweep()` are exported from here: exported from the library, they kept
//! the explore player in every bundle. `static/embed.js` picks the bundle a page needs.

use wasm_bindgen::prelude::*;

fn main() {
    lambdascope::mount::install_crash_handlers();
    lambdascope::mount::mount_players();
}

/// Mounts a player into every `[data-lambdascope]` element not yet mounted (for pages that add
/// them after load). Returns how many were mounted.
#[wasm_bindgen(js_name = mount)]
pub fn mount_js() -> u32 {
    lambdascope::mount::mount_new()
}

/// Destroys the players whose element has left the page (`embed.js` calls it when nodes are
/// removed). Returns how many.
#[wasm_bindgen(js_name = sweep)]
pub fn sweep_js() -> u32 {
    lambdascope::mount::sweep()
}
