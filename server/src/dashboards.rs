//! Dashboard data, computed once per change. A dashboard is a pure roll-up
//! (`app::domain::dashboard::roll_up`) of the projected rows in its scope; computing it costs a few
//! queries. Every open dashboard refetches its data when a board in scope changes, and its page,
//! each chart image, each CSV and the XLSX read the same data, so the result is kept per query
//! and Bogotá day until the next change (the [`Projections`] version), and concurrent requests
//! for the same query wait for one computation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use app::domain::bogota;
use app::domain::dashboard::{Dashboard, DashboardQuery, EscalationWait, roll_up};
use app::error::AppError;
use chrono::{NaiveDate, Utc};
use tokio::sync::OnceCell;

use crate::projection::Projections;
use crate::store::Store;

/// Distinct queries kept at most; beyond it, entries of older versions go first, then all.
const MAX_ENTRIES: usize = 256;

type Key = (DashboardQuery, NaiveDate);

#[derive(Clone)]
pub struct Dashboards {
    store: Store,
    projections: Projections,
    cache: Arc<VersionedCache<Key, Arc<Dashboard>>>,
}

impl Dashboards {
    pub fn new(store: Store, projections: Projections) -> Self {
        Self {
            store,
            projections,
            cache: Arc::new(VersionedCache::new(MAX_ENTRIES)),
        }
    }

    /// The dashboard for `query` as of today (Bogotá calendar).
    pub async fn get(&self, query: DashboardQuery) -> Result<Arc<Dashboard>, AppError> {
        let today = Utc::now().with_timezone(&bogota()).date_naive();
        // Read before computing: a change landing meanwhile bumps it, so what we compute is
        // never kept as newer than it is.
        let version = self.projections.version();
        let cell = self.cache.cell((query.clone(), today), version);
        let dashboard = cell
            .get_or_try_init(|| async { load(&self.store, query, today).await.map(Arc::new) })
            .await?;
        Ok(dashboard.clone())
    }
}

/// Values per key that hold while a version number stays the same: a key asked again at the same
/// version gets the same cell (so concurrent askers share one computation), at a new version a
/// fresh one. At most `max` keys: beyond it, cells of older versions go first, then all.
struct VersionedCache<K, V> {
    max: usize,
    entries: Mutex<HashMap<K, Versioned<V>>>,
}

/// A cell and the version it was made for.
type Versioned<V> = (u64, Arc<OnceCell<V>>);

impl<K: std::hash::Hash + Eq, V> VersionedCache<K, V> {
    fn new(max: usize) -> Self {
        Self {
            max,
            entries: Mutex::new(HashMap::new()),
        }
    }

    fn cell(&self, key: K, version: u64) -> Arc<OnceCell<V>> {
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

/// Builds a dashboard from the store.
async fn load(
    store: &Store,
    query: DashboardQuery,
    today: NaiveDate,
) -> Result<Dashboard, AppError> {
    let filters = query.validate().map_err(AppError::Conflict)?;
    let (label, mesas) = store.scope_mesas(&filters.scope).await?;
    let rows = store.scope_rows(&mesas).await?;
    let codes: Vec<String> = mesas.iter().map(|m| m.code.clone()).collect();
    let mut dashboard = roll_up(query, &filters, label, &rows, today);
    let waits = store
        .open_escalations_to(&codes)
        .await?
        .into_iter()
        .map(|e| EscalationWait {
            days_waiting: e.days_waiting(today),
            overdue: e.overdue(today),
            sent: e.escalated_at.with_timezone(&bogota()).date_naive(),
            session_id: e.session_id,
            barrier_id: e.barrier_id,
            barrier: e.barrier,
            from_mesa: e.from_mesa.name,
            to_mesa: e.to_mesa.name,
            status: e.status.label().to_owned(),
            answer_by: e.answer_by,
        })
        .collect();
    dashboard.add_escalations(waits, &filters);
    Ok(dashboard)
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
