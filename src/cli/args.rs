//! Command-line arguments (clap). Doc comments here are the `--help` text. Formats are the CLI's
//! own enums; values that are library enums (mode, export target, risk axis, AZ event scope,
//! listing order) parse straight into them through [`super::choice`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};
use fleetopt::instances::build::SOURCE_KINDS;
use fleetopt::instances::listing::SortKey;
use fleetopt::instances::select::Inclusion;
use fleetopt::instances::{Architecture, CpuManufacturer, PlacementStrategy};
use fleetopt::solver::export::Target;
use fleetopt::solver::pareto::RiskAxis;
use fleetopt::solver::request::Mode;
use fleetopt::solver::simulate::AzEventScope;

use super::catalog::one_of;
use super::choice::{Choice, parser};

/// Every risk axis's spelling: the default of `--risk`.
fn every_risk_axis() -> Vec<&'static str> {
    RiskAxis::ALL.map(Choice::name).to_vec()
}

// `--help` lines that list a library enum's values are built from its `ALL`, so the list
// cannot drift from what the flag accepts (the doc comment above each such field is for
// rustdoc; clap takes the `help = …` text).

fn arch_help() -> String {
    let names = Architecture::ALL.map(Architecture::as_str);
    format!("Architecture ({}); repeatable", names.join(", "))
}

fn cpu_help() -> String {
    let names = CpuManufacturer::ALL.map(CpuManufacturer::as_str);
    format!("CPU manufacturer ({}); repeatable", names.join(", "))
}

fn placement_help() -> String {
    let names = PlacementStrategy::ALL.map(PlacementStrategy::as_str);
    format!(
        "Only types that support this placement strategy ({})",
        names.join(", ")
    )
}

fn inclusion_help(what: &str) -> String {
    format!(
        "{what} types: {} (default: {})",
        one_of(&Inclusion::ALL.map(Inclusion::as_str)),
        Inclusion::Included
    )
}

fn source_date_help() -> String {
    format!(
        "The data date of an input, as `KIND=YYYY-MM-DD` (kinds: {}); repeatable",
        SOURCE_KINDS.join(", ")
    )
}

/// Plan EC2 fleets: what AWS would hand you, and what you should ask for.
#[derive(Debug, Parser)]
#[command(
    name = "fleetopt",
    version = concat!(env!("CARGO_PKG_VERSION"), " (", env!("FLEETOPT_COMMIT"), ")"),
    about,
    long_about = None
)]
pub struct Cli {
    /// No progress bars, notes or summaries on stderr; errors and warnings are still printed.
    #[arg(long, short, global = true)]
    pub quiet: bool,
    /// The largest input file read, bytes (files, devices and FIFOs alike; default 64 MiB).
    #[arg(long, global = true, value_name = "BYTES", default_value_t = fleetopt::instances::read::DEFAULT_MAX_INPUT_SIZE)]
    pub max_input_size: u64,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Top-level commands.
// Parsed once per process; boxing variants would only add noise to every match.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Build, inspect and query instance-type catalogues.
    #[command(subcommand)]
    Catalog(CatalogCommand),
    /// Plan a fleet request: what you should ask for (`--mode optimal`, the native default) or
    /// what EC2 would hand you (`--mode aws`, the default for AWS request forms).
    Solve(SolveArgs),
    /// Every spot strategy side by side, aws mode against optimal mode, for one request.
    Compare(CompareArgs),
    /// Check a plan against its request and the catalogue.
    Verify(VerifyArgs),
    /// The exact cost–risk front of a request, with each strategy's aws-mode plan and the
    /// optimal plan that dominates it.
    Pareto(ParetoArgs),
    /// Export a plan as an EC2 Fleet, Spot Fleet, Auto Scaling group or Karpenter NodePool.
    Export(ExportArgs),
    /// Monte Carlo interruption simulation of a plan over a horizon.
    Simulate(SimulateArgs),
    /// Solve many scenarios (JSON Lines or a sweep file) in parallel, journaled and resumable.
    Batch(BatchArgs),
    /// Join the outputs of `batch --shard K/N` runs into the bytes a single run gives.
    Merge(MergeArgs),
    /// A shell completion script on stdout, e.g. `fleetopt completions bash > ~/.local/share/bash-completion/completions/fleetopt`.
    Completions(CompletionsArgs),
    /// The manual page (roff, from these same definitions) on stdout: `fleetopt man | man -l -`.
    Man(ManArgs),
}

