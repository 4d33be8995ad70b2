#![no_main]
//! Fuzz target: the request reader on JSON: native, and the EC2 Fleet, Spot Fleet and ASG forms by their keys. Any input must give a value or a typed error, never a panic.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = fleetopt_solver::request::read("request.json", text);
    }
});
