//! Rule section 5: the On-Demand / spot split — On-Demand reaches its target, spot fills the
//! rest, On-Demand stops within one instance of a weight the plan uses (both modes), and in aws
//! mode spot does too.

use fleetopt_instances::Market;

use super::describe::num;
use super::tolerance::{at_least, lt, slack};
use super::{Check, Verifier};
use crate::request::Mode;

impl<'a> Verifier<'a> {
    pub(super) fn check_split(&mut self) {
        // An unmet MinTargetCapacity launches nothing in either market (section 4 checks it).
        if matches!(
            self.plan.shortfall,
            Some(crate::plan::Shortfall::MinTargetCapacity { .. })
        ) {
            return;
        }
        let short = self.shortfall_market();
        let target = self.request.target.capacity;
        let on_demand_target = self.on_demand_target();
        let on_demand = self.market_capacity(Market::OnDemand);
        let spot = self.market_capacity(Market::Spot);
        let (spot_part, on_demand_filled) = self.spot_part();
        if short != Some(Market::OnDemand) && !at_least(on_demand, on_demand_target) {
            let message = format!(
                "on-demand capacity {} is below the on-demand target {} and no on-demand shortfall is claimed",
                num(on_demand),
                num(on_demand_target)
            );
            self.push(Check::Split, message);
        }
        if short != Some(Market::Spot) && !at_least(spot, spot_part) {
            let message = format!(
                "spot capacity {} is below the spot part {} (target {} − on-demand {}) and no spot shortfall is claimed",
                num(spot),
                num(spot_part),
                num(target),
                num(on_demand_filled)
            );
            self.push(Check::Split, message);
        }
        // Both modes: On-Demand stops at the instance that reaches its part (optimal mode only
        // when there is a spot part to take the rest; an all-On-Demand request may need more to
        // meet its constraints). aws mode also stops spot within one instance.
        let markets: &[(Market, f64, f64)] = match self.request.mode {
            Mode::Aws => &[
                (Market::OnDemand, on_demand, on_demand_target),
                (Market::Spot, spot, spot_part),
            ],
            Mode::Optimal if on_demand_target > 0.0 && target > on_demand_target => {
                &[(Market::OnDemand, on_demand, on_demand_target)]
            }
            Mode::Optimal => &[],
        };
        for &(market, delivered, part) in markets {
            let Some(largest) = self.largest_weight(Some(market)) else {
                continue;
            };
            let excess = delivered - part;
            if !lt(excess, largest - slack(largest)) {
                let message = format!(
                    "{market} capacity {} exceeds its part {} by {}, at least its largest weight {}; aws stops within one instance",
                    num(delivered),
                    num(part),
                    num(excess),
                    num(largest)
                );
                self.push(Check::Split, message);
            }
        }
    }
}
