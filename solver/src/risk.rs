//! The interruption-risk model: Spot Advisor bucket → monthly interruption probability →
//! hourly hazard.
//!
//! AWS publishes buckets, not rates: "Frequency of interruption represents the rate at which
//! Spot has reclaimed capacity during the trailing month. They are in ranges of < 5%, 5-10%,
//! 10-15%, 15-20% and >20%" (Spot Instance Advisor page). fleetopt maps each bucket to the
//! midpoint of its range (the open `>20%` bucket to 25 %) and converts a monthly probability `p`
//! to a constant hourly hazard `h = −ln(1 − p) / 730`, 730 being the hours in an average month
//! (8,760 / 12). Both the probabilities and the value used for pools without a bucket are
//! configurable, because they are modelling choices, not AWS facts.

use fleetopt_instances::{CapacityPool, Market};
use serde::{Deserialize, Serialize};

/// Hours in an average month (8,760 h / 12), the Advisor's "trailing month".
pub const HAZARD_HOURS_PER_MONTH: f64 = 730.0;

/// How buckets become hazards.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HazardModel {
    /// Monthly interruption probability for buckets 0..=4.
    pub monthly_probability: [f64; 5],
    /// Monthly probability for spot pools with no Advisor bucket. Defaults to the worst
    /// bucket's, so missing data never looks safer than known-bad data.
    pub unknown_bucket_probability: f64,
}

impl Default for HazardModel {
    fn default() -> Self {
        HazardModel {
            monthly_probability: [0.025, 0.075, 0.125, 0.175, 0.25],
            unknown_bucket_probability: 0.25,
        }
    }
}

/// A hazard model that cannot be used.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum RiskError {
    /// A probability outside [0, 1).
    #[error("monthly interruption probability for {what} must be in [0, 1), found {value}")]
    Probability {
        /// Which bucket.
        what: String,
        /// The bad value.
        value: f64,
    },
}

impl HazardModel {
    /// Checks that every probability is a usable number.
    pub fn validate(&self) -> Result<(), RiskError> {
        let named = self
            .monthly_probability
            .iter()
            .enumerate()
            .map(|(i, p)| (format!("bucket {i}"), *p))
            .chain(std::iter::once((
                "unknown buckets".to_owned(),
                self.unknown_bucket_probability,
            )));
        for (what, value) in named {
            if !(value.is_finite() && (0.0..1.0).contains(&value)) {
                return Err(RiskError::Probability { what, value });
            }
        }
        Ok(())
    }

    /// Hourly hazard for a bucket (`None` = unknown bucket).
    pub fn hourly_hazard(&self, bucket: Option<u8>) -> f64 {
        let p = bucket
            .and_then(|b| self.monthly_probability.get(usize::from(b)).copied())
            .unwrap_or(self.unknown_bucket_probability);
        -(1.0 - p).ln() / HAZARD_HOURS_PER_MONTH
    }

    /// Hourly interruption hazard of one instance in a pool: 0 for On-Demand (AWS: "An
    /// On-Demand Instance specified in an EC2 Fleet or Spot Fleet cannot be interrupted").
    pub fn pool_hazard(&self, pool: &CapacityPool) -> f64 {
        match pool.market {
            Market::OnDemand => 0.0,
            Market::Spot => self.hourly_hazard(pool.interruption_bucket),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_hazards_follow_the_documented_formula() {
        let model = HazardModel::default();
        // bucket 0: p = 0.025 → h = −ln(0.975)/730
        let h0 = model.hourly_hazard(Some(0));
        assert!((h0 - 3.468_193e-5).abs() < 1e-9, "{h0}");
        let h4 = model.hourly_hazard(Some(4));
        assert!((h4 - 3.940_850e-4).abs() < 1e-9, "{h4}");
        assert_eq!(model.hourly_hazard(None), h4);
        let hazards: Vec<f64> = (0..5).map(|b| model.hourly_hazard(Some(b))).collect();
        assert!(hazards.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn invalid_probabilities_are_rejected() {
        let mut model = HazardModel::default();
        assert!(model.validate().is_ok());
        model.monthly_probability[2] = 1.0;
        assert_eq!(
            model.validate().unwrap_err().to_string(),
            "monthly interruption probability for bucket 2 must be in [0, 1), found 1"
        );
        model.monthly_probability[2] = f64::NAN;
        assert!(model.validate().is_err());
    }
}
