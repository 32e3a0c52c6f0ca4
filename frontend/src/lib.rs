//! The browser entry point: hydrates the HTML the server rendered. Kept in its own `cdylib`
//! crate so the server build never compiles a wasm-shaped artefact of the UI.

// Leptos views are deeply nested types; the live board needs more than the default depth.
#![recursion_limit = "256"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    // `hydrate_lazy`: the page's route lives in a module of its own (a lazy route), loaded before
    // its HTML is hydrated.
    leptos::mount::hydrate_lazy(app::App);
}
