//! Command-line arguments (clap). Doc comments here are the `--help` text.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Plan EC2 fleets: what AWS would hand you, and what you should ask for.
#[derive(Debug, Parser)]
#[command(name = "fleetopt", version, about, long_about = None)]
pub struct Cli {
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

/// Solver modes on the command line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    /// What EC2 would do.
    Aws,
    /// What you should ask for (integer program).
    Optimal,
}

/// `fleetopt solve`
#[derive(Debug, Args)]
pub struct SolveArgs {
    /// The request: native TOML/JSON/YAML, or an EC2 Fleet, Spot Fleet or ASG JSON.
    pub request: PathBuf,
    #[command(flatten)]
    pub source: CatalogSource,
    /// Solve in this mode instead of the request's.
    #[arg(long, value_enum)]
    pub mode: Option<ModeArg>,
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
    pub source: CatalogSource,
    /// Plan in this region (AWS request forms carry none).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: CompareFormat,
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
    pub source: CatalogSource,
}

/// `fleetopt catalog …`
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
    /// The data date of an input, as `KIND=YYYY-MM-DD` (kinds: instance-types, offerings,
    /// spot-prices, advisor, placement-scores, on-demand-prices, zones, shape-spot-history);
    /// repeatable.
    #[arg(long, value_name = "KIND=DATE")]
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

/// Sort orders for `catalog list`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SortKey {
    /// Instance type name.
    Name,
    /// vCPUs, then name.
    Vcpus,
    /// Memory, then name.
    Memory,
    /// On-demand price, then name.
    OnDemandPrice,
    /// Lowest spot price, then name.
    SpotPrice,
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
    /// Architecture (x86_64, arm64, i386, x86_64_mac, arm64_mac); repeatable.
    #[arg(long, value_name = "ARCH")]
    pub arch: Vec<String>,
    /// GPUs: `N`, `A..B`, `A..` or `..B`.
    #[arg(long, value_name = "A[..B]")]
    pub gpus: Option<String>,
    /// CPU manufacturer (intel, amd, amazon-web-services, apple); repeatable.
    #[arg(long, value_name = "NAME")]
    pub cpu: Vec<String>,
    /// Only types matching this AWS wildcard pattern (`m5.*`, `c5*`, `*3*`); repeatable.
    #[arg(long, value_name = "GLOB")]
    pub allow: Vec<String>,
    /// Drop types matching this AWS wildcard pattern; repeatable.
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,
    /// Only types that support this placement strategy (cluster, partition, spread).
    #[arg(long, value_name = "STRATEGY")]
    pub placement: Option<String>,
    /// Burstable (T) types: included, required or excluded (default: included).
    #[arg(long, value_name = "MODE")]
    pub burstable: Option<String>,
    /// Bare-metal types: included, required or excluded (default: included).
    #[arg(long, value_name = "MODE")]
    pub bare_metal: Option<String>,
    /// Only current-generation types.
    #[arg(long)]
    pub current_generation: bool,
    /// Sort order.
    #[arg(long, value_enum, default_value = "name")]
    pub sort: SortKey,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: ListFormat,
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
}

/// `fleetopt catalog info`
#[derive(Debug, Args)]
pub struct InfoArgs {
    #[command(flatten)]
    pub source: CatalogSource,
}
