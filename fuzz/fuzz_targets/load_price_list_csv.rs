#![no_main]
//! Fuzz target: `fleetopt_instances::load::price_list::parse`. Any input must give a value or a typed error, never a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = fleetopt_instances::load::price_list::parse("input.csv", text);
    }
});
