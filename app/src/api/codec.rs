//! How a page's data travels from the server-rendered HTML into the browser.
//!
//! A resource's value is serialised into the page and read back when the page hydrates; the
//! same types later arrive as server-function answers. Leptos reads the first with
//! `serde_json::from_str` and the second with `serde_json::from_slice`: two readers, so every
//! type's deserializer was compiled twice into the wasm (2026-12-04: 737 KiB of 4,743 KiB of code
//! were `serde_json` struct deserializers, in pairs). Reading both from bytes compiles each once.

use leptos::prelude::*;
use leptos::server::codee::{Decoder, Encoder};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// JSON, read back from bytes like a server function's answer.
pub struct PageJson;

impl<T: Serialize> Encoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = String;

    fn encode(value: &T) -> Result<String, Self::Error> {
        serde_json::to_string(value)
    }
}

impl<T: DeserializeOwned> Decoder<T> for PageJson {
    type Error = serde_json::Error;
    type Encoded = str;

    fn decode(encoded: &str) -> Result<T, Self::Error> {
        serde_json::from_slice(encoded.as_bytes())
    }
}

/// A page's data: rendered on the server, handed to the browser in the page, refetched
/// whenever `source` changes. Use it instead of `Resource::new`.
#[track_caller]
pub fn page_data<T, S, Fut>(
    source: impl Fn() -> S + Send + Sync + 'static,
    fetcher: impl Fn(S) -> Fut + Send + Sync + 'static,
) -> Resource<T, PageJson>
where
    T: Serialize + DeserializeOwned + Send + Sync + 'static,
    S: Send + Sync + Clone + PartialEq + 'static,
    Fut: Future<Output = T> + Send + 'static,
{
    Resource::new_with_options(source, fetcher, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, serde::Deserialize)]
    struct Figure {
        label: String,
        value: Option<f64>,
    }

    #[test]
    fn a_value_survives_the_trip_through_the_page() {
        let figure = Figure {
            label: "Cobertura «APS» — Usme".into(),
            value: Some(0.875),
        };
        let encoded = <PageJson as Encoder<Figure>>::encode(&figure).expect("encodes");
        let decoded: Figure = <PageJson as Decoder<Figure>>::decode(&encoded).expect("decodes");
        assert_eq!(decoded, figure);
    }

    #[test]
    fn a_damaged_page_value_is_an_error_not_a_panic() {
        let decoded = <PageJson as Decoder<Figure>>::decode("{\"label\": 3");
        assert!(decoded.is_err());
    }
}
