#![no_main]
//! Fuzz target: `fleetopt_batch::sweep::Sweep::parse`, the sweep reader (TOML, JSON and YAML by the first byte). Any input must give a value or a typed error, never a panic.

use libfuzzer_sys::fuzz_target;

use fleetopt_solver::request::syntax::Syntax;

fuzz_target!(|data: &[u8]| {
    let Some((first, rest)) = data.split_first() else {
        return;
    };
    let syntax = match first % 3 {
        0 => Syntax::Toml,
        1 => Syntax::Json,
        _ => Syntax::Yaml,
    };
    if let Ok(text) = std::str::from_utf8(rest) {
        // No base file exists in this folder: a `base` names nothing and is an error.
        if let Ok(sweep) = fleetopt_batch::sweep::Sweep::parse(
            "sweep",
            text,
            syntax,
            std::path::Path::new("/nonexistent-fuzz-dir"),
            "sweep",
        ) {
            // The first and last scenarios of an accepted sweep must build.
            if !sweep.is_empty() {
                let _ = sweep.scenario(0);
                let _ = sweep.scenario(sweep.len() - 1);
            }
        }
    }
});
