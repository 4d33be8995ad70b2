#![no_main]
//! Fuzz target: `fleetopt_instances::load::savings_plans::parse`. Any input must give a value or a typed error, never a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = fleetopt_instances::load::savings_plans::parse("input.json", text);
    }
});