/// `fleetopt man [COMMAND]`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// A command's own page, with all its options (`solve`, `batch`, …; `catalog build` as
    /// `catalog-build`); without it, the top-level page listing every command.
    pub command: Option<String>,
    /// Write the document to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `fleetopt completions SHELL`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
    /// Write the document to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Plan output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlanFormat {
    /// A summary and a table for people.
    Table,
    /// `fleetopt.plan/v1` JSON.
    Json,
    /// The same as YAML.
    Yaml,
}

/// Comparison output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompareFormat {
    /// Aligned columns for people.
    Table,
    /// A JSON array, one entry per strategy.
    Json,
}

/// `fleetopt solve`
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// The request: native TOML/JSON/YAML, or an EC2 Fleet, Spot Fleet or ASG JSON.
    pub request: PathBuf,
    #[command(flatten)]
    pub request_inputs: RequestInputs,
    #[command(flatten)]
    pub source: CatalogSource,
    /// Solve in this mode instead of the request's.
    #[arg(long, value_parser = parser::<Mode>())]
    pub mode: Option<Mode>,
    /// Use this spot allocation strategy (either spelling, e.g. priceCapacityOptimized or
    /// price-capacity-optimized).
    #[arg(long, value_name = "STRATEGY")]
    pub strategy: Option<String>,
    /// Plan in this region (AWS request forms carry none).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: PlanFormat,
    /// Write the plan to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Report the solver time as 0, so equal inputs give byte-identical output.
    #[arg(long)]
    pub no_timing: bool,
}

/// `fleetopt compare`
#[derive(Debug, Args)]
pub struct CompareArgs {
    /// The request.
    pub request: PathBuf,
    #[command(flatten)]
    pub request_inputs: RequestInputs,
    #[command(flatten)]
    pub source: CatalogSource,
    /// Plan in this region (AWS request forms carry none).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: CompareFormat,
    /// Draw cost/hour against risk for every strategy, each aws-mode plan joined to the optimal
    /// plan that dominates it, as an SVG.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// The risk axes of the plot, one panel each (comma-separated).
    #[arg(long, value_parser = parser::<RiskAxis>(), value_delimiter = ',',
          default_values = every_risk_axis())]
    pub risk: Vec<RiskAxis>,
    /// Write the document to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `fleetopt pareto`
#[derive(Debug, Args)]
pub struct ParetoArgs {
    /// The request.
    pub request: PathBuf,
    #[command(flatten)]
    pub request_inputs: RequestInputs,
    #[command(flatten)]
    pub source: CatalogSource,
    /// Plan in this region (AWS request forms carry none).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// How to find the front: `exact` walks it point by point (ε-constraint: every
    /// non-dominated plan); `weights` sweeps the loss per interruption of optimal
    /// priceCapacityOptimized (only the points of the front's convex hull).
    #[arg(long, value_enum, default_value = "exact")]
    pub method: FrontMethod,
    /// `--method weights`: hours of an instance's price lost per interruption to sweep
    /// (comma-separated; default 0 and the powers of 4 from 1 to 1048576).
    #[arg(long, value_name = "HOURS", value_delimiter = ',')]
    pub loss_hours: Vec<f64>,
    /// `--method exact`: solve at most this many times per front; a front whose gaps are not
    /// all closed by then says it is incomplete.
    #[arg(long, value_name = "N", default_value_t = 30)]
    pub max_points: usize,
    /// The risk axes, one front (and one panel of the plot) each (comma-separated).
    #[arg(long, value_parser = parser::<RiskAxis>(), value_delimiter = ',',
          default_values = every_risk_axis())]
    pub risk: Vec<RiskAxis>,
    /// Draw the fronts as an SVG to this file.
    #[arg(long, value_name = "FILE.svg")]
    pub plot: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: CompareFormat,
    /// Write the document to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// How `fleetopt pareto` finds the front.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FrontMethod {
    /// Every non-dominated plan, by the ε-constraint walk.
    Exact,
    /// A sweep of risk weights: the convex hull's points only.
    Weights,
}

