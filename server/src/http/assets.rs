//! The browser bundle `xtask site` published: `pkg/<content hash>/…`, named in `build.json`.
//!
//! A bundle's directory is named by the hash of everything in it, so a URL under it never
//! changes meaning: the browser may keep it a year without asking again (`immutable`), and a
//! second visit downloads nothing. The `.br` and `.gz` copies were made at build time at the
//! highest levels; nothing is compressed per request.

use std::path::Path;

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::Response;
use serde::Deserialize;
use tower_http::services::ServeDir;

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("no hay un paquete del navegador publicado en {0} (compile con `make build`)")]
    Missing(String),
    #[error("no se pudo leer {path}: {source}")]
    Unreadable {
        path: String,
        source: std::io::Error,
    },
    #[error("{path} no es un build.json válido: {source}")]
    Malformed {
        path: String,
        source: serde_json::Error,
    },
    #[error("{path} nombra una carpeta no válida: {dir:?}")]
    UnsafeDir { path: String, dir: String },
}

#[derive(Deserialize)]
struct BuildManifest {
    /// Relative to the site root, e.g. `pkg/3f2a9c0d1e4b5a6f`.
    pkg_dir: String,
}

/// The published bundle's directory under `site_root`, as `build.json` names it.
pub fn published_bundle(site_root: &Path) -> Result<String, BundleError> {
    let path = site_root.join("build.json");
    let shown = path.display().to_string();
    let bytes = match std::fs::read(&path) {
        Ok(bytes) => bytes,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
            return Err(BundleError::Missing(shown));
        }
        Err(source) => {
            return Err(BundleError::Unreadable {
                path: shown,
                source,
            });
        }
    };
    let manifest: BuildManifest =
        serde_json::from_slice(&bytes).map_err(|source| BundleError::Malformed {
            path: shown.clone(),
            source,
        })?;
    // Only a plain relative directory: the value ends up in every page's URLs.
    let safe = manifest.pkg_dir.split('/').all(|part| {
        !part.is_empty()
            && part
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    });
    if !safe {
        return Err(BundleError::UnsafeDir {
            path: shown,
            dir: manifest.pkg_dir,
        });
    }
    Ok(manifest.pkg_dir)
}

/// `/pkg/…`: the bundles, precompressed copies preferred, cached for good once found.
pub fn routes<S: Clone + Send + Sync + 'static>(site_root: &Path) -> Router<S> {
    let files = ServeDir::new(site_root.join("pkg"))
        .precompressed_br()
        .precompressed_gzip();
    Router::new()
        .nest_service("/pkg", files)
        .layer(axum::middleware::from_fn(cache_for_good))
}

async fn cache_for_good(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    // A missing file may appear with the next build: only what was found is cached.
    let value = if response.status() == StatusCode::OK {
        "public, max-age=31536000, immutable"
    } else {
        "no-store"
    };
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_manifest_names_a_plain_directory() {
        let dir = tempfile::tempdir().unwrap();
        assert!(matches!(
            published_bundle(dir.path()),
            Err(BundleError::Missing(_))
        ));
        std::fs::write(dir.path().join("build.json"), "{").unwrap();
        assert!(matches!(
            published_bundle(dir.path()),
            Err(BundleError::Malformed { .. })
        ));
        std::fs::write(
            dir.path().join("build.json"),
            r#"{"pkg_dir":"pkg/../../etc"}"#,
        )
        .unwrap();
        assert!(matches!(
            published_bundle(dir.path()),
            Err(BundleError::UnsafeDir { .. })
        ));
        std::fs::write(
            dir.path().join("build.json"),
            r#"{"pkg_dir":"pkg/0a1b2c3d"}"#,
        )
        .unwrap();
        assert_eq!(published_bundle(dir.path()).unwrap(), "pkg/0a1b2c3d");
    }

    async fn get(router: &Router, path: &str, encodings: &str) -> Response {
        use tower::ServiceExt;
        let request = Request::get(path)
            .header(header::ACCEPT_ENCODING, encodings)
            .body(axum::body::Body::empty())
            .unwrap();
        router.clone().oneshot(request).await.unwrap()
    }

    #[tokio::test]
    async fn bundles_are_served_precompressed_and_cached_for_good() {
        let dir = tempfile::tempdir().unwrap();
        let bundle = dir.path().join("pkg/0a1b2c3d");
        std::fs::create_dir_all(&bundle).unwrap();
        std::fs::write(bundle.join("sala_bg.wasm"), b"\0asm plain").unwrap();
        std::fs::write(bundle.join("sala_bg.wasm.br"), b"brotli bytes").unwrap();
        let router: Router = routes(dir.path());

        let found = get(&router, "/pkg/0a1b2c3d/sala_bg.wasm", "gzip, br").await;
        assert_eq!(found.status(), StatusCode::OK);
        assert_eq!(found.headers()[header::CONTENT_ENCODING], "br");
        assert_eq!(
            found.headers()[header::CACHE_CONTROL],
            "public, max-age=31536000, immutable"
        );
        let plain = get(&router, "/pkg/0a1b2c3d/sala_bg.wasm", "identity").await;
        assert!(plain.headers().get(header::CONTENT_ENCODING).is_none());
        let body = axum::body::to_bytes(plain.into_body(), 1024).await.unwrap();
        assert_eq!(&body[..], b"\0asm plain");

        let missing = get(&router, "/pkg/0a1b2c3d/other.wasm", "br").await;
        assert_eq!(missing.status(), StatusCode::NOT_FOUND);
        assert_eq!(missing.headers()[header::CACHE_CONTROL], "no-store");
    }
}
