//! `fleetopt export`: a plan file in, an AWS or Karpenter document out (the library's
//! [`fleetopt::solver::export`] does the work). The document goes to stdout or `-o FILE`; what
//! the target cannot express goes to stderr as `note:` lines, so the document stays clean for
//! `aws … --cli-input-json` or `kubectl apply`.

use fleetopt::solver::export::{self, ExportOptions, Target};

use super::args::{ExportArgs, ExportFormat};
use super::output::{print, write_atomically};
use super::{Failure, inputs};

pub fn export(args: &ExportArgs) -> Result<(), Failure> {
    let plan = inputs::plan(&args.plan)?;
    let catalog = inputs::catalog(&args.source)?;
    let request = args.request.as_deref().map(inputs::request).transpose()?;
    let target = args.to;
    let defaults = ExportOptions::default();
    let options = ExportOptions {
        launch_template_name: args.launch_template_name.clone(),
        launch_template_version: args.launch_template_version.clone(),
        iam_fleet_role: args
            .iam_fleet_role
            .clone()
            .unwrap_or(defaults.iam_fleet_role),
        asg_name: args.asg_name.clone(),
        asg_min_size: args.min_size,
        asg_max_size: args.max_size,
        node_pool_name: args.node_pool_name.clone(),
        node_class_name: args.node_class.clone(),
        keep_flexibility: args.keep_flexibility,
    };
    let exported =
        export::export(&plan, request.as_ref(), &catalog, target, &options).map_err(|e| {
            Failure::new(
                e.class(),
                format!("{}: cannot export as {target}: {e}", args.plan.display()),
            )
        })?;
    let format = args.format.unwrap_or(match target {
        Target::Karpenter => ExportFormat::Yaml,
        _ => ExportFormat::Json,
    });
    let text = match format {
        ExportFormat::Json => exported.to_json(),
        ExportFormat::Yaml => exported
            .to_yaml()
            .map_err(|e| Failure::new(e.class(), format!("{}: {e}", args.plan.display())))?,
    };
    for note in &exported.notes {
        super::output::status(&format!(
            "note: {}",
            fleetopt::instances::escape::escape_controls(&note.to_string())
        ));
    }
    match &args.output {
        Some(path) => write_atomically(path, text.as_bytes()),
        None => print(&text),
    }
}
