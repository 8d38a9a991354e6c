#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| concord::fuzzing::register_csv(data));