/// `fleetopt verify`
#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// A plan in `fleetopt.plan/v1` JSON.
    pub plan: PathBuf,
    /// The request the plan answers.
    #[arg(long, value_name = "FILE")]
    pub request: PathBuf,
    #[command(flatten)]
    pub request_inputs: RequestInputs,
    #[command(flatten)]
    pub source: CatalogSource,
}

/// Export output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// JSON (the default for AWS targets).
    Json,
    /// YAML (the default for karpenter).
    Yaml,
}

/// `fleetopt export`
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// A plan in `fleetopt.plan/v1` JSON (`fleetopt solve --format json`).
    pub plan: PathBuf,
    #[command(flatten)]
    pub source: CatalogSource,
    /// The request the plan answers: supplies InstancePoolsToUseCount, budgets and the ASG
    /// On-Demand base/percentage, which a plan does not record.
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,
    /// What to export as.
    #[arg(long, value_parser = parser::<Target>())]
    pub to: Target,
    /// Output format (default: YAML for karpenter, JSON otherwise).
    #[arg(long, value_enum)]
    pub format: Option<ExportFormat>,
    /// Launch template name in LaunchTemplateSpecification.
    #[arg(long, value_name = "NAME", default_value = "fleetopt-lt")]
    pub launch_template_name: String,
    /// Launch template version in LaunchTemplateSpecification.
    #[arg(long, value_name = "VERSION", default_value = "$Latest")]
    pub launch_template_version: String,
    /// Spot Fleet IamFleetRole ARN (default: AWS's documentation account, to be replaced).
    #[arg(long, value_name = "ARN")]
    pub iam_fleet_role: Option<String>,
    /// AutoScalingGroupName.
    #[arg(long, value_name = "NAME", default_value = "fleetopt-asg")]
    pub asg_name: String,
    /// ASG MinSize (default: the desired capacity).
    #[arg(long, value_name = "N")]
    pub min_size: Option<u64>,
    /// ASG MaxSize (default: the desired capacity).
    #[arg(long, value_name = "N")]
    pub max_size: Option<u64>,
    /// Karpenter NodePool name.
    #[arg(long, value_name = "NAME", default_value = "fleetopt")]
    pub node_pool_name: String,
    /// The Karpenter EC2NodeClass the NodePool refers to.
    #[arg(long, value_name = "NAME", default_value = "default")]
    pub node_class: String,
    /// Keep the request's flexibility (its launch template, subnets and every override type)
    /// instead of shrinking the document to the planned pools (ec2-fleet and spot-fleet; needs
    /// --request). The notes say what AWS would launch for it.
    #[arg(long, requires = "request")]
    pub keep_flexibility: bool,
    /// Write the document to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Simulation output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SimulateFormat {
    /// A summary and tables for people.
    Table,
    /// `fleetopt.simulation/v1` JSON.
    Json,
}

