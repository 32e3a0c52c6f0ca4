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

struct Entry {
    version: u64,
    value: Arc<OnceCell<Arc<Dashboard>>>,
}

#[derive(Clone)]
pub struct Dashboards {
    store: Store,
    projections: Projections,
    cache: Arc<Mutex<HashMap<Key, Entry>>>,
}

impl Dashboards {
    pub fn new(store: Store, projections: Projections) -> Self {
        Self {
            store,
            projections,
            cache: Arc::default(),
        }
    }

    /// The dashboard for `query` as of today (Bogotá calendar).
    pub async fn get(&self, query: DashboardQuery) -> Result<Arc<Dashboard>, AppError> {
        let today = Utc::now().with_timezone(&bogota()).date_naive();
        // Read before computing: a change landing meanwhile bumps it, so what we compute is
        // never kept as newer than it is.
        let version = self.projections.version();
        let cell = self.cell((query.clone(), today), version);
        let dashboard = cell
            .get_or_try_init(|| async { load(&self.store, query, today).await.map(Arc::new) })
            .await?;
        Ok(dashboard.clone())
    }

    fn cell(&self, key: Key, version: u64) -> Arc<OnceCell<Arc<Dashboard>>> {
        let mut cache = self.cache.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(entry) = cache.get(&key)
            && entry.version == version
        {
            return entry.value.clone();
        }
        if cache.len() >= MAX_ENTRIES {
            cache.retain(|_, e| e.version == version);
            if cache.len() >= MAX_ENTRIES {
                cache.clear();
            }
        }
        let value = Arc::new(OnceCell::new());
        cache.insert(
            key,
            Entry {
                version,
                value: value.clone(),
            },
        );
        value
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
    dashboard.escalations = store
        .open_escalations_to(&codes)
        .await?
        .into_iter()
        .map(|e| EscalationWait {
            days_waiting: e.days_waiting(today),
            overdue: e.overdue(today),
            session_id: e.session_id,
            barrier_id: e.barrier_id,
            barrier: e.barrier,
            from_mesa: e.from_mesa.name,
            to_mesa: e.to_mesa.name,
            status: e.status.label().to_owned(),
            answer_by: e.answer_by,
        })
        .collect();
    Ok(dashboard)
}
