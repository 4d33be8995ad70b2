//! Rule section 6: prices — every spot price below its max price, and each market's cost within
//! its `max_total_price`.

use fleetopt_instances::Market;

use super::describe::{label, num};
use super::tolerance::{at_most, lt};
use super::{Check, Verifier};

impl<'a> Verifier<'a> {
    pub(super) fn check_prices(&mut self) {
        if let Some(region) = self.region {
            for a in self.allocations() {
                if a.market != Market::Spot {
                    continue;
                }
                let zone = a.availability_zone_id.as_str();
                if let Some(max) = self.spot_max_price(region, a.instance_type.as_str(), zone)
                    && !lt(a.price_per_hour, max.price)
                {
                    let message = format!(
                        "{}: price {} is not below its max price {} ({})",
                        label(a),
                        num(a.price_per_hour),
                        num(max.price),
                        max.source
                    );
                    self.push(Check::SpotMaxPrice, message);
                }
            }
        }
        for (market, budget) in [
            (Market::OnDemand, self.request.on_demand.max_total_price),
            (Market::Spot, self.request.spot.max_total_price),
        ] {
            let Some(budget) = budget else { continue };
            let cost = self.market_cost(market);
            if !at_most(cost, budget) {
                let message = format!(
                    "{market} cost {} per hour exceeds its max_total_price {}",
                    num(cost),
                    num(budget)
                );
                self.push(Check::Budget, message);
            }
        }
    }
}
