//! Arbitrary bytes as an upload: the decoder must refuse or decode, never panic, and stay within
//! its limits (small ones here, so the fuzzer explores headers rather than big allocations).
#![no_main]

use kycd_analysis::decode::{DecodeLimits, decode};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|bytes: &[u8]| {
    let limits = DecodeLimits { max_bytes: 1 << 20, max_side: 2_000, max_pixels: 1_000_000 };
    if let Ok(image) = decode(bytes, &limits) {
        assert!(image.width() <= limits.max_side && image.height() <= limits.max_side);
        assert!(u64::from(image.width()) * u64::from(image.height()) <= limits.max_pixels);
    }
});
