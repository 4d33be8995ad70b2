//! Library enums as closed lists of command-line values (`--mode`, `--to`, `--risk`,
//! `--az-event-scope`, `--sort`).
//!
//! A clap `ValueEnum` derive would need a CLI copy of each enum, and the copy could drift from
//! the library's. Instead each library enum is a [`Choice`] here: its list of variants (the
//! library's own `ALL` where it has one), its command-line spelling and its `--help` line, both
//! exhaustive matches, and [`parser`] turns that into the argument's value parser. A variant
//! added to the library fails to compile here until it has a help line, and the parsed value
//! is the library enum itself.

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use fleetopt::instances::listing::SortKey;
use fleetopt::solver::export::Target;
use fleetopt::solver::pareto::RiskAxis;
use fleetopt::solver::request::Mode;
use fleetopt::solver::simulate::AzEventScope;

/// A library enum offered on the command line as a closed list of values.
pub trait Choice: Copy + Send + Sync + 'static {
    /// Every value, in the order `--help` and error messages list them.
    const ALL: &'static [Self];

    /// The command-line spelling.
    fn name(self) -> &'static str;

    /// What `--help` says about the value.
    fn help(self) -> &'static str;
}

/// The value parser of a [`Choice`] argument: accepts exactly the spellings of `T::ALL` (clap
/// lists them and suggests the closest on a typo) and yields the library value.
pub fn parser<T: Choice>() -> impl TypedValueParser<Value = T> {
    PossibleValuesParser::new(
        T::ALL
            .iter()
            .map(|value| PossibleValue::new(value.name()).help(value.help())),
    )
    .try_map(|name: String| {
        T::ALL
            .iter()
            .copied()
            .find(|value| value.name() == name)
            .ok_or_else(|| format!("unknown value `{name}`"))
    })
}

impl Choice for Mode {
    const ALL: &'static [Mode] = &Mode::ALL;

    fn name(self) -> &'static str {
        self.as_str()
    }

    fn help(self) -> &'static str {
        match self {
            Mode::Aws => "What EC2 would do",
            Mode::Optimal => "What you should ask for (integer program)",
        }
    }
}

impl Choice for RiskAxis {
    const ALL: &'static [RiskAxis] = &RiskAxis::ALL;

    fn name(self) -> &'static str {
        match self {
            RiskAxis::ExpectedInterruptions => "interruptions",
            RiskAxis::WorstAzLoss => "worst-az-loss",
        }
    }

    fn help(self) -> &'static str {
        match self {
            RiskAxis::ExpectedInterruptions => "Expected spot interruptions per hour",
            RiskAxis::WorstAzLoss => "Share of the target lost with the worst AZ",
        }
    }
}

impl Choice for Target {
    const ALL: &'static [Target] = &Target::ALL;

    fn name(self) -> &'static str {
        self.as_str()
    }

    fn help(self) -> &'static str {
        match self {
            Target::Ec2Fleet => {
                "One `maintain` `aws ec2 create-fleet --cli-input-json` input: the plan's pools \
                 as overrides with weights and priorities"
            }
            Target::Ec2FleetExact => {
                "A JSON array of `instant` create-fleet inputs, one per allocation, exact counts"
            }
            Target::SpotFleet => "A Spot Fleet request config (`aws ec2 request-spot-fleet`)",
            Target::Asg => {
                "`aws autoscaling create-auto-scaling-group --cli-input-json` with a \
                 MixedInstancesPolicy"
            }
            Target::Karpenter => "A Karpenter NodePool (karpenter.sh/v1)",
        }
    }
}

impl Choice for AzEventScope {
    const ALL: &'static [AzEventScope] = &AzEventScope::ALL;

    fn name(self) -> &'static str {
        self.as_str()
    }

    fn help(self) -> &'static str {
        match self {
            AzEventScope::Spot => "Every spot instance in the AZ",
            AzEventScope::All => "Every instance in the AZ (an outage)",
        }
    }
}

impl Choice for SortKey {
    const ALL: &'static [SortKey] = &SortKey::ALL;

    fn name(self) -> &'static str {
        self.as_str()
    }

    fn help(self) -> &'static str {
        match self {
            SortKey::Name => "Instance type name",
            SortKey::Vcpus => "vCPUs, then name",
            SortKey::Memory => "Memory, then name",
            SortKey::OnDemandPrice => "On-demand price, then name",
            SortKey::SpotPrice => "Lowest spot price, then name",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The command line spells each value as the library displays it (or, for the risk axis,
    /// which the library never displays, as it did before).
    #[test]
    fn spellings_match_the_library() {
        for mode in Mode::ALL {
            assert_eq!(mode.name(), mode.to_string());
        }
        for target in Target::ALL {
            assert_eq!(target.name(), target.to_string());
        }
        for scope in AzEventScope::ALL {
            assert_eq!(scope.name(), scope.to_string());
        }
        let axes: Vec<&str> = RiskAxis::ALL.iter().map(|a| a.name()).collect();
        assert_eq!(axes, ["interruptions", "worst-az-loss"]);
    }

    #[test]
    fn every_spelling_parses_back_to_its_value() {
        fn round_trip<T: Choice + PartialEq + std::fmt::Debug>() {
            let command = clap::Command::new("test");
            for &value in T::ALL {
                let parsed = parser::<T>()
                    .parse_ref(&command, None, std::ffi::OsStr::new(value.name()))
                    .ok();
                assert_eq!(parsed, Some(value));
            }
            assert!(
                parser::<T>()
                    .parse_ref(&command, None, std::ffi::OsStr::new("nonsense"))
                    .is_err()
            );
        }
        round_trip::<Mode>();
        round_trip::<RiskAxis>();
        round_trip::<Target>();
        round_trip::<AzEventScope>();
        round_trip::<SortKey>();
    }
}
