//! Arbitrary text as recognised MRZ lines: split on newlines, read as a zone. Any input must give
//! a reading or an error, never a panic; a reading's lines keep the format's shape.
#![no_main]

use kycd_analysis::mrz::{MrzFormat, read};
use libfuzzer_sys::fuzz_target;
use time::macros::date;

fuzz_target!(|bytes: &[u8]| {
    let text = String::from_utf8_lossy(bytes);
    let lines: Vec<&str> = text.split('\n').collect();
    if let Ok(reading) = read(&lines, date!(2026 - 06 - 01)) {
        assert_eq!(reading.lines.len(), reading.format.line_count());
        assert!(reading.lines.iter().all(|l| l.chars().count() == reading.format.line_length()));
        assert!(matches!(reading.format, MrzFormat::Td1 | MrzFormat::Td2 | MrzFormat::Td3));
    }
});
