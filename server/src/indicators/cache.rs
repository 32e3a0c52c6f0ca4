//! The indicators as the pages read them, kept in memory between imports. The catalogue, an
//! indicator's page and every situation room need all the values of every indicator; reading
//! them from the database on each view costs more than drawing the page. A cheap version query
//! (how many imports were applied, and the latest) tells whether the copy is still current, so
//! an import applied by the CLI or another server is seen on the next view.

use std::collections::BTreeMap;
use std::sync::Arc;

use app::domain::indicators::import::IndicatorValue;
use app::domain::indicators::{Indicator, Period, by_territory_and_period};
use tokio::sync::Mutex;

use crate::store::{IndicatorsVersion, Store, StoreError};

/// One indicator's values keyed by (territory, period), as the roll-up reads them.
pub type Values = BTreeMap<(String, Period), IndicatorValue>;

/// The catalogue and every value, as of one version.
#[derive(Debug, Default)]
pub struct IndicatorData {
    pub catalogue: BTreeMap<String, Indicator>,
    values: BTreeMap<String, Values>,
}

impl IndicatorData {
    /// The values of `code` (none for an indicator without values, or unknown).
    pub fn values(&self, code: &str) -> &Values {
        static NONE: Values = BTreeMap::new();
        self.values.get(code).unwrap_or(&NONE)
    }
}

/// What was read, and as of which version.
type Snapshot = (IndicatorsVersion, Arc<IndicatorData>);

/// The latest [`IndicatorData`] read, shared by every request.
#[derive(Clone)]
pub struct IndicatorCache {
    store: Store,
    // a tokio mutex: a reload awaits the database while holding it, so that concurrent views
    // after an import wait for one reload instead of each reading everything
    current: Arc<Mutex<Option<Snapshot>>>,
}

impl IndicatorCache {
    pub fn new(store: Store) -> Self {
        Self {
            store,
            current: Arc::default(),
        }
    }

    /// The data as of now: the copy in memory if no import was applied since it was read.
    pub async fn current(&self) -> Result<Arc<IndicatorData>, StoreError> {
        let version = self.store.indicators_version().await?;
        let mut current = self.current.lock().await;
        if let Some((read, data)) = &*current
            && *read == version
        {
            return Ok(data.clone());
        }
        let catalogue = self.store.indicator_catalogue().await?;
        let mut values: BTreeMap<String, Vec<IndicatorValue>> = BTreeMap::new();
        for value in self.store.all_indicator_values().await? {
            values
                .entry(value.indicator.clone())
                .or_default()
                .push(value);
        }
        let data = Arc::new(IndicatorData {
            catalogue,
            values: values
                .into_iter()
                .map(|(code, values)| (code, by_territory_and_period(values)))
                .collect(),
        });
        *current = Some((version, data.clone()));
        Ok(data)
    }
}
