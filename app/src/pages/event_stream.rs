//! A page's server-sent event stream: each named event moves its counter on, so the resources
//! that read it fetch again. The stream belongs to the reactive owner it is opened in and is
//! closed with it: leaving the page (a client-side navigation) ends the connection instead of
//! keeping one open per page ever visited, which the server counts against the Mesa's budget.
#![cfg(feature = "hydrate")]

use leptos::prelude::*;

/// Opens `url` and moves each counter on when its event arrives. The browser reconnects an
/// `EventSource` by itself after a dropped connection; nothing else to keep.
pub fn follow(url: &str, events: &[(&'static str, RwSignal<u64>)]) {
    use wasm_bindgen::JsCast;
    use wasm_bindgen::prelude::Closure;
    let Ok(source) = web_sys::EventSource::new(url) else {
        return;
    };
    for &(name, counter) in events {
        let on_change = Closure::<dyn FnMut(web_sys::MessageEvent)>::new(move |_| {
            counter.try_update(|n| *n += 1);
        });
        let _ = source.add_event_listener_with_callback(name, on_change.as_ref().unchecked_ref());
        // lives as long as the source, which holds the only reference to it
        on_change.forget();
    }
    let source = StoredValue::new_local(source);
    on_cleanup(move || {
        source.try_with_value(|source| source.close());
    });
}

/// `follow`, from a callback that runs outside the page's owner (an animation frame): the
/// stream still closes with the page.
pub fn follow_later(
    url: String,
    events: Vec<(&'static str, RwSignal<u64>)>,
    then: impl FnOnce() + 'static,
) {
    let owner = Owner::current();
    request_animation_frame(move || {
        let start = move || {
            follow(&url, &events);
            then();
        };
        match owner {
            Some(owner) => owner.with(start),
            None => start(),
        }
    });
}