/// `fleetopt simulate`
#[derive(Debug, Args)]
pub struct SimulateArgs {
    /// A plan in `fleetopt.plan/v1` JSON (`fleetopt solve --format json`).
    pub plan: PathBuf,
    #[command(flatten)]
    pub source: CatalogSource,
    /// The request the plan answers: its `[risk]` hazard model, platform and candidate pools
    /// (for replacements). Without it: the default hazard model and the plan's own pools.
    #[arg(long, value_name = "FILE")]
    pub request: Option<PathBuf>,
    /// Horizon in hours.
    #[arg(long, value_name = "H", default_value_t = 24.0)]
    pub hours: f64,
    /// Number of trials.
    #[arg(long, value_name = "N", default_value_t = 1000)]
    pub trials: u32,
    /// Seed; the same seed gives the same report on any machine and thread count.
    #[arg(long, value_name = "S", default_value_t = 1)]
    pub seed: u64,
    /// Step length in minutes.
    #[arg(long, value_name = "MIN", default_value_t = 5.0)]
    pub step_minutes: f64,
    /// Minutes from a loss to its replacement running (at least one step).
    #[arg(long, value_name = "MIN", default_value_t = 5.0)]
    pub launch_delay_minutes: f64,
    /// Minutes a pool or AZ that lost instances is not used for replacements.
    #[arg(long, value_name = "MIN", default_value_t = 60.0)]
    pub cooldown_minutes: f64,
    /// Share of a pool's instances one interruption event reclaims (each independently), (0, 1].
    #[arg(long, value_name = "F", default_value_t = 1.0)]
    pub reclaim_fraction: f64,
    /// Multiply every spot hazard by this (stress test).
    #[arg(long, value_name = "X", default_value_t = 1.0)]
    pub hazard_scale: f64,
    /// AZ events per AZ per hour (0 = none).
    #[arg(long, value_name = "RATE", default_value_t = 0.0)]
    pub az_event_rate: f64,
    /// What an AZ event reclaims.
    #[arg(long, value_parser = parser::<AzEventScope>(), default_value = "spot")]
    pub az_event_scope: AzEventScope,
    /// Do not replace lost capacity (a one-shot fleet instead of `maintain`).
    #[arg(long)]
    pub no_replenish: bool,
    /// Launch On-Demand when no spot pool can take a replacement.
    #[arg(long)]
    pub on_demand_fallback: bool,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: SimulateFormat,
    /// Worker threads (default: one per core; at most 4 per available core); the report does
    /// not depend on it.
    #[arg(short = 'j', long, value_name = "N")]
    pub jobs: Option<usize>,
    /// The most work a run may do, trials × steps × pools, checked before the first trial.
    #[arg(long, value_name = "N", default_value_t = fleetopt::solver::simulate::DEFAULT_MAX_WORK)]
    pub max_work: f64,
    /// Write the document to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `fleetopt catalog …`
// Parsed once per process; boxing variants would only add noise to every match.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Subcommand)]
pub enum CatalogCommand {
    /// Join AWS outputs (describe-instance-types, offerings, spot prices, Spot Advisor, placement
    /// scores, on-demand prices, zones) into one catalogue file.
    Build(BuildArgs),
    /// List instance types with specs, prices and interruption buckets, filtered like
    /// EC2 attribute-based selection.
    List(ListArgs),
    /// Show one instance type: its specs and every capacity pool.
    Show(ShowArgs),
    /// Show where a catalogue's data came from, its date, and what it holds.
    Info(InfoArgs),
}

/// What an AWS request form cannot say by itself, given beside it.
#[derive(Debug, Default, Args)]
pub struct RequestInputs {
    /// `aws ec2 describe-subnets` output: maps the request's `SubnetId` and
    /// `VPCZoneIdentifier` subnets to their AZ IDs.
    #[arg(long, value_name = "FILE")]
    pub subnets: Option<PathBuf>,
    /// `aws ec2 describe-availability-zones` output of your account: maps the AZ names the
    /// request gives to AZ IDs with your account's mapping instead of the catalogue's.
    #[arg(long, value_name = "FILE")]
    pub zones: Option<PathBuf>,
    /// `aws ec2 describe-launch-template-versions` output: the launch templates an AWS form
    /// names give their instance type or InstanceRequirements (configs without overrides),
    /// their Placement zone and their tenancy (dedicated and host are refused).
    #[arg(long, value_name = "FILE", conflicts_with = "launch_template_type")]
    pub launch_template: Option<PathBuf>,
    /// The instance type of the launch template an AWS form names, for launch-template
    /// configs without overrides (EC2 Fleet Examples 1–3).
    #[arg(long, value_name = "TYPE")]
    pub launch_template_type: Option<String>,
    /// `aws ec2 describe-capacity-reservations` output: Capacity Reservations the account
    /// holds. Open, active ones of the request's platform cover On-Demand instances of their
    /// type and AZ (and `use-capacity-reservations-first` fills them first); repeatable.
    #[arg(long, value_name = "FILE")]
    pub capacity_reservations: Vec<PathBuf>,
    /// `aws ec2 describe-reserved-instances` output: Reserved Instances the account holds.
    /// Active zonal RIs cover instances of their type in their AZ, regional RIs of their type
    /// in any AZ; repeatable.
    #[arg(long, value_name = "FILE")]
    pub reserved_instances: Vec<PathBuf>,
    /// `aws savingsplans describe-savings-plans` output: Savings Plans the account holds. Each
    /// active plan bills On-Demand instance-hours at its rates (give them with
    /// `--savings-plan-rates`) up to its hourly commitment, after the Reserved Instances;
    /// repeatable.
    #[arg(long, value_name = "FILE")]
    pub savings_plans: Vec<PathBuf>,
    /// `aws savingsplans describe-savings-plan-rates --savings-plan-id ID` output: one plan's
    /// rates; repeatable, one file per plan.
    #[arg(long, value_name = "FILE", requires = "savings_plans")]
    pub savings_plan_rates: Vec<PathBuf>,
}

/// Which catalogue to use.
#[derive(Debug, Args)]
pub struct CatalogSource {
    /// A fleetopt catalogue file (default: the embedded catalogue).
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
}

/// `fleetopt catalog build`
#[derive(Debug, Args)]
pub struct BuildArgs {
    /// `aws ec2 describe-instance-types` output (API form or keyed by type).
    #[arg(long, value_name = "FILE")]
    pub instance_types: PathBuf,
    /// `aws ec2 describe-instance-type-offerings` output (by AZ ID or AZ name); repeatable.
    #[arg(long, value_name = "FILE")]
    pub offerings: Vec<PathBuf>,
    /// `aws ec2 describe-spot-price-history` output: observed spot prices (latest wins); repeatable.
    #[arg(long, value_name = "FILE")]
    pub spot_prices: Vec<PathBuf>,
    /// The Spot Advisor feed, `spot-advisor-data.json` (interruption buckets and savings).
    #[arg(long, value_name = "FILE")]
    pub advisor: Option<PathBuf>,
    /// `aws ec2 get-spot-placement-scores` output; repeatable (later files win).
    #[arg(long, value_name = "FILE")]
    pub placement_scores: Vec<PathBuf>,
    /// AWS's Price List bulk offer file for EC2 (`AmazonEC2`, JSON or CSV): its shared-tenancy
    /// On-Demand prices; repeatable (later files override earlier ones, and
    /// `--on-demand-prices` files override them all). Its data date is its `publicationDate`.
    #[arg(long, value_name = "FILE")]
    pub price_list: Vec<PathBuf>,
    /// On-demand prices: CSV `instance_type,region,price_per_hour[,operating_system]` or the
    /// same as a JSON array; repeatable (later files override earlier ones).
    #[arg(long, value_name = "FILE")]
    pub on_demand_prices: Vec<PathBuf>,
    /// `aws ec2 describe-availability-zones` output (maps AZ names to AZ IDs); repeatable.
    #[arg(long, value_name = "FILE")]
    pub zones: Vec<PathBuf>,
    /// Keep only these regions (default: every region the offerings mention); repeatable.
    #[arg(long, value_name = "REGION")]
    pub region: Vec<String>,
    /// Platforms to build pools for (default: Linux/UNIX); repeatable.
    #[arg(long, value_name = "PLATFORM")]
    pub platform: Vec<String>,
    /// Estimate missing spot prices as on-demand × (1 − Spot Advisor savings %).
    #[arg(long)]
    pub estimate_spot: bool,
    /// A describe-spot-price-history file used only to shape spot estimates per AZ; repeatable.
    #[arg(long, value_name = "FILE", requires = "estimate_spot")]
    pub shape_spot_history: Vec<PathBuf>,
    /// Estimate missing on-demand prices from this region's prices × a regional ratio.
    #[arg(long, value_name = "REGION")]
    pub estimate_on_demand_from: Option<String>,
    /// A title recorded in the catalogue.
    #[arg(long, value_name = "TEXT")]
    pub title: Option<String>,
    /// The data date of an input, as `KIND=YYYY-MM-DD` (kinds: `SOURCE_KINDS`); repeatable.
    #[arg(long, value_name = "KIND=DATE", help = source_date_help())]
    pub source_date: Vec<String>,
    /// The catalogue file to write (written atomically).
    #[arg(short, long, value_name = "FILE")]
    pub output: PathBuf,
}

/// Output formats for listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// Aligned columns for people.
    Table,
    /// A JSON array.
    Json,
    /// CSV with a header.
    Csv,
}

