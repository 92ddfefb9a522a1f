// Byte budgets of the release build (issue 16): bytes are deterministic, so this is a test, not a
// benchmark. The budgets are a ratchet at today's size (December 2026) so that nothing grows
// unnoticed; issue 16's goals (player ≤ 300 KB, full app ≤ 380 KB gzip) are lower and will move
// these down. Lowered after the lessons' text left the player (406,051 B gzip, 329,167 brotli;
// app 489,953 / 391,480); raised by issue 15's one-declaration schema (its field table, reader and
// plain-word messages: about +8 KB in each bundle; node's gzip -9 measures 417,086 / 502,487), and
// a third bundle for issue 13's Import view (508,767), which kept the full app from growing by 92 KB.
// Lowered when the release bundles began to be built on nightly with the standard library rebuilt
// for size and panics aborting at once (scripts/release-env): player 418,021 → 386,963 B, app
// 503,407 → 463,412, import 509,900 → 471,706; then +0.6 KB each for the stills' loader hooks
// and the phone frame work (player 387,685, app 464,448, import 472,336). Prints gzip and brotli sizes, and checks the precompressed files beside them.
// The budgets are node's gzip -9 (a measure of the code, whatever compressor ships it); what a
// host sends is the .gz beside the file, zopfli's since December 2026 (scripts/precompress.mjs),
// which must be no larger. Raised by issue 16's per-frame work (the charts and log held while off
// screen, the crowd traced as a union: +2.3 KB each) net of the SQS hot path's −0.6 KB and the
// app pages' links: player 389,748, app 467,007, import 474,627 (served: 371,500 / 443,652 /
// 451,284 as zopfli's .gz). The speed slider's value written as the browser writes it back
// (playback::slider_value, which took the phone's frame p95 from ~33 to ~9 ms) cost ~0.2–0.3 KB:
// player 389,951, app 467,297, import 474,829; the budgets keep ~300 B above them, the margin
// they had before, as a build in another directory (CI's clone) may differ by a few bytes.
// Raised ~0.3–0.6 KB by the stream records' window (c8ecba2: Kinesis 2.3× faster in the browser)
// and tokens drawn at the cursor's exact instant (a hop moves on every frame at slow speeds, not
// once per simulated millisecond): player 390,298, app 467,914, import 475,304. Raised ~0.55 KB
// each by the phone frame's work of December 2026 (the scene carried from frame to frame, the
// fault panel held while off screen, environment bars in whole steps): player 390,860, app
// 468,514, import 475,951. Lowered by the scenario and lesson files' own TOML reader
// (crates/sim/src/scenario/toml_doc.rs) and `parse_f64` in place of the toml crate's parser and
// the standard library's float parser with its table of powers of five: player 361,116, app
// 438,038, import 447,833 (brotli 294,221 / 352,832 / 363,265); then +0.4 KB for its limits
// (nesting 80 deep, 80 parts a key, 1,000 keys a table: a hostile link gets an error, not a stack
// overflow or a quadratic read): player 361,571, app 438,436, import 448,265; then +0.2–0.4 KB
// for the token canvas's context kept between frames and use_held's value as a closure (not
// computed on frames that hold it): player 361,772, app 438,805, import 448,605.
// Lowered by a fourth bundle, the comparison's (compare.html: app 423,684, compare 376,526); by
// the explore player leaving every bundle but its own (a lesson's "explore freely" is the explore
// page's, and the loader's mount()/sweep() exports are player_main.rs's): app 316,781, compare
// 243,698, import 445,215, player +0.2 KB (361,940) for the mounter passed as a parameter; and by
// wasm-opt -Oz --low-memory-unused --converge in place of -O (scripts/build-player): player
// 359,694, app 314,299, compare 241,478, import 441,870. Raised 1.7–2.1 KB by paced frames in
// the player, the lessons and the comparison (playback::Pacer, components/paced.rs: Yew renders
// a playing view 20 times a second and its token layers draw every frame between, which took the
// phone frame's p95 from ~32 to ~16 ms): player 361,421, app 315,994, compare 243,594, import
// 443,696; then +0.2–0.4 KB for its review's rules (no frame painted between a render and its
// effects, links and exports naming the frame on screen): player 361,677, app 316,372, compare
// 243,823, import 443,979. Lowered by the bundled scenarios leaving the player (src/scenarios.rs:
// files in dist/scenarios/ fetched by the player that opens one; the texts were 6.5 KB of it, the
// fetching, the build-time index and the notices cost 3.6 KB back): player 358,723, app 316,068,
// compare 243,787, import 440,088. Lowered by `Debug` formatting compiled to nothing
// (-Zfmt-debug=none, scripts/release-env; messages quote values with scenario::schema::quote):
// player 355,505, app 312,952, compare 240,626, import 439,968; then +0.8 KB for the review's
// rules (the newest pick wins, a failed pick redraws the picker, the opening notice is the
// reducer's, files from the bundle's folder): player 356,292, import 440,861; +0.2 KB for a host
// page's player laid out for its host's width from its first frame: player 356,503. Lowered by
// short import and export names and one data segment (scripts/short-names.mjs and merge-data.mjs,
// run by scripts/build-player): player 349,318, app 307,027, compare 235,346, import 433,709;
// and by the functions in the order of their names (wasm-opt --reorder-functions-by-name):
// player 345,659, app 304,719, compare 233,833, import 426,526; and by inlining a function with
// one caller only when it is small (--one-caller-inline-max-function-size=120): player 343,245,
// app 302,851, compare 232,417, import 424,095; without the producers and target_features
// sections: player 343,046, app 302,658, compare 232,228, import 423,905. Lowered by share links'
// own fixed-code deflate encoder in place of miniz_oxide's (crates/sim/src/deflate.rs): player
// 337,232, app 296,779, import 417,931. The player split in two (scripts/split-player.mjs): what
// a reader who only watches never runs moved to a second module, fetched when a reader first
// touches a player or, where its tools show, when the page is idle: first module 337,222 →
// 297,388, second 54,479 (the two 14.6 KB more than the one: placeholders, exports between them,
// and code gzip no longer finds twice in one file). The player's basic controls (play, pause,
// steps, reset, speed, the timeline, their keys) back in the first module, so that a first tap
// needs no download: 299,513 and 52,345. The goal is 300,000 for the first module.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { DIST } from './lib.mjs';

