//! A small cache of values computed once per version of what they are computed from (the
//! dashboards' projection version, a board's log watermark), shared by concurrent askers.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use tokio::sync::OnceCell;

/// Values per key that hold while a version number stays the same: a key asked again at the same
/// version gets the same cell (so concurrent askers share one computation), at a new version a
/// fresh one. At most `max` keys: beyond it, cells of older versions go first, then all.
pub struct VersionedCache<K, V> {
    max: usize,
    entries: Mutex<HashMap<K, Versioned<V>>>,
}

/// A cell and the version it was made for.
type Versioned<V> = (u64, Arc<OnceCell<V>>);

impl<K: std::hash::Hash + Eq, V> VersionedCache<K, V> {
    pub fn new(max: usize) -> Self {
        Self {
            max,
            entries: Mutex::new(HashMap::new()),
        }
    }

    pub fn cell(&self, key: K, version: u64) -> Arc<OnceCell<V>> {
        let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((kept, cell)) = entries.get(&key)
            && *kept == version
        {
            return cell.clone();
        }
        if entries.len() >= self.max {
            entries.retain(|_, (kept, _)| *kept == version);
            if entries.len() >= self.max {
                entries.clear();
            }
        }
        let cell = Arc::new(OnceCell::new());
        entries.insert(key, (version, cell.clone()));
        cell
    }

    #[cfg(test)]
    fn len(&self) -> usize {
        self.entries.lock().map(|e| e.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn a_key_keeps_its_cell_until_the_version_moves() {
        let cache: VersionedCache<&str, u32> = VersionedCache::new(8);
        let first = cache.cell("distrito", 1);
        assert!(Arc::ptr_eq(&first, &cache.cell("distrito", 1)));
        assert!(!Arc::ptr_eq(&first, &cache.cell("zona:Sur", 1)), "per key");
        assert!(
            !Arc::ptr_eq(&first, &cache.cell("distrito", 2)),
            "new version"
        );
    }

    #[test]
    fn the_cache_stays_bounded_dropping_old_versions_first() {
        let cache: VersionedCache<u32, u32> = VersionedCache::new(3);
        for key in 0..3 {
            cache.cell(key, 1);
        }
        cache.cell(10, 2);
        assert_eq!(cache.len(), 1, "version 1 entries dropped");
        for key in 11..20 {
            cache.cell(key, 2);
            assert!(cache.len() <= 3);
        }
    }

    #[tokio::test]
    async fn concurrent_askers_share_one_computation() {
        let cache: Arc<VersionedCache<&str, usize>> = Arc::new(VersionedCache::new(8));
        let computed = Arc::new(AtomicUsize::new(0));
        let ask = |cache: Arc<VersionedCache<&'static str, usize>>, computed: Arc<AtomicUsize>| async move {
            let cell = cache.cell("distrito", 7);
            *cell
                .get_or_init(|| async {
                    tokio::time::sleep(std::time::Duration::from_millis(20)).await;
                    computed.fetch_add(1, Ordering::SeqCst)
                })
                .await
        };
        let answers = futures_util::future::join_all(
            (0..10).map(|_| tokio::spawn(ask(cache.clone(), computed.clone()))),
        )
        .await;
        assert_eq!(computed.load(Ordering::SeqCst), 1);
        assert!(answers.into_iter().all(|a| a.is_ok_and(|v| v == 0)));
    }
}
