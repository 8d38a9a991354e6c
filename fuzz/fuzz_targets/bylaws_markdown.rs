#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| concord::fuzzing::bylaws_markdown(data));