const BUDGETS = {
  // gzip -9 bytes of the wasm each page downloads
  'lambdascope-player_bg.wasm': 299_900,
  // The player's second module: what the explore page fetches when idle, an embed when touched.
  'lambdascope-player_bg.secondary.wasm': 52_800,
  'lambdascope-app_bg.wasm': 297_100,
  // The comparison's bundle (compare.html): the player's stage and the comparison.
  'lambdascope-compare_bg.wasm': 232_500,
  // The Import view's bundle (issue 13): the player plus the template reader, importer, advice.
  'lambdascope-import_bg.wasm': 418_300,
};

test('bundles stay within their byte budgets, and ship precompressed', () => {
  for (const [name, budget] of Object.entries(BUDGETS)) {
    const file = path.join(DIST, name);
    const body = fs.readFileSync(file);
    const gz = zlib.gzipSync(body, { level: 9 }).length;
    const br = fs.readFileSync(`${file}.br`).length;
    const served = fs.readFileSync(`${file}.gz`).length;
    console.log(`${name}: ${body.length} B raw, ${gz} B gzip -9, ${served} B as served (.gz), ${br} B brotli (budget ${budget} B gzip -9)`);
    assert.ok(gz <= budget, `${name} is ${gz} B gzipped, over its ${budget} B budget`);
    assert.ok(served <= gz, `${name}.gz (${served} B) is larger than gzip -9 (${gz} B)`);
    assert.ok(br < gz, `${name}: brotli ${br} B is smaller than gzip ${gz} B`);
    // The .gz beside it is the same file.
    assert.deepEqual(zlib.gunzipSync(fs.readFileSync(`${file}.gz`)), body);
    assert.deepEqual(zlib.brotliDecompressSync(fs.readFileSync(`${file}.br`)), body);
  }
  for (const name of ['index.html', 'embed.js', 'lambdascope.css', 'lambdascope-player.js', 'lambdascope-app.js', 'lambdascope-compare.js', 'lambdascope-import.js']) {
    assert.ok(fs.existsSync(path.join(DIST, `${name}.gz`)) && fs.existsSync(path.join(DIST, `${name}.br`)), `${name}.gz and .br`);
  }
});
