//! EC2 Fleet: `aws ec2 create-fleet --cli-input-json`. The `TargetCapacitySpecification`
//! (total, the On-Demand/Spot split normalised into an On-Demand part, the capacity unit), the
//! per-market `SpotOptions` and `OnDemandOptions` (strategies, budgets, `Single*` flags, pools),
//! and the launch-template overrides, whose max prices are `MaxPrice`.

use fleetopt_instances::Market;
use serde_json::{Map, Value};

use super::{Reader, join};
use crate::commitments::ReservationPreference;
use crate::request::checks::check_capacity;
use crate::request::{
    FleetRequest, Mode, OnDemandSplit, RequestError, RequestSource, SpotStrategy,
};

impl Reader<'_> {
    /// Reads `aws ec2 create-fleet --cli-input-json`.
    pub(super) fn ec2_fleet(
        &mut self,
        root: &Map<String, Value>,
    ) -> Result<FleetRequest, RequestError> {
        const TCS: &str = "TargetCapacitySpecification";
        let spec = self.required(root, TCS, "", "the fleet's target capacity")?;
        let spec = self.object(spec, TCS)?;
        let total_path = join(TCS, "TotalTargetCapacity");
        let total = self.whole(
            self.required(
                spec,
                "TotalTargetCapacity",
                TCS,
                "the number of units to request (> 0)",
            )?,
            &total_path,
        )?;
        let total = check_capacity(self.label, &total_path, total)?;
        let mut request = FleetRequest::new("", total, Mode::Aws);
        request.source = RequestSource::Ec2Fleet;

        let default_path = join(TCS, "DefaultTargetCapacityType");
        let default_market = match self.get(spec, "DefaultTargetCapacityType") {
            None => Market::Spot,
            Some(v) => match self.string(v, &default_path)? {
                "spot" => Market::Spot,
                "on-demand" => Market::OnDemand,
                other @ ("capacity-block" | "reserved-capacity") => {
                    return Err(self.err(
                        &default_path,
                        format!(
                            "`{other}` is not supported: fleetopt plans Spot and On-Demand \
                             capacity only"
                        ),
                    ));
                }
                other => {
                    return Err(self.err(
                        &default_path,
                        format!("expected spot or on-demand, found `{other}`"),
                    ));
                }
            },
        };
        let part = |reader: &Self, key: &str| -> Result<Option<f64>, RequestError> {
            let path = join(TCS, key);
            let Some(v) = reader.get(spec, key) else {
                return Ok(None);
            };
            let value = reader.whole(v, &path)?;
            if value > total {
                return Err(reader.err(
                    &path,
                    format!("{value} exceeds TotalTargetCapacity {total}"),
                ));
            }
            Ok(Some(value))
        };
        let on_demand = part(self, "OnDemandTargetCapacity")?;
        let spot = part(self, "SpotTargetCapacity")?;
        if let (Some(od), Some(sp)) = (on_demand, spot)
            && od + sp != total
        {
            self.notes.push(format!(
                "{TCS}: OnDemandTargetCapacity {od} + SpotTargetCapacity {sp} ≠ \
                 TotalTargetCapacity {total}; AWS does not document this case, so the \
                 difference is taken as {} (DefaultTargetCapacityType)",
                default_market.as_str()
            ));
        }
        let on_demand_part = match default_market {
            Market::OnDemand => total - spot.unwrap_or(0.0),
            Market::Spot => on_demand.unwrap_or(0.0),
        };
        request.target.on_demand = OnDemandSplit::Target(on_demand_part);
        request.target.default_market = default_market;
        let unit_path = join(TCS, "TargetCapacityUnitType");
        if let Some(unit) = self.unit(spec, "TargetCapacityUnitType", TCS)? {
            request.target.unit = unit;
        }
        let fleet_type = self.fleet_type(root, "")?;

        let mut single = [(false, false); 2];
        let mut minimum: [Option<(f64, String)>; 2] = [None, None];
        for (i, options_key) in ["SpotOptions", "OnDemandOptions"].into_iter().enumerate() {
            let Some(options) = self.get(root, options_key) else {
                continue;
            };
            let options = self.object(options, options_key)?;
            let path = |key: &str| join(options_key, key);
            if let Some(v) = self.get(options, "AllocationStrategy") {
                if i == 0 {
                    request.spot.strategy = self.spot_strategy(v, &path("AllocationStrategy"))?;
                } else {
                    request.on_demand.strategy =
                        self.on_demand_strategy(v, &path("AllocationStrategy"))?;
                }
            }
            if let Some(v) = self.get(options, "MaxTotalPrice") {
                let budget = Some(self.budget(v, &path("MaxTotalPrice"))?);
                if i == 0 {
                    request.spot.max_total_price = budget;
                } else {
                    request.on_demand.max_total_price = budget;
                }
            }
            for (flag, key) in [
                (&mut single[i].0, "SingleInstanceType"),
                (&mut single[i].1, "SingleAvailabilityZone"),
            ] {
                if let Some(v) = self.get(options, key) {
                    *flag = self.boolean(v, &path(key))?;
                }
            }
            if let Some(v) = self.get(options, "MinTargetCapacity") {
                let field = path("MinTargetCapacity");
                minimum[i] = Some((self.whole(v, &field)?, field));
            }
            if i == 1
                && let Some(reservations) = self.get(options, "CapacityReservationOptions")
            {
                let reservations =
                    self.object(reservations, &path("CapacityReservationOptions"))?;
                if let Some(v) = self.get(reservations, "UsageStrategy") {
                    let field = path("CapacityReservationOptions.UsageStrategy");
                    match self.string(v, &field)? {
                        // The one value the API defines (aws-semantics §2.5).
                        "use-capacity-reservations-first" => {
                            request.on_demand.capacity_reservations = ReservationPreference::First;
                        }
                        other => {
                            return Err(self.err(
                                &field,
                                format!(
                                    "expected use-capacity-reservations-first, found `{}`",
                                    fleetopt_instances::escape::escape_controls(other)
                                ),
                            ));
                        }
                    }
                    if fleet_type.as_deref() != Some("instant") {
                        self.notes.push(format!(
                            "{field}: AWS supports use-capacity-reservations-first for instant \
                             fleets only; fleetopt plans it as an instant fleet would"
                        ));
                    }
                }
            }
        }
        if let Some(spot_options) = self.get(root, "SpotOptions").and_then(Value::as_object)
            && let Some(v) = self.get(spot_options, "InstancePoolsToUseCount")
        {
            let path = "SpotOptions.InstancePoolsToUseCount";
            let pools = self.count(v, path, 1, u32::MAX)?;
            if request.spot.strategy != SpotStrategy::LowestPrice {
                return Err(self.err(
                    path,
                    format!(
                        "valid only with AllocationStrategy lowest-price, not {}",
                        request.spot.strategy.kebab()
                    ),
                ));
            }
            request.spot.pools = Some(pools);
        }
        self.single_flags(&mut request, single, fleet_type.as_deref());
        self.min_target_capacity(&mut request, minimum, single, fleet_type.as_deref())?;

        let raws = self.launch_template_overrides(root, "", "MaxPrice")?;
        self.assemble(
            &mut request,
            raws,
            None,
            "LaunchTemplateConfigs",
            &unit_path,
        )?;
        Ok(request)
    }

    /// `MinTargetCapacity` per market, all or nothing. AWS's rule, in the API reference's
    /// words (`SpotOptionsRequest` and `OnDemandOptionsRequest`,
    /// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_OnDemandOptionsRequest.html):
    /// "The minimum target capacity for On-Demand Instances in the fleet. If this minimum
    /// capacity isn't reached, no instances are launched. Constraints: Maximum value of 1000.
    /// Supported only for fleets of type `instant`. At least one of the following must be
    /// specified: `SingleAvailabilityZone` | `SingleInstanceType`" (aws-semantics §1.9). The
    /// constraints are refused as AWS refuses them; a minimum above the market's part can never
    /// be reached (the fleet stops at its target), so it is refused too.
    fn min_target_capacity(
        &mut self,
        request: &mut FleetRequest,
        minimum: [Option<(f64, String)>; 2],
        single: [(bool, bool); 2],
        fleet_type: Option<&str>,
    ) -> Result<(), RequestError> {
        /// AWS's maximum `MinTargetCapacity`.
        const MAX_MIN_TARGET: f64 = 1000.0;
        let on_demand = request.on_demand_target();
        let parts = [request.target.capacity - on_demand, on_demand];
        for (i, found) in minimum.into_iter().enumerate() {
            let Some((value, field)) = found else {
                continue;
            };
            let options = if i == 0 {
                "SpotOptions"
            } else {
                "OnDemandOptions"
            };
            let market = if i == 0 { "Spot" } else { "On-Demand" };
            if fleet_type != Some("instant") {
                return Err(self.err(
                    &field,
                    "supported only for fleets of Type instant (AWS: \"Supported only for fleets \
                     of type instant\"); add \"Type\": \"instant\" or remove it",
                ));
            }
            if value > MAX_MIN_TARGET {
                return Err(self.err(
                    &field,
                    format!("{value} is above AWS's maximum of 1000 (\"Maximum value of 1000\")"),
                ));
            }
            if single[i] == (false, false) {
                return Err(self.err(
                    &field,
                    format!(
                        "needs {options}.SingleInstanceType or {options}.SingleAvailabilityZone \
                         (AWS: \"At least one of the following must be specified: \
                         SingleAvailabilityZone | SingleInstanceType\")"
                    ),
                ));
            }
            if value > parts[i] {
                return Err(self.err(
                    &field,
                    format!(
                        "{value} is above the fleet's {market} part of {}; the fleet stops at its \
                         target, so the minimum could never be reached and AWS would launch \
                         nothing",
                        parts[i]
                    ),
                ));
            }
            if value > 0.0 {
                if i == 0 {
                    request.spot.min_target_capacity = Some(value);
                } else {
                    request.on_demand.min_target_capacity = Some(value);
                }
            }
        }
        Ok(())
    }

    /// `Single*` flags per market become plan-wide constraints.
    fn single_flags(
        &mut self,
        request: &mut FleetRequest,
        single: [(bool, bool); 2],
        fleet_type: Option<&str>,
    ) {
        let [(spot_type, spot_az), (od_type, od_az)] = single;
        request.constraints.single_type = spot_type || od_type;
        request.constraints.single_az = spot_az || od_az;
        let on_demand = request.on_demand_target();
        let mixed = on_demand > 0.0 && on_demand < request.target.capacity;
        for (name, spot, od) in [
            ("SingleInstanceType", spot_type, od_type),
            ("SingleAvailabilityZone", spot_az, od_az),
        ] {
            if mixed && spot != od {
                self.notes.push(format!(
                    "{}.{name} is set for one market only; fleetopt applies it to the whole plan",
                    if spot {
                        "SpotOptions"
                    } else {
                        "OnDemandOptions"
                    }
                ));
            }
            if (spot || od) && fleet_type != Some("instant") {
                self.notes.push(format!(
                    "{name}: AWS supports it only for fleets of Type instant; planned as asked"
                ));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use fleetopt_instances::Market;

    use crate::request::aws::tests::{assert_errors, fixture, fleet, line, load};
    use crate::request::{
        OnDemandSplit, OnDemandStrategy, RequestSource, SpotStrategy, TypeOverride, ZoneRef,
    };

    #[test]
    fn create_fleet_semantics_example() {
        let request = load(&fixture("create-fleet-instant.json")).unwrap();
        assert_eq!(request.source, RequestSource::Ec2Fleet);
        assert_eq!(request.target.capacity, 20.0);
        assert_eq!(request.target.on_demand, OnDemandSplit::Target(10.0));
        assert_eq!(request.target.default_market, Market::Spot);
        assert_eq!(request.spot.strategy, SpotStrategy::CapacityOptimized);
        assert_eq!(request.on_demand.strategy, OnDemandStrategy::Prioritized);
        assert_eq!(
            request.candidates.overrides,
            vec![
                TypeOverride {
                    priority: Some(1.0),
                    zone: Some(ZoneRef::Name("us-east-1a".to_owned())),
                    ..line("c5.large")
                },
                TypeOverride {
                    priority: Some(2.0),
                    weight: Some(1.0),
                    // An unmapped subnet is one AZ, not known (its plan note names the AZ
                    // assumed).
                    zone: Some(ZoneRef::Subnet("subnet-e7188bab".to_owned())),
                    ..line("m5.large")
                },
            ]
        );
        assert_eq!(request.notes.len(), 1, "{:#?}", request.notes);
    }

    #[test]
    fn create_fleet_split_normalisation() {
        let split = |spec: &str| {
            let text = format!(
                r#"{{"TargetCapacitySpecification": {{"TotalTargetCapacity": 20{spec}}},
                    "LaunchTemplateConfigs": [{{"Overrides": [{{"InstanceType": "m5.large"}}]}}]}}"#
            );
            let request = load(&text).unwrap();
            (
                request.target.on_demand,
                request.target.default_market,
                request.notes,
            )
        };
        // Default spot: On-Demand part = OnDemandTargetCapacity.
        assert_eq!(split("").0, OnDemandSplit::Target(0.0));
        assert_eq!(
            split(r#", "OnDemandTargetCapacity": 5"#).0,
            OnDemandSplit::Target(5.0)
        );
        // Default on-demand: On-Demand part = total − SpotTargetCapacity.
        let (on_demand, market, _) =
            split(r#", "SpotTargetCapacity": 15, "DefaultTargetCapacityType": "on-demand""#);
        assert_eq!(on_demand, OnDemandSplit::Target(5.0));
        assert_eq!(market, Market::OnDemand);
        assert_eq!(
            split(r#", "DefaultTargetCapacityType": "on-demand""#).0,
            OnDemandSplit::Target(20.0)
        );
        // Both given, not summing to the total: a note.
        let (on_demand, _, notes) =
            split(r#", "OnDemandTargetCapacity": 5, "SpotTargetCapacity": 10"#);
        assert_eq!(on_demand, OnDemandSplit::Target(5.0));
        assert_eq!(notes.len(), 1);
        assert!(
            notes[0].contains(
                "OnDemandTargetCapacity 5 + SpotTargetCapacity 10 ≠ TotalTargetCapacity 20"
            )
        );
        // Both given and consistent (UG examples do this): no note.
        assert!(
            split(r#", "OnDemandTargetCapacity": 0, "SpotTargetCapacity": 20"#)
                .2
                .is_empty()
        );
    }

    #[test]
    fn create_fleet_options() {
        let request = load(&fleet(
            r#"{"InstanceType": "m5.large"}"#,
            r#", "Type": "instant",
               "SpotOptions": {"AllocationStrategy": "priceCapacityOptimized", "SingleInstanceType": true,
                               "SingleAvailabilityZone": true, "MinTargetCapacity": 4},
               "OnDemandOptions": {"AllocationStrategy": "lowestPrice"}"#,
        ))
        .unwrap();
        assert_eq!(request.spot.strategy, SpotStrategy::PriceCapacityOptimized);
        assert!(request.constraints.single_type);
        assert!(request.constraints.single_az);
        // MinTargetCapacity is all or nothing (aws-semantics §1.9), not a note.
        assert_eq!(request.spot.min_target_capacity, Some(4.0));
        assert_eq!(request.on_demand.min_target_capacity, None);
        assert!(request.notes.is_empty(), "{:#?}", request.notes);
        let request = load(&fleet(
            r#"{"InstanceType": "m5.large", "Placement": {"GroupName": "pg-1"}}"#,
            r#", "OnDemandOptions": {"SingleAvailabilityZone": true}"#,
        ))
        .unwrap();
        assert!(request.constraints.single_az);
        assert_eq!(request.notes.len(), 2, "{:#?}", request.notes);
    }

    #[test]
    fn exact_error_messages() {
        let cases: Vec<(String, &str)> = vec![
            (
                fleet(r#"{"InstanceType": "m5.large"}"#, r#", "SpotOptions": {"AllocationStrategy": "price-capacity-optimised"}"#),
                "req.json: SpotOptions.AllocationStrategy: unknown spot allocation strategy `price-capacity-optimised`; did you mean `price-capacity-optimized`? (expected one of priceCapacityOptimized, price-capacity-optimized, capacityOptimized, capacity-optimized, capacityOptimizedPrioritized, capacity-optimized-prioritized, lowestPrice, lowest-price, diversified)",
            ),
            (
                r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 0}, "LaunchTemplateConfigs": []}"#.to_owned(),
                "req.json: TargetCapacitySpecification.TotalTargetCapacity: expected a number > 0, found 0",
            ),
            (
                r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": -3}, "LaunchTemplateConfigs": []}"#.to_owned(),
                "req.json: TargetCapacitySpecification.TotalTargetCapacity: expected a whole number ≥ 0, found -3",
            ),
            (
                r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 4, "DefaultTargetCapacityType": "capacity-block"}, "LaunchTemplateConfigs": []}"#.to_owned(),
                "req.json: TargetCapacitySpecification.DefaultTargetCapacityType: `capacity-block` is not supported: fleetopt plans Spot and On-Demand capacity only",
            ),
            (
                fleet(r#"{"InstanceType": "m5.large"}"#, r#", "SpotOptions": {"AllocationStrategy": "diversified", "InstancePoolsToUseCount": 2}"#),
                "req.json: SpotOptions.InstancePoolsToUseCount: valid only with AllocationStrategy lowest-price, not diversified",
            ),
            (
                fleet(r#"{"InstanceType": "m5.large"}"#, r#", "SpotOptions": {"MaxTotalPrice": "-1"}"#),
                "req.json: SpotOptions.MaxTotalPrice: expected a number > 0, found -1",
            ),
            (
                r#"{"TargetCapacitySpecification": {"TotalTargetCapacity": 4, "OnDemandTargetCapacity": 5}, "LaunchTemplateConfigs": []}"#.to_owned(),
                "req.json: TargetCapacitySpecification.OnDemandTargetCapacity: 5 exceeds TotalTargetCapacity 4",
            ),
        ];
        assert_errors(&cases);
    }
}