/// `fleetopt catalog list`
#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub source: CatalogSource,
    /// Region whose offerings and prices to show (default: us-east-1 if present, else the
    /// catalogue's first region).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// vCPUs: `N`, `A..B`, `A..` or `..B`.
    #[arg(long, value_name = "A[..B]")]
    pub vcpus: Option<String>,
    /// Memory in GiB: `N`, `A..B`, `A..` or `..B`.
    #[arg(long, value_name = "A[..B]")]
    pub memory_gib: Option<String>,
    /// Architecture (`Architecture::ALL`); repeatable.
    #[arg(long, value_name = "ARCH", help = arch_help())]
    pub arch: Vec<String>,
    /// GPUs: `N`, `A..B`, `A..` or `..B`.
    #[arg(long, value_name = "A[..B]")]
    pub gpus: Option<String>,
    /// CPU manufacturer (`CpuManufacturer::ALL`); repeatable.
    #[arg(long, value_name = "NAME", help = cpu_help())]
    pub cpu: Vec<String>,
    /// Only types matching this AWS wildcard pattern (`m5.*`, `c5*`, `*3*`); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub allow: Vec<String>,
    /// Drop types matching this AWS wildcard pattern; repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Only types that support this placement strategy (`PlacementStrategy::ALL`).
    #[arg(long, value_name = "STRATEGY", help = placement_help())]
    pub placement: Option<String>,
    /// Burstable (T) types: an `Inclusion` (default: included).
    #[arg(long, value_name = "MODE", help = inclusion_help("Burstable (T)"))]
    pub burstable: Option<String>,
    /// Bare-metal types: an `Inclusion` (default: included).
    #[arg(long, value_name = "MODE", help = inclusion_help("Bare-metal"))]
    pub bare_metal: Option<String>,
    /// Only current-generation types.
    #[arg(long)]
    pub current_generation: bool,
    /// Total accelerator (GPU) memory per instance in GiB: `N`, `A..B`, `A..` or `..B`
    /// (InstanceRequirements `AcceleratorTotalMemoryMiB`).
    #[arg(long, value_name = "A[..B]")]
    pub gpu_memory_gib: Option<String>,
    /// Accelerator manufacturer in AWS's spelling (`nvidia`, `amd`, `amazon-web-services`,
    /// `xilinx`, `habana`); repeatable.
    #[arg(long, value_name = "NAME")]
    pub gpu_manufacturer: Vec<String>,
    /// Accelerator model in AWS's spelling (`t4`, `a10g`, `h100`, `inferentia2`, …);
    /// repeatable.
    #[arg(long, value_name = "NAME")]
    pub gpu_model: Vec<String>,
    /// Network bandwidth in Gbit/s (baseline, as InstanceRequirements `NetworkBandwidthGbps`):
    /// `N`, `A..B`, `A..` or `..B`.
    #[arg(long, value_name = "A[..B]")]
    pub network_gbps: Option<String>,
    /// Network performance label, as AWS prints it (`25 Gigabit`, `Up to 10 Gigabit`);
    /// case-insensitive, exact.
    #[arg(long, value_name = "LABEL")]
    pub network_performance: Option<String>,
    /// Only types with an Elastic Fabric Adapter.
    #[arg(long)]
    pub efa: bool,
    /// Instance storage: an `Inclusion` (`included`, `required`, `excluded`).
    #[arg(long, value_name = "MODE", help = inclusion_help("Instance storage"))]
    pub local_storage: Option<String>,
    /// Instance storage disk type (`ssd`, `hdd`); repeatable.
    #[arg(long, value_name = "TYPE")]
    pub disk_type: Vec<String>,
    /// Total instance storage in GB: `N`, `A..B`, `A..` or `..B`.
    #[arg(long, value_name = "A[..B]")]
    pub local_storage_gb: Option<String>,
    /// Memory per vCPU in GiB (the vCPU-to-memory ratio): `N`, `A..B`, `A..` or `..B`.
    #[arg(long, value_name = "A[..B]")]
    pub memory_per_vcpu: Option<String>,
    /// Only types sold in this market (usage class): `spot` or `on-demand`.
    #[arg(long, value_name = "MARKET")]
    pub usage_class: Option<String>,
    /// The cheapest On-Demand price in the region, USD/hour: `A..B`, `A..` or `..B`.
    #[arg(long, value_name = "A[..B]")]
    pub on_demand_price: Option<String>,
    /// The cheapest Spot price in the region, USD/hour: `A..B`, `A..` or `..B`.
    #[arg(long, value_name = "A[..B]")]
    pub spot_price: Option<String>,
    /// Only types offered in this AZ ID (`use1-az4`), priced or not; repeatable (any of them).
    #[arg(long, value_name = "AZ_ID")]
    pub zone: Vec<String>,
    /// Only types that support hibernation.
    #[arg(long)]
    pub hibernation: bool,
    /// At most this many rows, after sorting.
    #[arg(long, value_name = "N")]
    pub max_results: Option<usize>,
    /// Read the attributes from an AWS `InstanceRequirements` JSON file (what
    /// `aws ec2 get-instance-types-from-instance-requirements` takes, bare or as its
    /// `--cli-input-json`) instead of the attribute flags, and apply AWS's price protection to
    /// the matches as a fleet would (prices per instance-hour); the types it leaves out are
    /// named on stderr.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["vcpus", "memory_gib", "arch", "gpus", "cpu", "allow", "placement", "burstable", "bare_metal", "current_generation", "gpu_memory_gib", "gpu_manufacturer", "gpu_model", "network_gbps", "local_storage", "disk_type", "local_storage_gb", "memory_per_vcpu"]
    )]
    pub requirements: Option<std::path::PathBuf>,
    /// Sort order.
    #[arg(long, value_parser = parser::<SortKey>(), default_value = "name")]
    pub sort: SortKey,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
    /// Write the document to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `fleetopt catalog show`
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Instance type, e.g. `m5.large`.
    pub instance_type: String,
    #[command(flatten)]
    pub source: CatalogSource,
    /// Only this region's pools.
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Write the document to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `fleetopt catalog info`
#[derive(Debug, Args)]
pub struct InfoArgs {
    #[command(flatten)]
    pub source: CatalogSource,
    /// Write the document to this file (atomically) instead of stdout.
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// `fleetopt batch`
#[derive(Debug, Args)]
pub struct BatchArgs {
    /// Scenarios: JSON Lines (`*.jsonl`, `*.ndjson`), one `{"id": …, "request": {…}}` or
    /// `{"id": …, "request_file": "req.toml"}` a line, or a sweep file (`*.toml`, `*.json`,
    /// `*.yaml`).
    pub file: PathBuf,
    /// Write the results here (atomically; journaled in `F.jsonl.journal` while running) instead of
    /// stdout.
    #[arg(short, long, value_name = "F.jsonl")]
    pub output: Option<PathBuf>,
    /// Worker threads (default: one per core; at most 4 per available core).
    #[arg(short = 'j', long = "jobs", value_name = "N")]
    pub jobs: Option<usize>,
    /// Continue an interrupted run from its journal (starts afresh when there is none).
    #[arg(long, requires = "output")]
    pub resume: bool,
    /// Run only shard K of N (0-based: 0/4 … 3/4), a contiguous slice of the scenarios.
    #[arg(long, value_name = "K/N", conflicts_with = "shard_from_env")]
    pub shard: Option<String>,
    /// Take the shard from AWS_BATCH_JOB_ARRAY_INDEX/_SIZE (AWS Batch array jobs) or
    /// JOB_COMPLETION_INDEX (Kubernetes Indexed Jobs, with --shards N or FLEETOPT_SHARDS).
    #[arg(long)]
    pub shard_from_env: bool,
    /// The number of shards, for --shard-from-env (Kubernetes: the Job's completions).
    #[arg(long, value_name = "N", requires = "shard_from_env")]
    pub shards: Option<u64>,
    /// Also write a CSV summary (one row per scenario).
    #[arg(long, value_name = "F.csv")]
    pub summary: Option<PathBuf>,
    /// The catalogue for scenarios that name none (default: the embedded catalogue).
    #[arg(long, value_name = "FILE")]
    pub catalog: Option<PathBuf>,
    /// Scenarios read and prepared together (bounds memory; with stdout output, lines are
    /// written a chunk at a time).
    #[arg(long, value_name = "N", default_value_t = 256)]
    pub chunk_size: usize,
    /// The most scenarios one run (or shard) may have, checked before any work.
    #[arg(long, value_name = "N", default_value_t = fleetopt::batch::runner::DEFAULT_MAX_SCENARIOS)]
    pub max_scenarios: u64,
}

/// `fleetopt merge`
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The shard outputs (`batch --shard K/N -o F`), in any order.
    #[arg(required = true, value_name = "SHARD_OUTPUT")]
    pub shards: Vec<PathBuf>,
    /// The merged output (written atomically).
    #[arg(short, long, value_name = "F.jsonl")]
    pub output: PathBuf,
}
